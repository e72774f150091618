// Cluster failover in the management client, against a scripted transport: which failures move to
// the next endpoint, which requests are sent again there, and what the messages say.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WarrenError } from '../../src/errors.js';
import { expiryWarning } from '../../src/live/connect-target.js';
import { ManagementClient, type FailoverEvent, type FetchLike } from '../../src/live/management-client.js';
import { tlsFailure } from '../../src/live/tls-errors.js';

const A = 'https://rmq-0:15671';
const B = 'https://rmq-1:15671';
const C = 'https://rmq-2:15671';

/** fetch's own shape of a socket failure: TypeError('fetch failed') with the socket error as cause. */
function fetchFailed(code: string, message = code): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

type Script = (url: string, init: RequestInit) => Promise<Response> | Response;

function scripted(byHost: Record<string, Script>): { fetch: FetchLike; calls: string[] } {
  const calls: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    const u = new URL(url);
    calls.push(`${init.method} ${u.origin}${u.pathname}`);
    const script = byHost[u.origin];
    if (!script) throw fetchFailed('ECONNREFUSED');
    return script(url, init);
  };
  return { fetch, calls };
}

const ok = (body: unknown = {}): Script => () => new Response(JSON.stringify(body), { status: 200 });
const refused: Script = () => {
  throw fetchFailed('ECONNREFUSED');
};

function client(fetch: FetchLike, events: FailoverEvent[] = [], timeoutMs = 1000): ManagementClient {
  return new ManagementClient({ baseUrl: [A, B, C], username: 'u', password: 'p', fetch, timeoutMs, onFailover: (e) => events.push(e) });
}

test('a refused connection moves reads to the next endpoint, says so once, and later requests go straight there', async () => {
  const { fetch, calls } = scripted({ [A]: refused, [B]: ok({ node: 'rabbit@rmq-1' }) });
  const events: FailoverEvent[] = [];
  const c = client(fetch, events);
  assert.deepEqual(await c.get(['overview']), { node: 'rabbit@rmq-1' });
  assert.equal(c.endpoint, B);
  await c.get(['vhosts']);
  assert.deepEqual(calls, ['GET https://rmq-0:15671/api/overview', 'GET https://rmq-1:15671/api/overview', 'GET https://rmq-1:15671/api/vhosts']);
  assert.deepEqual(events, [{ from: A, to: B, reason: 'connection refused (ECONNREFUSED)', retried: true }]);
});

test('many reads failing at once move over together: one failover, no endpoint skipped', async () => {
  const { fetch } = scripted({ [A]: refused, [B]: ok([]), [C]: ok([]) });
  const events: FailoverEvent[] = [];
  const c = client(fetch, events);
  await Promise.all(['vhosts', 'users', 'queues', 'exchanges', 'bindings'].map((p) => c.get([p])));
  assert.equal(events.length, 1);
  assert.equal(c.endpoint, B);
});

test('a node that dies mid-way: reset sockets and timeouts move over as well', async () => {
  let n = 0;
  const { fetch } = scripted({
    [A]: () => {
      if (++n > 1) throw fetchFailed('ECONNRESET');
      return new Response('{}', { status: 200 });
    },
    // Never answers. A real socket keeps the process alive meanwhile; the interval stands in for it.
    [B]: (_url, init) =>
      new Promise((_resolve, reject) => {
        const socket = setInterval(() => undefined, 1000);
        init.signal?.addEventListener('abort', () => {
          clearInterval(socket);
          reject(init.signal?.reason);
        });
      }),
    [C]: ok([]),
  });
  const events: FailoverEvent[] = [];
  const c = client(fetch, events, 200);
  await c.get(['overview']);
  await c.put(['vhosts', 'v'], {});
  assert.deepEqual(
    events.map((e) => `${e.from} -> ${e.to}: ${e.reason}`),
    [`${A} -> ${B}: connection reset (ECONNRESET)`, `${B} -> ${C}: no answer within 200 ms`],
  );
});

