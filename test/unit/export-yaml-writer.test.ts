// The export's own YAML writer (src/export/yaml.ts) against the yaml package's Document writer it
// replaced (test/support/yaml-document.ts): the same bytes for random trees of hostile strings,
// odd numbers, nested and empty collections and streamed sections, whole or in chunks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamedList, StreamedMap, TemplateText, type DocMap, type DocValue } from '../../src/export/doc-value.js';
import { toYaml, writeYaml } from '../../src/export/yaml.js';
import { ODD_STRINGS, fuzzFor, keepInput, type Rng } from '../support/fuzz.js';
import { documentYaml } from '../support/yaml-document.js';

/** Pieces that change how YAML writes a string: indicators, breaks, quotes, escapes, markers. */
const PIECES = ['a', 'Zq', '0', '42', '.', '-', '_', '/', ' ', '\t', '\n', '\n\n', ':', ': ', '#', ' #', '- ', '?', '[', ']', '{', '}', ',', '"', "'", '`', '|', '>', '%', '@', '&', '*', '!', '\\', '${', '$', '~', '\u0007', '\u0085', '\u00a0', 'é', 'キュー', '\u2028', '\ud800', '---', '...', '\r', 'yes', 'null', '0x1F', '1e3'];

function randomString(rng: Rng): string {
  switch (rng.int(4)) {
    case 0:
      return rng.pick(ODD_STRINGS);
    case 1:
      return `q.${rng.int(1000)}`;
    default: {
      let s = '';
      for (let n = rng.int(9); n > 0; n--) s += rng.pick(PIECES);
      // Long ones cross the one-line limit (100) and, as keys, the implicit-key limit (1024).
      return rng.chance(0.05) ? s.repeat(rng.chance(0.5) ? 30 : 400) : s;
    }
  }
}

function randomScalar(rng: Rng): DocValue {
  switch (rng.int(6)) {
    case 0:
      return rng.pick([0, 7, -3, 1.5, -0, 1e21, 2 ** 53 + 2, 1e-7, -1.25e-10, Infinity, -Infinity, NaN, 100000]);
    case 1:
      return rng.chance(0.5);
    case 2:
      return null;
    case 3:
      return new TemplateText(`amqp://u:\${WARREN_${rng.int(9)}_PASSWORD}@${randomString(rng)}`);
    default:
      return randomString(rng);
  }
}

function randomMap(rng: Rng, depth: number, size = rng.int(5)): DocMap {
  const map: DocMap = new Map();
  for (let i = 0; i < size; i++) map.set(randomString(rng), randomValue(rng, depth + 1));
  return map;
}

function randomValue(rng: Rng, depth: number): DocValue {
  if (depth > 4) return randomScalar(rng);
  switch (rng.int(7)) {
    case 0:
      return randomMap(rng, depth);
    case 1:
      return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
    case 2: {
      // Short all-scalar maps and lists: the ones written on one line.
      const small = rng.chance(0.5) ? new Map(Array.from({ length: 1 + rng.int(3) }, () => [randomString(rng), randomScalar(rng)] as const)) : Array.from({ length: 1 + rng.int(3) }, () => randomScalar(rng));
      return small;
    }
    case 3: {
      const entries = Array.from({ length: rng.int(4) }, () => [randomString(rng), randomMap(rng, depth + 1)] as const);
      return new StreamedMap(new Map(entries).size, () => new Map(entries));
    }
    case 4: {
      const items = Array.from({ length: rng.int(4) }, () => randomMap(rng, depth + 1));
      return new StreamedList(items.length, () => items);
    }
    default:
      return randomScalar(rng);
  }
}

function randomHeader(rng: Rng): string[] {
  return Array.from({ length: rng.int(4) }, () => (rng.chance(0.2) ? rng.pick(['', ' ', 'two\nlines', '  indented']) : `Exported from ${randomString(rng)}`));
}

function assertSameAsDocument(root: DocMap, header: readonly string[], name: string): void {
  const expected = documentYaml(root, header);
  const actual = toYaml(root, header);
  if (actual !== expected) {
    const file = keepInput(`${name}.json`, JSON.stringify({ expected, actual }));
    assert.equal(actual, expected, `differs from the Document writer (kept in ${file})`);
  }
}

test('the writer writes what the yaml Document writer wrote, on random trees', async () => {
  const iterations = await fuzzFor('export yaml writer', (rng, i) => {
    const root = randomMap(rng, 0, rng.int(6));
    assertSameAsDocument(root, randomHeader(rng), `yaml-writer-${i}`);
  });
  assert.ok(iterations >= 50);
});

test('the cases the writer treats apart match the Document writer', () => {
  const long = 'k'.repeat(1100);
  const cases: DocMap[] = [
    new Map<string, DocValue>([['version', 1], ['stack', 's']]), // only scalars: the whole document on one line
    new Map<string, DocValue>([[long, new Map([['a', new Map([['b', 1]])]])], ['short', 1]]), // explicit key over a block
    new Map<string, DocValue>([[long, 'v'], [`${long}\nx`, new Map()]]),
    new Map<string, DocValue>([['m', new Map([['a', 'first line\nsecond line, long enough to be written over lines']])]]), // a flow map that spans lines
    new Map<string, DocValue>([['l', ['x\ny'.repeat(20), 'z']]]),
    new Map<string, DocValue>([['nested', [[1, [2, []]], new Map(), [new Map([['a', [1, 2]]])]]]]),
    new Map<string, DocValue>([['numbers', [-0, NaN, Infinity, -Infinity, 1e21, 0.1, 5e-324]]]),
    new Map<string, DocValue>([['block', 'a\n  b\n\n c\n'], ['keep', 'x\n\n'], ['lead', '  x\ny'], ['marker', '--- x\n...\n%y']]),
    new Map<string, DocValue>([['empty', new StreamedMap(0, () => [])], ['none', new StreamedList(0, () => [])]]),
    new Map<string, DocValue>([['${KEY}', '${VALUE}'], ['t', new TemplateText('${KEPT}')], ['', '']]),
  ];
  cases.forEach((root, i) => assertSameAsDocument(root, ['header', '', ' ', 'a\nb'], `yaml-writer-case-${i}`));
});

test('written in chunks, the text is the same as written whole', () => {
  const queues = Array.from({ length: 5000 }, (_, i) => [`q.${i}`, new Map<string, DocValue>([['arguments', new Map([['x-message-ttl', i]])]])] as const);
  const root: DocMap = new Map<string, DocValue>([['vhosts', new Map([['v', new Map([['queues', new StreamedMap(queues.length, () => queues)]])]])]]);
  const chunks: string[] = [];
  writeYaml(root, ['h'], (c) => chunks.push(c));
  assert.ok(chunks.length > 1, `${chunks.length} chunk(s)`);
  assert.equal(chunks.join(''), documentYaml(root, ['h']));
});
