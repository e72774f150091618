// `npm run demo`: warren's whole loop on a disposable local broker, needing nothing but the repo.
// validate -> plan -> apply -> plan (empty) -> change the spec -> plan (the change) -> apply -> plan
// (empty), then the broker is stopped. Without rabbitmq-server it plans the example against a
// bundled definitions file instead and says how to install the server.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { palette, useColor } from '../src/render/color.js';
import { brokerAvailable, startBroker } from '../test/harness/broker.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const WARREN = join(ROOT, 'bin/warren.js');
const EXAMPLE = 'examples';
const LIVE_FILE = 'examples/live/definitions.json';

// Bold titles on a terminal only: piped into a file or a CI log, the demo is plain text, as warren is.
const bold = palette(useColor(process.stdout, process.env)).bold;

function step(title: string, args: string[], env: NodeJS.ProcessEnv, expectCodes: number[] = [0]): void {
  console.log(`\n${bold(`== ${title}`)}\n$ warren ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [WARREN, ...args], { cwd: ROOT, env, stdio: 'inherit' });
  if (!expectCodes.includes(result.status ?? -1)) throw new Error(`warren ${args[0]} exited ${result.status}, expected ${expectCodes.join(' or ')}`);
}

/** The demo's edit of the spec: one in-place update, one replace (bindings carried over), one create. */
function editedCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warren-demo-'));
  cpSync(join(ROOT, EXAMPLE), dir, { recursive: true });
  const file = join(dir, 'orders.yaml');
  const edits: [string, string][] = [
    ['definition: { max-length: 100000, overflow: reject-publish }', 'definition: { max-length: 50000, overflow: reject-publish }'],
    ['arguments: { x-message-ttl: 1209600000 }   # keep dead letters for two weeks', 'arguments: { x-message-ttl: 604800000 }   # keep dead letters for one week'],
    ['      - { source: orders.dlx, queue: orders.dead }', '      - { source: orders.dlx, queue: orders.dead }\n      - { source: orders, queue: orders.refunded, routing_key: order.refunded }'],
    ['      orders.dead:', '      orders.refunded:\n        arguments: { x-dead-letter-exchange: orders.dlx }\n      orders.dead:'],
  ];
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`demo: ${EXAMPLE}/orders.yaml no longer contains ${JSON.stringify(from)}; update scripts/demo.ts`);
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
  return dir;
}

async function withBroker(): Promise<void> {
  console.log('Starting a disposable RabbitMQ node (Debian rabbitmq-server) in a temp dir ...');
  const broker = await startBroker();
  const env = { ...process.env, WARREN_MANAGEMENT_URL: broker.managementUrl, WARREN_AMQP_URL: broker.amqpUrl, WARREN_USERNAME: broker.username, WARREN_PASSWORD: broker.password };
  const edited = editedCopy();
  try {
    console.log(`Broker up: ${broker.managementUrl} (AMQP ${broker.amqpUrl.replace(/\/\/[^@/]*@/, "//")})`);
    step('Validate the example offline', ['validate', EXAMPLE], env);
    step('Plan against the empty broker', ['plan', EXAMPLE], env);
    step('Apply it', ['apply', EXAMPLE, '--auto-approve'], env);
    step('Plan again: nothing to do', ['plan', EXAMPLE, '--detailed-exitcode'], env);
    step('Change the spec: a policy update, a queue replace (its bindings come back), a new queue', ['plan', edited, '--detailed-exitcode'], env, [2]);
    step('Apply the change', ['apply', edited, '--auto-approve'], env);
    step('Plan again: nothing to do', ['plan', edited, '--detailed-exitcode'], env);
  } finally {
    rmSync(edited, { recursive: true, force: true });
    await broker.stop();
    console.log('\nBroker stopped.');
  }
}

function withoutBroker(): void {
  const why = brokerAvailable() ? 'WARREN_DEMO_OFFLINE=1' : 'rabbitmq-server is not installed';
  console.log(`${why}, so this demo plans against a bundled definitions file.`);
  console.log('For the full demo (apply to a real disposable broker): apt-get install -y rabbitmq-server, then npm run demo.');
  step('Validate the example offline', ['validate', EXAMPLE], process.env);
  step(`Plan against ${LIVE_FILE} (an export of a broker running an older version of the shop)`, ['plan', EXAMPLE, '--live', LIVE_FILE, '--detailed-exitcode'], process.env, [0, 2]);
}

async function main(): Promise<void> {
  if (brokerAvailable() && process.env.WARREN_DEMO_OFFLINE !== '1') await withBroker();
  else withoutBroker();
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