test('writes: PUT and DELETE are sent again, a POST only when it is idempotent', async () => {
  const { fetch, calls } = scripted({ [A]: refused, [B]: (_u, init) => new Response(init.method === 'DELETE' ? null : '', { status: init.method === 'DELETE' ? 204 : 201 }) });
  await client(fetch).put(['vhosts', 'v'], {});
  assert.equal(await client(fetch).delete(['vhosts', 'v']), true);
  await client(fetch).post(['bindings', 'v', 'e', 'x', 'q', 'y'], {}, { idempotent: true });
  const events: FailoverEvent[] = [];
  const c = client(fetch, events);
  await assert.rejects(c.post(['definitions'], {}), (e: unknown) => {
    assert.ok(e instanceof WarrenError);
    assert.equal(e.code, 'E_CONNECT');
    assert.equal(e.message, `cannot reach the management API at ${A}: connection refused (ECONNREFUSED); POST is not sent twice (it may have been applied), later requests go to ${B}`);
    return true;
  });
  assert.equal(events[0]?.retried, false);
  assert.equal(c.endpoint, B);
  assert.deepEqual(
    calls.filter((x) => x.includes('rmq-1')),
    ['PUT https://rmq-1:15671/api/vhosts/v', 'DELETE https://rmq-1:15671/api/vhosts/v', 'POST https://rmq-1:15671/api/bindings/v/e/x/q/y'],
  );
});

test('TLS failures, refused credentials and HTTP errors are answers: no failover', async () => {
  const tls: Script = () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }) });
  };
  for (const [script, code] of [
    [tls, 'E_TLS'],
    [() => new Response(JSON.stringify({ error: 'not_authorized', reason: 'Login failed' }), { status: 401 }), 'E_AUTH'],
    [() => new Response('{"error":"Internal Server Error"}', { status: 500 }), 'E_BROKER'],
  ] as const) {
    const { fetch, calls } = scripted({ [A]: script, [B]: ok() });
    const events: FailoverEvent[] = [];
    await assert.rejects(client(fetch, events).get(['overview']), (e: unknown) => e instanceof WarrenError && e.code === code && e.endpoint === A);
    assert.deepEqual(events, []);
    assert.equal(calls.length, 1);
  }
});

test('every endpoint down: one E_CONNECT naming each and why', async () => {
  const { fetch } = scripted({});
  await assert.rejects(client(fetch).get(['overview']), (e: unknown) => {
    assert.ok(e instanceof WarrenError);
    assert.equal(e.code, 'E_CONNECT');
    assert.equal(e.message, `no management endpoint answered GET /api/overview: ${A}: connection refused (ECONNREFUSED); ${B}: connection refused (ECONNREFUSED); ${C}: connection refused (ECONNREFUSED)`);
    return true;
  });
});

test('TLS causes are found down the cause chain and name the setting to fix', () => {
  const wrapped = (code: string, extra: Record<string, unknown> = {}) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code, ...extra }) });
  assert.equal(tlsFailure(wrapped('SELF_SIGNED_CERT_IN_CHAIN'), { host: 'h', settings: { verify: true, ca: '/ca.pem' } }), "the server's certificate is not signed by the CA in tls.ca (SELF_SIGNED_CERT_IN_CHAIN)");
  assert.equal(
    tlsFailure(wrapped('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), { host: 'h' }),
    "the server's certificate is not signed by a CA this machine trusts: set tls.ca to the CA that signed it (UNABLE_TO_VERIFY_LEAF_SIGNATURE)",
  );
  assert.equal(
    tlsFailure(wrapped('ERR_TLS_CERT_ALTNAME_INVALID', { host: '10.0.0.5', cert: { subjectaltname: 'DNS:rmq.internal' } }), { host: '10.0.0.5' }),
    "the server's certificate is not valid for 10.0.0.5 (it names DNS:rmq.internal): connect by a name it holds, or set tls.servername to one (ERR_TLS_CERT_ALTNAME_INVALID)",
  );
  assert.equal(tlsFailure(wrapped('CERT_HAS_EXPIRED'), { host: 'h' }), "the server's certificate has expired (CERT_HAS_EXPIRED)");
  assert.equal(
    tlsFailure(wrapped('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED'), { host: 'h', clientCert: { subject: 'CN=x', validTo: new Date('2026-01-02T00:00:00Z'), fingerprint: 'f' } }),
    'the server refused the client certificate in tls.cert: it expired on 2026-01-02 (ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED)',
  );
  assert.equal(tlsFailure(new Error('error:1C800064:Provider routines::bad decrypt'), { host: 'h', settings: { verify: true } }), 'the key in tls.key is encrypted: set tls.passphrase (ERR_OSSL_BAD_DECRYPT)');
  assert.equal(tlsFailure(wrapped('ERR_SSL_WRONG_VERSION_NUMBER'), { host: 'h' }), 'the endpoint does not answer with TLS: is it a plain http:// or amqp:// port? (ERR_SSL_WRONG_VERSION_NUMBER)');
  const eproto = Object.assign(new Error('write EPROTO 80DC0181A47F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n'), { code: 'EPROTO' });
  assert.equal(tlsFailure(eproto, { host: 'h' }), 'the endpoint does not answer with TLS: is it a plain http:// or amqp:// port? (ERR_SSL_WRONG_VERSION_NUMBER)');
  assert.equal(tlsFailure(wrapped('ECONNREFUSED'), { host: 'h' }), undefined);
});

