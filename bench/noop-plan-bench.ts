// Issue 13, targets 1 and 2: a no-op `warren plan` against RabbitMQ's own read of the same broker,
// one `GET /api/definitions`, measured in the same run, interleaved, several times.
// One node; the topology is imported with `rabbitmqctl import_definitions`, then `warren apply`
// adopts it (records the ownership), so the plans that follow have nothing to do.
// Beside each plan it measures the levers of a short run: Node's own start-up (`node -e 0`),
// `warren --help` (module loading of the CLI shell), `warren validate` (spec load, schema) and
// the plan itself. Two floors say what any client pays before it has read a byte: `curl` (a
// fresh process, one GET /api/definitions) and a fresh `node` that makes that one GET with its own
// `fetch` (the HTTP client warren must use): Node's start-up plus loading fetch's HTTP stack.
//   npm run build && node dist/bench/noop-plan-bench.js [--scale 0.1] [--runs 5]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../test/harness/broker.js';
import { argOption, loadAverage, measure, processCpuSeconds, type Measured } from './measure.js';
import { scaled, topologyDefinitions, topologySpec } from './topology.js';

const WARREN = resolve(fileURLToPath(import.meta.url), '../../../bin/warren.js');

function check(what: string, m: Measured, codes: number[] = [0]): Measured {
  if (!codes.includes(m.code)) throw new Error(`${what} failed (exit ${m.code}):\n${m.stderr.slice(-4000)}`);
  return m;
}

/** One GET /api/definitions, body read to the end, as a client would: the broker's own path. */
async function getDefinitions(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/api/definitions`, { headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` } });
  const body = await res.text();
  if (!res.ok) throw new Error(`GET /api/definitions: HTTP ${res.status}`);
  JSON.parse(body);
  return (performance.now() - started) / 1000;
}

// The least a Node CLI does for a plan: start, fetch the broker's definitions, parse them.
const FETCH_ONCE = `fetch(process.argv[1], { headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') } }).then((r) => r.text()).then(JSON.parse)`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const s = (x: number): string => `${x.toFixed(2)} s`;
const load = loadAverage;

async function main(): Promise<void> {
  const factor = Number(argOption('--scale', '0.1'));
  const runs = Number(argOption('--runs', '5'));
  const size = scaled(factor);
  const dir = mkdtempSync(join(tmpdir(), 'warren-bench-'));
  const specDir = join(dir, 'spec');
  const definitions = join(dir, 'definitions.json');
  writeFileSync(definitions, topologyDefinitions(size));
  mkdirSync(specDir);
  writeFileSync(join(specDir, 'bench.yaml'), topologySpec(size));
  console.log(`factor ${factor}: ${JSON.stringify(size)}; load average before: ${load()}`);
  const broker = await startBroker();
  try {
    const env = { ...process.env, WARREN_MANAGEMENT_URL: broker.managementUrl, WARREN_AMQP_URL: broker.amqpUrl, WARREN_USERNAME: 'guest', WARREN_PASSWORD: 'guest', NO_COLOR: '1' };
    check('import_definitions', await measure('/usr/lib/rabbitmq/bin/rabbitmqctl', ['-n', broker.nodeName, 'import_definitions', definitions], { ...process.env, HOME: broker.dir }));
    check('warren apply (adopt)', await measure(process.execPath, [WARREN, 'apply', specDir, '--auto-approve'], env));
    const rows: Record<string, number[]> = { 'GET /api/definitions': [], 'warren plan (no-op)': [], 'node -e 0': [], 'warren --help': [], 'warren validate': [], 'curl GET': [], 'node + fetch GET': [] };
    const cpu: Record<string, number[]> = { 'GET /api/definitions, broker cpu': [], 'warren plan, broker cpu': [], 'warren plan, warren cpu': [] };
    let peak = 0;
    for (let run = 0; run < runs; run++) {
      let before = processCpuSeconds(broker.pid);
      rows['GET /api/definitions']?.push(await getDefinitions(broker.managementUrl));
      cpu['GET /api/definitions, broker cpu']?.push(processCpuSeconds(broker.pid) - before);
      before = processCpuSeconds(broker.pid);
      const plan = check('warren plan', await measure(process.execPath, [WARREN, 'plan', specDir, '--detailed-exitcode'], env));
      cpu['warren plan, broker cpu']?.push(processCpuSeconds(broker.pid) - before);
      cpu['warren plan, warren cpu']?.push(plan.cpuSeconds);
      if (!/No changes/.test(plan.stdout)) throw new Error(`the plan is not empty:\n${plan.stdout.slice(0, 2000)}`);
      rows['warren plan (no-op)']?.push(plan.seconds);
      peak = Math.max(peak, plan.peakRssMb);
      rows['node -e 0']?.push(check('node', await measure(process.execPath, ['-e', '0'])).seconds);
      rows['warren --help']?.push(check('help', await measure(process.execPath, [WARREN, '--help'])).seconds);
      rows['warren validate']?.push(check('validate', await measure(process.execPath, [WARREN, 'validate', specDir])).seconds);
      rows['curl GET']?.push(check('curl', await measure('curl', ['-sf', '-u', 'guest:guest', '-o', '/dev/null', `${broker.managementUrl}/api/definitions`])).seconds);
      rows['node + fetch GET']?.push(check('node fetch', await measure(process.execPath, ['-e', FETCH_ONCE, `${broker.managementUrl}/api/definitions`])).seconds);
    }
    for (const [name, xs] of Object.entries(rows)) console.log(`${name.padEnd(22)} median ${s(median(xs))}  runs: ${xs.map(s).join(', ')}`);
    for (const [name, xs] of Object.entries(cpu)) console.log(`${name.padEnd(34)} median ${s(median(xs))}  runs: ${xs.map(s).join(', ')}`);
    const defs = rows['GET /api/definitions'] ?? [];
    const plans = rows['warren plan (no-op)'] ?? [];
    const ratios = plans.map((p, i) => p / (defs[i] ?? NaN));
    const floor = rows['node + fetch GET'] ?? [];
    console.log(`floor: a fresh node fetching once / GET /api/definitions: ${(median(floor) / median(defs)).toFixed(2)}x; curl: ${(median(rows['curl GET'] ?? []) / median(defs)).toFixed(2)}x`);
    console.log(`ratio plan / GET /api/definitions, per run: ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')}; of medians: ${(median(plans) / median(defs)).toFixed(2)}x`);
    const defsCpu = cpu['GET /api/definitions, broker cpu'] ?? [];
    const planCpu = (cpu['warren plan, broker cpu'] ?? []).map((b, i) => b + (cpu['warren plan, warren cpu']?.[i] ?? NaN));
    console.log(`ratio of CPU (warren + broker for the plan, broker for GET), per run: ${planCpu.map((p, i) => `${(p / (defsCpu[i] ?? NaN)).toFixed(2)}x`).join(', ')}`);
    console.log(`plan peak RSS: ${peak.toFixed(0)} MB; load average after: ${load()}`);
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
