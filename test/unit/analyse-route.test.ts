// Routing and policy resolution on literal topologies: topic words, headers modes, alternate
// exchanges, dead-letter paths, policy priority and ties, and RabbitMQ's per-key merges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveSettings } from '../../src/analyse/effective.js';
import { headersMatch, topicMatches } from '../../src/analyse/match.js';
import { judgePolicies } from '../../src/analyse/policy-match.js';
import { deadLetterPaths, routeMessage, topologyOf } from '../../src/analyse/route.js';
import { resourceKey } from '../../src/model/keys.js';
import type { Binding, Exchange, Model, Policy, Queue, Resource } from '../../src/model/types.js';

const ex = (name: string, type: string, args: Exchange['arguments'] = {}): Exchange => ({ kind: 'exchange', vhost: 'v', name, type, durable: true, auto_delete: false, internal: false, arguments: args });
const q = (name: string, args: Queue['arguments'] = {}, type: Queue['type'] = 'classic'): Queue => ({ kind: 'queue', vhost: 'v', name, type, durable: true, auto_delete: false, arguments: args });
const bind = (source: string, destination: string, routing_key = '', args: Binding['arguments'] = {}, destination_type: Binding['destination_type'] = 'queue'): Binding => ({ kind: 'binding', vhost: 'v', source, destination, destination_type, routing_key, arguments: args });
const pol = (name: string, pattern: string, definition: Policy['definition'], priority = 0, kind: Policy['kind'] = 'policy', apply_to: Policy['apply_to'] = 'all'): Policy => ({ kind, vhost: 'v', name, pattern, apply_to, priority, definition });
const model = (...rs: Resource[]): Model => ({ resources: new Map(rs.map((r) => [resourceKey(r), r])) });

test('topic: * is one word, # is zero or more, an empty key has no words', () => {
  const cases: [string, string, boolean][] = [
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.c', false],
    ['a.#.c', 'a.c', true],
    ['a.#.c', 'a.b.b.c', true],
    ['#', '', true],
    ['*', '', false],
    ['#.#', 'a', true],
    ['a.#', 'a', true],
    ['*.#', '', false],
    ['a', 'a.b', false],
    ['', '', true],
    ['a..b', 'a..b', true],
    ['*.*', 'a.', true],
  ];
  for (const [pattern, key, expected] of cases) assert.equal(topicMatches(pattern, key), expected, `${pattern} vs ${JSON.stringify(key)}`);
});

test('headers: all, any, the -with-x modes, presence-only values, and strings never equal numbers', () => {
  assert.equal(headersMatch({ 'x-match': 'all', a: '1', b: '2' }, { a: '1', b: '2', c: '3' }), true);
  assert.equal(headersMatch({ 'x-match': 'all', a: '1', b: '2' }, { a: '1' }), false);
  assert.equal(headersMatch({ 'x-match': 'any', a: '1', b: '2' }, { b: '2' }), true);
  assert.equal(headersMatch({ 'x-match': 'any' }, { b: '2' }), false);
  assert.equal(headersMatch({}, {}), true, 'an empty all-binding matches everything');
  assert.equal(headersMatch({ 'x-match': 'all', 'x-tag': 'a' }, {}), true, 'x- arguments take no part in all');
  assert.equal(headersMatch({ 'x-match': 'all-with-x', 'x-tag': 'a' }, {}), false);
  assert.equal(headersMatch({ 'x-match': 'any-with-x', 'x-tag': 'a' }, { 'x-tag': 'a' }), true);
  assert.equal(headersMatch({ a: null }, { a: 'anything' }), true);
  assert.equal(headersMatch({ a: 1 }, { a: '1' }), false);
  assert.equal(headersMatch({ 'x-match': 'bogus', a: '1' }, { a: '1' }), true, 'an unknown mode counts as all');
});

