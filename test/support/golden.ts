// Golden files: rendered output compared byte for byte with a file under test/golden/.
// Run with UPDATE_GOLDEN=1 to rewrite them, then read the diff before committing it.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Goldens live in the source tree: from dist/test/support back to <repo>/test/golden. */
export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'golden');

export function matchGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch {
    assert.fail(`missing golden file ${path}; run the tests with UPDATE_GOLDEN=1 to create it`);
  }
  assert.equal(actual, expected, `${name} differs from its golden file; if the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff`);
}
