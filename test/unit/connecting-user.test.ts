// Issue 9, item 19: a new password (or tags, or limits) for the user warren itself connects as is
// the last thing an apply does. Written in its place among the users, every later call would be
// refused with the old password and the apply would stop half way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPlan } from '../../src/apply/apply.js';
import type { Change } from '../../src/plan/index.js';
import { exchange, permission, planOf, queue, user, vhost } from '../support/build.js';

const live = [vhost('v'), user('deploy'), user('app'), permission('v', 'deploy'), exchange('v', 'old')];
const desired = [
  vhost('v'),
  user('deploy', { password_hash: 'bmV3' }), // warren's own user: a new password
  user('app', { password_hash: 'bmV3' }),
  user('zed'),
  permission('v', 'deploy'),
  permission('v', 'zed'),
  queue('v', 'q'),
];

test("the plan lists the update of the connecting user's password last, after the deletes, and says why", () => {
  const plan = planOf(desired, live, { connectingUser: 'deploy', ownership: new Map([['orders', new Set(['exchange:["v","old"]'])]]) });
  const titles = plan.changes.map((c) => `${c.action} ${c.title}`);
  assert.deepEqual(titles, ['update user app', 'create user zed', 'create permission zed@v', 'create queue v/q', 'delete exchange v/old', 'update user deploy']);
  assert.equal(plan.changes.at(-1)?.reason, 'warren connects as this user: applied last, after every other change and the ownership record');
  // Another user's password change stays in its place and carries no such note.
  assert.equal(plan.changes[0]?.reason, undefined);
});

test('without a connecting user (a definitions file) the order is the usual one', () => {
  const plan = planOf(desired, live);
  assert.equal(plan.changes[0]?.title, 'user app');
  assert.equal(plan.changes[1]?.title, 'user deploy');
});

test('apply writes the connecting user after the final ownership record, even from a plan ordered otherwise (a saved plan made as another user)', async () => {
  const plan = planOf(desired, live, { connectingUser: 'someone-else' });
  const log: string[] = [];
  const target = {
    async execute(c: Change) {
      log.push(`${c.action} ${c.title}`);
    },
    async recordOwnership(_stack: string, keys: readonly string[]) {
      log.push(`own ${keys.length}`);
    },
  };
  const report = await applyPlan(plan, target, { allowDataLoss: false, concurrency: 4, connectingUser: 'deploy' });
  assert.equal(report.applied, plan.changes.length);
  assert.deepEqual(log.slice(-2), ['own 7', 'update user deploy']);
  assert.equal(log.filter((l) => l === 'update user deploy').length, 1);
});
