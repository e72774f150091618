// The plans the renderer tests print: each built from literal models by the real planner, so
// the goldens show what users will see for each kind of change.
import type { Diagnostic, Origin } from '../../src/errors.js';
import { Secret } from '../../src/model/secret.js';
import type { JsonMap, Policy, TopicPermission } from '../../src/model/types.js';
import type { Plan } from '../../src/plan/index.js';
import { binding, exchange, keysOf, permission, planOf, policy, queue, user, vhost, withMessages } from './build.js';

export const plan = planOf;

const at = (line: number, col = 5): Origin => ({ file: 'spec/orders.yaml', line, col });

const topicPermission = (vhostName: string, userName: string, exchangeName: string, extra: Partial<TopicPermission> = {}): TopicPermission => ({
  kind: 'topic_permission',
  vhost: vhostName,
  user: userName,
  exchange: exchangeName,
  write: '.*',
  read: '.*',
  ...extra,
});

const operatorPolicy = (vhostName: string, name: string, extra: Partial<Policy> = {}): Policy => ({ ...policy(vhostName, name, extra), kind: 'operator_policy' });

/** The DESIGN.md example spec, created on an empty broker. */
function createAll(): Plan {
  return plan(
    [
      vhost('orders', { description: 'Order service', tags: ['production'], default_queue_type: 'quorum', limits: { 'max-connections': 500, 'max-queues': 1000 }, origin: at(21, 3) }),
      exchange('orders', 'orders', { type: 'topic', origin: at(27, 7) }),
      exchange('orders', 'orders.dlx', { type: 'fanout', origin: at(28, 7) }),
      queue('orders', 'orders.created', { type: 'quorum', arguments: { 'x-dead-letter-exchange': 'orders.dlx', 'x-delivery-limit': 5 }, origin: at(30, 7) }),
      queue('orders', 'orders.dead', { origin: at(33, 7) }),
      binding('orders', 'orders', 'orders.created', { routing_key: 'order.created', origin: at(35, 9) }),
      binding('orders', 'orders.dlx', 'orders.dead', { origin: at(36, 9) }),
      binding('orders', 'orders', 'audit', { destination_type: 'exchange', routing_key: '#', origin: at(37, 9) }),
      binding('orders', 'orders', 'orders.pdf', { arguments: { 'x-match': 'all', format: 'pdf' } }),
      policy('orders', 'orders-ttl', { pattern: '^orders\\.', apply_to: 'queues', priority: 1, definition: { 'message-ttl': 86400000 }, origin: at(40, 7) }),
      operatorPolicy('orders', 'cap', { pattern: '.*', apply_to: 'queues', definition: { 'max-length': 100000 } }),
      user('orders-svc', { tags: ['monitoring'], limits: { 'max-connections': 20 }, password: new Secret('s3cret-plaintext'), origin: at(48, 3) }),
      permission('orders', 'orders-svc', { configure: '^orders\\.', origin: at(53, 7) }),
      topicPermission('orders', 'orders-svc', 'orders', { write: '^order\\.' }),
    ],
    [],
  );
}

/** Every kind that changes in place, including map diffs of limits and policy definitions. */
function updates(): Plan {
  const bigDefinition: JsonMap = {
    'max-length': 10000,
    'max-length-bytes': 1048576,
    'message-ttl': 60000,
    expires: 3600000,
    overflow: 'drop-head',
    'dead-letter-exchange': 'orders.dlx',
    'dead-letter-routing-key': 'dead',
    'delivery-limit': 5,
    'queue-leader-locator': 'client-local',
    'max-age': '7D',
    'stream-max-segment-size-bytes': 500000000,
    'consumer-timeout': 1800000,
    'alternate-exchange': 'unrouted',
    'ha-params': ['rmq-0', 'rmq-1'],
  };
  const { 'consumer-timeout': _added, ...liveDefinition } = bigDefinition;
  return plan(
    [
      vhost('orders', { description: 'Order service', tags: ['production'], default_queue_type: 'quorum', limits: { 'max-connections': 500, 'max-queues': 1000 } }),
      user('orders-svc', { tags: ['monitoring'], password_hash: 'bmV3LWhhc2g=', limits: { 'max-connections': 20 } }),
      permission('orders', 'orders-svc', { configure: '^orders\\.' }),
      topicPermission('orders', 'orders-svc', 'orders', { write: '^order\\.' }),
      policy('orders', 'orders-ttl', { pattern: '^orders\\.', priority: 1, definition: { 'message-ttl': 86400000, 'max-length': 10 } }),
      operatorPolicy('orders', 'limits', { definition: { ...bigDefinition, 'max-length': 20000, overflow: 'reject-publish', 'ha-params': ['rmq-0', 'rmq-1', 'rmq-2'] } }),
    ],
    [
      vhost('orders', { limits: { 'max-connections': 100 } }),
      user('orders-svc', { tags: [], password_hash: 'b2xkLWhhc2g=' }),
      permission('orders', 'orders-svc'),
      topicPermission('orders', 'orders-svc', 'orders'),
      policy('orders', 'orders-ttl', { pattern: '^orders\\.', definition: { 'message-ttl': 1000, 'max-length': 10 } }),
      operatorPolicy('orders', 'limits', { definition: liveDefinition }),
    ],
  );
}

