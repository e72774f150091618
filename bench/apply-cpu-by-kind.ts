// Issue 13, target 3: where the broker's CPU goes during an apply from nothing, per kind of object,
// beside RabbitMQ's own `rabbitmqctl import_definitions` of the same topology (bench/topology.ts).
// The apply runs in this process (workflow/apply-spec.ts, as `warren apply --auto-approve` runs it)
// on a fresh node, and is watched: each phase of the plan (a kind, one direction) runs to its end
// before the next starts (apply/apply.ts), so the broker's CPU (beam.smp, /proc) and this process's
// CPU are sampled at each phase change. Within the queue phase classic queues are put before
// quorum ones so that the two are seen apart (the order of a phase does not matter to the apply).
//   npm run build && node dist/bench/apply-cpu-by-kind.js [--scale 1] [--concurrency 32]
//     [--http-only] [--no-import] [--import-by-kind] [--msacc] [--cli] [--runs 1]
// --cli: runs `warren apply` (bin/warren.js, with the CLI's own settings) instead, and reports the
//   whole apply only (wall, warren's CPU, the broker's); --concurrency is then passed only if given.
// --http-only: every write over the management API, as when the target has no AMQP endpoint (the
//   lock still goes over AMQP, as it does then). With --cli the target really has none: the node
//   listens on AMQP's default port 5672, where warren then takes its lock (so it must be free).
// --import-by-kind: also imports the definitions kind by kind on another fresh node (an import of
//   each part in turn; import_definitions adds to what is there) to set each kind's cost beside.
// --msacc: Erlang's microstate accounting on the broker during the apply and the import (where
//   its schedulers' time goes: emulator, gc, port, sleep, busy_wait, ...), printed as msacc prints it.
// Warren's CPU here lacks the CLI's V8 heap settings (cli/heap-growth.ts): compare broker CPU.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker, type BrokerHandle } from '../test/harness/broker.js';
import { AmqpWriter } from '../src/apply/amqp-writer.js';
import { BrokerApplyTarget } from '../src/apply/broker-target.js';
import { WarrenError } from '../src/errors.js';
import type { Change, Plan } from '../src/plan/index.js';
import { applySpec } from '../src/workflow/apply-spec.js';
import { argFlag, argOption, loadAverage, measure, processCpuSeconds } from './measure.js';
import { scaled, topologyDefinitions, topologySpec, type TopologySize } from './topology.js';


interface Segment {
  what: string;
  count: number;
  wall: number;
  brokerCpu: number;
  warrenCpu: number;
}

const WARREN = fileURLToPath(new URL('../../bin/warren.js', import.meta.url));

/** Consecutive stretches of time, each charged its wall time, the broker's CPU and this process's. */
class Watch {
  readonly segments: Segment[] = [];
  #current: { what: string; count: number; t: number; broker: number; cpu: number } | undefined;

  constructor(readonly pid: number) {}

  /** Ends the current stretch (when it is another) and starts `what`; counts one more item in it. */
  enter(what: string): void {
    if (this.#current?.what === what) {
      this.#current.count++;
      return;
    }
    this.end();
    const cpu = process.cpuUsage();
    this.#current = { what, count: 1, t: performance.now(), broker: processCpuSeconds(this.pid), cpu: (cpu.user + cpu.system) / 1e6 };
  }

  end(): void {
    const c = this.#current;
    if (!c) return;
    const cpu = process.cpuUsage();
    this.segments.push({ what: c.what, count: c.count, wall: (performance.now() - c.t) / 1000, brokerCpu: processCpuSeconds(this.pid) - c.broker, warrenCpu: (cpu.user + cpu.system) / 1e6 - c.cpu });
    this.#current = undefined;
  }
}

let watch: Watch | undefined;

function phaseOf(change: Change): string {
  const r = change.action === 'delete' ? change.before : change.after;
  const type = r.kind === 'queue' ? ` ${r.type}` : '';
  return `${r.kind}${type} ${change.action}`;
}

