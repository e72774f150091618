// The demo piped into a file or a CI log is plain text: no raw colour codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const DEMO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'demo.js');

test('npm run demo, piped, prints no colour codes (offline run: no broker needed)', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, WARREN_DEMO_OFFLINE: '1' };
  delete env['FORCE_COLOR'];
  delete env['NO_COLOR'];
  const r = spawnSync(process.execPath, [DEMO], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /== Validate the example offline\n\$ warren validate examples/);
  assert.doesNotMatch(r.stdout + r.stderr, /\x1b\[/);
});
