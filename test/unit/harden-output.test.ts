// What warren writes (issue 9: items 4, 5 and 7): an export never carries a `${` that the next
// load would interpolate; an output that cannot be written is E_IO naming the path, with no
// stack trace; a folder export writes every file or none, whatever the vhost names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCommand } from '../../src/cli/commands/export.js';
import { planCommand } from '../../src/cli/commands/plan.js';
import { renderCommand } from '../../src/cli/commands/render.js';
import type { Outcome } from '../../src/cli/exit.js';
import type { CommandIo } from '../../src/cli/io.js';
import { exportSpec } from '../../src/export/export.js';
import type { LiveState } from '../../src/live/types.js';
import { resolveCredentials } from '../../src/model/credentials.js';
import type { Resource } from '../../src/model/types.js';
import { planChanges } from '../../src/plan/index.js';
import { loadSpec } from '../../src/spec/index.js';
import { binding, exchange, modelOf, policy, queue, vhost } from '../support/build.js';
import { runInProcess } from '../support/warren-stack.js';
import { HEAD, writeSpecDir } from './spec-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'warren-harden-out-'));

function liveOf(resources: Resource[]): LiveState {
  return { model: { resources: modelOf(...resources) }, brokerVersion: '3.10.8', source: 'defs.json', ownership: new Map(), globalParameters: new Map(), unmanagedReasons: new Map(), warnings: [] };
}

test('export writes $${ for every ${ in a broker string, and the export loads back to the same strings', () => {
  const odd = ['${AWS_SECRET_ACCESS_KEY}', 'a$${b', '$${', '${', '$', 'x$', '${A:-b}c', '$$${X}'];
  const resources: Resource[] = [vhost('v', { description: odd.join(' | '), tags: [...odd].sort() })];
  odd.forEach((s, i) => {
    resources.push(queue('v', `q${i}`, { arguments: { 'x-dead-letter-exchange': s } }));
    resources.push(exchange('v', `x${i}`, { type: 'topic', arguments: { 'alternate-exchange': s } }));
    resources.push(binding('v', `x${i}`, `q${i}`, { routing_key: s }));
    resources.push(policy('v', `p${i}`, { pattern: s, definition: { 'dead-letter-routing-key': s } }));
  });
  const live = liveOf(resources);
  const text = exportSpec(live, { stack: 'exported' }, 'single').files[0]!.text;
  const spec = loadSpec([join(writeSpecDir({ 'spec.yaml': text }), 'spec.yaml')], { AWS_SECRET_ACCESS_KEY: 'leaked!', A: 'leaked!', X: 'leaked!' });
  assert.deepEqual(spec.diagnostics.filter((d) => d.severity === 'error'), [], text);
  assert.ok(!JSON.stringify([...spec.model.resources.values()]).includes('leaked!'));
  const plan = planChanges({ stack: 'exported', desired: resolveCredentials(spec.model.resources, live.model.resources), live: live.model.resources, ownership: new Map(), prune: 'managed', specVhosts: new Set(spec.vhosts) });
  assert.deepEqual(plan.changes, []);
});

test('an output that cannot be written is E_IO naming the path, without a stack trace', async () => {
  const spec = writeSpecDir({ 'spec.yaml': `${HEAD}vhosts:\n  v: {}\n` });
  const defs = join(dir, 'defs.json');
  writeFileSync(defs, '{"vhosts":[{"name":"v"}]}');
  const aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'x');
  const missing = join(dir, 'no-such-folder', 'out.yaml');
  const cases: [string, (io: CommandIo) => Promise<Outcome>, string][] = [
    ['render into a missing folder', (io) => renderCommand({ paths: [spec], env: {}, format: 'definitions', output: missing }, io), missing],
    ['render to /dev/full', (io) => renderCommand({ paths: [spec], env: {}, format: 'definitions', output: '/dev/full' }, io), '/dev/full'],
    ['plan -o into a missing folder', (io) => planCommand({ paths: [spec], env: {}, connection: {}, prune: 'managed', liveFile: defs, format: 'text', detailedExitCode: false, output: missing }, io), missing],
    ['export into a missing folder', (io) => exportCommand({ env: {}, connection: {}, from: defs, vhosts: [], stack: 's', output: missing }, io), missing],
    ['export to a folder that is a file', (io) => exportCommand({ env: {}, connection: {}, from: defs, vhosts: [], stack: 's', output: aFile }, io), aFile],
  ];
  for (const [name, command, path] of cases) {
    const result = await runInProcess(command);
    assert.equal(result.code, 1, name);
    assert.match(result.stderr, /error E_IO: /, `${name}: ${result.stderr}`);
    assert.ok(result.stderr.includes(path), `${name}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /E_INTERNAL|\n\s+at /, `${name}: ${result.stderr}`);
  }
});

test('a folder export with a 250-character vhost name writes every file, with names the file system takes', async () => {
  const long = 'v'.repeat(250);
  const defs = join(dir, 'long.json');
  writeFileSync(defs, JSON.stringify({ vhosts: [{ name: long }, { name: 'short' }, { name: `${'é'.repeat(200)}` }] }));
  const out = join(dir, 'long-export');
  const io = await runInProcess((io) => exportCommand({ env: {}, connection: {}, from: defs, vhosts: [], stack: 's', output: out }, io));
  assert.equal(io.code, 0, io.stderr);
  const names = readdirSync(out);
  assert.equal(names.length, 3, names.join(', '));
  for (const name of names) assert.ok(Buffer.byteLength(name) <= 255, name);
  const spec = loadSpec([out], {});
  assert.deepEqual(spec.vhosts.sort(), [long, 'short', 'é'.repeat(200)].sort());
});

test('a folder export that fails part way leaves no file behind', async () => {
  const defs = join(dir, 'two.json');
  writeFileSync(defs, JSON.stringify({ vhosts: [{ name: 'a' }, { name: 'b' }] }));
  const out = join(dir, 'half-export');
  // vhost-b.yaml exists as a folder: that one file cannot be written.
  const blocked = join(out, 'vhost-b.yaml');
  mkdirSync(blocked, { recursive: true });
  const result = await runInProcess((io) => exportCommand({ env: {}, connection: {}, from: defs, vhosts: [], stack: 's', output: out }, io));
  assert.equal(result.code, 1);
  assert.match(result.stderr, /error E_IO: .*vhost-b\.yaml/);
  assert.deepEqual(readdirSync(out), ['vhost-b.yaml']);
  assert.ok(!existsSync(join(out, 'vhost-a.yaml')));
});

test('a reader that closes the pipe early (warren export | head) ends warren with exit 1 and no stack trace', async () => {
  const { spawn } = await import('node:child_process');
  const { WARREN_BIN } = await import('../support/warren-stack.js');
  const defs = join(dir, 'many-queues.json');
  const queues = Array.from({ length: 20_000 }, (_, i) => ({ name: `queue-number-${i}`, vhost: 'v', durable: true, auto_delete: false, arguments: { 'x-queue-type': 'classic' } }));
  writeFileSync(defs, JSON.stringify({ rabbit_version: '3.10.8', vhosts: [{ name: 'v' }], queues }));
  const child = spawn(process.execPath, [WARREN_BIN, 'export', '--from', defs, '--stack', 's'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // Read the first bytes, then go away, as `head -c 100` does.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 1, stderr);
  assert.doesNotMatch(stderr, /EPIPE|node:events|at .*\(.*\.js:\d+/);
});
