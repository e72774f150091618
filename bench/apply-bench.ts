// Issue 13, targets 3, 4 and 5: warren's apply from nothing against RabbitMQ's own
// `rabbitmqctl import_definitions` of the same topology (bench/topology.ts), each on a fresh real
// node, in one run; then, on warren's node, the no-op plan (three times), the no-op apply and
// `warren export`. For each: wall time, warren's CPU time, the broker's CPU time (beam.smp) and
// warren's peak RSS, beside the RSS of a plan of an empty spec (the baseline of target 4).
// With several scales (`--scales 1,10`) it also prints each operation's cost per object against
// the first scale's (target 5: within 1.3x).
//   npm run build && node dist/bench/apply-bench.js [--scales 1] [--runs 1] [--no-import]
// --no-import skips RabbitMQ's import (and the ratio to it): for target 5 at factor 10, where the
// import alone takes most of an hour and only warren's cost per object is compared.
// The machine's load average is printed before and after: wall times on a shared machine move
// with it, CPU times much less.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker, type BrokerHandle } from '../test/harness/broker.js';
import { argFlag, argOption, loadAverage, measure, processCpuSeconds, type Measured } from './measure.js';
import { scaled, topologyDefinitions, topologySpec, type TopologySize } from './topology.js';

const WARREN = resolve(fileURLToPath(import.meta.url), '../../../bin/warren.js');
const RABBITMQCTL = '/usr/lib/rabbitmq/bin/rabbitmqctl';

interface Row {
  what: string;
  m: Measured;
  brokerCpu: number;
}

function check(what: string, m: Measured, codes: number[] = [0]): Measured {
  if (!codes.includes(m.code)) throw new Error(`${what} failed (exit ${m.code}):\n${m.stderr.slice(-4000)}`);
  return m;
}

/** Runs a command and charges it the broker's CPU time meanwhile. */
async function timed(what: string, broker: BrokerHandle, command: string, args: string[], env: Record<string, string | undefined>, codes?: number[]): Promise<Row> {
  const before = processCpuSeconds(broker.pid);
  const m = check(what, await measure(command, args, env), codes);
  // Each row as it is measured too: a later step that fails (a broker dropping a connection under
  // load, at factor 3) would otherwise take every figure with it.
  console.log(`  (${what}: ${m.seconds.toFixed(2)} s wall, peak RSS ${m.peakRssMb.toFixed(0)} MB)`);
  return { what, m, brokerCpu: processCpuSeconds(broker.pid) - before };
}

async function withBroker<T>(work: (b: BrokerHandle) => Promise<T>): Promise<T> {
  const broker = await startBroker({ bootTimeoutMs: 180_000 });
  try {
    return await work(broker);
  } finally {
    await broker.stop();
  }
}

