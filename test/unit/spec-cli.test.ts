// `warren validate` and `warren schema`: output, exit codes, and no stack traces for user errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WarrenError } from '../../src/errors.js';
import { reportFailure } from '../../src/cli/exit.js';
import { validateCommand, type ValidateIo } from '../../src/cli/commands/validate.js';
import { schemaCommand } from '../../src/cli/commands/schema.js';
import { HEAD, writeSpecDir } from './spec-helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = `${ROOT}bin/warren.js`;

function fakeIo(cwd = ROOT): ValidateIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: { NO_COLOR: '1' }, cwd };
}

test('a valid spec prints one summary line', async () => {
  const io = fakeIo();
  assert.deepEqual(await validateCommand([`${ROOT}examples`], io), { kind: 'ok' });
  assert.deepEqual(io.out, ['✓ 5 files, 2 vhosts, 44 objects valid\n']);
  assert.deepEqual(io.err, []);
});

test('warnings are printed and counted, and do not fail validation', async () => {
  const dir = writeSpecDir({ 'a.yaml': `${HEAD}vhosts:\n  v:\n    queues: { q: { arguments: { x-dead-letter-exchange: gone } } }\n` });
  const io = fakeIo();
  await validateCommand([dir], io);
  assert.equal(io.err.length, 1);
  assert.match(io.err[0] ?? '', /a\.yaml:5:57: warning W_REFERENCE: vhosts\.v\.queues\.q\.arguments\.x-dead-letter-exchange: /);
  assert.deepEqual(io.out, ['✓ 1 file, 1 vhost, 2 objects valid (1 warning)\n']);
});

test('no path means the current folder', async () => {
  const io = fakeIo(`${ROOT}examples`);
  await validateCommand([], io);
  assert.deepEqual(io.out, ['✓ 5 files, 2 vhosts, 44 objects valid\n']);
});

test('errors leave as one WarrenError carrying every diagnostic', async () => {
  const dir = writeSpecDir({ 'a.yaml': `${HEAD}vhosts:\n  v:\n    queues: { q: { durable: 1, x: 2 } }\n` });
  const io = fakeIo();
  const err = await validateCommand([dir], io).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof WarrenError);
  assert.equal(err.code, 'E_SCHEMA'); // the first problem in the file
  assert.equal(err.diagnostics.length, 2);
  const lines: string[] = [];
  assert.equal(reportFailure(err, (l) => lines.push(l)), 1);
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? '', /a\.yaml:5:29: error E_SCHEMA: vhosts\.v\.queues\.q\.durable: must be a boolean/);
  assert.match(lines[1] ?? '', /a\.yaml:5:32: error E_UNKNOWN_KEY: vhosts\.v\.queues\.q: unknown key `x`/);
  assert.deepEqual(io.out, []);
});

test('warren schema prints the schema as JSON', async () => {
  const out: string[] = [];
  await schemaCommand({ write: (s: string) => out.push(s) });
  const schema = JSON.parse(out.join('')) as Record<string, unknown>;
  assert.equal(schema['$schema'], 'https://json-schema.org/draft/2020-12/schema');
});

test('the installed binary: exit 0 when valid, 1 with diagnostics and no stack trace when not', () => {
  const ok = spawnSync(process.execPath, [BIN, 'validate', `${ROOT}examples`], { encoding: 'utf8' });
  assert.equal(ok.status, 0);
  assert.match(ok.stdout, /✓ 5 files, 2 vhosts, 44 objects valid/);
  const dir = writeSpecDir({ 'a.yaml': `${HEAD}vhosts:\n  v:\n    exchanges: { amq.x: { type: direct } }\n` });
  const bad = spawnSync(process.execPath, [BIN, 'validate', dir], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /a\.yaml:5:18: error E_NAME: /);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  assert.equal(bad.stdout, '');
});

test('warren --help lists validate and schema', () => {
  const help = execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
  assert.match(help, /validate \[options\] \[paths\.\.\.\]/);
  assert.match(help, /schema/);
});