test('route: exchange-to-exchange, the default exchange, and an alternate exchange only when nothing matched', () => {
  const m = model(ex('in', 'topic', { 'alternate-exchange': 'ae' }), ex('ae', 'fanout'), ex('fan', 'fanout'), q('a'), q('b'), q('lost'), bind('in', 'a', 'a.*'), bind('in', 'fan', 'x.#', {}, 'exchange'), bind('fan', 'b'), bind('ae', 'lost'));
  const t = topologyOf(m, 'v');
  const r = (exchange: string, key: string) => routeMessage(t, { vhost: 'v', exchange, routingKey: key, headers: {} }).queues;
  assert.deepEqual(r('in', 'a.1'), ['a']);
  assert.deepEqual(r('in', 'x.y.z'), ['b']);
  assert.deepEqual(r('in', 'zzz'), ['lost']);
  assert.deepEqual(r('', 'b'), ['b']);
  assert.deepEqual(r('', 'nope'), []);
});

test('route: an exchange-to-exchange cycle is walked once', () => {
  const t = topologyOf(model(ex('x1', 'fanout'), ex('x2', 'fanout'), q('q'), bind('x1', 'x2', '', {}, 'exchange'), bind('x2', 'x1', '', {}, 'exchange'), bind('x2', 'q')), 'v');
  const res = routeMessage(t, { vhost: 'v', exchange: 'x1', routingKey: '', headers: {} });
  assert.deepEqual(res.queues, ['q']);
  assert.deepEqual(res.exchanges, ['x1', 'x2']);
});

test('dead-letter path: the argument wins over a policy key by key, and without a dead-letter routing key the original key is used', () => {
  const m = model(ex('in', 'direct'), ex('dlx1', 'fanout'), ex('dlx2', 'topic'), q('work', { 'x-dead-letter-exchange': 'dlx1' }), q('other'), q('plain', { 'x-dead-letter-exchange': 'dlx2' }), q('d1'), q('d2'), bind('in', 'work', 'k'), bind('in', 'other', 'k'), bind('in', 'plain', 'k'), bind('dlx1', 'd1'), bind('dlx2', 'd2', 'k'), bind('dlx2', 'd2', 'rk'), pol('dl', '^(work|other)$', { 'dead-letter-exchange': 'dlx2', 'dead-letter-routing-key': 'rk' }));
  const t = topologyOf(m, 'v');
  const msg = { vhost: 'v', exchange: 'in', routingKey: 'k', headers: {} };
  const paths = deadLetterPaths(t, msg, routeMessage(t, msg).queues);
  assert.deepEqual(paths.map((p) => [p.queue, p.exchange, p.routingKey, p.route.queues]), [
    ['other', 'dlx2', 'rk', ['d2']],
    ['plain', 'dlx2', 'k', ['d2']],
    ['work', 'dlx1', 'rk', ['d1']],
  ]);
});

test('policies: the highest priority wins; equal priorities are a tie; apply_to and pattern exclude', () => {
  const target = q('orders.created');
  const verdicts = judgePolicies([pol('low', '^orders', {}, 1), pol('high', 'created$', {}, 5), pol('tie', '\\.created', {}, 5), pol('ex', '.*', {}, 9, 'policy', 'exchanges'), pol('other', '^payments', {}, 9)], target);
  const by = Object.fromEntries(verdicts.map((v) => [v.policy.name, v]));
  assert.equal(by['high']?.outcome, 'wins');
  assert.deepEqual(by['high']?.outcome === 'wins' ? by['high'].tiedWith.map((p) => p.name) : [], ['tie']);
  assert.deepEqual(by['tie']?.outcome === 'loses' ? by['tie'].reason : undefined, 'tie');
  assert.deepEqual(by['low']?.outcome === 'loses' ? by['low'].reason : undefined, 'priority');
  assert.deepEqual(by['ex']?.outcome === 'no-match' ? by['ex'].reason : undefined, 'apply-to');
  assert.deepEqual(by['other']?.outcome === 'no-match' ? by['other'].reason : undefined, 'pattern');
});

