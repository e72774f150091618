// How much validate costs on top of reading the YAML. Generates a spec of 10,000 queues and
// 20,000 bindings (plus exchanges) in a temp folder, then times (a) parsing the YAML with the yaml
// package alone and (b) the full validate: load, interpolate, schema, merge, rules, model.
// Target: full validate < parse + 1 s.
//   npm run build && node dist/bench/validate-bench.js [runs]
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { errorsOf } from '../src/errors.js';
import { loadSpec } from '../src/spec/index.js';

const QUEUES = 10_000;
const BINDINGS_PER_QUEUE = 2;
const FILES = 10; // one per service, as teams split real specs
const EXCHANGES_PER_FILE = 50;

function generate(dir: string): void {
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

function parseOnly(dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const doc = parseDocument(readFileSync(join(dir, name), 'utf8'), { lineCounter: new LineCounter(), prettyErrors: false, merge: true });
    if (doc.errors.length > 0) throw new Error(`bench spec has YAML errors: ${doc.errors[0]?.message}`);
  }
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

function main(): void {
  const runs = Number(process.argv[2] ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'warren-bench-'));
  try {
    generate(dir);
    // The first full run also pays for compiling the schema with ajv, as a CLI run does.
    const firstFull = time(() => {
      const spec = loadSpec([dir], {});
      const errors = errorsOf(spec.diagnostics);
      if (errors.length > 0) throw new Error(`bench spec is invalid: ${errors[0]?.message}`);
      console.log(`spec: ${FILES} files, ${spec.model.resources.size} objects (${QUEUES} queues, ${QUEUES * BINDINGS_PER_QUEUE} bindings)`);
    });
    const parse: number[] = [];
    const full: number[] = [];
    for (let i = 0; i < runs; i++) {
      parse.push(time(() => parseOnly(dir)));
      full.push(time(() => loadSpec([dir], {})));
    }
    const p = median(parse);
    const f = median(full);
    console.log(`(a) parse YAML only:  median ${ms(p)}  (runs: ${parse.map(ms).join(', ')})`);
    console.log(`(b) full validate:    median ${ms(f)}  (runs: ${full.map(ms).join(', ')}; first run with schema compile: ${ms(firstFull)})`);
    console.log(`difference (b - a):   ${ms(f - p)}  target < 1000 ms: ${f - p < 1000 ? 'met' : 'NOT met'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
