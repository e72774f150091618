// The folder rules of README's "Architecture" section, checked on the source so they stay true:
// which stage may import which, that the CLI writes to a broker only through the workflow, that the
// library entry point does not reach into the CLI, and that src/ has no import cycle.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src');

/** Folder (or top-level file) -> the folders it may import besides itself, errors.ts and version.ts. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  model: [],
  files: [],
  spec: ['model', 'files'],
  live: ['model', 'files'],
  plan: ['model'],
  analyse: ['model'],
  apply: ['model', 'live', 'plan'],
  render: ['model', 'plan', 'analyse'],
  export: ['model', 'live', 'spec'],
  'saved-plan': ['model', 'files', 'live', 'plan'],
  workflow: ['model', 'files', 'spec', 'live', 'plan', 'analyse', 'apply', 'render', 'export', 'saved-plan'],
  cli: ['model', 'files', 'spec', 'plan', 'analyse', 'render', 'export', 'saved-plan', 'workflow'],
  'index.ts': ['model', 'files', 'spec', 'live', 'plan', 'analyse', 'apply', 'render', 'export', 'saved-plan', 'workflow'],
  'errors.ts': [],
  'version.ts': [],
};
const EVERYONE_MAY_IMPORT = ['errors.ts', 'version.ts'];

interface Edge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of a file, static, re-export or dynamic, type-only ones included. */
export function importsOf(text: string): string[] {
  const specifiers: string[] = [];
  const pattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
  for (const m of text.matchAll(pattern)) specifiers.push((m[1] ?? m[2]) as string);
  return specifiers;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      out.push({ from: relative(SRC, file), to: relative(SRC, target) });
    }
  }
  return out;
}

/** `cli/commands/apply.ts` -> `cli`; `index.ts` -> `index.ts`. */
function stageOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? path : path.slice(0, slash);
}

test('the import scanner sees static, type-only, re-export and dynamic imports', () => {
  const text = "import { a } from './a.js';\nimport type { B } from '../b.js';\nexport { c } from './c.js';\nconst d = await import('./d.js');\nimport { x } from 'node:fs';";
  assert.deepEqual(importsOf(text), ['./a.js', '../b.js', './c.js', './d.js']);
});

test('each stage imports only the stages README allows', () => {
  const all = edges();
  assert.ok(all.length > 100, `expected the scanner to find the imports of src/, found ${all.length}`);
  const broken = all.filter((e) => {
    const from = stageOf(e.from);
    const to = stageOf(e.to);
    if (from === to || EVERYONE_MAY_IMPORT.includes(to)) return false;
    const allowed = MAY_IMPORT[from];
    assert.ok(allowed, `src/${from} is not in the architecture table of this test (and README): add it`);
    return !allowed.includes(to);
  });
  assert.deepEqual(broken.map((e) => `${e.from} -> ${e.to}`), []);
});

test('the CLI reaches broker writes only through the workflow, and the library never imports the CLI', () => {
  const all = edges();
  assert.deepEqual(all.filter((e) => stageOf(e.from) === 'cli' && ['apply', 'live'].includes(stageOf(e.to))).map((e) => `${e.from} -> ${e.to}`), []);
  assert.deepEqual(all.filter((e) => e.from === 'index.ts' && stageOf(e.to) === 'cli').map((e) => e.to), []);
  // live/ only reads: nothing in it may import a writer.
  assert.deepEqual(all.filter((e) => stageOf(e.from) === 'live' && stageOf(e.to) === 'apply').map((e) => `${e.from} -> ${e.to}`), []);
});

test('src/ has no import cycle (type-only imports count)', () => {
  const graph = new Map<string, string[]>();
  for (const e of edges()) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      cycles.push([...path.slice(path.indexOf(node)), node].join(' -> '));
      return;
    }
    state.set(node, 'open');
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  assert.deepEqual(cycles, []);
});
