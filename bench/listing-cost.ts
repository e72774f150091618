// Issue 13, target 5: where the broker's time goes in a read as the topology grows. For each
// scale, one node with the bench topology (bench/topology.ts) applied by warren; warren's own read
// (readBroker) is run once to learn the requests it makes, then each big listing is sent alone,
// `--runs` times, beside RabbitMQ's own read (GET /api/definitions). For each: wall time and the
// broker's CPU less what the node burns when idle over the same time (its background work, which
// grows with the number of queues). On 3.x it also times rabbit_amqqueue:list_down/1 inside the
// node (rabbitmqctl eval): RabbitMQ's queue listing calls it for every vhost it lists.
// With several scales it prints each cost per object against the first scale's.
//   npm run build && node dist/bench/listing-cost.js [--scales 1,3] [--runs 3] [--version 3.10|4.0]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagementClient } from '../src/live/management-client.js';
import { readBroker } from '../src/live/read-broker.js';
import { startBroker, type BrokerHandle, type BrokerVersion } from '../test/harness/broker.js';
import { argOption, loadAverage, measure, processCpuSeconds } from './measure.js';
import { scaled, topologySpec } from './topology.js';

const WARREN = resolve(fileURLToPath(import.meta.url), '../../../bin/warren.js');
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
/** RabbitMQ's own answers at factor 10 take minutes; a stalled one should not hang the bench. */
const REQUEST_TIMEOUT_MS = 600_000;