/** rabbitmqctl returns before the import ends ("asynchronous"): wait until the node has every queue. */
async function waitForQueues(b: BrokerHandle, count: number): Promise<void> {
  const auth = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
  for (;;) {
    const res = await fetch(`${b.managementUrl}/api/vhosts/bench`, { headers: { authorization: auth } }).catch(() => undefined);
    const q = await fetch(`${b.managementUrl}/api/queues/bench?columns=name&disable_stats=true`, { headers: { authorization: auth } }).catch(() => undefined);
    if (res?.ok && q?.ok && ((await q.json()) as unknown[]).length >= count) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function runScale(factor: number): Promise<{ size: TopologySize; objects: number; rows: Row[] }> {
  const size = scaled(factor);
  const objects = size.queues + size.exchanges + size.bindings + size.users * 2 + size.policies + 1;
  const dir = mkdtempSync(join(tmpdir(), 'warren-bench-'));
  const specDir = join(dir, 'spec');
  const emptyDir = join(dir, 'empty');
  const definitions = join(dir, 'definitions.json');
  writeFileSync(definitions, topologyDefinitions(size));
  mkdirSync(specDir);
  mkdirSync(emptyDir);
  writeFileSync(join(specDir, 'bench.yaml'), topologySpec(size));
  writeFileSync(join(emptyDir, 'empty.yaml'), 'version: 1\nstack: empty\n');
  console.log(`\nfactor ${factor}: ${JSON.stringify(size)} (${objects} objects); load average before: ${loadAverage()}`);
  try {
    const imported = argFlag('--no-import') ? undefined : await withBroker(async (b) => {
      const cpuBefore = processCpuSeconds(b.pid);
      const started = Date.now();
      const row = await timed('rabbitmqctl import_definitions', b, RABBITMQCTL, ['-n', b.nodeName, 'import_definitions', definitions], { ...process.env, HOME: b.dir });
      await waitForQueues(b, size.queues); // in case the command returns before the node has finished
      return { ...row, m: { ...row.m, seconds: (Date.now() - started) / 1000 }, brokerCpu: processCpuSeconds(b.pid) - cpuBefore };
    });
    const rows = await withBroker(async (b) => {
      const env = { ...process.env, WARREN_MANAGEMENT_URL: b.managementUrl, WARREN_AMQP_URL: b.amqpUrl, WARREN_USERNAME: 'guest', WARREN_PASSWORD: 'guest', NO_COLOR: '1' };
      const out: Row[] = imported ? [imported] : [];
      out.push(await timed('warren plan of an empty spec (RSS baseline)', b, process.execPath, [WARREN, 'plan', emptyDir], env));
      out.push(await timed('warren apply from nothing', b, process.execPath, [WARREN, 'apply', specDir, '--auto-approve'], env));
      // Three no-op plans: the first comes right after the creations, while the broker still settles.
      for (let run = 1; run <= 3; run++) {
        const plan = await timed(`warren plan, nothing to do (run ${run})`, b, process.execPath, [WARREN, 'plan', specDir, '--detailed-exitcode'], env);
        if (!/No changes/.test(plan.m.stdout)) throw new Error(`the plan after apply is not empty:\n${plan.m.stdout.slice(0, 4000)}`);
        out.push(plan);
      }
      out.push(await timed('warren apply, nothing to do', b, process.execPath, [WARREN, 'apply', specDir, '--auto-approve'], env));
      out.push(await timed('warren export', b, process.execPath, [WARREN, 'export', '--stack', 'bench', '-o', join(dir, 'export.yaml')], env));
      return out;
    });
    for (const r of rows) {
      const cpu = Number.isFinite(r.m.cpuSeconds) ? `cpu ${r.m.cpuSeconds.toFixed(2)} s` : 'cpu n/a';
      const rss = r.what.startsWith('rabbitmqctl') ? '' : `, peak RSS ${r.m.peakRssMb.toFixed(0)} MB`;
      console.log(`  ${r.what.padEnd(44)} ${r.m.seconds.toFixed(2).padStart(7)} s wall, ${cpu}, broker cpu ${r.brokerCpu.toFixed(2)} s${rss}`);
    }
    const get = (prefix: string): Row[] => rows.filter((r) => r.what.startsWith(prefix));
    const apply = get('warren apply from nothing')[0] as Row;
    const importRow = get('rabbitmqctl')[0];
    const baseline = (get('warren plan of an empty spec')[0] as Row).m.peakRssMb;
    const peak = Math.max(...rows.filter((r) => r.what.startsWith('warren') && !r.what.includes('empty')).map((r) => r.m.peakRssMb));
    if (importRow) console.log(`  apply / import: ${(apply.m.seconds / importRow.m.seconds).toFixed(2)}x wall (target 3: <= 0.45x at factor 1); broker cpu ${(apply.brokerCpu / importRow.brokerCpu).toFixed(2)}x; warren + broker cpu against the import's broker cpu ${((apply.brokerCpu + apply.m.cpuSeconds) / importRow.brokerCpu).toFixed(2)}x`);
    console.log(`  peak RSS ${peak.toFixed(0)} MB, ${(peak - baseline).toFixed(0)} MB over the empty-spec baseline (${baseline.toFixed(0)} MB): ${(((peak - baseline) * 1024) / objects).toFixed(2)} KB/object (target 4: <= 1 KB/object at factor 3)`);
    console.log(`  load average after: ${loadAverage()}`);
    return { size, objects, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const scales = argOption('--scales', argOption('--scale', '1')).split(',').map(Number);
  const runs = Number(argOption('--runs', '1'));
  const results: { factor: number; objects: number; rows: Row[] }[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const factor of scales) {
      console.log(`\n=== run ${run} of ${runs}, factor ${factor} ===`);
      const r = await runScale(factor);
      results.push({ factor, objects: r.objects, rows: r.rows });
    }
  }
  if (scales.length > 1) {
    console.log('\ncost per object against the first scale (target 5: within 1.3x), per run:');
    const base = results.filter((r) => r.factor === scales[0]);
    for (const r of results.filter((x) => x.factor !== scales[0])) {
      const b = base[0];
      if (!b) continue;
      for (const row of r.rows) {
        const match = b.rows.find((x) => x.what === row.what);
        if (!match || row.what.includes('empty')) continue;
        const ratio = row.m.seconds / r.objects / (match.m.seconds / b.objects);
        const cpu = (row.m.cpuSeconds + row.brokerCpu) / r.objects / ((match.m.cpuSeconds + match.brokerCpu) / b.objects);
        console.log(`  factor ${r.factor} ${row.what}: ${ratio.toFixed(2)}x wall per object, ${cpu.toFixed(2)}x cpu (warren + broker) per object`);
      }
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
