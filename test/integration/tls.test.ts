// warren against a real TLS node: HTTPS and AMQPS listeners that require a client certificate,
// with certificates made by openssl at test time (CA, server, client with an encrypted key, an
// expired one, one from an unknown CA, one that expires in 10 days). Apply over TLS, certificate
// users and EXTERNAL login, one clear line per TLS failure, and the expiry warning.
import assert from 'node:assert/strict';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import amqp from 'amqplib';
import { type BrokerHandle, freePorts, skipUnlessBroker, startBroker } from '../harness/broker.js';
import { connectAmqpToTarget, connectManagement } from '../../src/live/connect-target.js';
import { loadSpec } from '../../src/spec/index.js';
import type { Target } from '../../src/model/target.js';
import { TestPki, type CertFiles } from '../support/certs.js';
import { api, type Api } from '../support/management.js';
import { SpecStack, type RunResult } from '../support/warren-stack.js';

const skip = skipUnlessBroker();
const ADMIN = 'warren-admin';
const ADMIN_PASSWORD = 'admin-pw-7c1';
const PASSPHRASE = 'key-pass-93f';

describe('TLS', { skip }, () => {
  let pki: TestPki;
  let broker: BrokerHandle;
  let a: Api;
  let https = '';
  let amqps = '';
  let certs: Record<'server' | 'admin' | 'soon' | 'expired' | 'stranger' | 'app' | 'serverExpired' | 'serverSoon', CertFiles>;
  const stacks: SpecStack[] = [];
  const servers: Server[] = [];

  before(async () => {
    pki = new TestPki();
    certs = {
      server: pki.leaf('server', { cn: 'rabbit', days: 365, san: ['DNS:localhost', 'DNS:rabbit.warren.test'] }),
      admin: pki.leaf('admin', { cn: ADMIN, days: 365, passphrase: PASSPHRASE }),
      soon: pki.leaf('soon', { cn: ADMIN, days: 10 }),
      expired: pki.leaf('expired', { cn: ADMIN, days: -1 }),
      stranger: pki.leaf('stranger', { cn: ADMIN, days: 365, ca: 'other-ca' }),
      app: pki.leaf('app', { cn: 'app', days: 365 }),
      serverExpired: pki.leaf('server-expired', { cn: 'old-rabbit', days: -1, san: ['DNS:localhost'] }),
      serverSoon: pki.leaf('server-soon', { cn: 'soon-rabbit', days: 10, san: ['DNS:localhost'] }),
    };
    const [amqpsPort, httpsPort] = (await freePorts(2)) as [number, number];
    const ca = pki.path('ca.pem');
    const { cert, key } = certs.server;
    // shared/rabbitmq-local.md's TLS node; the harness keeps its plain listeners for set-up and checks.
    const config = [
      `listeners.ssl.default = 127.0.0.1:${amqpsPort}`,
      `ssl_options.cacertfile = ${ca}`,
      `ssl_options.certfile = ${cert}`,
      `ssl_options.keyfile = ${key}`,
      'ssl_options.verify = verify_peer',
      'ssl_options.fail_if_no_peer_cert = true',
      'auth_mechanisms.1 = EXTERNAL',
      'auth_mechanisms.2 = PLAIN',
      'auth_mechanisms.3 = AMQPLAIN',
      'ssl_cert_login_from = common_name',
      `management.ssl.port = ${httpsPort}`,
      'management.ssl.ip = 127.0.0.1',
      `management.ssl.cacertfile = ${ca}`,
      `management.ssl.certfile = ${cert}`,
      `management.ssl.keyfile = ${key}`,
      'management.ssl.verify = verify_peer',
      'management.ssl.fail_if_no_peer_cert = true',
    ].join('\n');
    broker = await startBroker({ config, plugins: ['auth_mechanism_ssl'] });
    https = `https://127.0.0.1:${httpsPort}`;
    amqps = `amqps://127.0.0.1:${amqpsPort}`;
    a = api(broker);
    // The provisioner: a password for the management API (3.10 has no certificate login over
    // HTTP) and a client certificate whose CN is its name, for EXTERNAL over AMQP.
    await a.put(['users', ADMIN], { password: ADMIN_PASSWORD, tags: 'administrator' });
    await a.put(['permissions', '/', ADMIN], { configure: '.*', write: '.*', read: '.*' });
  });

  after(async () => {
    for (const s of stacks) s.remove();
    for (const s of servers) s.close();
    await broker?.stop();
    pki?.remove();
  });

  /**
   * A stack whose only connection settings are its spec's target `tls` (no WARREN_* variables);
   * `write(body, tls)` writes the spec with that target's TLS settings.
   */
  function tlsStack(name: string, tls: Record<string, unknown>, endpoints: { management?: string; amqp?: string | null } = {}) {
    const stack = new SpecStack(broker, name, { ADMIN_PASSWORD, KEY_PASSPHRASE: PASSPHRASE });
    for (const k of Object.keys(stack.env)) if (k.startsWith('WARREN_')) delete stack.env[k];
    stacks.push(stack);
    const amqpUrl = endpoints.amqp === undefined ? amqps : endpoints.amqp;
    const write = (body: Record<string, unknown>, settings: Record<string, unknown> = tls): string => {
      const target = { management: endpoints.management ?? https, amqp: amqpUrl ?? undefined, username: ADMIN, password: '${ADMIN_PASSWORD}', tls: defined(settings) };
      return stack.write({ targets: { tls: defined(target) }, ...body });
    };
    return { stack, write };
  }

  const good = (): Record<string, unknown> => ({ ca: pki.path('ca.pem'), cert: certs.admin.cert, key: certs.admin.key, passphrase: '${KEY_PASSPHRASE}', servername: 'localhost' });

  const APP_SPEC = {
    vhosts: {
      'tls-app': {
        exchanges: { events: { type: 'topic' } },
        queues: { 'events.q': { type: 'quorum' }, 'events.log': { type: 'classic' } },
        bindings: [{ source: 'events', queue: 'events.q', routing_key: 'event.#' }],
      },
    },
    users: {
      app: { auth: 'certificate', permissions: { 'tls-app': { configure: '^events\\.', write: '.*', read: '.*' } } },
    },
  };

  test('apply over HTTPS and AMQPS with an encrypted client key; a certificate user logs in by EXTERNAL; plan empty after', async () => {
    const { stack, write } = tlsStack('tls-apply', good());
    write(APP_SPEC);
    const applied = await stack.applyOk();
    assert.match(applied.stderr, new RegExp(`Reading ${https} \\(node ${broker.nodeName}\\)`));
    assert.doesNotMatch(applied.stderr, /warning/);
    await stack.assertPlanEmpty();
    // The real command line too: it exits (keep-alive TLS sockets do not hold it) with nothing to do.
    const cli = await stack.cli(['plan', '{dir}', '--detailed-exitcode']);
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);

    assert.ok(await a.get(['queues', 'tls-app', 'events.q']));
    const user = await a.get<{ password_hash: string; tags: unknown }>(['users', 'app']);
    assert.equal(user?.password_hash, '', 'a certificate user has no password');
    assert.deepEqual(await a.get(['permissions', 'tls-app', 'app']), { user: 'app', vhost: 'tls-app', configure: '^events\\.', write: '.*', read: '.*' });

    // The app logs in with nothing but its certificate, and may use what its permissions allow.
    const conn = await amqp.connect(`${amqps}/tls-app`, {
      ca: readFileSync(pki.path('ca.pem')),
      cert: readFileSync(certs.app.cert),
      key: readFileSync(certs.app.key),
      servername: 'localhost',
      credentials: amqp.credentials.external(),
    });
    try {
      const ch = await conn.createChannel();
      assert.equal((await ch.checkQueue('events.q')).messageCount, 0);
      await ch.assertQueue('events.tmp', { durable: false, exclusive: true });
    } finally {
      await conn.close();
    }
    // And no password opens the door for it.
    assert.equal(await a.whoami('app', ''), 401);
  });

  test('tls.login: certificate: AMQP logs in with EXTERNAL as the certificate\'s user; apply works that way', async () => {
    const { stack, write } = tlsStack('tls-external', { ...good(), login: 'certificate' });
    const file = write({ vhosts: { 'tls-ext': { queues: { 'ext.q': { type: 'classic' } } } } });
    const target = loadSpec([file], stack.env).targets[0] as Target;
    assert.equal(target.tls?.login, 'certificate');
    const { connection, endpoint } = await connectAmqpToTarget(target, '/');
    try {
      assert.equal(endpoint, amqps);
      const seen = await waitFor(async () => {
        const rows = (await a.get<{ user: string; auth_mechanism: string; ssl: boolean }[]>(['connections'])) ?? [];
        return rows.find((r) => r.auth_mechanism === 'EXTERNAL');
      });
      assert.deepEqual({ user: seen.user, ssl: seen.ssl }, { user: ADMIN, ssl: true });
    } finally {
      await connection.close();
    }
    await stack.applyOk();
    assert.ok(await a.get(['queues', 'tls-ext', 'ext.q']));
    await stack.assertPlanEmpty();
  });

  /** The CLI, spawned: exit 1, and exactly one error line, which is `expected`; never a stack trace. */
  function assertOneLine(r: RunResult, expected: string | RegExp): void {
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const errors = r.stderr.split('\n').filter((l) => / error E_/.test(l));
    assert.equal(errors.length, 1, r.stderr);
    if (typeof expected === 'string') assert.equal(errors[0], expected);
    else assert.match(errors[0] ?? '', expected);
    assert.doesNotMatch(r.stderr, /^\s+at .+[(:]\d+/m, 'no stack trace');
  }

  test('each TLS failure is one line naming the endpoint and the cause, exit 1, no stack trace', async () => {
    const { stack, write } = tlsStack('tls-fail', good());
    const cases: [string, Record<string, unknown>, string | RegExp][] = [
      ['unknown CA', { ...good(), ca: pki.path('other-ca.pem') }, `${https}: error E_TLS: the server's certificate is not signed by the CA in tls.ca (SELF_SIGNED_CERT_IN_CHAIN)`],
      [
        'hostname mismatch',
        { ...good(), servername: undefined },
        `${https}: error E_TLS: the server's certificate is not valid for 127.0.0.1 (it names DNS:localhost, DNS:rabbit.warren.test): connect by a name it holds, or set tls.servername to one (ERR_TLS_CERT_ALTNAME_INVALID)`,
      ],
      [
        'no client certificate',
        { ca: pki.path('ca.pem'), servername: 'localhost' },
        `${https}: error E_TLS: the server requires a client certificate: set tls.cert and tls.key (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)`,
      ],
      [
        'client certificate from a CA the server does not trust',
        { ...good(), cert: certs.stranger.cert, key: certs.stranger.key, passphrase: undefined },
        `${https}: error E_TLS: the server refused the client certificate in tls.cert: it is not signed by a CA the server trusts (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA)`,
      ],
      ['wrong passphrase', { ...good(), passphrase: 'not-it' }, `${https}: error E_TLS: tls.passphrase does not decrypt the key in tls.key (ERR_OSSL_BAD_DECRYPT)`],
      ['no passphrase for an encrypted key', { ...good(), passphrase: undefined }, `${https}: error E_TLS: the key in tls.key is encrypted: set tls.passphrase (ERR_OSSL_BAD_DECRYPT)`],
      [
        'expired client certificate',
        { ...good(), cert: certs.expired.cert, key: certs.expired.key, passphrase: undefined },
        new RegExp(`^${https}: error E_TLS: the server refused the client certificate in tls\\.cert: it expired on \\d{4}-\\d\\d-\\d\\d \\(ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED\\)$`),
      ],
      ['a CA file that is not there', { ...good(), ca: pki.path('missing.pem') }, new RegExp(`spec\\.yaml:\\d+:\\d+: error E_IO: targets\\.tls\\.tls\\.ca: cannot read ${pki.path('missing.pem')}: no such file or folder$`)],
    ];
    for (const [name, tls, expected] of cases) {
      write({ vhosts: { 'tls-fail': {} } }, tls);
      const r = await stack.cli(['plan', '{dir}']);
      try {
        assertOneLine(r, expected);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
      // An expired client certificate is also warned about before the server refuses it.
      if (name === 'expired client certificate') assert.match(r.stderr, /warning W_TLS_EXPIRY: targets\.tls\.tls\.cert: the client certificate \(CN=warren-admin\) expired on /);
    }
  });

  test('a server certificate that has expired (a stand-in TLS server)', async () => {
    const server = createTlsServer({ cert: readFileSync(certs.serverExpired.cert), key: readFileSync(certs.serverExpired.key) }, (s) => s.end());
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { stack, write } = tlsStack('tls-old-server', { ca: pki.path('ca.pem'), servername: 'localhost' }, { management: url, amqp: null });
    write({ vhosts: { v: {} } });
    assertOneLine(await stack.cli(['plan', '{dir}']), `${url}: error E_TLS: the server's certificate has expired (CERT_HAS_EXPIRED)`);
  });

  test('W_TLS_EXPIRY: a client certificate and a server certificate that expire within 30 days are named with their date', async () => {
    const { stack, write } = tlsStack('tls-soon', { ...good(), cert: certs.soon.cert, key: certs.soon.key, passphrase: undefined });
    write({ vhosts: { 'tls-soon': {} } });
    const r = await stack.plan();
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`spec\\.yaml:\\d+:\\d+: warning W_TLS_EXPIRY: targets\\.tls\\.tls\\.cert: the client certificate \\(CN=${ADMIN}\\) expires on \\d{4}-\\d\\d-\\d\\d, in 10 days\\n`));

    // The server's side, from the TLS socket's peer certificate: a stand-in management API.
    const server = createHttpsServer({ cert: readFileSync(certs.serverSoon.cert), key: readFileSync(certs.serverSoon.key) }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ node: 'stand-in@localhost' }));
    });
    servers.push(server as unknown as Server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const warned: string[] = [];
    const c = await connectManagement({ name: 'stand-in', management: [url], amqp: [], tls: { verify: true, ca: pki.path('ca.pem'), servername: 'localhost' } }, { warn: (d) => warned.push(`${d.endpoint}: ${d.code}: ${d.message}`) });
    c.close();
    assert.equal(c.node, 'stand-in@localhost');
    assert.equal(warned.length, 1, warned.join('\n'));
    assert.match(warned[0] ?? '', new RegExp(`^${url}: W_TLS_EXPIRY: the server's certificate \\(CN=soon-rabbit\\) expires on \\d{4}-\\d\\d-\\d\\d, in 10 days$`));
  });

  test('verify: false works against a certificate nobody vouches for, and says so on stderr at plan time', async () => {
    const { stack, write } = tlsStack('tls-noverify', { ...good(), ca: pki.path('other-ca.pem'), verify: false });
    write({ vhosts: { 'tls-noverify': {} } });
    const r = await stack.plan();
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /warning W_TLS_VERIFY: targets\.tls\.tls\.verify is false: the broker's certificate is not checked/);
  });

  test('AMQPS failures get the same one-line causes, naming the AMQP endpoint', async () => {
    const { stack, write } = tlsStack('tls-amqp-fail', { ...good(), ca: pki.path('other-ca.pem') });
    const target = loadSpec([write({ vhosts: { v: {} } })], stack.env).targets[0] as Target;
    await assert.rejects(connectAmqpToTarget(target, '/'), (e: unknown) => {
      const err = e as { code?: string; endpoint?: string; message?: string };
      assert.equal(err.code, 'E_TLS');
      assert.equal(err.endpoint, amqps);
      assert.equal(err.message, "the server's certificate is not signed by the CA in tls.ca (SELF_SIGNED_CERT_IN_CHAIN)");
      return true;
    });
  });
});

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}
