// A plan of one broker sends its reads before the spec loads (workflow/early-read.ts): the guess of
// the target, when the read is used, and that nothing of a read the plan does not use is kept.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Secret } from '../../src/model/secret.js';
import type { Target } from '../../src/model/target.js';
import { resolveTarget } from '../../src/workflow/resolve-target.js';
import { watchRequestsSent } from '../../src/live/management-client.js';
import { startEarlyRead } from '../../src/workflow/early-read.js';

// A stand-in management API with one vhost and empty listings.
const seen: string[] = [];
const server = createServer((req, res) => {
  const path = (req.url ?? '').split('?')[0] ?? '';
  seen.push(path);
  const answer = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (path === '/api/overview') return answer({ node: 'rabbit@test', rabbitmq_version: '3.10.8' });
  if (path === '/api/vhosts') return answer([{ name: 'v' }]);
  if (path === '/api/deprecated-features/used') return res.writeHead(404).end('{"error":"Object Not Found","reason":"Not Found"}');
  return answer([]);
});
let base = '';
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

function specDir(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'warren-early-'));
  writeFileSync(join(dir, 'spec.yaml'), yaml);
  return dir;
}

const localTarget = (username: string): Target => ({ name: 'local', management: [base], amqp: [], username, password: new Secret('secret') });
const request = (paths: string[], env: Record<string, string>) => ({ paths, env, connection: {} });

test("the spec's targets are read from their lines alone, and the read is used for the same connection", async () => {
  seen.length = 0;
  const dir = specDir(`version: 1\nstack: s\n# a comment\ntargets:\n  local:\n    management: ${base}\n    username: u\n    password: \${PW}\nvhosts:\n  v: {}\n`);
  const env = { PW: 'secret' };
  const early = startEarlyRead(request([dir], env));
  assert.ok(early, 'an early read starts');
  await early.underway;
  const target = resolveTarget([localTarget('u')], {}, env);
  const lines: string[] = [];
  const read = early.take(target, (l) => lines.push(l));
  assert.ok(read, 'the same connection takes the read');
  const { live } = await read;
  assert.equal(live.brokerVersion, '3.10.8');
  assert.deepEqual(lines, [`Reading ${base} (node rabbit@test) ...`]);
  assert.equal(seen.filter((p) => p === '/api/bindings/v').length, 1, 'one read, not two');
});

test('another connection drops the read: the plan reads again, and nothing of the first is shown', async () => {
  const dir = specDir(`version: 1\nstack: s\ntargets:\n  local: { management: "${base}", username: u, password: secret }\n`);
  const early = startEarlyRead(request([dir], {}));
  assert.ok(early);
  await early.underway;
  const lines: string[] = [];
  assert.equal(early.take(resolveTarget([localTarget('someone-else')], {}, {}), (l) => lines.push(l)), undefined);
  assert.deepEqual(lines, []);
});

test('no early read when the target cannot be told from the lines alone or the load could outlast the deadline', () => {
  const unset = specDir(`version: 1\nstack: s\ntargets:\n  local: { management: "${base}", username: u, password: "\${NOT_SET_ANYWHERE}" }\n`);
  assert.equal(startEarlyRead(request([unset], {})), undefined, 'a variable is not set');
  assert.equal(startEarlyRead(request([specDir('version: 1\nstack: s\n')], {})), undefined, 'no broker named');
  const named = startEarlyRead(request([specDir('version: 1\nstack: s\nvhosts:\n  v:\n    queues:\n      targets: {}\n')], { WARREN_MANAGEMENT_URL: base }));
  assert.ok(named, 'the word "targets" elsewhere in a spec is not a targets: block');
  named.drop();
  // 200 KB of spec is assumed to load in up to 0.8 s: too close to a 1 s deadline.
  const big = specDir(`version: 1\nstack: s\n${'# padding\n'.repeat(20_000)}`);
  assert.equal(startEarlyRead(request([big], { WARREN_MANAGEMENT_URL: base, WARREN_BROKER_TIMEOUT_MS: '1000' })), undefined);
  const early = startEarlyRead(request([big], { WARREN_MANAGEMENT_URL: base }));
  assert.ok(early, 'the default deadline leaves room');
  early.drop();
});

test('watchRequestsSent: written() waits until every request made so far has gone out', async () => {
  const watch = watchRequestsSent();
  try {
    await watch.written(); // no request made yet: nothing to wait for
    const answers = [fetch(`${base}/api/users`), fetch(`${base}/api/policies`)];
    let written = false;
    const wait = watch.written().then(() => (written = true));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    assert.equal(written, false, 'not before the sockets are even connected');
    await wait;
    await Promise.all(answers.map(async (a) => (await a).text()));
  } finally {
    watch.stop();
  }
});
