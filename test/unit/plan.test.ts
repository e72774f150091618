import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planChanges } from '../../src/plan/index.js';
import { binding, exchange, keysOf, modelOf, permission, planOf, policy, queue, user, vhost, withMessages } from '../support/build.js';

const plan = planOf;

const actions = (p: ReturnType<typeof plan>) => p.changes.map((c) => `${c.action} ${c.title}`);

describe('planner: actions', () => {
  it('creates what the broker lacks, in dependency order', () => {
    const p = plan([binding('v', 'x', 'q'), queue('v', 'q'), exchange('v', 'x'), vhost('v'), user('u'), permission('v', 'u'), policy('v', 'p')], []);
    assert.deepEqual(actions(p), [
      'create vhost v',
      'create user u',
      'create permission u@v',
      'create policy v/p',
      'create exchange v/x',
      'create queue v/q',
      'create binding v/x -> queue q []',
    ]);
    assert.deepEqual(p.summary, { create: 7, update: 0, replace: 0, delete: 0, unchanged: 0 });
  });

  it('plans nothing when both sides agree', () => {
    const all = [vhost('v'), exchange('v', 'x'), queue('v', 'q'), binding('v', 'x', 'q')];
    const p = plan(all, all);
    assert.deepEqual(p.changes, []);
    assert.equal(p.summary.unchanged, 4);
  });

  it('updates in place what the broker can change, with the fields that differ', () => {
    const p = plan([vhost('v', { description: 'new' }), policy('v', 'p', { definition: { 'message-ttl': 5 } })], [vhost('v'), policy('v', 'p')]);
    assert.deepEqual(actions(p), ['update vhost v', 'update policy v/p']);
    assert.deepEqual(p.changes[0]?.fields, [{ field: 'description', before: '', after: 'new' }]);
    assert.deepEqual(p.changes[1]?.fields, [{ field: 'definition', before: {}, after: { 'message-ttl': 5 } }]);
  });

  it('replaces a queue whose arguments changed and names the argument that forced it', () => {
    const p = plan([queue('v', 'q', { arguments: { 'x-max-length': 10 } })], [queue('v', 'q')]);
    assert.equal(p.changes[0]?.action, 'replace');
    assert.deepEqual(p.changes[0]?.forcedBy, ['arguments.x-max-length']);
  });

  it('replaces an exchange whose type changed', () => {
    const p = plan([exchange('v', 'x', { type: 'topic' })], [exchange('v', 'x')]);
    assert.equal(p.changes[0]?.action, 'replace');
    assert.deepEqual(p.changes[0]?.forcedBy, ['type']);
  });

  it('treats an attribute the spec leaves out as unmanaged', () => {
    const desired = vhost('v');
    const p = plan([desired], [vhost('v', { default_queue_type: 'quorum' })]);
    assert.deepEqual(p.changes, []);
  });

  it('marks a password change as sensitive', () => {
    const p = plan([user('u', { password_hash: 'bmV3' })], [user('u')]);
    assert.equal(p.changes[0]?.action, 'update');
    assert.equal(p.changes[0]?.fields[0]?.sensitive, true);
  });

  it('handles names that are object-prototype words', () => {
    const p = plan([vhost('__proto__'), queue('__proto__', 'constructor')], [vhost('__proto__')]);
    assert.deepEqual(actions(p), ['create queue __proto__/constructor']);
  });

  it('never mutates its inputs', () => {
    const desired = modelOf(vhost('v', { description: 'a' }), queue('v', 'q', { type: 'quorum' }));
    const live = modelOf(vhost('v'), queue('v', 'q'), binding('v', 'x', 'q'));
    const before = JSON.stringify([...desired, ...live]);
    planChanges({ stack: 's', desired, live, ownership: new Map(), prune: 'all', specVhosts: new Set(['v']) });
    assert.equal(JSON.stringify([...desired, ...live]), before);
  });
});

describe('planner: replace carries bindings over', () => {
  it('recreates declared and undeclared bindings of a replaced queue', () => {
    const q = queue('v', 'q');
    const declared = binding('v', 'x', 'q', { routing_key: 'a' });
    const foreign = binding('v', 'y', 'q', { routing_key: 'b' });
    const p = plan([vhost('v'), exchange('v', 'x'), queue('v', 'q', { durable: false }), declared], [vhost('v'), exchange('v', 'x'), exchange('v', 'y'), q, declared, foreign], {
      prune: 'none',
    });
    assert.deepEqual(actions(p), ['replace queue v/q', 'create binding v/x -> queue q [a]', 'create binding v/y -> queue q [b]']);
    assert.match(p.changes[1]?.reason ?? '', /queue v\/q is replaced/);
    assert.equal(p.summary.unchanged, 2);
  });

  it('recreates bindings where a replaced exchange is the destination', () => {
    const e2e = binding('v', 'a', 'b', { destination_type: 'exchange' });
    const p = plan([exchange('v', 'a'), exchange('v', 'b', { type: 'fanout' }), e2e], [exchange('v', 'a'), exchange('v', 'b'), e2e]);
    assert.deepEqual(actions(p), ['replace exchange v/b', 'create binding v/a -> exchange b []']);
  });

  it('does not recreate a binding whose other end is deleted', () => {
    const b = binding('v', 'x', 'q');
    const p = plan([queue('v', 'q', { durable: false })], [exchange('v', 'x'), queue('v', 'q'), b], { ownership: new Map([['orders', keysOf(exchange('v', 'x'), b)]]) });
    assert.deepEqual(actions(p), ['replace queue v/q', 'delete binding v/x -> queue q []', 'delete exchange v/x']);
  });
});

