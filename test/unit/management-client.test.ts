import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { WarrenError } from '../../src/errors.js';
import { formatReason, ManagementClient } from '../../src/live/management-client.js';
import { Secret } from '../../src/model/secret.js';

// A stand-in management API: records raw request lines, answers from a table of canned replies.
const seen: { method: string; url: string; auth: string; body: string }[] = [];
let reply: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('{}');
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization ?? '', body });
    reply(req, res);
  });
});
let base = '';
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const client = () => new ManagementClient({ baseUrl: base, username: 'admin', password: new Secret('s3cret'), timeoutMs: 500 });
const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
};

test('every path segment is percent-encoded, so names never escape their segment', async () => {
  reply = json(200, []);
  seen.length = 0;
  const names = ['/', 'a#b', 'a?b', '100%', 'with space', '__proto__', 'ünï/çødé', 'a/b'];
  for (const n of names) await client().get(['queues', n, n]);
  assert.deepEqual(
    seen.map((s) => s.url),
    names.map((n) => `/api/queues/${encodeURIComponent(n)}/${encodeURIComponent(n)}`),
  );
  assert.equal(seen[0]?.url, '/api/queues/%2F/%2F');
  assert.equal(seen[0]?.auth, `Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
});

test('query options and JSON bodies', async () => {
  reply = json(201, undefined);
  seen.length = 0;
  await client().put(['vhosts', 'v'], { description: 'd', n: 1 });
  reply = json(200, [{ name: 'q' }]);
  const rows = await client().get(['queues'], { disable_stats: 'true', columns: 'name,vhost' });
  assert.deepEqual(rows, [{ name: 'q' }]);
  assert.equal(seen[0]?.method, 'PUT');
  assert.deepEqual(JSON.parse(seen[0]?.body ?? ''), { description: 'd', n: 1 });
  assert.equal(seen[1]?.url, '/api/queues?disable_stats=true&columns=name%2Cvhost');
});

test('DELETE of something already gone is success (false), other errors are not', async () => {
  reply = json(404, { error: 'Object Not Found', reason: 'Not Found' });
  assert.equal(await client().delete(['queues', '/', 'gone']), false);
  reply = json(204, undefined);
  assert.equal(await client().delete(['queues', '/', 'there']), true);
  reply = json(404, { error: 'Object Not Found', reason: 'Not Found' });
  await assert.rejects(client().get(['queues', '/', 'gone']), { code: 'E_BROKER' });
});

test('401 for a failed login is E_AUTH; 401 "not_authorised" for a reserved name is E_BROKER', async () => {
  reply = json(401, { error: 'not_authorized', reason: 'Login failed' });
  await assert.rejects(client().get(['overview']), (e: unknown) => e instanceof WarrenError && e.code === 'E_AUTH' && e.endpoint === base && !e.message.includes('s3cret'));
  reply = json(401, { error: 'not_authorised', reason: 'Not administrator user' });
  await assert.rejects(client().get(['users']), { code: 'E_AUTH' });
  reply = json(401, { error: 'not_authorised', reason: 'Access refused.' });
  await assert.rejects(client().put(['exchanges', '/', 'amq.x'], {}), (e: unknown) => e instanceof WarrenError && e.code === 'E_BROKER' && /Access refused/.test(e.message));
});

test('400 reasons: plain text, and Erlang charlists inside tuples decoded to text', async () => {
  reply = json(400, { error: 'bad_request', reason: "inequivalent arg 'durable' for queue 'q'" });
  await assert.rejects(client().put(['queues', '/', 'q'], {}), (e: unknown) => e instanceof WarrenError && e.code === 'E_BROKER' && e.message.includes("inequivalent arg 'durable'") && e.message.includes('HTTP 400'));
  const text = "invalid arg 'x-max-length' for queue 'kö' of type stream";
  reply = json(400, { error: 'bad_request', reason: ['amqp_error', 'precondition_failed', [...Buffer.from(text, 'utf8')], 'none'] });
  await assert.rejects(client().put(['queues', '/', 'q'], {}), (e: unknown) => e instanceof WarrenError && e.message.includes(`precondition_failed: ${text}`));
  reply = json(500, undefined);
  await assert.rejects(client().post(['definitions'], {}), (e: unknown) => e instanceof WarrenError && e.code === 'E_BROKER' && e.message.includes('empty response body'));
});

test('formatReason', () => {
  assert.equal(formatReason([104, 105]), 'hi');
  assert.equal(formatReason(['no_such_vhost', 'undefined']), 'no_such_vhost, undefined');
  assert.equal(formatReason([0x65e5, 0x672c]), '日本');
  assert.equal(formatReason(undefined), '');
});

test('a refused connection is E_CONNECT naming the endpoint; no answer in time too', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const c = new ManagementClient({ baseUrl: `http://127.0.0.1:${port}`, username: 'u', password: 'p' });
  await assert.rejects(c.get(['overview']), (e: unknown) => e instanceof WarrenError && e.code === 'E_CONNECT' && e.message.includes(`127.0.0.1:${port}`) && e.message.includes('ECONNREFUSED'));
  reply = () => {}; // never answers
  await assert.rejects(client().get(['overview']), (e: unknown) => e instanceof WarrenError && e.code === 'E_CONNECT' && /within 500 ms/.test(e.message));
});

test('credentials in the base URL never reach messages; a pluggable transport is used', async () => {
  const calls: string[] = [];
  const c = new ManagementClient({
    baseUrl: 'https://user:pw@broker.internal:15671/prefix/',
    username: 'u',
    password: 'p',
    fetch: async (url) => {
      calls.push(url);
      return new Response('[]', { status: 200 });
    },
  });
  assert.equal(c.endpoint, 'https://broker.internal:15671/prefix');
  await c.get(['vhosts']);
  assert.deepEqual(calls, ['https://broker.internal:15671/prefix/api/vhosts']);
  assert.throws(() => new ManagementClient({ baseUrl: 'amqp://x', username: 'u', password: 'p' }), { code: 'E_TARGET' });
});

test('a GET may wait longer than the client timeout when asked to (big listings), and only that GET', async () => {
  // Answers after 800 ms: beyond the client's 500 ms, within the request's own 5 s.
  reply = (_req, res) => setTimeout(() => json(200, [{ name: 'q' }])(_req, res), 800);
  assert.deepEqual(await client().get(['queues'], undefined, { timeoutMs: 5_000 }), [{ name: 'q' }]);
  await assert.rejects(client().get(['queues']), (e: unknown) => e instanceof WarrenError && e.code === 'E_CONNECT' && /did not answer GET \/api\/queues within 500 ms/.test(e.message));
});

test('a user without the administrator tag is told which tag it lacks and what needs it', async () => {
  reply = json(401, { error: 'not_authorised', reason: 'Not administrator user' });
  await assert.rejects(client().get(['users']), {
    code: 'E_AUTH',
    message:
      'user admin logged in, but lacks the administrator tag that GET /api/users needs ("Not administrator user"). plan, apply and export read every user, vhost, permission and policy, and apply writes them and the ownership records: all need the administrator tag (validate and plan --live need no broker). Give it: rabbitmqctl set_user_tags admin administrator (listing its other tags too)',
  });
});

test('HTML-escaped, multi-line broker reasons come out as one readable line', async () => {
  reply = json(400, { error: 'bad_request', reason: 'Validation failed\n\n[{&lt;&lt;"mesage-ttl"&gt;&gt;,5}] are not recognised policy settings\n' });
  await assert.rejects(client().put(['policies', '/', 'p'], {}), {
    code: 'E_BROKER',
    message: 'PUT /api/policies/%2F/p failed with HTTP 400: Validation failed: [{"mesage-ttl",5}] are not recognised policy settings',
  });
  assert.equal(formatReason('Validation failed\n\n&lt;&lt;"5"&gt;&gt; is not a valid message TTL\n'), 'Validation failed: "5" is not a valid message TTL');
  assert.equal(formatReason('a &amp; b &#60;c&#x3e;'), 'a & b <c>');
});

test('an AMQP port given as the management URL says so (the reply is not HTTP)', async () => {
  const { createServer: createTcp } = await import('node:net');
  const amqpLike = createTcp((socket) => socket.end('AMQP\x00\x00\x09\x01'));
  await new Promise<void>((r) => amqpLike.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(amqpLike.address() as AddressInfo).port}`;
  try {
    await assert.rejects(new ManagementClient({ baseUrl: url, username: 'admin', password: 's', timeoutMs: 2000 }).get(['overview']), {
      code: 'E_CONNECT',
      message: `cannot reach the management API at ${url}: the server does not speak HTTP: is this the AMQP port? The management API usually listens on 15672 (15671 with TLS) (HPE_INVALID_CONSTANT)`,
    });
  } finally {
    amqpLike.close();
  }
});
