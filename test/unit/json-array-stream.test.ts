// The streamed listing reader (src/live/json-array-stream.ts) against JSON.parse: the same
// elements whatever the chunks (cut inside strings, escapes, multi-byte characters, nesting), and
// a refusal wherever JSON.parse refuses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JsonArrayReader, NotJson, type StreamedJson } from '../../src/live/json-array-stream.js';

/** Reads `text` cut into chunks of the given byte sizes (cycled). */
function read(text: string, sizes: readonly number[]): StreamedJson<unknown> {
  const bytes = new TextEncoder().encode(text);
  const reader = new JsonArrayReader((element) => element);
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length] ?? 1;
    reader.push(bytes.subarray(at, at + size));
    at += size;
  }
  return reader.end();
}

const CUTS: readonly (readonly number[])[] = [[1], [2, 3], [7], [64], [1 << 20], [5, 1, 13]];

/** Elements made to trip a scanner: quotes, backslashes, brackets inside strings, unicode. */
function awkwardElements(seed: number): unknown[] {
  let x = seed;
  const rand = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const pieces = ['"', '\\', '\\"', '{', '}', '[', ']', ',', 'é', '€', '😀', ' ', '\n', 'a', '\\\\'];
  const str = (): string => Array.from({ length: rand(12) }, () => pieces[rand(pieces.length)]).join('');
  const value = (depth: number): unknown => {
    switch (rand(depth > 2 ? 4 : 6)) {
      case 0:
        return str();
      case 1:
        return rand(1000) - 500;
      case 2:
        return [true, false, null][rand(3)];
      case 3:
        return rand(100) / 7;
      case 4:
        return Array.from({ length: rand(4) }, () => value(depth + 1));
      default:
        return Object.fromEntries(Array.from({ length: rand(4) }, () => [str(), value(depth + 1)]));
    }
  };
  return Array.from({ length: 40 }, () => value(0));
}

describe('JsonArrayReader', () => {
  it('gives the elements JSON.parse gives, whatever the chunks', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const elements = awkwardElements(seed);
      for (const spacing of [0, 2]) {
        const text = JSON.stringify(elements, null, spacing);
        for (const cut of CUTS) assert.deepEqual(read(text, cut), { kind: 'array', items: JSON.parse(text) }, `seed ${seed}, cut ${cut.join(',')}`);
      }
    }
  });

  it('reads empty lists, blanks around them, and bare values as elements', () => {
    for (const cut of CUTS) {
      assert.deepEqual(read('[]', cut), { kind: 'array', items: [] });
      assert.deepEqual(read(' \n[ ]\n ', cut), { kind: 'array', items: [] });
      assert.deepEqual(read('[1,-2.5e3 , true,null,"x"]', cut), { kind: 'array', items: [1, -2500, true, null, 'x'] });
    }
  });

  it('hands back what is not a list, for the caller to judge', () => {
    assert.deepEqual(read('', [1]), { kind: 'other', value: undefined });
    assert.deepEqual(read('  ', [1]), { kind: 'other', value: undefined });
    assert.deepEqual(read('{"error":"x"}', [3]), { kind: 'other', value: { error: 'x' } });
    assert.deepEqual(read('"text"', [2]), { kind: 'other', value: 'text' });
  });

  it('refuses what JSON.parse refuses', () => {
    for (const bad of ['[', '[1,', '[1,]', '[,1]', '[1 2]', '[{"a":1}{"b":2}]', '[{"a":}]', '[1]]', '[1] x', '["open]', '[{]', 'nope']) {
      assert.throws(() => JSON.parse(bad), `JSON.parse accepts ${bad}`);
      for (const cut of CUTS) assert.throws(() => read(bad, cut), NotJson, `${bad} cut ${cut.join(',')}`);
    }
  });

  it('keeps only what each element is made into, with its index', () => {
    const seen: number[] = [];
    const reader = new JsonArrayReader((element, index) => {
      seen.push(index);
      return typeof element === 'number' && element > 1 ? element * 10 : undefined;
    });
    reader.push(new TextEncoder().encode('[1,2,3]'));
    assert.deepEqual(reader.end(), { kind: 'array', items: [20, 30] });
    assert.deepEqual(seen, [0, 1, 2]);
  });
});
