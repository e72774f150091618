// The command line: commander wiring only. Each command lives in commands/ and is imported
// lazily, so `warren --help` does not pay for ajv, amqplib or the planner.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { WARREN_VERSION as VERSION } from '../version.js';
import { WarrenError } from '../errors.js';
import { namesSeveralTargets } from '../workflow/select-targets.js';
import { EXIT_ERROR, exitCodeFor, reportFailure, type Outcome } from './exit.js';
import { keepNurserySmall } from './heap-growth.js';
import { addInspectCommands } from './inspect-commands.js';

export function buildProgram(run: (load: () => Promise<Outcome>) => Promise<void>): Command {
  const program = new Command('warren')
    .description('RabbitMQ topology as code: validate, plan and apply YAML specs')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  program
    .command('validate [paths...]')
    .description('check spec files offline: YAML, schema and semantic rules (default: the *.yaml/*.yml files of the current folder)')
    .option('--for-version <version>', "also check what this RabbitMQ version refuses, ignores or deprecates (e.g. 4.0)")
    .addOption(new Option('--format <format>', 'text, or github: also annotations for GitHub Actions (the default there)').choices(['text', 'github']))
    .action((paths: string[], o: { forVersion?: string; format?: 'text' | 'github' }) => run(async () => (await import('./commands/validate.js')).validateCommand(paths, undefined, { forVersion: o.forVersion, format: o.format })));
  program
    .command('schema')
    .description('print the JSON Schema of the spec format (for editors)')
    .action(() => run(async () => (await import('./commands/schema.js')).schemaCommand()));
  const planCmd = connectionOptions(program.command('plan [paths...]'))
    .description('diff the spec against the broker and show what apply would change')
    .option('--live <definitions.json>', 'plan against an exported definitions file instead of a broker')
    .addOption(new Option('--format <format>', 'output format (github: annotations for GitHub Actions)').choices(['text', 'json', 'markdown', 'github']).default('text'))
    .option('--detailed-exitcode', 'exit 0 when there is nothing to do, 2 when there are changes, 1 on error')
    .option('-o, --out <plan.json>', 'also save the plan to this file, for `warren apply <plan.json>`');
  planCmd.action((paths: string[], o: CommandOptions) =>
    run(async () => {
      const options = { ...planRequest(paths, o), format: o.format as 'text' | 'json' | 'markdown' | 'github', detailedExitCode: o.detailedExitcode === true, output: o.out };
      if (namesSeveralTargets(o.target)) {
        if (o.live !== undefined) throw new WarrenError('E_USAGE', '--live plans against one definitions file: it cannot be combined with several targets');
        return (await import('./commands/targets.js')).planTargetsCommand({ ...options, targets: o.target as string });
      }
      return (await import('./commands/plan.js')).planCommand({ ...options, liveFile: o.live });
    }),
  );
  connectionOptions(program.command('apply [paths...]'))
    .description('lock the stack, plan, ask for confirmation, and apply the changes; or run a plan saved with `plan -o`')
    .option('--auto-approve', 'apply without asking (for CI, after the plan was reviewed)')
    .option('--allow-data-loss', 'allow deleting or replacing queues that hold messages (a replace then drops them instead of migrating)')
    .option('--no-migrate', "do not migrate the messages of queues the broker cannot change in place: refuse such replaces (or drop, with --allow-data-loss)")
    .option('--concurrency <n>', 'requests in flight at once (default: 128 for exchanges, queues and bindings over AMQP, 32 over the management API)', parseCount)
    .addOption(new Option('--lock-timeout <duration>', "how long the confirmation prompt may hold the stack's lock (e.g. 30s, 10m, 1h)").argParser(parseDuration).default(10 * 60_000, '10m'))
    .action((paths: string[], o: CommandOptions) =>
      run(async () => {
        const options = { ...planRequest(paths, o), autoApprove: o.autoApprove === true, allowDataLoss: o.allowDataLoss === true, migrate: o.migrate !== false, concurrency: o.concurrency, lockTimeoutMs: o.lockTimeout };
        if (namesSeveralTargets(o.target)) return (await import('./commands/targets.js')).applyTargetsCommand({ ...options, targets: o.target as string });
        return (await import('./commands/apply.js')).applyCommand(options);
      }),
    );
  program
    .command('export')
    .description('write the broker (or a definitions file) as a spec: one file, a folder (a file per vhost and users.yaml), or stdout')
    .option('--from <definitions.json>', 'read an exported definitions file instead of a broker')
    .option('--management <url>', 'management API URL (overrides WARREN_MANAGEMENT_URL)')
    .option('--amqp <url>', 'AMQP URL (overrides WARREN_AMQP_URL; not needed to export)')
    .option('--username <name>', 'user to connect as (overrides WARREN_USERNAME); the password comes from WARREN_PASSWORD')
    .option('--vhost <name>', 'export only this vhost (repeatable), with the users that have permissions in it', collect, [])
    .option('--stack <name>', 'the stack the exported spec names', 'exported')
    .option('--adopt', 'also record the exported objects as owned by --stack in the broker, so the first plan is exact (needs a broker, not --from)')
    .option('-o, --output <file|dir>', 'a .yaml/.yml file, or a folder; default stdout')
    .option('--for-version <version>', 'rewrite what this RabbitMQ version refuses (e.g. 4.0: mirroring keys, queue mode), listing each rewrite')
    .option('--quorum-for-mirrored', 'with --for-version 4.0: classic queues a mirroring policy covered become quorum queues')
    .action((o: ExportOptions) =>
      run(async () =>
        (await import('./commands/export.js')).exportCommand({
          env: process.env,
          connection: { management: o.management, amqp: o.amqp, username: o.username },
          from: o.from,
          vhosts: o.vhost,
          stack: o.stack,
          adopt: o.adopt === true,
          output: o.output,
          forVersion: o.forVersion,
          quorumForMirrored: o.quorumForMirrored === true,
        }),
      ),
    );
  program
    .command('render [paths...]')
    .description('write the spec as a definitions file for rabbitmqctl import_definitions or load_definitions (passwords as salted hashes)')
    .addOption(new Option('--format <format>', 'output format').choices(['definitions']).default('definitions'))
    .option('-o, --output <file>', 'write to this file; default stdout')
    .action((paths: string[], o: { format: string; output?: string }) =>
      run(async () => (await import('./commands/render.js')).renderCommand({ paths, env: process.env, format: o.format as 'definitions', output: o.output })),
    );
  addInspectCommands(program, run);
  return program;
}