/** A queue and two exchanges the broker cannot change in place; their bindings come back. */
function replaces(): Plan {
  const declared = binding('orders', 'orders', 'orders.created', { routing_key: 'order.created' });
  const legacy = binding('orders', 'legacy', 'orders.created', { routing_key: '#' });
  const toAudit = binding('orders', 'orders', 'audit', { destination_type: 'exchange', routing_key: '#' });
  const fromEvents = binding('orders', 'events', 'orders.created');
  return plan(
    [
      vhost('orders'),
      exchange('orders', 'orders', { type: 'topic' }),
      exchange('orders', 'events', { type: 'fanout', arguments: { 'alternate-exchange': 'lost' } }),
      queue('orders', 'orders.created', { type: 'quorum', arguments: { 'x-dead-letter-exchange': 'orders.dlx', 'x-delivery-limit': 5 } }),
      declared,
      toAudit,
    ],
    [
      vhost('orders'),
      exchange('orders', 'orders'),
      exchange('orders', 'events', { type: 'fanout', arguments: { 'alternate-exchange': 'unrouted' } }),
      exchange('orders', 'legacy'),
      exchange('orders', 'audit'),
      queue('orders', 'orders.created', { arguments: { 'x-dead-letter-exchange': 'orders.dlx' } }),
      declared,
      legacy,
      toAudit,
      fromEvents,
    ],
  );
}

/** Deletes under --prune all: what the stack gave up, and what nobody declares. */
function deletes(): Plan {
  const owned = [exchange('orders', 'old'), queue('orders', 'old.q'), binding('orders', 'old', 'old.q'), policy('orders', 'old-policy'), user('retired')];
  return plan([vhost('orders')], [vhost('orders'), ...owned, exchange('orders', 'stray'), exchange('orders', 'amq.topic')], {
    prune: 'all',
    ownership: new Map([['orders', keysOf(...owned)]]),
  });
}

/** Queues with messages replaced or deleted, and a vhost deleted with its queues' messages. */
function dataLoss(): Plan {
  const gone = withMessages(queue('orders', 'orders.retired'), 1);
  const legacy = vhost('legacy');
  const a = withMessages(queue('legacy', 'a'), 40000);
  const b = withMessages(queue('legacy', 'b'), 2);
  return plan([vhost('orders'), queue('orders', 'orders.created', { type: 'quorum' })], [vhost('orders'), withMessages(queue('orders', 'orders.created'), 1234), gone, legacy, a, b], {
    ownership: new Map([['orders', keysOf(gone, legacy, a, b)]]),
  });
}

/**
 * Queues the broker cannot change in place, holding messages: a migration with consumers and
 * bindings, one an earlier apply left in progress, one whose new length limit drops messages on
 * the way back, and a stream, which cannot be migrated.
 */
function migrations(): Plan {
  const created = { ...withMessages(queue('orders', 'orders.created'), 12345), live: { messages: 12345, consumers: 2, exclusive: false, server_named: false } };
  const bound = binding('orders', 'orders', 'orders.created', { routing_key: 'order.created' });
  const halfway = withMessages(queue('orders', 'orders.paid', { type: 'quorum' }), 20);
  const holding = withMessages(queue('orders', 'warren.migrate.orders.paid'), 5000);
  const short = withMessages(queue('orders', 'orders.short'), 10000);
  const log = withMessages(queue('orders', 'orders.log', { type: 'stream' }), 700);
  return plan(
    [
      vhost('orders'),
      exchange('orders', 'orders'),
      queue('orders', 'orders.created', { type: 'quorum', origin: at(31, 7) }),
      bound,
      queue('orders', 'orders.paid', { type: 'quorum' }),
      queue('orders', 'orders.short', { arguments: { 'x-max-length': 100 } }),
      queue('orders', 'orders.log', { type: 'stream', arguments: { 'x-max-age': '7D' } }),
    ],
    [vhost('orders'), exchange('orders', 'orders'), created, bound, halfway, holding, binding('orders', 'orders', 'warren.migrate.orders.paid', { routing_key: 'paid' }), short, log],
  );
}

