// Hostile input files (issue 9: items 3, 6, 8, 9 and 15): what is not a regular file, what is
// not UTF-8, JSON that is broken, deep or of the wrong types, and an ownership record that
// inflates without bound. Each must end in one WarrenError with a stable code, never a hang,
// a TypeError or a stack overflow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WarrenError, formatDiagnostic } from '../../src/errors.js';
import { exportSpec } from '../../src/export/export.js';
import { readOwnership } from '../../src/model/ownership-record.js';
import { readDefinitions, readDefinitionsFile } from '../../src/live/read-definitions.js';
import { readPlanFile } from '../../src/saved-plan/read.js';
import { loadSpec } from '../../src/spec/index.js';
import { HEAD, brief, writeSpecDir } from './spec-helpers.js';

const SECRET = 'Zq7-harden-SECRET';
const dir = mkdtempSync(join(tmpdir(), 'warren-harden-'));

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

/** The one error a call ends in: a WarrenError, never anything else. */
async function failure(run: () => unknown): Promise<WarrenError> {
  try {
    await run();
  } catch (e) {
    assert.ok(e instanceof WarrenError, `not a WarrenError: ${e instanceof Error ? e.stack : String(e)}`);
    return e;
  }
  assert.fail('expected a failure');
}

test('a FIFO or a device is refused at once, as a spec, a definitions file or a plan file', { timeout: 20_000 }, async () => {
  for (const path of [fifo('spec.yaml'), '/dev/zero']) {
    const spec = loadSpec([path], {});
    assert.deepEqual(spec.diagnostics.map((d) => d.code), ['E_IO']);
    assert.match(spec.diagnostics[0]!.message, /not a regular file/);
  }
  for (const path of [fifo('defs.json'), '/dev/zero']) {
    const e = await failure(() => readDefinitionsFile(path));
    assert.equal(e.code, 'E_LIVE_FILE');
    assert.match(e.message, /not a regular file/);
  }
  const e = await failure(() => readPlanFile(fifo('plan.json')));
  assert.equal(e.code, 'E_PLAN_FILE');
});

test('a folder argument still reads its spec files', () => {
  const spec = loadSpec([writeSpecDir({ 'a.yaml': HEAD })], {});
  assert.deepEqual(spec.diagnostics, []);
});

test('a NUL byte is reported on its own line and column', () => {
  const lines = ['version: 1', 'stack: s', 'vhosts:', '  v:', '    queues:', '      a: {}', '      b: {}', '      c: {}', '      d: {}', '      e\0: {}'];
  const spec = loadSpec([join(writeSpecDir({ 'spec.yaml': lines.join('\n') }), 'spec.yaml')], {});
  assert.deepEqual(spec.diagnostics.map(brief), ['spec.yaml:10:8: error E_YAML: a NUL byte, which text files do not hold: is this a binary file? Save the spec as UTF-8 text']);
});

test('UTF-16 and UTF-32 files, with or without a byte order mark, are told to be saved as UTF-8', () => {
  const text = `${HEAD}vhosts: {}\n`;
  const files: Record<string, Buffer> = {
    'le-bom.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    'be-bom.yaml': Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
    'le.yaml': Buffer.from(text, 'utf16le'),
    'u32.yaml': Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), ...[...text].map((c) => Buffer.from([c.charCodeAt(0), 0, 0, 0]))]),
  };
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const spec = loadSpec([path], {});
    assert.equal(spec.diagnostics.length, 1, name);
    assert.match(brief(spec.diagnostics[0]!), /:1:1: error E_YAML: .*UTF-(16|32).*save it as UTF-8/, name);
  }
});

test('a JSON syntax error in a definitions file gives its place, never the text around it', async () => {
  for (const text of [`{"users":[{"name":"u","password":"${SECRET}" x}]}`, `{"users":[{"name":"u",\n "password":"${SECRET}", "b": tru}]}`, `{"a":"${SECRET}`]) {
    const path = join(dir, 'broken.json');
    writeFileSync(path, text);
    const e = await failure(() => readDefinitionsFile(path));
    assert.equal(e.code, 'E_LIVE_FILE');
    const line = formatDiagnostic(e.diagnostics[0]!);
    assert.match(line, /broken\.json:\d+:\d+: error E_LIVE_FILE: not valid JSON/);
    assert.ok(!line.includes(SECRET), line);
  }
  writeFileSync(join(dir, 'broken-plan.json'), `{"warren_plan": 1, "x": "${SECRET}" y}`);
  const e = await failure(() => readPlanFile(join(dir, 'broken-plan.json')));
  assert.match(formatDiagnostic(e.diagnostics[0]!), /broken-plan\.json:1:\d+: error E_PLAN_FILE: not a saved plan: not valid JSON/);
  assert.ok(!formatDiagnostic(e.diagnostics[0]!).includes(SECRET), e.message);
});

const VHOST = { name: '/' };
const queue = (extra: Record<string, unknown>) => ({ name: 'q', vhost: '/', durable: true, auto_delete: false, arguments: {}, ...extra });

test('definitions of the wrong types or nested too deep fail with their JSON path, in the reader', async () => {
  const deep = JSON.parse(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`) as unknown;
  const cases: [unknown, RegExp][] = [
    [{ vhosts: [{ name: '/', tags: [{ toString: 1 }] }] }, /vhosts\[0\]\.tags\[0\]/],
    [{ vhosts: [VHOST], users: [{ name: 'u', tags: { toString: 1 } }] }, /users\[0\]\.tags/],
    [{ vhosts: [{ name: ['a'] }] }, /vhosts\[0\]\.name/],
    [{ vhosts: [VHOST], queues: [queue({ arguments: deep })] }, /queues\[0\]\.arguments(\.a)+: nested deeper than/],
    [{ vhosts: [VHOST], queues: [queue({ arguments: { 'x-max-length': Infinity } })] }, /queues\[0\]\.arguments\["x-max-length"\]: .*finite/],
  ];
  for (const [json, path] of cases) {
    const e = await failure(() => exportSpec(readDefinitions(json, 'defs.json'), { stack: 's', vhosts: [] }, 'single'));
    assert.equal(e.code, 'E_LIVE_FILE');
    assert.match(e.message, path);
    assert.ok(e.message.length < 1_000, e.message.slice(0, 200));
  }
  // A 12 MB wrong-typed name: the error line shows its ends, not 12 MB.
  const huge = await failure(() => readDefinitions({ vhosts: [{ name: ['x'.repeat(12_000_000)] }] }, 'defs.json'));
  assert.ok(formatDiagnostic(huge.diagnostics[0]!).length < 5_000);
  // 1e400 in the file itself parses to Infinity: refused the same way.
  const path = join(dir, 'inf.json');
  writeFileSync(path, '{"vhosts":[{"name":"/"}],"policies":[{"name":"p","vhost":"/","pattern":".*","apply-to":"all","priority":0,"definition":{"max-length":1e400}}]}');
  assert.equal((await failure(() => readDefinitionsFile(path))).code, 'E_LIVE_FILE');
});

test('an ownership record that inflates past the bound is refused, not inflated', () => {
  const resources = gzipSync(Buffer.from(`["${'a'.repeat(80 * 1024 * 1024)}"]`)).toString('base64');
  const record = { version: 2, stack: 's', count: 1, encoding: 'gzip+base64', resources };
  assert.throws(() => readOwnership(new Map([['warren.stack.s', record]])), (e: unknown) => e instanceof WarrenError && e.code === 'E_OWNERSHIP' && /inflates past/.test(e.message));
});
