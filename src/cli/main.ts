// The command line: commander wiring only. Each command lives in commands/ and is imported
// lazily, so `warren --help` does not pay for ajv, amqplib or the planner.
import { Command, CommanderError } from 'commander';
import { EXIT_ERROR, exitCodeFor, reportFailure, type Outcome } from './exit.js';

const VERSION = '0.1.0';

export function buildProgram(run: (load: () => Promise<Outcome>) => Promise<void>): Command {
  const program = new Command('warren')
    .description('RabbitMQ topology as code: validate, plan and apply YAML specs')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  program
    .command('validate [paths...]')
    .description('check spec files offline: YAML, schema and semantic rules (default: the *.yaml/*.yml files of the current folder)')
    .action((paths: string[]) => run(async () => (await import('./commands/validate.js')).validateCommand(paths)));
  program
    .command('schema')
    .description('print the JSON Schema of the spec format (for editors)')
    .action(() => run(async () => (await import('./commands/schema.js')).schemaCommand()));
  void run;
  return program;
}

export async function main(argv: string[]): Promise<void> {
  let exitCode = 0;
  const run = async (load: () => Promise<Outcome>): Promise<void> => {
    try {
      exitCode = exitCodeFor(await load());
    } catch (err) {
      exitCode = reportFailure(err, (line) => process.stderr.write(`${line}\n`));
    }
  };
  const program = buildProgram(run);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      exitCode = err.exitCode === 0 ? 0 : EXIT_ERROR;
    } else {
      exitCode = reportFailure(err, (line) => process.stderr.write(`${line}\n`));
    }
  }
  process.exitCode = exitCode;
}
