import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTarget } from '../../src/workflow/resolve-target.js';
import { Secret } from '../../src/model/secret.js';
import type { Target } from '../../src/model/target.js';

const spec: Target[] = [
  { name: 'local', management: ['http://localhost:15672'], amqp: ['amqp://localhost:5672'], username: 'spec-user', password: new Secret('spec-pass') },
  { name: 'prod', management: ['https://a:15671', 'https://b:15671'], amqp: [], username: 'p' },
];

describe('resolveTarget: flags over environment over spec', () => {
  it('takes the first spec target by default', () => {
    const t = resolveTarget(spec, {}, {});
    assert.equal(t.name, 'local');
    assert.deepEqual(t.management, ['http://localhost:15672']);
    assert.equal(t.password?.reveal(), 'spec-pass');
  });

  it('picks --target by name and rejects an unknown one', () => {
    assert.deepEqual(resolveTarget(spec, { target: 'prod' }, { WARREN_PASSWORD: 'p' }).management, ['https://a:15671', 'https://b:15671']);
    assert.throws(() => resolveTarget(spec, { target: 'stage' }, {}), /--target stage: the spec has no such target \(known: local, prod\)/);
  });

  it('lets the environment override the spec and flags override the environment', () => {
    const env = { WARREN_MANAGEMENT_URL: 'http://env:1', WARREN_USERNAME: 'env-user', WARREN_PASSWORD: 'env-pass' };
    const fromEnv = resolveTarget(spec, {}, env);
    assert.deepEqual([fromEnv.management, fromEnv.username, fromEnv.password?.reveal()], [['http://env:1'], 'env-user', 'env-pass']);
    const fromFlags = resolveTarget(spec, { management: 'http://flag:2', username: 'flag-user' }, env);
    assert.deepEqual([fromFlags.management, fromFlags.username], [['http://flag:2'], 'flag-user']);
  });

  it('needs no spec when flags or the environment say where the broker is', () => {
    const t = resolveTarget([], {}, { WARREN_MANAGEMENT_URL: 'http://a:1,http://b:2' });
    assert.deepEqual(t.management, ['http://a:1', 'http://b:2']);
    assert.equal(t.username, 'guest');
  });

  it('says what to do when there is no broker at all', () => {
    assert.throws(() => resolveTarget([], {}, {}), /no broker to talk to: give --management URL, set WARREN_MANAGEMENT_URL/);
  });

  it('moves credentials out of a URL so the URL can be printed', () => {
    const t = resolveTarget([], { management: 'http://admin:s3cret@host:15672/' }, {});
    assert.deepEqual([t.management, t.username, t.password?.reveal()], [['http://host:15672'], 'admin', 's3cret']);
    assert.ok(!JSON.stringify(t).includes('s3cret'));
  });

  it('refuses a user without a password instead of trying guest\'s', () => {
    const noPassword = (): Target => resolveTarget(spec, { target: 'prod' }, {});
    assert.throws(noPassword, { code: 'E_TARGET', message: "user p has no password: set WARREN_PASSWORD (warren does not fall back to guest's password)" });
    const fromSpec: Target[] = [{ name: 'ci', management: ['http://h:15672'], amqp: [], username: 'deploy', origin: { file: 'spec.yaml', line: 4, col: 3 } }];
    assert.throws(() => resolveTarget(fromSpec, {}, {}), { message: "user deploy has no password: set WARREN_PASSWORD, or `password:` in target ci (warren does not fall back to guest's password)" });
    assert.throws(() => resolveTarget([], { username: 'deploy' }, { WARREN_MANAGEMENT_URL: 'http://h:15672' }), /user deploy has no password/);
    // No user at all is RabbitMQ's own default, guest/guest.
    assert.equal(resolveTarget([], {}, { WARREN_MANAGEMENT_URL: 'http://h:15672' }).password?.reveal(), 'guest');
  });

  it('says how to fix a URL without a scheme, an AMQP port as the management URL, and a URL ending in /api', () => {
    const url = (management: string) => () => resolveTarget([], { management }, {});
    assert.throws(url('localhost:15672'), { code: 'E_TARGET', message: 'management URL `localhost:15672` has no scheme: write http://localhost:15672 (or https:// for TLS)' });
    assert.throws(url('rmq.internal'), { message: 'management URL `rmq.internal` has no scheme: write http://rmq.internal (or https:// for TLS)' });
    assert.throws(url('http://localhost:5672'), { code: 'E_TARGET', message: 'management URL `http://localhost:5672` is an AMQP port: the management API listens elsewhere, usually http://localhost:15672' });
    assert.throws(url('https://rmq:5671'), { message: 'management URL `https://rmq:5671` is an AMQP port: the management API listens elsewhere, usually https://rmq:15671' });
    assert.throws(url('http://admin:s3cret@localhost:15672/api/'), { code: 'E_TARGET', message: "management URL `http://localhost:15672/api/` ends in /api: give the server's address, http://localhost:15672 (warren adds /api itself)" });
    assert.throws(() => resolveTarget([], { amqp: 'localhost:5672' }, { WARREN_MANAGEMENT_URL: 'http://h:15672' }), { message: 'AMQP URL `localhost:5672` has no scheme: write amqp://localhost:5672 (or amqps:// for TLS)' });
  });
});
