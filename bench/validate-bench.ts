// How much validate costs on top of reading the YAML, for the same size of spec written two ways:
// split into ten service files (as teams write specs), and as one file whose queues: map has
// 10,000 keys (issue 3's topology: 10,000 queues, 1,000 exchanges, 20,000 bindings). For each:
// (a) parsing the YAML alone (js-yaml with positions: the loader's first stage), (b) the full
// validate in-process (load, interpolate, schema, merge, rules, model), and the `warren validate`
// command's wall time and peak resident memory.
// Target: full validate < parse + 1 s.
//   npm run build && node dist/bench/validate-bench.js [runs]
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorsOf, type Diagnostic } from '../src/errors.js';
import { loadSpec } from '../src/spec/index.js';
import { parseSource } from '../src/spec/yaml-source.js';
import { measure } from './measure.js';
import { ISSUE_SIZE, topologySpec } from './topology.js';

const WARREN = resolve(fileURLToPath(import.meta.url), '../../../bin/warren.js');

const QUEUES = 10_000;
const BINDINGS_PER_QUEUE = 2;
const FILES = 10; // one per service, as teams split real specs
const EXCHANGES_PER_FILE = 50;

function writeSplit(dir: string): void {
  const perFile = QUEUES / FILES;
  for (let f = 0; f < FILES; f++) {
    const vhost = `svc-${f % 4}`; // several files share a vhost, so merging is exercised
    const lines = ['version: 1', 'stack: bench', 'vhosts:', `  ${vhost}:`, '    exchanges:'];
    for (let e = 0; e < EXCHANGES_PER_FILE; e++) lines.push(`      f${f}.events.${e}: { type: topic }`);
    lines.push(`      f${f}.dlx: { type: fanout }`);
    lines.push('    queues:');
    for (let q = 0; q < perFile; q++) {
      const type = q % 3 === 0 ? 'quorum' : 'classic';
      const args = type === 'quorum' ? `{ x-dead-letter-exchange: f${f}.dlx, x-delivery-limit: 5 }` : '{ x-message-ttl: 60000, x-max-length: 10000 }';
      lines.push(`      f${f}.q${q}: { type: ${type}, arguments: ${args} }`);
    }
    lines.push('    bindings:');
    for (let q = 0; q < perFile; q++) {
      for (let b = 0; b < BINDINGS_PER_QUEUE; b++) {
        lines.push(`      - { source: f${f}.events.${(q + b) % EXCHANGES_PER_FILE}, queue: f${f}.q${q}, routing_key: "order.${b}.#" }`);
      }
    }
    lines.push('    policies:', `      f${f}-ttl: { pattern: '^f${f}\\.q', apply_to: queues, definition: { message-ttl: 86400000 } }`);
    writeFileSync(join(dir, `service-${String(f).padStart(2, '0')}.yaml`), `${lines.join('\n')}\n`);
  }
}

function writeOneFile(dir: string): void {
  writeFileSync(join(dir, 'bench.yaml'), topologySpec(ISSUE_SIZE));
}

const VARIANTS = [
  { name: `split: ${FILES} files, ${QUEUES} queues, ${QUEUES * BINDINGS_PER_QUEUE} bindings`, write: writeSplit },
  { name: `one file: ${ISSUE_SIZE.queues} queues, ${ISSUE_SIZE.exchanges} exchanges, ${ISSUE_SIZE.bindings} bindings`, write: writeOneFile },
];

function parseOnly(dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const diagnostics: Diagnostic[] = [];
    if (!parseSource(name, readFileSync(join(dir, name), 'utf8'), diagnostics)) throw new Error(`bench spec has YAML errors: ${diagnostics[0]?.message}`);
  }
}

function fullValidate(dir: string): number {
  const spec = loadSpec([dir], {});
  const errors = errorsOf(spec.diagnostics);
  if (errors.length > 0) throw new Error(`bench spec is invalid: ${errors[0]?.message}`);
  return spec.model.resources.size;
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  for (const variant of VARIANTS) {
    const dir = mkdtempSync(join(tmpdir(), 'warren-bench-'));
    try {
      variant.write(dir);
      // The first full run of the process also pays for compiling the schema, as a CLI run does.
      let objects = 0;
      const firstFull = time(() => (objects = fullValidate(dir)));
      const parse: number[] = [];
      const full: number[] = [];
      for (let i = 0; i < runs; i++) {
        parse.push(time(() => parseOnly(dir)));
        full.push(time(() => fullValidate(dir)));
      }
      const cli = await measure(process.execPath, [WARREN, 'validate', dir]);
      if (cli.code !== 0) throw new Error(`warren validate failed:\n${cli.stderr}`);
      const p = median(parse);
      const f = median(full);
      console.log(`${variant.name} (${objects} objects)`);
      console.log(`  (a) parse YAML only:  median ${ms(p)}  (runs: ${parse.map(ms).join(', ')})`);
      console.log(`  (b) full validate:    median ${ms(f)}  (runs: ${full.map(ms).join(', ')}; first run: ${ms(firstFull)})`);
      console.log(`  difference (b - a):   ${ms(f - p)}  target < 1000 ms: ${f - p < 1000 ? 'met' : 'NOT met'}`);
      console.log(`  warren validate:      ${cli.seconds.toFixed(2)} s, peak RSS ${cli.peakRssMb.toFixed(0)} MB`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