/** Watches the real apply: each change and each ownership record write says which phase runs. */
function instrument(httpOnly: boolean): void {
  const execute = BrokerApplyTarget.prototype.execute;
  BrokerApplyTarget.prototype.execute = function (this: BrokerApplyTarget, change: Change): Promise<void> {
    watch?.enter(phaseOf(change));
    return execute.call(this, change);
  };
  const record = BrokerApplyTarget.prototype.recordOwnership;
  let records = 0;
  BrokerApplyTarget.prototype.recordOwnership = async function (this: BrokerApplyTarget, stack: string, keys: readonly string[]): Promise<void> {
    records++;
    watch?.enter(`ownership record ${records === 1 ? 'before' : 'after'} (${keys.length} keys)`);
    await record.call(this, stack, keys);
    watch?.enter(records === 1 ? 'between' : 'close AMQP connections, release the lock');
  };
  if (!httpOnly) return;
  // As a vhost that refuses warren's AMQP connection: broker-target.ts then writes it over HTTP.
  const refuse = async (): Promise<void> => {
    throw new WarrenError('E_CONNECT', 'bench: --http-only');
  };
  for (const m of ['declareExchange', 'declareQueue', 'bind', 'deleteExchange', 'deleteQueue', 'unbind'] as const) AmqpWriter.prototype[m] = refuse;
}

/** Classic queues before quorum ones within the queue phase, so each is measured on its own. */
function classicQueuesFirst(plan: Plan): void {
  const changes = plan.changes as Change[];
  const first = changes.findIndex((c) => phaseOf(c).startsWith('queue'));
  if (first < 0) return;
  let end = first;
  while (end < changes.length && phaseOf(changes[end] as Change).startsWith('queue')) end++;
  const queues = changes.slice(first, end);
  const sorted = [...queues.filter((c) => phaseOf(c).startsWith('queue classic')), ...queues.filter((c) => !phaseOf(c).startsWith('queue classic'))];
  changes.splice(first, sorted.length, ...sorted);
}

async function withBroker<T>(work: (b: BrokerHandle) => Promise<T>, env?: Record<string, string>): Promise<T> {
  const broker = await startBroker({ bootTimeoutMs: 180_000, ...(env ? { env } : {}) });
  try {
    return await work(broker);
  } finally {
    await broker.stop();
  }
}

