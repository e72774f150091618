// `warren validate --for-version`: the version rules offline, at the spec's file:line:col, through
// the real CLI (exit code, no stack trace) and in-process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WarrenError } from '../../src/errors.js';
import { validateCommand, type ValidateIo } from '../../src/cli/commands/validate.js';
import { HEAD, writeSpecDir } from './spec-helpers.js';

const BIN = fileURLToPath(new URL('../../../bin/warren.js', import.meta.url));
const MIRRORED = `${HEAD}vhosts:
  shop:
    policies:
      ha-orders:
        pattern: '^orders'
        definition: { ha-mode: all, max-length: 10 }
    queues:
      orders.tmp: { durable: false }
`;

function io(): ValidateIo & { err: string[] } {
  const err: string[] = [];
  return { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) }, env: {}, cwd: '.', err };
}

test('validate --for-version 4.0 refuses ha-mode at its place, naming the version and the replacement', async () => {
  const dir = writeSpecDir({ 'spec.yaml': MIRRORED });
  const err = await validateCommand([dir], io(), { forVersion: '4.0' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof WarrenError);
  assert.equal(err.code, 'E_VERSION');
  assert.match(err.message, /^vhosts\.shop\.policies\.ha-orders\.definition\.ha-mode: RabbitMQ 4\.0 removed classic queue mirroring in 4\.0 .*instead: replicate with quorum queues/);
  assert.equal(err.origin?.line, 6);
  // The deprecated transient queue travels beside the error as a warning.
  assert.ok(err.diagnostics.some((d) => d.code === 'W_DEPRECATED' && /orders\.tmp\.durable/.test(d.message)));

  const cli = spawnSync(process.execPath, [BIN, 'validate', dir, '--for-version', '4.0'], { encoding: 'utf8', env: { PATH: process.env['PATH'], NO_COLOR: '1' } });
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /spec\.yaml:6:\d+: error E_VERSION: vhosts\.shop\.policies\.ha-orders\.definition\.ha-mode: RabbitMQ 4\.0 removed/);
  assert.doesNotMatch(cli.stderr, /\n\s+at /, 'no stack trace');
});

test('the same spec is valid for 3.10, and without --for-version', async () => {
  const dir = writeSpecDir({ 'spec.yaml': MIRRORED });
  assert.deepEqual(await validateCommand([dir], io(), { forVersion: '3.10' }), { kind: 'ok' });
  assert.deepEqual(await validateCommand([dir], io()), { kind: 'ok' });
});

test('an unreadable --for-version is a usage error', async () => {
  const dir = writeSpecDir({ 'spec.yaml': MIRRORED });
  await assert.rejects(validateCommand([dir], io(), { forVersion: 'latest' }), (e: unknown) => e instanceof WarrenError && e.code === 'E_USAGE');
});
