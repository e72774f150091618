// Certificate users (`auth: certificate`) and the target's TLS settings as the loader reads them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveCredentials } from '../../src/model/credentials.js';
import type { User } from '../../src/model/types.js';
import { HEAD, briefs, load } from './spec-helpers.js';

const USER = `${HEAD}vhosts:\n  v: {}\nusers:\n  app:\n    auth: certificate\n    permissions:\n      v: { configure: '', write: '.*', read: '.*' }\n`;

test('a certificate user has no password (hash "") and keeps its permissions', () => {
  const spec = load(USER);
  assert.deepEqual(briefs(spec), []);
  const user = [...spec.model.resources.values()].find((r): r is User => r.kind === 'user');
  assert.equal(user?.password_hash, '');
  assert.equal(user?.password, undefined);
  assert.ok([...spec.model.resources.values()].some((r) => r.kind === 'permission' && r.user === 'app' && r.write === '.*'));
});

test('a certificate user plans a password removal against a live user that has one, and nothing against one without', () => {
  const spec = load(USER);
  const desired = [...spec.model.resources.values()].find((r): r is User => r.kind === 'user') as User;
  const key = [...spec.model.resources.entries()].find(([, r]) => r === desired)?.[0] as string;
  const live = (hash: string): User => ({ kind: 'user', name: 'app', tags: [], limits: {}, password_hash: hash, hashing_algorithm: 'rabbit_password_hashing_sha512' });
  const withPassword = resolveCredentials(new Map([[key, desired]]), new Map([[key, live('c2FsdHNhbHQ=')]])).get(key) as User;
  assert.equal(withPassword.password_hash, '');
  // The algorithm of a password-less user means nothing: the live one is kept, so it never shows as a diff.
  assert.equal(withPassword.hashing_algorithm, 'rabbit_password_hashing_sha512');
  const without = resolveCredentials(new Map([[key, desired]]), new Map([[key, live('')]])).get(key) as User;
  assert.deepEqual({ ...without, origin: undefined }, { ...live(''), origin: undefined });
});

test('auth: certificate with a password, hash or algorithm is E_CONFLICT, each named', () => {
  const spec = load(`${HEAD}users:\n  app:\n    auth: certificate\n    password: x\n    password_hash: ''\n`);
  assert.deepEqual(briefs(spec), [
    'spec.yaml:6:5: error E_CONFLICT: users.app.password: a user with `auth: certificate` has no password; remove `password` or the `auth` line',
    'spec.yaml:7:5: error E_CONFLICT: users.app.password_hash: a user with `auth: certificate` has no password; remove `password_hash` or the `auth` line',
  ]);
});

test('auth accepts only password and certificate', () => {
  const spec = load(`${HEAD}users:\n  app:\n    auth: external\n`);
  assert.equal(spec.diagnostics.length, 1);
  assert.match(briefs(spec)[0] ?? '', /E_SCHEMA: users\.app\.auth/);
});

const TARGET = (tls: string, amqp = 'amqps://h:5671') => `${HEAD}targets:\n  t:\n    management: https://h:15671\n    amqp: ${amqp}\n    tls: { ${tls} }\n`;

test('tls.login: certificate and every TLS setting reach the target; paths resolve against the spec folder', () => {
  const spec = load(TARGET('ca: certs/ca.pem, cert: c.pem, key: c.key, passphrase: "${P}", servername: rmq.internal, min_version: TLSv1.3, login: certificate'), { P: 'pw' });
  assert.deepEqual(briefs(spec), []);
  const tls = spec.targets[0]?.tls;
  assert.equal(tls?.login, 'certificate');
  assert.equal(tls?.verify, true);
  assert.equal(tls?.servername, 'rmq.internal');
  assert.equal(tls?.min_version, 'TLSv1.3');
  assert.equal(tls?.passphrase?.reveal(), 'pw');
  assert.match(tls?.ca ?? '', /^\/.*warren-spec-[^/]+\/certs\/ca\.pem$/);
});

test('TLS settings that need each other', () => {
  assert.deepEqual(briefs(load(TARGET('cert: c.pem'))), ['spec.yaml:7:12: error E_CONFLICT: targets.t.tls.cert: needs `key` beside it']);
  assert.deepEqual(briefs(load(TARGET('key: c.key'))), [
    'spec.yaml:7:12: error E_CONFLICT: targets.t.tls.key: needs `cert` beside it',
  ]);
  assert.deepEqual(briefs(load(TARGET('login: certificate'))), ['spec.yaml:7:19: error E_CONFLICT: targets.t.tls.login: certificate login needs a client certificate: give `cert` and `key`']);
  assert.deepEqual(briefs(load(TARGET('cert: c.pem, key: c.key, login: certificate', 'amqp://h:5672'))), [
    'spec.yaml:6:11: error E_CONFLICT: targets.t.amqp: certificate login (tls.login) needs amqps://, not amqp://',
  ]);
});