test('W_TLS_EXPIRY: within 30 days, or expired; nothing further out', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const cert = (validTo: string) => ({ subject: 'CN=rabbit', validTo: new Date(validTo), fingerprint: 'f' });
  assert.equal(expiryWarning(cert('2026-03-11T12:00:00Z'), "the server's certificate", now)?.message, "the server's certificate (CN=rabbit) expires on 2026-03-11, in 10 days");
  assert.equal(expiryWarning(cert('2026-03-02T00:00:00Z'), 'x', now)?.message, 'x (CN=rabbit) expires on 2026-03-02, in 1 day');
  assert.equal(expiryWarning(cert('2026-02-01T00:00:00Z'), 'x', now)?.message, 'x (CN=rabbit) expired on 2026-02-01');
  assert.equal(expiryWarning(cert('2026-04-15T00:00:00Z'), 'x', now), undefined);
});

test('a whole read that moved to another node names that node as its source (rows are made while they stream in)', async () => {
  const { readBroker } = await import('../../src/live/read-broker.js');
  // A answers the small requests, then dies for the listings; B answers everything.
  const answer: Script = (url) => {
    const path = new URL(url).pathname;
    if (path === '/api/overview') return Response.json({ rabbitmq_version: '3.10.8' });
    if (path === '/api/vhosts') return Response.json([{ name: 'v' }]);
    if (path === '/api/queues/v') return Response.json([{ name: 'q', durable: true, auto_delete: false, arguments: {} }]);
    return Response.json([]);
  };
  const { fetch } = scripted({
    [A]: (url, init) => {
      if (/\/api\/(queues|bindings|exchanges)/.test(new URL(url).pathname)) throw fetchFailed('ECONNRESET');
      return answer(url, init);
    },
    [B]: answer,
  });
  const live = await readBroker(client(fetch), { messageCounts: false });
  assert.equal(live.source, B);
  assert.ok(live.model.resources.has('queue:["v","q"]'), [...live.model.resources.keys()].join(', '));
});

test('a request safe to repeat whose connection the broker dropped (a keep-alive socket closed under it) is sent once more to the same node; a POST is not', async () => {
  let drops = 1;
  const dropOnce: Script = () => {
    if (drops-- > 0) throw fetchFailed('UND_ERR_SOCKET', 'other side closed');
    return new Response(JSON.stringify({}), { status: 200 });
  };
  const { fetch, calls } = scripted({ [A]: dropOnce });
  const one = new ManagementClient({ baseUrl: A, username: 'u', password: 'p', fetch, timeoutMs: 1000 });
  await one.put(['users', 'svc'], { password_hash: 'x', tags: '' });
  assert.deepEqual(calls, ['PUT https://rmq-0:15671/api/users/svc', 'PUT https://rmq-0:15671/api/users/svc']);

  drops = 1;
  calls.length = 0;
  await assert.rejects(one.post(['exchanges', 'v', 'x', 'publish'], {}), (e: unknown) => e instanceof WarrenError && /connection closed by the other side/.test(e.message));
  assert.equal(calls.length, 1, 'a POST that may have been applied is never sent twice');

  // Twice in a row is a node going away: the request fails (one endpoint) as before.
  drops = 2;
  calls.length = 0;
  await assert.rejects(one.get(['overview']), (e: unknown) => e instanceof WarrenError && e.code === 'E_CONNECT');
  assert.equal(calls.length, 2);

  // With other nodes, the one resend goes to the same node first, then the request fails over.
  const { fetch: f2, calls: c2 } = scripted({ [A]: () => { throw fetchFailed('ECONNRESET'); }, [B]: ok({}) });
  const events: FailoverEvent[] = [];
  await client(f2, events).get(['overview']);
  assert.deepEqual(c2, ['GET https://rmq-0:15671/api/overview', 'GET https://rmq-0:15671/api/overview', 'GET https://rmq-1:15671/api/overview']);
  assert.equal(events.length, 1);
});
