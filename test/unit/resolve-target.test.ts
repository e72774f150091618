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
    assert.deepEqual(resolveTarget(spec, { target: 'prod' }, {}).management, ['https://a:15671', 'https://b:15671']);
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
});