test('merge: operator limits take the lesser value, other operator keys yield, arguments win or take the lesser per key', () => {
  const queue = q('q', { 'x-max-length': 50, 'x-dead-letter-exchange': 'from-arg', 'x-message-ttl': 9000 }, 'quorum');
  const e = effectiveSettings(queue, [pol('user', '^q$', { 'max-length': 1000, 'message-ttl': 1000, 'dead-letter-exchange': 'from-policy', overflow: 'reject-publish', 'max-length-bytes': 500 }), pol('op', '.*', { 'max-length-bytes': 100, 'delivery-limit': 3 }, 0, 'operator_policy')]);
  const get = (k: string) => e.settings.find((s) => s.key === k);
  assert.deepEqual(e.effectivePolicyDefinition, { 'dead-letter-exchange': 'from-policy', 'delivery-limit': 3, 'max-length': 1000, 'max-length-bytes': 100, 'message-ttl': 1000, overflow: 'reject-publish' });
  assert.deepEqual([get('max-length')?.value, get('max-length')?.source], [50, { from: 'argument', argument: 'x-max-length' }]);
  assert.deepEqual([get('message-ttl')?.value, get('message-ttl')?.source], [1000, { from: 'policy', policy: 'user' }]);
  assert.deepEqual([get('dead-letter-exchange')?.value, get('dead-letter-exchange')?.source.from], ['from-arg', 'argument']);
  assert.deepEqual([get('max-length-bytes')?.value, get('max-length-bytes')?.source], [100, { from: 'operator_policy', policy: 'op' }]);
  assert.equal(get('max-length-bytes')?.overridden[0]?.value, 500);
  assert.equal(get('delivery-limit')?.value, 3);
});

test('merge: a stream takes the policy over the argument; a key no type reads is kept and ignored', () => {
  const stream = effectiveSettings(q('s', { 'x-max-age': '1D' }, 'stream'), [pol('p', '^s$', { 'max-age': '7D' })]);
  assert.deepEqual(stream.settings.find((s) => s.key === 'max-age')?.value, '7D');
  const classic = effectiveSettings(q('c'), [pol('p', '^c$', { 'alternate-exchange': 'ae' })]);
  assert.equal(classic.settings.find((s) => s.key === 'alternate-exchange')?.ignored, true);
});

test('a policy with a key the queue type refuses is skipped whole, and the next one applies (as RabbitMQ 3.10.8 does)', () => {
  const policies = [pol('high', '^s', { 'max-length': 5 }, 5), pol('low', '^s', { 'max-length-bytes': 1000 }, 1)];
  const stream = effectiveSettings(q('s1', {}, 'stream'), policies, '3.10.8');
  assert.deepEqual(stream.policies.map((v) => [v.policy.name, v.outcome, v.outcome === 'no-match' ? v.reason : '']), [['low', 'wins', ''], ['high', 'no-match', 'unsupported']]);
  assert.deepEqual(stream.effectivePolicyDefinition, { 'max-length-bytes': 1000 });
  // queue-leader-locator: refused by classic queues before 4.0, accepted from 4.0.
  const locator = [pol('loc', '^c$', { 'queue-leader-locator': 'balanced' })];
  assert.equal(effectiveSettings(q('c'), locator, '3.10.8').policies[0]?.outcome, 'no-match');
  assert.equal(effectiveSettings(q('c'), locator, '4.0.5').policies[0]?.outcome, 'wins');
});

test('merge (4.x): target-group-size takes the greater, a flag set by both takes the operator\'s', () => {
  const e = effectiveSettings(q('q', {}, 'quorum'), [pol('user', '^q$', { 'target-group-size': 3, 'x-flag': true }), pol('op', '.*', { 'target-group-size': 5, 'x-flag': false }, 0, 'operator_policy')]);
  assert.deepEqual(e.effectivePolicyDefinition, { 'target-group-size': 5, 'x-flag': false });
});
