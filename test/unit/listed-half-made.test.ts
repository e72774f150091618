// live/listed-half-made.ts: which listed quorum queues are judged half made. A wrong "yes" would
// replace a queue whose nodes are down (losing the messages on their disks), so every way of
// being merely unreachable must answer no.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { halfMadeSuspect, membersSayHalfMade } from '../../src/live/listed-half-made.js';

test('a suspect is a quorum queue that names members and has none online', () => {
  assert.deepEqual(halfMadeSuspect({ type: 'quorum', members: ['a@h', 'b@h'], online: [] }), ['a@h', 'b@h']);
  assert.equal(halfMadeSuspect({ type: 'quorum', members: ['a@h', 'b@h'], online: ['b@h'] }), undefined, 'one online: it runs');
  assert.equal(halfMadeSuspect({ type: 'classic', members: ['a@h'], online: [] }), undefined);
  assert.equal(halfMadeSuspect({ type: 'stream', members: ['a@h'], online: [] }), undefined);
  assert.equal(halfMadeSuspect({ type: 'quorum' }), undefined, 'a broker that lists neither field');
  assert.equal(halfMadeSuspect({ type: 'quorum', members: [], online: [] }), undefined);
  assert.equal(halfMadeSuspect({ type: 'quorum', members: ['a@h', 3], online: [] }), undefined, 'not a list of node names');
  assert.equal(halfMadeSuspect({ type: 'quorum', members: ['a@h'], online: 'none' }), undefined);
});

test('half made only when its members run (or left the cluster) and one runs: Raft servers missing on nodes that are up', () => {
  const nodes = new Map([
    ['a@h', true],
    ['b@h', true],
    ['c@h', false],
  ]);
  assert.equal(membersSayHalfMade(['a@h', 'b@h'], nodes), true);
  assert.equal(membersSayHalfMade(['gone@h', 'a@h'], nodes), true, 'a member that is no node of the cluster cannot bring it back');
  assert.equal(membersSayHalfMade(['a@h', 'c@h'], nodes), false, 'a member node is down: it may hold the queue');
  assert.equal(membersSayHalfMade(['c@h'], nodes), false);
  assert.equal(membersSayHalfMade(['gone@h'], nodes), false, 'no member runs: nothing shows the servers are missing');
  assert.equal(membersSayHalfMade(['a@h'], new Map()), false, 'no node list: nothing runs that we know of');
});
