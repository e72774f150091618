// Seeded fuzzing for the test suite: a small PRNG, a time budget, and the one property every
// fuzzer checks (a failure is a WarrenError with a stable code, never E_INTERNAL or a TypeError).
// A few seconds under `npm test`; longer with WARREN_FUZZ_SECONDS=600, and another seed with
// WARREN_FUZZ_SEED=n. A failure names the seed and the iteration, and keeps the input in a file.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODES, WarrenError, formatDiagnostic, type Diagnostic } from '../../src/errors.js';

export const FUZZ_SECONDS = Number(process.env['WARREN_FUZZ_SECONDS'] ?? 3);
export const FUZZ_SEED = Number(process.env['WARREN_FUZZ_SEED'] ?? 20261130);

/** mulberry32: tiny, fast and good enough to pick mutations; the same seed gives the same run. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Runs `iteration` with fresh random numbers until the budget is spent; returns the count. */
export async function fuzzFor(name: string, iteration: (rng: Rng, i: number) => Promise<void> | void, seconds = FUZZ_SECONDS, seed = FUZZ_SEED): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let i = 0;
  // At least a fixed number of iterations, so a slow machine still fuzzes something.
  for (; i < 50 || Date.now() < until; i++) {
    const rng = new Rng(seed + i * 7919);
    try {
      await iteration(rng, i);
    } catch (e) {
      throw new Error(`${name}: seed ${seed}, iteration ${i} (rerun with WARREN_FUZZ_SEED=${seed}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  return i;
}

const FAILURES = mkdtempSync(join(tmpdir(), 'warren-fuzz-'));

/** Keeps an input that broke a property, and says where it is. */
export function keepInput(name: string, text: string): string {
  const file = join(FAILURES, name);
  writeFileSync(file, text);
  return file;
}

/** The property: a user-facing failure, with a code from the stable list, printable as one safe line. */
export function assertUserFailure(e: unknown, context: () => string): void {
  if (!(e instanceof WarrenError)) assert.fail(`not a WarrenError (${context()}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  assert.notEqual(e.code, 'E_INTERNAL', `${context()}: ${e.message}`);
  assertDiagnostics(e.diagnostics, context);
}

export function assertDiagnostics(diagnostics: readonly Diagnostic[], context: () => string): void {
  for (const d of diagnostics) {
    assert.ok(Object.hasOwn(CODES, d.code) && d.code !== 'E_INTERNAL', `${context()}: code ${d.code}`);
    const line = formatDiagnostic(d);
    assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f]/, `${context()}: raw control character in ${JSON.stringify(line.slice(0, 200))}`);
    assert.ok(line.length < 10_000, `${context()}: a ${line.length}-character diagnostic`);
  }
}

/** Strings a hostile or careless writer puts where names and values go. */
export const ODD_STRINGS: readonly string[] = [
  '${X}',
  '$${X}',
  '${X:-${Y:-z}}',
  '${ORDERS-SVC-PASSWORD:-pw}',
  '$',
  '${',
  '}',
  'yes',
  'No',
  '~',
  'null',
  '<<',
  '0x1F',
  '007',
  '1e400',
  '.inf',
  '.nan',
  '-0',
  '#',
  'a: b',
  '- x',
  '"q"',
  "it's",
  'ünïcødé キュー',
  ' spaced ',
  '*star',
  '&amp',
  '!tag',
  '%pct',
  '@at',
  '`tick',
  '[x]',
  '{y}',
  'a,b',
  '?',
  '|',
  '>',
  '\\',
  '/',
  '.',
  '..',
  'amq.x',
  '__proto__',
  'constructor',
  'toString',
  '\u202etxt',
  '\u2028',
  '\uFEFF',
  'x'.repeat(300),
];
