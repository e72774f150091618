// The pure side of queue migrations: which replaces migrate, what a migration in progress looks
// like to the planner, what the new arguments lose on the way back, policies that block it, and
// what apply's flags make of it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holdingQueueName, originalOfHolding, resolveMigrations, returnLoss } from '../../src/plan/migration.js';
import { binding, keysOf, planOf as plan, policy, queue, vhost, withMessages } from '../support/build.js';

const withConsumers = (q: ReturnType<typeof queue>, messages: number, consumers: number) => ({ ...q, live: { messages, consumers, exclusive: false, server_named: false } });

describe('planner: migrations', () => {
  it('plans a replace of a classic queue holding messages as a migration, with its bindings and consumers', () => {
    const b = binding('v', 'x', 'q', { routing_key: 'k' });
    const p = plan([vhost('v'), queue('v', 'q', { type: 'quorum' }), b], [vhost('v'), withConsumers(queue('v', 'q'), 12, 3), b]);
    const c = p.changes.find((x) => x.title === 'queue v/q');
    assert.equal(c?.action, 'replace');
    assert.equal(c?.dataLoss, undefined);
    assert.deepEqual(c?.migration, { messages: 12, held: 0, holdingQueue: 'warren.migrate.q', consumers: 3, bindings: ['binding v/x -> queue q [k]'], inProgress: false });
  });

  it('does not migrate an empty queue, and treats an unknown count as messages to migrate', () => {
    assert.equal(plan([queue('v', 'q', { type: 'quorum' })], [withMessages(queue('v', 'q'), 0)]).changes[0]?.migration, undefined);
    assert.equal(plan([queue('v', 'q', { type: 'quorum' })], [withMessages(queue('v', 'q'), Number.POSITIVE_INFINITY)]).changes[0]?.migration?.messages, Number.POSITIVE_INFINITY);
  });

  it('finds a migration in progress from its holding queue, whatever state the original is in', () => {
    const holding = withMessages(queue('v', 'warren.migrate.q'), 40);
    const held = binding('v', 'x', 'warren.migrate.q', { routing_key: 'k' });
    // The original already deleted: recreated, and marked as the migration to finish.
    const gone = plan([vhost('v'), queue('v', 'q', { type: 'quorum' })], [vhost('v'), holding, held]);
    assert.deepEqual(gone.changes.map((c) => [c.action, c.title, c.migration?.inProgress, c.migration?.held]), [['create', 'queue v/q', true, 40]]);
    assert.deepEqual(gone.changes[0]?.migration?.bindings, ['binding v/x -> queue q [k]']);
    // The new queue already declared: an update with no fields, whose only work is the migration.
    const declared = plan([vhost('v'), queue('v', 'q', { type: 'quorum' })], [vhost('v'), withMessages(queue('v', 'q', { type: 'quorum' }), 5), holding, held]);
    assert.deepEqual(declared.changes.map((c) => [c.action, c.title, c.fields.length, c.migration?.inProgress]), [['update', 'queue v/q', 0, true]]);
    assert.equal(declared.summary.update, 1);
    assert.equal(declared.summary.unchanged, 1, 'the vhost; the queue is counted as an update');
    // The holding queue and its bindings are never pruned, under any mode.
    const pruned = plan([vhost('v'), queue('v', 'q', { type: 'quorum' })], [vhost('v'), holding, held], { prune: 'all' });
    assert.deepEqual(pruned.changes.filter((c) => c.action === 'delete'), []);
  });

  it('warns about a holding queue whose queue the spec no longer declares, and leaves it alone', () => {
    const p = plan([vhost('v')], [vhost('v'), withMessages(queue('v', 'warren.migrate.q'), 4)], { prune: 'all' });
    assert.deepEqual(p.changes, []);
    assert.deepEqual(p.diagnostics.map((d) => d.code), ['W_MIGRATION']);
    assert.match(p.diagnostics[0]?.message ?? '', /^queue v\/warren\.migrate\.q holds 4 messages of a migration of queue q that did not finish/);
  });

  it('keeps a stream replace as data loss, with the reason', () => {
    const p = plan([queue('v', 's', { type: 'stream', arguments: { 'x-max-age': '1D' } })], [withMessages(queue('v', 's', { type: 'stream' }), 9)]);
    assert.equal(p.changes[0]?.migration, undefined);
    assert.deepEqual(p.changes[0]?.dataLoss?.messages, 9);
    assert.match(p.changes[0]?.dataLoss?.reason ?? '', /stream cannot be migrated/);
  });

  it('marks what the new arguments lose on the way back, and only that', () => {
    const p = plan([queue('v', 'q', { arguments: { 'x-max-length': 100 } })], [withMessages(queue('v', 'q'), 1000)]);
    assert.equal(p.changes[0]?.migration?.messages, 1000);
    assert.deepEqual(p.changes[0]?.dataLoss, { messages: 900, reason: 'x-max-length 100 keeps 100 and drops the oldest on the way back' });
    assert.equal(returnLoss({}, { 'x-max-length': 100, 'x-overflow': 'reject-publish' }, 150)?.messages, 50);
    assert.match(returnLoss({}, { 'x-max-length': 100, 'x-dead-letter-exchange': 'd' }, 150)?.reason ?? '', /dead-letters the oldest/);
    assert.equal(returnLoss({}, { 'x-max-length': 100 }, 100), undefined, 'a limit the messages fit in loses nothing');
    assert.equal(returnLoss({ 'x-message-ttl': 1000 }, { 'x-message-ttl': 500 }, 7)?.messages, 7);
    assert.equal(returnLoss({ 'x-message-ttl': 500 }, { 'x-message-ttl': 1000 }, 7), undefined, 'a longer TTL loses nothing');
    assert.equal(returnLoss({}, { 'x-max-length-bytes': 10 }, 7)?.messages, Number.POSITIVE_INFINITY);
    assert.equal(returnLoss({}, { 'x-dead-letter-exchange': 'd' }, 7), undefined);
  });

  it('blocks a migration when a policy (live or planned) would limit or expire the holding queue', () => {
    const q = withMessages(queue('v', 'q'), 3);
    const cap = policy('v', 'cap', { pattern: '^warren\\.', definition: { 'message-ttl': 5 } });
    const live = plan([vhost('v'), queue('v', 'q', { type: 'quorum' })], [vhost('v'), q, cap], { ownership: new Map([['other', keysOf(cap)]]) });
    assert.match(live.changes.find((c) => c.kind === 'queue')?.migration?.blocked ?? '', /^policy cap \(pattern "\^warren\\\\\."\) would apply to the holding queue warren\.migrate\.q and limit or expire its messages \(message-ttl\)/);
    const planned = plan([vhost('v'), queue('v', 'q', { type: 'quorum' }), policy('v', 'all', { pattern: '.*', definition: { expires: 1000 } })], [vhost('v'), q]);
    assert.match(planned.changes.find((c) => c.kind === 'queue')?.migration?.blocked ?? '', /policy all .*\(expires\)/);
    const harmless = plan([vhost('v'), queue('v', 'q', { type: 'quorum' }), policy('v', 'ha', { pattern: '.*', definition: { 'dead-letter-exchange': 'd' } })], [vhost('v'), q]);
    assert.equal(harmless.changes.find((c) => c.kind === 'queue')?.migration?.blocked, undefined);
  });

  it('names holding queues and tells them apart', () => {
    assert.equal(holdingQueueName('orders.created'), 'warren.migrate.orders.created');
    assert.equal(holdingQueueName('x'.repeat(241)), undefined, 'over 255 bytes');
    assert.equal(originalOfHolding('warren.migrate.orders'), 'orders');
    assert.equal(originalOfHolding('warren.migrate.'), undefined);
    assert.equal(originalOfHolding('orders'), undefined);
    const long = plan([queue('v', 'x'.repeat(250), { type: 'quorum' })], [withMessages(queue('v', 'x'.repeat(250)), 2)]);
    assert.match(long.changes[0]?.dataLoss?.reason ?? '', /cannot migrate: the holding queue's name/);
  });
});

describe("apply's flags: resolveMigrations", () => {
  const migrating = plan([queue('v', 'q', { type: 'quorum' })], [withMessages(queue('v', 'q'), 4)]);
  const shrinking = plan([queue('v', 'q', { arguments: { 'x-max-length': 1 } })], [withMessages(queue('v', 'q'), 4)]);

  it('migrates by default', () => {
    assert.deepEqual(resolveMigrations(migrating, { allowDataLoss: false, migrate: true }).changes, migrating.changes);
  });

  it('--allow-data-loss drops instead, unless the migration itself loses messages (then it accepts exactly those)', () => {
    const dropped = resolveMigrations(migrating, { allowDataLoss: true, migrate: true }).changes[0];
    assert.equal(dropped?.migration, undefined);
    assert.equal(dropped?.dataLoss?.messages, 4);
    const kept = resolveMigrations(shrinking, { allowDataLoss: true, migrate: true }).changes[0];
    assert.equal(kept?.migration?.messages, 4);
    assert.equal(kept?.dataLoss?.messages, 3);
  });

  it('--no-migrate makes it the data-loss replace it was before', () => {
    const c = resolveMigrations(migrating, { allowDataLoss: false, migrate: false }).changes[0];
    assert.equal(c?.migration, undefined);
    assert.deepEqual(c?.dataLoss, { messages: 4, reason: 'not migrated (--no-migrate)' });
  });

  it('always finishes a migration in progress', () => {
    const p = plan([queue('v', 'q', { type: 'quorum' })], [withMessages(queue('v', 'warren.migrate.q'), 4)]);
    assert.equal(resolveMigrations(p, { allowDataLoss: true, migrate: false }).changes[0]?.migration?.inProgress, true);
  });
});