/** The broker's CPU rate when nothing is asked of it (Erlang's schedulers spin a little). */
async function idleRate(b: BrokerHandle, seconds: number): Promise<number> {
  const before = processCpuSeconds(b.pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return (processCpuSeconds(b.pid) - before) / seconds;
}

/** rabbitmqctl may return before the node has everything: wait until it lists every queue. */
async function waitForQueues(b: BrokerHandle, count: number): Promise<void> {
  const auth = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
  for (;;) {
    const q = await fetch(`${b.managementUrl}/api/queues/bench?columns=name&disable_stats=true`, { headers: { authorization: auth } }).catch(() => undefined);
    if (q?.ok && ((await q.json()) as unknown[]).length >= count) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** msacc on the broker: started, or stopped and printed (system summary) to the console. */
async function msacc(b: BrokerHandle, what: 'start' | 'print', dir: string): Promise<void> {
  if (!argFlag('--msacc')) return;
  const file = join(dir, 'msacc.txt');
  const expr = what === 'start' ? 'msacc:start().' : `msacc:stop(), msacc:print("${file}", msacc:stats(), #{system => true}).`;
  const r = await b.rabbitmqctl(['eval', expr]);
  if (r.code !== 0) throw new Error(`msacc ${what}: ${r.stderr}`);
  if (what === 'print') console.log(readFileSync(file, 'utf8').replace(/^/gm, '    '));
}

async function importAll(b: BrokerHandle, file: string, queues: number, dir: string): Promise<Segment> {
  await msacc(b, 'start', dir);
  const broker = processCpuSeconds(b.pid);
  const started = performance.now();
  const r = await b.rabbitmqctl(['import_definitions', file]);
  if (r.code !== 0) throw new Error(`import_definitions failed: ${r.stderr.slice(-2000)}`);
  await waitForQueues(b, queues);
  const row = { what: 'rabbitmqctl import_definitions', count: 1, wall: (performance.now() - started) / 1000, brokerCpu: processCpuSeconds(b.pid) - broker, warrenCpu: Number.NaN };
  if (argFlag('--msacc')) console.log('  import: msacc');
  await msacc(b, 'print', dir);
  return row;
}

/** The definitions split by kind, each part a file of its own, in the order an import creates them. */
function definitionParts(size: TopologySize, dir: string): { what: string; file: string; queues: number }[] {
  const all = JSON.parse(topologyDefinitions(size)) as Record<string, { arguments?: Record<string, unknown> }[]>;
  const quorum = (q: { arguments?: Record<string, unknown> }): boolean => q.arguments?.['x-queue-type'] === 'quorum';
  const queues = all['queues'] ?? [];
  const parts: [string, Record<string, unknown>, number][] = [
    ['vhost, users, permissions, policies', { vhosts: all['vhosts'], users: all['users'], permissions: all['permissions'], policies: all['policies'] }, 0],
    ['exchanges', { exchanges: all['exchanges'] }, 0],
    ['queues classic', { queues: queues.filter((q) => !quorum(q)) }, queues.filter((q) => !quorum(q)).length],
    ['queues quorum', { queues: queues.filter(quorum) }, queues.length],
    ['bindings', { bindings: all['bindings'] }, queues.length],
  ];
  return parts.map(([what, body, waitFor], i) => {
    const file = join(dir, `part-${i}.json`);
    writeFileSync(file, JSON.stringify(body));
    return { what: `import ${what}`, file, queues: waitFor };
  });
}

async function applyWatched(b: BrokerHandle, specDir: string, concurrency: number | undefined, dir: string): Promise<{ segments: Segment[]; idle: number }> {
  const idle = await idleRate(b, 3);
  await msacc(b, 'start', dir);
  watch = new Watch(b.pid);
  const env = { ...process.env, WARREN_MANAGEMENT_URL: b.managementUrl, WARREN_AMQP_URL: b.amqpUrl, WARREN_USERNAME: 'guest', WARREN_PASSWORD: 'guest' };
  watch.enter('load spec, take the lock');
  await applySpec(
    { paths: [specDir], env, connection: {}, prune: 'managed', autoApprove: true, allowDataLoss: false, migrate: true, concurrency },
    {
      progress: (line) => {
        if (line.startsWith('Locked stack')) watch?.enter('read the broker, plan');
        else if (!line.startsWith('No AMQP URL')) console.log(`    ${line}`);
      },
      show: (plan) => {
        classicQueuesFirst(plan);
        watch?.enter('after the plan');
      },
      confirm: () => Promise.resolve(),
    },
  );
  watch.end();
  if (argFlag('--msacc')) console.log('  apply: msacc');
  await msacc(b, 'print', dir);
  const segments = watch.segments;
  watch = undefined;
  return { segments, idle };
}

/** `warren apply` itself, as a user runs it: the whole apply, wall and CPU. */
async function applyCli(b: BrokerHandle, specDir: string, concurrency: number | undefined, httpOnly: boolean): Promise<Segment> {
  const env: Record<string, string | undefined> = { ...process.env, WARREN_MANAGEMENT_URL: b.managementUrl, WARREN_USERNAME: 'guest', WARREN_PASSWORD: 'guest', NO_COLOR: '1' };
  if (!httpOnly) env['WARREN_AMQP_URL'] = b.amqpUrl;
  const args = [WARREN, 'apply', specDir, '--auto-approve', ...(concurrency === undefined ? [] : ['--concurrency', String(concurrency)])];
  const broker = processCpuSeconds(b.pid);
  const m = await measure(process.execPath, args, env);
  if (m.code !== 0) {
    const kept = mkdtempSync(join(tmpdir(), 'warren-failed-apply-log-'));
    cpSync(join(b.dir, 'log'), kept, { recursive: true });
    throw new Error(`warren apply failed (exit ${m.code}; the node's log is kept in ${kept}): ${m.stderr.slice(-2000)}`);
  }
  return { what: `warren apply${concurrency === undefined ? '' : ` --concurrency ${concurrency}`}`, count: 1, wall: m.seconds, brokerCpu: processCpuSeconds(b.pid) - broker, warrenCpu: m.cpuSeconds };
}

function print(rows: Segment[]): void {
  for (const r of rows) {
    const per = r.count > 1 ? `  ${((r.brokerCpu / r.count) * 1000).toFixed(2)} ms broker cpu each` : '';
    const warren = Number.isFinite(r.warrenCpu) ? `  warren cpu ${r.warrenCpu.toFixed(2).padStart(5)} s` : '';
    console.log(`  ${r.what.padEnd(48)} ${String(r.count).padStart(6)}  ${r.wall.toFixed(2).padStart(6)} s wall  broker cpu ${r.brokerCpu.toFixed(2).padStart(6)} s${warren}${per}`);
  }
}

function total(what: string, rows: Segment[]): Segment {
  return rows.reduce((t, r) => ({ ...t, wall: t.wall + r.wall, brokerCpu: t.brokerCpu + r.brokerCpu, warrenCpu: t.warrenCpu + (Number.isFinite(r.warrenCpu) ? r.warrenCpu : 0) }), { what, count: 1, wall: 0, brokerCpu: 0, warrenCpu: 0 });
}

async function run(factor: number, concurrency: number | undefined, httpOnly: boolean): Promise<void> {
  const size = scaled(factor);
  const dir = mkdtempSync(join(tmpdir(), 'warren-cpu-by-kind-'));
  try {
    const specDir = join(dir, 'spec');
    mkdirSync(specDir);
    writeFileSync(join(specDir, 'bench.yaml'), topologySpec(size));
    const definitions = join(dir, 'definitions.json');
    writeFileSync(definitions, topologyDefinitions(size));
    console.log(`\nfactor ${factor} ${JSON.stringify(size)}, ${argFlag('--cli') ? 'warren apply' : 'in process'}, concurrency ${concurrency ?? 'default'}${httpOnly ? ', HTTP only' : ', AMQP for exchanges, queues, bindings'}; load average before: ${loadAverage()}`);
    const imported = argFlag('--no-import') ? undefined : await withBroker((b) => importAll(b, definitions, size.queues, dir));
    const byKind = argFlag('--import-by-kind')
      ? await withBroker(async (b) => {
          const rows: Segment[] = [];
          for (const part of definitionParts(size, dir)) {
            const broker = processCpuSeconds(b.pid);
            const started = performance.now();
            const r = await b.rabbitmqctl(['import_definitions', part.file]);
            if (r.code !== 0) throw new Error(`import_definitions failed: ${r.stderr.slice(-2000)}`);
            if (part.queues > 0) await waitForQueues(b, part.queues);
            rows.push({ what: part.what, count: 1, wall: (performance.now() - started) / 1000, brokerCpu: processCpuSeconds(b.pid) - broker, warrenCpu: Number.NaN });
          }
          return rows;
        })
      : undefined;
    let apply: Segment;
    if (argFlag('--cli')) {
      apply = await withBroker((b) => applyCli(b, specDir, concurrency, httpOnly), httpOnly ? { RABBITMQ_NODE_PORT: '5672' } : undefined);
      print([apply]);
    } else {
      const applied = await withBroker((b) => applyWatched(b, specDir, concurrency, dir));
      console.log(`  broker idle before the apply: ${applied.idle.toFixed(3)} cpu s per s`);
      console.log('  apply from nothing, by phase (warren cpu: this process)');
      print(applied.segments);
      apply = total('apply, all phases', applied.segments);
      print([apply]);
    }
    if (byKind) {
      console.log('  import kind by kind');
      print(byKind);
      print([{ ...total('import by kind, all parts', byKind), warrenCpu: Number.NaN }]);
    }
    if (imported) {
      print([imported]);
      console.log(`  apply / import: ${(apply.wall / imported.wall).toFixed(2)}x wall (target 3: <= 0.45x), broker cpu ${(apply.brokerCpu / imported.brokerCpu).toFixed(2)}x`);
    }
    console.log(`  load average after: ${loadAverage()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const httpOnly = argFlag('--http-only');
  if (!argFlag('--cli')) instrument(httpOnly);
  const factor = Number(argOption('--scale', '1'));
  const given = argOption('--concurrency', '');
  const concurrency = given === '' ? undefined : Number(given);
  const runs = Number(argOption('--runs', '1'));
  for (let i = 1; i <= runs; i++) await run(factor, concurrency, httpOnly);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
