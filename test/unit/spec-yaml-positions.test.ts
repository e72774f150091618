// Property test: for generated YAML (block and flow collections, every scalar style, comments,
// empty values, properties, CR LF), every key and value the spec loader reads sits at the line and
// column the `yaml` package reports for it. `yaml` read specs before js-yaml did; it still writes
// them (warren export), and here it is the oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { buildTree } from '../../src/spec/build-tree.js';
import type { SpecNode } from '../../src/spec/tree.js';
import { parseSource } from '../../src/spec/yaml-source.js';

/** mulberry32: small, seeded, and the same on every machine. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS = ['a', 'two words', 'x-max-length', '12', '-3', '0x1F', '1.5', 'true', '~', 'null', '"dq"', '"esc \\" \\t"', "'sq'", "'it''s'", '""', '!!str 7', '&anc v', '🐇', 'a:b', 'a#b'];
const KEYS = ['a', 'b', 'q.1', '"quoted key"', "'single'", '__proto__', '7', 'x-y'];

function generate(rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const comment = (): string => (rnd() < 0.15 ? ' # note: - x' : '');
  const keys = (n: number): string[] => [...new Set(Array.from({ length: n }, () => pick(KEYS)))];
  const flow = (depth: number): string => {
    const r = rnd();
    if (depth > 1 || r < 0.5) return pick(SCALARS.filter((s) => !s.startsWith('&')));
    if (r < 0.75) return `{${keys(Math.floor(rnd() * 3)).map((k) => `${k}: ${flow(depth + 1)}`).join(', ')}}`;
    return `[${Array.from({ length: Math.floor(rnd() * 3) }, () => flow(depth + 1)).join(', ')}]`;
  };
  // The text after `key:` or `-`, and the lines below it.
  const value = (indent: number, depth: number): [string, string[]] => {
    const r = rnd();
    if (depth > 2 || r < 0.4) return [` ${pick(SCALARS)}${comment()}`, []];
    if (r < 0.5) return [` ${flow(depth)}${comment()}`, []];
    if (r < 0.55) return [rnd() < 0.5 ? '' : '   # empty', []];
    if (r < 0.6) return [` ${pick(['|', '>-', '|+'])}`, [`${' '.repeat(indent + 2)}line one`, `${' '.repeat(indent + 2)}  line two`]];
    return [comment(), rnd() < 0.7 ? map(indent + 2, depth + 1) : seq(indent + 2, depth + 1)];
  };
  const map = (indent: number, depth: number): string[] =>
    keys(1 + Math.floor(rnd() * 4)).flatMap((k) => {
      const [inline, below] = value(indent, depth);
      return [...(rnd() < 0.1 ? [''] : []), `${' '.repeat(indent)}${k}:${inline}`, ...below];
    });
  const seq = (indent: number, depth: number): string[] =>
    Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
      if (rnd() < 0.3) {
        const [first, ...rest] = map(indent + 2, depth + 1);
        return [`${' '.repeat(indent)}- ${(first ?? '').trimStart()}`, ...rest];
      }
      const [inline, below] = value(indent, depth);
      return inline.trim() === '' && below.length === 0 ? [`${' '.repeat(indent)}- ~`] : [`${' '.repeat(indent)}-${inline}`, ...below];
    }).flat();
  const text = `${map(0, 0).join('\n')}\n`;
  return rnd() < 0.2 ? text.replace(/\n/g, '\r\n') : text;
}

/** `path key|value line:col` for every node, from the yaml package's ranges. */
function oracle(text: string): string[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  assert.deepEqual(doc.errors, [], text);
  const at = (node: YamlNode): string => {
    const p = lines.linePos(node.range?.[0] ?? 0);
    return `${p.line}:${p.col}`;
  };
  const out: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (isMap(node)) {
      out.push(`${path} value ${at(node)}`);
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value ?? '') : '?';
        out.push(`${path}.${key} key ${at(pair.key as YamlNode)}`);
        walk(pair.value, `${path}.${key}`);
      }
    } else if (isSeq(node)) {
      out.push(`${path} value ${at(node)}`);
      node.items.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (isScalar(node)) {
      out.push(`${path} value ${at(node)}`);
    }
  };
  walk(doc.contents, '');
  return out;
}

function loaded(text: string): string[] {
  const diagnostics: [] = [];
  const source = parseSource('f.yaml', text, diagnostics);
  assert.ok(source, text);
  const out: string[] = [];
  const walk = (node: SpecNode, path: string): void => {
    out.push(`${path} value ${node.origin.line}:${node.origin.col}`);
    if (node.kind === 'map') {
      for (const [key, e] of node.entries) {
        out.push(`${path}.${key} key ${e.keyOrigin.line}:${e.keyOrigin.col}`);
        walk(e.value, `${path}.${key}`);
      }
    } else if (node.kind === 'seq') {
      node.items.forEach((item, i) => walk(item, `${path}[${i}]`));
    }
  };
  walk(buildTree(source, {}, diagnostics).root, '');
  assert.deepEqual(diagnostics, [], text);
  return out;
}

test('every key and value is where the yaml package places it (400 generated documents)', () => {
  const rnd = random(20_260_101);
  for (let i = 0; i < 400; i++) {
    const text = generate(rnd);
    assert.deepEqual(loaded(text), oracle(text), `document ${i}:\n${text}`);
  }
});