/** An ownership error from the planner, and warnings as the spec loader would add them. */
function diagnostics(): Plan {
  const theirs = queue('orders', 'payments', { origin: at(31, 7) });
  const p = plan([vhost('orders'), exchange('orders', 'orders'), theirs], [vhost('orders'), queue('orders', 'payments')], {
    ownership: new Map([['billing', keysOf(theirs)]]),
  });
  const warnings: Diagnostic[] = [
    { severity: 'warning', code: 'W_REFERENCE', message: 'vhosts.orders.bindings[2].exchange: exchange "audit" is not declared in this spec', origin: at(37, 38) },
    { severity: 'warning', code: 'W_VERSION', message: 'queue orders/orders.created: x-delivery-limit needs RabbitMQ 3.8 or later', endpoint: 'https://rmq-0.internal:15671' },
  ];
  return { ...p, diagnostics: [...p.diagnostics, ...warnings] };
}

/** Names are user data: every character RabbitMQ allows must print safely in every format. */
function oddNames(): Plan {
  const odd = ['a/b', 'hash#tag', 'what?', '100%', 'with space', '__proto__', 'ünïcødé-キュー', 'pipe|name', 'back`tick', 'slash\\|pipe', '@team :tada: $x$ *b*'];
  const protoArgs: JsonMap = { ['__proto__']: 'kept', 'x-max-length': 10 };
  return plan(
    [
      vhost('/'),
      ...odd.map((name) => queue('/', name)),
      exchange('/', 'x|y', { type: 'topic' }),
      binding('/', 'x|y', 'pipe|name', { routing_key: 'a|b`c' }),
      policy('/', 'p # ?', { definition: protoArgs }),
      queue('/', 'esc\u001b[31mred\u202egnp.exe', { arguments: protoArgs }),
      user(' spaced '),
    ],
    [vhost('/'), queue('/', 'a/b', { durable: false }), exchange('/', 'x|y'), policy('/', 'p # ?')],
  );
}

function noChanges(): Plan {
  const all = [vhost('orders'), exchange('orders', 'orders'), queue('orders', 'orders.created'), binding('orders', 'orders', 'orders.created')];
  return plan(all, all, { ownership: new Map([['orders', keysOf(...all)]]) });
}

/** Nothing changes on the broker, but the stack takes ownership of what it now declares. */
function adopt(): Plan {
  const all = [vhost('orders'), exchange('orders', 'orders'), queue('orders', 'orders.created')];
  return plan(all, all);
}

/** The sample plan in README's "What a plan means": README quotes this golden file (readme.test.ts). */
function readmeSample(): Plan {
  const dead = (ttl: number) => queue('orders', 'orders.dead', { arguments: { 'x-message-ttl': ttl } });
  const length = (max: number) => policy('orders', 'orders-length', { pattern: '^orders\\.', apply_to: 'queues', definition: { 'max-length': max, overflow: 'reject-publish' } });
  const unchanged = [vhost('orders'), exchange('orders', 'orders.dlx', { type: 'fanout' }), binding('orders', 'orders.dlx', 'orders.dead')];
  const refunded = queue('orders', 'orders.refunded');
  const live = [...unchanged, dead(604800000), length(50000), refunded];
  return plan([...unchanged, dead(1209600000), length(100000), queue('orders', 'orders.shipped')], live, {
    ownership: new Map([['orders', keysOf(...live)]]),
  });
}

export const SCENARIOS: ReadonlyArray<readonly [name: string, build: () => Plan]> = [
  ['create', createAll],
  ['update', updates],
  ['replace', replaces],
  ['delete', deletes],
  ['data-loss', dataLoss],
  ['migrate', migrations],
  ['diagnostics', diagnostics],
  ['names', oddNames],
  ['no-changes', noChanges],
  ['adopt', adopt],
  ['readme', readmeSample],
];