interface ExportOptions {
  from?: string;
  management?: string;
  amqp?: string;
  username?: string;
  vhost: string[];
  stack: string;
  adopt?: boolean;
  output?: string;
  forVersion?: string;
  quorumForMirrored?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface CommandOptions {
  target?: string;
  management?: string;
  amqp?: string;
  username?: string;
  prune: string;
  live?: string;
  format?: string;
  detailedExitcode?: boolean;
  out?: string;
  autoApprove?: boolean;
  allowDataLoss?: boolean;
  migrate?: boolean;
  concurrency?: number;
  upgrade?: boolean;
  quorumForMirrored?: boolean;
  lockTimeout?: number;
}

/** The connection flags plan and apply share. A password is never a flag: see WARREN_PASSWORD. */
function connectionOptions(command: Command): Command {
  return command
    .option('--target <name>', "one of the spec's targets (default: the first), several (eu,us) or all: each planned concurrently, reported apart")
    .option('--management <url>', 'management API URL (overrides WARREN_MANAGEMENT_URL and the spec)')
    .option('--amqp <url>', 'AMQP URL (overrides WARREN_AMQP_URL and the spec)')
    .option('--username <name>', 'user to connect as (overrides WARREN_USERNAME); the password comes from WARREN_PASSWORD or the spec')
    .addOption(new Option('--prune <mode>', 'what to delete that the spec does not declare').choices(['none', 'managed', 'all']).default('managed'))
    .option('--upgrade', "rewrite what the target's RabbitMQ version refuses (a 3.x spec against 4.x: mirroring keys, queue mode) instead of refusing it; each rewrite is listed")
    .option('--quorum-for-mirrored', 'with --upgrade: classic queues a mirroring policy covered become quorum queues');
}

function planRequest(paths: string[], o: CommandOptions) {
  return {
    paths,
    env: process.env,
    connection: { target: o.target, management: o.management, amqp: o.amqp, username: o.username },
    prune: o.prune as 'none' | 'managed' | 'all',
    upgrade: o.upgrade === true || o.quorumForMirrored === true ? { quorumForMirrored: o.quorumForMirrored === true } : undefined,
  };
}

/** `30s`, `10m`, `1h`, or a number of seconds -> milliseconds. */
function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(value.trim());
  const ms = m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 's' | 'm' | 'h'] : NaN;
  if (!Number.isFinite(ms) || ms < 1000) throw new InvalidArgumentError('give a duration of at least 1s, such as 30s, 10m or 1h');
  return ms;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('give a whole number from 1 to 256');
  return n;
}

export async function main(argv: string[]): Promise<void> {
  keepNurserySmall();
  let exitCode = 0;
  // Node exits 0 when nothing is left to wait for, even if a command never finished (a promise
  // waiting on a connection that died without a word): that must not pass for success.
  let finished = false;
  process.exitCode = EXIT_ERROR;
  process.once('exit', () => {
    if (!finished) process.stderr.write('error E_INTERNAL: warren stopped before the command finished (a broker connection was lost?); run it again\n');
  });
  // `warren export | head`: the reader went away. Nothing more can be shown, and that is not a
  // crash: stop at once, without Node's unhandled-error trace (exit 1, as for any unfinished command).
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    finished = true;
    process.exit(EXIT_ERROR);
  });
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
  finished = true;
  process.exitCode = exitCode;
}