interface Cost {
  what: string;
  wall: number;
  brokerCpu: number;
  failed?: string | undefined;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** The broker's CPU seconds per wall second while nothing is asked of it. */
async function idleCpuRate(b: BrokerHandle, seconds: number): Promise<number> {
  const before = processCpuSeconds(b.pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return (processCpuSeconds(b.pid) - before) / seconds;
}

/** One GET, body read to the end; the broker's CPU meanwhile, less its idle rate. */
async function get(b: BrokerHandle, url: string, what: string, idle: number): Promise<Cost> {
  const before = processCpuSeconds(b.pid);
  const started = performance.now();
  let failed: string | undefined;
  try {
    const res = await fetch(url, { headers: { authorization: AUTH, 'accept-encoding': 'identity' }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await res.arrayBuffer();
    if (!res.ok) failed = `HTTP ${res.status}`;
  } catch (e) {
    failed = e instanceof Error ? e.message : String(e);
  }
  const wall = (performance.now() - started) / 1000;
  return { what, wall, brokerCpu: processCpuSeconds(b.pid) - before - idle * wall, failed };
}

/** The requests warren's read makes whose answers grow with the topology, as full URLs. */
async function warrenListings(b: BrokerHandle): Promise<Array<{ what: string; url: string }>> {
  const urls: string[] = [];
  const client = new ManagementClient({
    baseUrl: b.managementUrl,
    username: 'guest',
    password: 'guest',
    timeoutMs: REQUEST_TIMEOUT_MS,
    fetch: (url, init) => {
      urls.push(url);
      return fetch(url, init);
    },
  });
  await readBroker(client, { messageCounts: false });
  return urls
    .map((url) => ({ url, path: new URL(url).pathname }))
    .filter(({ path }) => /^\/api\/(queues|bindings|exchanges)\/bench$|^\/api\/exchanges$/.test(path))
    .map(({ url, path }) => ({ what: `warren's ${path.slice('/api/'.length)}`, url }));
}

/** rabbit_amqqueue:list_down/1 timed inside the node, in seconds; undefined where it cannot be run. */
async function listDownSeconds(b: BrokerHandle): Promise<number | undefined> {
  const r = await b.rabbitmqctl(['eval', '{T, _} = timer:tc(rabbit_amqqueue, list_down, [<<"bench">>]), T.']);
  const micros = Number(r.stdout.trim());
  return r.code === 0 && Number.isFinite(micros) ? micros / 1e6 : undefined;
}

async function runScale(factor: number, runs: number, version: BrokerVersion): Promise<{ objects: number; costs: Map<string, Cost[]>; listDown: number[] }> {
  const size = scaled(factor);
  const objects = size.queues + size.exchanges + size.bindings + size.users * 2 + size.policies + 1;
  const dir = mkdtempSync(join(tmpdir(), 'warren-bench-'));
  mkdirSync(join(dir, 'spec'));
  writeFileSync(join(dir, 'spec', 'bench.yaml'), topologySpec(size));
  console.log(`\nfactor ${factor} on RabbitMQ ${version}: ${JSON.stringify(size)} (${objects} objects); load average before: ${loadAverage()}`);
  const b = await startBroker({ version, bootTimeoutMs: 180_000 });
  try {
    const env = { ...process.env, WARREN_MANAGEMENT_URL: b.managementUrl, WARREN_AMQP_URL: b.amqpUrl, WARREN_USERNAME: 'guest', WARREN_PASSWORD: 'guest', WARREN_BROKER_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), NO_COLOR: '1' };
    const applied = await measure(process.execPath, [WARREN, 'apply', join(dir, 'spec'), '--auto-approve'], env);
    if (applied.code !== 0) throw new Error(`warren apply failed (exit ${applied.code}):\n${applied.stderr.slice(-4000)}`);
    console.log(`  (applied in ${applied.seconds.toFixed(1)} s)`);
    const idle = await idleCpuRate(b, 10);
    console.log(`  idle broker: ${idle.toFixed(2)} CPU-seconds per second`);
    const requests = [...(await warrenListings(b)), { what: 'GET /api/definitions', url: `${b.managementUrl}/api/definitions` }];
    const costs = new Map<string, Cost[]>();
    const listDown: number[] = [];
    for (let run = 0; run < runs; run++) {
      for (const { what, url } of requests) {
        const c = await get(b, url, what, idle);
        costs.set(what, [...(costs.get(what) ?? []), c]);
        console.log(`  ${what.padEnd(34)} ${c.wall.toFixed(2)} s wall, broker ${c.brokerCpu.toFixed(2)} CPU-s over idle${c.failed ? `; FAILED: ${c.failed}` : ''}`);
      }
      const down = await listDownSeconds(b);
      if (down !== undefined) {
        listDown.push(down);
        console.log(`  ${'rabbit_amqqueue:list_down/1'.padEnd(34)} ${down.toFixed(2)} s inside the node`);
      }
    }
    return { objects, costs, listDown };
  } finally {
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const scales = argOption('--scales', argOption('--scale', '1,3')).split(',').map(Number);
const runs = Number(argOption('--runs', '3'));
const versionArg = argOption('--version', '3.10');
if (versionArg !== '3.10' && versionArg !== '4.0') throw new Error(`--version: 3.10 or 4.0, not ${versionArg}`);
const version: BrokerVersion = versionArg;
const results: Array<{ factor: number; objects: number; costs: Map<string, Cost[]>; listDown: number[] }> = [];
for (const factor of scales) results.push({ factor, ...(await runScale(factor, runs, version)) });

const [first, ...rest] = results;
if (first && rest.length > 0) {
  console.log(`\nmedian cost per object against factor ${first.factor} (linear growth is 1.0x):`);
  for (const r of rest) {
    for (const [what, costs] of r.costs) {
      const base = first.costs.get(what);
      if (!base || costs.some((c) => c.failed)) {
        console.log(`  factor ${r.factor} ${what}: ${costs.some((c) => c.failed) ? 'failed' : 'no baseline'}`);
        continue;
      }
      const perObject = (xs: number[], n: number) => median(xs) / n;
      // /proc counts CPU in 10 ms ticks: a baseline under 50 ms gives no ratio worth printing.
      if (median(base.map((c) => c.brokerCpu)) < 0.05) {
        console.log(`  factor ${r.factor} ${what}: too small at factor ${first.factor} to compare`);
        continue;
      }
      const wall = perObject(costs.map((c) => c.wall), r.objects) / perObject(base.map((c) => c.wall), first.objects);
      const cpu = perObject(costs.map((c) => c.brokerCpu), r.objects) / perObject(base.map((c) => c.brokerCpu), first.objects);
      console.log(`  factor ${r.factor} ${what}: ${wall.toFixed(2)}x wall, ${cpu.toFixed(2)}x broker CPU`);
    }
    if (r.listDown.length > 0 && first.listDown.length > 0) {
      console.log(`  factor ${r.factor} rabbit_amqqueue:list_down/1: ${(median(r.listDown) / r.objects / (median(first.listDown) / first.objects)).toFixed(2)}x`);
    }
  }
}
console.log(`load average after: ${loadAverage()}`);