describe('planner: pruning and ownership', () => {
  const live = [vhost('v'), exchange('v', 'mine'), exchange('v', 'stray'), exchange('v', 'amq.topic'), queue('v', 'theirs')];
  const ownership = new Map([
    ['orders', keysOf(exchange('v', 'mine'))],
    ['billing', keysOf(queue('v', 'theirs'))],
  ]);

  it('--prune managed deletes only what this stack owned', () => {
    const p = plan([vhost('v')], live, { ownership });
    assert.deepEqual(actions(p), ['delete exchange v/mine']);
    assert.match(p.changes[0]?.reason ?? '', /no longer declares/);
  });

  it('--prune none deletes nothing but keeps ownership', () => {
    const p = plan([vhost('v')], live, { ownership, prune: 'none' });
    assert.deepEqual(p.changes, []);
    assert.ok(p.owned.some((k) => k.includes('mine')));
  });

  it('--prune all deletes what nobody declares, but never amq.*, other stacks, exclusive or server-named queues', () => {
    const exclusive = { ...queue('v', 'excl'), live: { messages: 0, exclusive: true, server_named: false } };
    const generated = { ...queue('v', 'amq.gen-1'), live: { messages: 0, exclusive: false, server_named: true } };
    const p = plan([vhost('v')], [...live, exclusive, generated, queue('elsewhere', 'q')], { ownership, prune: 'all' });
    assert.deepEqual(actions(p), ['delete exchange v/mine', 'delete exchange v/stray']);
  });

  it('--prune all never removes the connecting user\'s permissions', () => {
    const p = plan([vhost('v')], [vhost('v'), permission('v', 'admin'), permission('v', 'other')], { prune: 'all', connectingUser: 'admin' });
    assert.deepEqual(actions(p), ['delete permission other@v']);
    assert.deepEqual(p.diagnostics, [], 'a grant the stack never owned is kept without a word');
  });

  it('says why it keeps the connecting user (and its grants) that the spec no longer declares', () => {
    const admin = user('admin');
    const grant = permission('v', 'admin');
    const p = plan([vhost('v')], [vhost('v'), admin, grant], { ownership: new Map([['orders', keysOf(admin, grant)]]), connectingUser: 'admin' });
    assert.deepEqual(p.changes, []);
    assert.deepEqual(p.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`), [
      'warning W_PRUNE: user admin is not deleted although the spec no longer declares it: warren connects as admin, and deleting it would lock warren out part way. Delete it by hand, or apply as another user.',
      'warning W_PRUNE: permission admin@v is not deleted although the spec no longer declares it: warren connects as admin, and deleting it would lock warren out part way. Delete it by hand, or apply as another user.',
    ]);
  });

  it('keeps a vhost it no longer declares while the vhost holds objects the stack does not manage', () => {
    const v = vhost('v');
    const mine = queue('v', 'mine');
    const held = { ...queue('v', 'held'), live: { messages: 0, exclusive: true, server_named: true } };
    const liveObjects = [v, mine, queue('v', 'stray'), exchange('v', 'amq.topic'), permission('v', 'someone'), held];
    const p = plan([], liveObjects, { ownership: new Map([['orders', keysOf(v, mine, held)]]) });
    assert.deepEqual(actions(p), ['delete queue v/mine']);
    assert.deepEqual(p.diagnostics.map((d) => [d.severity, d.code]), [['warning', 'W_PRUNE']]);
    assert.match(p.diagnostics[0]?.message ?? '', /^vhost v is kept: it holds 2 objects stack orders does not manage \(queue v\/held, queue v\/stray\)/);
    assert.ok(p.owned.includes(keysOf(v).values().next().value as string), 'the kept vhost stays owned');
    // With only the broker's own exchanges and permissions left, it goes.
    const q = plan([], [v, mine, exchange('v', 'amq.topic'), permission('v', 'someone')], { ownership: new Map([['orders', keysOf(v, mine)]]) });
    assert.deepEqual(actions(q), ['delete queue v/mine', 'delete vhost v']);
    assert.deepEqual(q.diagnostics, []);
  });

  it('refuses to declare an object another stack owns', () => {
    const p = plan([vhost('v'), queue('v', 'theirs')], live, { ownership });
    assert.equal(p.diagnostics[0]?.code, 'E_OWNERSHIP');
    assert.match(p.diagnostics[0]?.message ?? '', /owned by stack "billing"/);
  });

  it('adopts an existing identical object: no change, but recorded as owned', () => {
    const p = plan([vhost('v'), exchange('v', 'stray')], live, { prune: 'none' });
    assert.deepEqual(p.changes, []);
    assert.equal(p.ownershipChanged, true);
    assert.ok(p.owned.some((k) => k.includes('stray')));
    assert.equal(p.adopting, 2, 'the vhost and the exchange are adopted');
  });

  it('counts what the spec neither declares nor any stack owns in its vhosts: ignored, not deleted', () => {
    // Right after `export`: the stack owns nothing, and a queue was removed from the spec.
    const kept = [vhost('v'), exchange('v', 'x')];
    const live = [...kept, queue('v', 'removed'), exchange('v', 'amq.topic'), queue('elsewhere', 'q')];
    const p = plan(kept, live);
    assert.deepEqual(p.changes, [], 'nothing is deleted: the stack never owned the queue');
    assert.deepEqual(p.ignored, { count: 1, examples: ['queue v/removed'] }, 'amq.* and other vhosts are not counted');
    assert.equal(p.adopting, 2);
    assert.equal(p.ownershipChanged, true);
    // Once the ownership is recorded, the same removal is a delete and nothing is ignored.
    const owned = plan(kept, live, { ownership: new Map([['orders', keysOf(...kept, queue('v', 'removed'))]]) });
    assert.deepEqual(actions(owned), ['delete queue v/removed']);
    assert.deepEqual(owned.ignored, { count: 0, examples: [] });
    assert.equal(owned.adopting, 0);
    // Objects another stack owns are theirs, not ignored; --prune all deletes what nobody owns.
    assert.equal(plan(kept, live, { ownership: new Map([['billing', keysOf(queue('v', 'removed'))]]) }).ignored.count, 0);
    assert.equal(plan(kept, live, { prune: 'all' }).ignored.count, 0);
  });
});

describe('planner: data loss', () => {
  it('marks deleting a queue with messages', () => {
    const q = withMessages(queue('v', 'q'), 3);
    const p = plan([vhost('v')], [vhost('v'), q], { ownership: new Map([['orders', keysOf(q)]]) });
    assert.deepEqual(p.changes[0]?.dataLoss, { messages: 3 });
  });

  it('marks replacing a stream with messages (a stream cannot be migrated); other queues migrate (plan-migration.test.ts)', () => {
    const p = plan([queue('v', 'q', { type: 'stream', arguments: { 'x-max-age': '1D' } })], [withMessages(queue('v', 'q', { type: 'stream' }), 7)]);
    assert.equal(p.changes[0]?.dataLoss?.messages, 7);
    assert.match(p.changes[0]?.dataLoss?.reason ?? '', /stream cannot be migrated/);
    assert.equal(p.changes[0]?.migration, undefined);
  });

  it('marks deleting a vhost whose queues hold messages once, on the queues', () => {
    const v = vhost('v');
    const q = withMessages(queue('v', 'q'), 2);
    const r = withMessages(queue('v', 'r'), 5);
    const p = plan([], [v, q, r], { ownership: new Map([['orders', keysOf(v, q, r)]]) });
    assert.deepEqual(p.changes.map((c) => [c.title, c.dataLoss]), [
      ['queue v/q', { messages: 2 }],
      ['queue v/r', { messages: 5 }],
      ['vhost v', undefined],
    ]);
  });

  it('does not mark an empty queue', () => {
    const p = plan([queue('v', 'q', { type: 'quorum' })], [withMessages(queue('v', 'q'), 0)]);
    assert.equal(p.changes[0]?.dataLoss, undefined);
  });
});

describe('planner: vhost settings left out, and vhosts shared as containers', () => {
  const container = { kind: 'vhost', name: 'shared' } as const;

  it('an update keeps the live value of a setting the spec leaves out', () => {
    const p = plan([{ kind: 'vhost', name: 'v', tags: ['new'] }], [vhost('v', { description: 'kept', tags: ['old'] })]);
    assert.deepEqual(p.changes[0]?.fields.map((f) => f.field), ['tags']);
    assert.deepEqual(p.changes[0]?.after, { kind: 'vhost', name: 'v', tags: ['new'], description: 'kept', limits: {} });
  });

  it('lets two stacks use one vhost as a container, but not both manage its settings', () => {
    const ownership = new Map([['billing', keysOf(vhost('shared'))]]);
    const asContainer = plan([container, queue('shared', 'q')], [vhost('shared', { description: 'billing owns this' })], { ownership });
    assert.deepEqual(asContainer.diagnostics, []);
    assert.deepEqual(actions(asContainer), ['create queue shared/q']);
    const asOwner = plan([vhost('shared', { description: 'mine' })], [vhost('shared')], { ownership });
    assert.equal(asOwner.diagnostics[0]?.code, 'E_OWNERSHIP');
  });

  it('never deletes a container vhost another stack still owns', () => {
    const ownership = new Map([
      ['orders', keysOf(vhost('shared'))],
      ['billing', keysOf(vhost('shared'))],
    ]);
    assert.deepEqual(plan([], [vhost('shared')], { ownership }).changes, []);
  });

  it('never deletes the default vhost /', () => {
    const p = plan([], [vhost('/')], { ownership: new Map([['orders', keysOf(vhost('/'))]]) });
    assert.deepEqual(p.changes, []);
  });
});
