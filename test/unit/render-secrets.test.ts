// No output format may ever show a password, a password hash or any Secret: not in create
// blocks, not in diffs, not in before/after, not even when the planner forgot to flag a field.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Secret } from '../../src/model/secret.js';
import type { Plan } from '../../src/plan/types.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from '../../src/render/index.js';
import { keysOf, user, vhost } from '../support/build.js';
import { SCENARIOS, plan } from '../support/render-plans.js';

const SECRETS = ['plain-PW-create', 'HASH-create', 'plain-PW-update', 'HASH-live', 'HASH-desired', 'HASH-deleted', 'HASH-unflagged-before', 'HASH-unflagged-after', 'secret-in-odd-field', 'aGFzaA==', 's3cret-plaintext'];

function everyFormat(p: Plan): Record<string, string> {
  return {
    text: renderPlanText(p, { color: false }),
    colour: renderPlanText(p, { color: true }),
    json: renderPlanJson(p),
    markdown: renderPlanMarkdown(p),
  };
}

function assertNoSecret(p: Plan): void {
  for (const [format, out] of Object.entries(everyFormat(p))) {
    for (const secret of SECRETS) assert.ok(!out.includes(secret), `${format} output shows ${secret}`);
  }
}

describe('rendering never leaks secrets', () => {
  it('hides the password and hash of a created user', () => {
    const p = plan([user('u', { password: new Secret('plain-PW-create'), password_hash: 'HASH-create' })], []);
    assertNoSecret(p);
    assert.match(everyFormat(p)['text'] ?? '', /password_hash\s+= \(sensitive value\)/);
  });

  it('hides both sides of a password change', () => {
    const p = plan([user('u', { password: new Secret('plain-PW-update'), password_hash: 'HASH-desired' })], [user('u', { password_hash: 'HASH-live' })]);
    assert.equal(p.changes[0]?.action, 'update');
    assertNoSecret(p);
    assert.match(renderPlanJson(p), /"before": "\(sensitive\)",\n\s+"after": "\(sensitive\)",\n\s+"sensitive": true/);
  });

  it('hides the hash of a deleted user', () => {
    const gone = user('gone', { password_hash: 'HASH-deleted' });
    assertNoSecret(plan([vhost('v')], [vhost('v'), gone], { ownership: new Map([['orders', keysOf(gone)]]) }));
  });

  it('hides a hash even when the planner did not flag the field as sensitive', () => {
    const p = plan([user('u', { tags: ['a'] })], [user('u')]);
    const [change] = p.changes;
    assert.ok(change);
    const unflagged: Plan = { ...p, changes: [{ ...change, fields: [{ field: 'password_hash', before: 'HASH-unflagged-before', after: 'HASH-unflagged-after' }] }] };
    assertNoSecret(unflagged);
  });

  it('hides a Secret wherever it sits in an object', () => {
    const odd = { ...vhost('v'), description: new Secret('secret-in-odd-field') as unknown as string };
    assertNoSecret(plan([odd], []));
    assertNoSecret(plan([odd], [vhost('v')]));
  });

  it('shows no builder hash or password in any golden scenario', () => {
    for (const [, build] of SCENARIOS) assertNoSecret(build());
  });
});
