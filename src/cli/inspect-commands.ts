// Commander wiring of the commands that look at a topology without changing it: lint, explain,
// route and graph. Kept apart from main.ts so that file stays small.
import { Command, Option } from 'commander';
import type { Outcome } from './exit.js';

type Run = (load: () => Promise<Outcome>) => Promise<void>;

interface InspectOptions {
  target?: string;
  management?: string;
  username?: string;
  live?: string;
  format?: string;
  header: string[];
  vhost: string[];
  output?: string;
  kind?: string;
  listRules?: boolean;
}

/** Where to read a broker from, when the command should look at one; nothing is ever written. */
const READ_OPTIONS: ReadonlyArray<readonly [flags: string, help: string]> = [
  ['--target <name>', "also read this spec target's broker (its objects count, and its version for version rules)"],
  ['--management <url>', 'also read the broker at this management URL (password: WARREN_PASSWORD)'],
  ['--username <name>', 'user to read the broker as (overrides WARREN_USERNAME)'],
  ['--live <definitions.json>', 'also read an exported definitions file'],
];

function readOptions(command: Command): Command {
  for (const [flags, help] of READ_OPTIONS) command.option(flags, help);
  return command;
}

function request(paths: string[], o: InspectOptions) {
  return { paths, env: process.env, connection: { target: o.target, management: o.management, username: o.username }, liveFile: o.live };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function addInspectCommands(program: Command, run: Run): void {
  readOptions(program.command('lint [paths...]'))
    .description('best-practice and security rules, each with an id, a severity, why and how to fix; rules are switched off in the spec under `lint:`')
    .addOption(new Option('--format <format>', 'output format (default: text; github inside GitHub Actions)').choices(['text', 'json', 'sarif', 'github']))
    .option('--list-rules', 'list every rule with its id, severity, why and fix')
    .action((paths: string[], o: InspectOptions) =>
      run(async () => (await import('./commands/lint.js')).lintCommand({ ...request(paths, o), format: o.format as 'text' | undefined, listRules: o.listRules === true })),
    );
  readOptions(program.command('explain <object> [paths...]'))
    .description('effective settings of a queue or exchange (VHOST/NAME; vhost / as //NAME) and where each comes from; against a broker, compared with what it reports')
    .addOption(new Option('--kind <kind>', 'when a queue and an exchange share the name').choices(['queue', 'exchange']))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((object: string, paths: string[], o: InspectOptions) =>
      run(async () => (await import('./commands/explain.js')).explainCommand({ ...request(paths, o), object, kind: o.kind as 'queue' | undefined, format: o.format as 'text' })),
    );
  readOptions(program.command('route <vhost> <exchange> <routing_key> [paths...]'))
    .description('which queues a message would reach (topic, headers, fanout, direct, exchange-to-exchange, alternate exchanges) and its dead-letter path')
    .option('--header <k=v>', 'a message header: k=v for a string, k:=5 for a number or boolean (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((vhost: string, exchange: string, routingKey: string, paths: string[], o: InspectOptions) =>
      run(async () => (await import('./commands/route.js')).routeCommand({ ...request(paths, o), vhost, exchange, routingKey, headers: o.header, format: o.format as 'text' })),
    );
  readOptions(program.command('graph [paths...]'))
    .description('the topology as a picture: Mermaid, Graphviz dot, or one self-contained HTML page (search, vhost filter, route highlighting)')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot', 'html']).makeOptionMandatory())
    .option('--vhost <name>', 'only this vhost (repeatable)', collect, [])
    .option('-o, --output <file>', 'write to this file; default stdout')
    .action((paths: string[], o: InspectOptions) =>
      run(async () => (await import('./commands/graph.js')).graphCommand({ ...request(paths, o), format: o.format as 'html', vhosts: o.vhost, output: o.output })),
    );
}
