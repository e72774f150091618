import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveCredentials } from '../../src/model/credentials.js';
import { hashPassword } from '../../src/model/passwords.js';
import { Secret } from '../../src/model/secret.js';
import { planChanges } from '../../src/plan/index.js';
import type { User } from '../../src/model/types.js';
import { modelOf, user } from '../support/build.js';

const SHA256 = 'rabbit_password_hashing_sha256' as const;
const live = user('svc', { password_hash: hashPassword('old-secret', SHA256), hashing_algorithm: SHA256 });
const spec = (extra: Partial<User>): User => ({ kind: 'user', name: 'svc', tags: [], limits: {}, ...extra });

function resolved(desired: User, liveUser: User | null = live): User {
  const out = resolveCredentials(modelOf(desired), liveUser ? modelOf(liveUser) : new Map());
  return [...out.values()][0] as User;
}

describe('resolveCredentials', () => {
  it('keeps the live hash when the spec password matches it: no change planned', () => {
    const u = resolved(spec({ password: new Secret('old-secret') }));
    assert.equal(u.password_hash, live.password_hash);
    const plan = planChanges({ stack: 's', desired: modelOf(u), live: modelOf(live), ownership: new Map(), prune: 'none', specVhosts: new Set() });
    assert.equal(plan.changes.length, 0);
  });

  it('hashes a changed password with a fresh salt, and the plan marks it sensitive', () => {
    const u = resolved(spec({ password: new Secret('new-secret') }));
    assert.notEqual(u.password_hash, live.password_hash);
    assert.equal(u.password, undefined);
    const plan = planChanges({ stack: 's', desired: modelOf(u), live: modelOf(live), ownership: new Map(), prune: 'none', specVhosts: new Set() });
    assert.deepEqual(plan.changes[0]?.fields.map((f) => [f.field, f.sensitive]), [['password_hash', true]]);
    assert.ok(!JSON.stringify(plan).includes('new-secret'));
  });

  it('hashes the password of a new user', () => {
    const u = resolved(spec({ password: new Secret('pw') }), null);
    assert.equal(u.hashing_algorithm, SHA256);
    assert.equal(Buffer.from(u.password_hash ?? '', 'base64').length, 4 + 32);
  });

  it('follows the live algorithm, so a sha512 user is compared with sha512', () => {
    const sha512 = 'rabbit_password_hashing_sha512' as const;
    const liveUser = user('svc', { password_hash: hashPassword('pw', sha512), hashing_algorithm: sha512 });
    assert.equal(resolved(spec({ password: new Secret('pw') }), liveUser).password_hash, liveUser.password_hash);
  });

  it('leaves an undeclared password alone, and creates such a user without one', () => {
    assert.equal(resolved(spec({})).password_hash, live.password_hash);
    assert.equal(resolved(spec({}), null).password_hash, '');
  });
});
