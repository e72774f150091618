// Issue 3's benchmark: 10,000 queues, 1,000 exchanges, 20,000 bindings, 50 users, 20 policies.
// In one run, each against a fresh real node: RabbitMQ's own `rabbitmqctl import_definitions`,
// then warren's apply from nothing, plan with nothing to do, and apply with nothing to do.
// Usage: npm run build && node dist/bench/apply-bench.js [--scale 0.1]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker, type BrokerHandle } from '../test/harness/broker.js';
import { measure, type Measured } from './measure.js';
import { scaled, topologyDefinitions, topologySpec } from './topology.js';

const WARREN = resolve(fileURLToPath(import.meta.url), '../../../bin/warren.js');

function check(what: string, m: Measured): Measured {
  if (m.code !== 0) throw new Error(`${what} failed (exit ${m.code}):\n${m.stderr.slice(-4000)}`);
  return m;
}

async function withBroker<T>(work: (b: BrokerHandle) => Promise<T>): Promise<T> {
  const broker = await startBroker();
  try {
    return await work(broker);
  } finally {
    await broker.stop();
  }
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--scale');
  const factor = i > 0 ? Number(process.argv[i + 1]) : 1;
  const size = scaled(factor);
  const dir = mkdtempSync(join(tmpdir(), 'warren-bench-'));
  const specDir = join(dir, 'spec');
  const definitions = join(dir, 'definitions.json');
  writeFileSync(definitions, topologyDefinitions(size));
  mkdirSync(specDir);
  writeFileSync(join(specDir, 'bench.yaml'), topologySpec(size));
  console.log(`topology: ${JSON.stringify(size)}`);

  const imported = await withBroker(async (b) => check('import_definitions', await measure('/usr/lib/rabbitmq/bin/rabbitmqctl', ['-n', b.nodeName, 'import_definitions', definitions], { ...process.env, HOME: b.dir })));
  console.log(`rabbitmqctl import_definitions: ${imported.seconds.toFixed(2)} s`);

  const results = await withBroker(async (b) => {
    const env = { ...process.env, WARREN_MANAGEMENT_URL: b.managementUrl, WARREN_AMQP_URL: b.amqpUrl, WARREN_USERNAME: b.username, WARREN_PASSWORD: b.password, NO_COLOR: '1' };
    const apply = check('warren apply', await measure(process.execPath, [WARREN, 'apply', specDir, '--auto-approve'], env));
    // Three no-op plans: the first comes right after 31,000 creations, while the broker still settles.
    const plans: Measured[] = [];
    for (let run = 0; run < 3; run++) plans.push(check('warren plan', await measure(process.execPath, [WARREN, 'plan', specDir, '--detailed-exitcode'], env)));
    const plan = median(plans);
    console.log(`warren plan, nothing to do, runs: ${plans.map((m) => `${m.seconds.toFixed(2)} s`).join(', ')}`);
    const again = check('warren apply (no changes)', await measure(process.execPath, [WARREN, 'apply', specDir, '--auto-approve'], env));
    if (!/No changes/.test(plan.stdout)) throw new Error(`the plan after apply is not empty:\n${plan.stdout.slice(0, 4000)}`);
    return { apply, plan, again };
  });
  rmSync(dir, { recursive: true, force: true });

  const ratio = results.apply.seconds / imported.seconds;
  const rows: [string, Measured, string][] = [
    ['apply from nothing', results.apply, `${ratio.toFixed(2)}x import (target <= 0.6x)`],
    ['plan, nothing to do (median of 3)', results.plan, 'target < 2 s'],
    ['apply, nothing to do', results.again, ''],
  ];
  for (const [name, m, note] of rows) console.log(`warren ${name}: ${m.seconds.toFixed(2)} s, peak RSS ${m.peakRssMb.toFixed(0)} MB ${note}`);
  const peak = Math.max(...rows.map(([, m]) => m.peakRssMb));
  console.log(`client peak RSS: ${peak.toFixed(0)} MB (target < 300 MB)`);
}

function median(runs: Measured[]): Measured {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)] as Measured;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
