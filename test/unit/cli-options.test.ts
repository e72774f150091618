// Option values commander cannot use are reported, with what to give instead, and exit 1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const WARREN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'warren.js');
const run = (...args: string[]) => spawnSync(process.execPath, [WARREN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

test('--lock-timeout and --concurrency say what they take', () => {
  const timeout = run('apply', '--lock-timeout', '5x', 'spec');
  assert.equal(timeout.status, 1);
  assert.match(timeout.stderr, /^error: option '--lock-timeout <duration>' argument '5x' is invalid\. give a duration of at least 1s, such as 30s, 10m or 1h\n/);
  const concurrency = run('apply', '--concurrency', '0', 'spec');
  assert.equal(concurrency.status, 1);
  assert.match(concurrency.stderr, /^error: option '--concurrency <n>' argument '0' is invalid\. give a whole number from 1 to 256\n/);
  assert.match(run('apply', '--help').stdout, /--lock-timeout <duration>.*\n.*\(default: 10m\)/);
});
