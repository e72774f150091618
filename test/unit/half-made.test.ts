// Issue 9, item 20, the planner's side: a declared quorum queue or stream the broker holds half
// made (record without Raft group, found by live/half-made-queues.ts) is replaced, never created
// again and again, with a warning that says what happened and how to fix it by hand. It cannot
// hold messages, so the replace is not data loss.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HALF_MADE_REASON } from '../../src/plan/half-made.js';
import { binding, exchange, planOf, queue, vhost } from '../support/build.js';

const halfMade = queue('v', 'orders', { type: 'quorum', live: { messages: 0, exclusive: false, server_named: false, half_made: true } });

test('a declared queue found half made is replaced with a W_HALF_MADE warning, not created', () => {
  const desired = [vhost('v'), exchange('v', 'x'), queue('v', 'orders', { type: 'quorum' }), binding('v', 'x', 'orders')];
  const plan = planOf(desired, [vhost('v'), exchange('v', 'x'), halfMade]);
  assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.title}`), ['replace queue v/orders', 'create binding v/x -> queue orders []']);
  const replace = plan.changes[0];
  assert.equal(replace?.reason, HALF_MADE_REASON);
  assert.equal(replace?.dataLoss, undefined, 'a half-made queue holds no messages');
  assert.deepEqual(plan.diagnostics.map((d) => [d.severity, d.code]), [['warning', 'W_HALF_MADE']]);
  assert.match(plan.diagnostics[0]?.message ?? '', /quorum queue v\/orders is half made: .* apply deletes it and declares it again .* by hand: rabbitmqctl delete_queue -p 'v' 'orders'/);
});

test('a half-made queue with other properties than the spec is replaced the same way, once', () => {
  const plan = planOf([vhost('v'), queue('v', 'orders', { type: 'quorum', arguments: { 'x-delivery-limit': 3 } })], [vhost('v'), halfMade]);
  assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.title}`), ['replace queue v/orders']);
});

test('a healthy live queue that matches the spec stays out of the plan', () => {
  const { live: _facts, ...healthy } = halfMade;
  const plan = planOf([vhost('v'), queue('v', 'orders', { type: 'quorum' })], [vhost('v'), healthy]);
  assert.deepEqual(plan.changes, []);
  assert.deepEqual(plan.diagnostics, []);
});
