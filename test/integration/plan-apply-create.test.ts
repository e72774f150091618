// Plan and apply against a live broker, part 1: create every kind from an empty node, check on the
// broker that each object exists with the right properties, then the same plan in JSON and
// Markdown, and `plan --live` against the broker's own definitions export.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import { bindingsOf, type Api } from '../support/management.js';
import { actionsOf, changeHeaders, SpecStack, type PlanDoc } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

/** One of everything the spec format knows. */
export const FULL_SPEC = {
  vhosts: {
    orders: {
      description: 'Order service',
      tags: ['shop', 'production'],
      limits: { 'max-connections': 500, 'max-queues': 1000 },
      exchanges: {
        orders: { type: 'topic' },
        'orders.direct': { type: 'direct', arguments: { 'alternate-exchange': 'orders.unrouted' } },
        'orders.unrouted': { type: 'fanout' },
        'orders.headers': { type: 'headers' },
        'orders.audit': { type: 'fanout', internal: true },
        'orders.dlx': { type: 'fanout' },
      },
      queues: {
        'orders.classic': { type: 'classic', arguments: { 'x-message-ttl': 60000, 'x-max-length': 1000, 'x-overflow': 'reject-publish' } },
        'orders.quorum': { type: 'quorum', arguments: { 'x-delivery-limit': 5, 'x-dead-letter-exchange': 'orders.dlx', 'x-dead-letter-routing-key': 'dead' } },
        'orders.stream': { type: 'stream', arguments: { 'x-max-age': '7D' } },
        'orders.dead': {},
        'orders.unrouted': {},
      },
      bindings: [
        { source: 'orders', queue: 'orders.classic', routing_key: 'order.created' },
        { source: 'orders', exchange: 'orders.audit', routing_key: '#' },
        { source: 'orders.audit', queue: 'orders.stream' },
        { source: 'orders.headers', queue: 'orders.quorum', arguments: { 'x-match': 'all', kind: 'paid' } },
        { source: 'orders.direct', queue: 'orders.classic', routing_key: 'direct' },
        { source: 'orders.dlx', queue: 'orders.dead' },
        { source: 'orders.unrouted', queue: 'orders.unrouted' },
      ],
      policies: {
        'orders-length': { pattern: '^orders\\.classic$', apply_to: 'queues', priority: 1, definition: { 'max-length': 5000 } },
      },
      operator_policies: {
        'orders-cap': { pattern: '.*', apply_to: 'queues', definition: { 'max-length-bytes': 1073741824 } },
      },
    },
    billing: {
      default_queue_type: 'quorum',
      queues: { invoices: {} },
    },
  },
  users: {
    'orders-svc': {
      password: 'first-orders-pw',
      tags: ['monitoring'],
      limits: { 'max-connections': 20, 'max-channels': 100 },
      permissions: { orders: { configure: '^orders\\.', write: '.*', read: '.*' }, billing: { read: '.*' } },
      topic_permissions: { orders: [{ exchange: 'orders', write: '^order\\.', read: '.*' }] },
    },
  },
};

interface Row {
  [k: string]: unknown;
}

describe('plan/apply: create everything', { skip }, () => {
  const suite = new BrokerSuite();
  let a: Api;
  let stack: SpecStack;

  before(() => {
    ({ api: a } = suite);
    stack = suite.stack('shop');
    stack.write(FULL_SPEC);
  });

  test('the plan of an empty broker creates every object, in JSON with format_version 1', async () => {
    const doc = await stack.planJson();
    assert.equal(doc.format_version, '1');
    assert.equal(doc.stack, 'shop');
    assert.equal(doc.prune, 'managed');
    assert.equal(doc.diagnostics.filter((d) => d.severity === 'error').length, 0);
    assert.ok(doc.changes.every((c) => c.action === 'create'), actionsOf(doc).join('\n'));
    // 2 vhosts, 1 user, 2 permissions, 1 topic permission, 6 exchanges, 6 queues, 7 bindings, 2 policies
    assert.deepEqual(doc.summary, { create: 27, update: 0, replace: 0, delete: 0, unchanged: 0 });
    assert.equal(doc.ownership.owned_count, 27);
    const kinds = doc.changes.map((c) => c.kind);
    assert.deepEqual([...new Set(kinds)], ['vhost', 'user', 'permission', 'topic_permission', 'policy', 'operator_policy', 'exchange', 'queue', 'binding']);
    assert.ok(!JSON.stringify(doc).includes('first-orders-pw'));
  });

  test('the same plan in Markdown: a heading with the summary and one table row per change', async () => {
    const r = await stack.plan({ format: 'markdown' });
    assert.equal(r.code, 2, r.stderr);
    const md = r.stdout;
    assert.match(md, /^### warren plan for stack `shop`: 27 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged/);
    assert.match(md, /\n\| Action \| Object \| Details \|\n\| --- \| --- \| --- \|\n/);
    assert.equal(md.split('\n').filter((l) => l.startsWith('| ') && l.includes(' create |')).length, 27);
    assert.ok(md.includes('`queue orders/orders.quorum`'));
    assert.ok(!md.includes('first-orders-pw'));
  });

  test('apply creates it all, and the plan is then empty', async () => {
    const r = await stack.applyOk();
    assert.match(r.stdout, /Apply complete: 27 created, 0 updated, 0 replaced, 0 deleted/);
    assert.ok(!`${r.stdout}${r.stderr}`.includes('first-orders-pw'));
    await stack.assertPlanEmpty();
  });

  test('the broker holds every object with the properties the spec gives', async () => {
    const vhost = (await a.get<Row>(['vhosts', 'orders'])) ?? {};
    assert.equal(vhost['description'], 'Order service');
    assert.deepEqual([...(vhost['tags'] as string[])].sort(), ['production', 'shop']);
    assert.deepEqual(await a.get(['vhost-limits', 'orders']), [{ vhost: 'orders', value: { 'max-connections': 500, 'max-queues': 1000 } }]);
    assert.equal(((await a.get<Row>(['vhosts', 'billing'])) ?? {})['default_queue_type'], 'quorum');

    const user = (await a.get<Row>(['users', 'orders-svc'])) ?? {};
    assert.deepEqual(user['tags'], ['monitoring']);
    assert.deepEqual(await a.get(['user-limits', 'orders-svc']), [{ user: 'orders-svc', value: { 'max-connections': 20, 'max-channels': 100 } }]);
    assert.equal(await a.whoami('orders-svc', 'first-orders-pw'), 200);
    assert.deepEqual(await a.get(['permissions', 'orders', 'orders-svc']), { user: 'orders-svc', vhost: 'orders', configure: '^orders\\.', write: '.*', read: '.*' });
    // A permission key the spec leaves out grants nothing.
    assert.deepEqual(await a.get(['permissions', 'billing', 'orders-svc']), { user: 'orders-svc', vhost: 'billing', configure: '', write: '', read: '.*' });
    assert.deepEqual(await a.get(['topic-permissions', 'orders', 'orders-svc']), [{ user: 'orders-svc', vhost: 'orders', exchange: 'orders', write: '^order\\.', read: '.*' }]);

    const exchange = async (name: string) => (await a.get<Row>(['exchanges', 'orders', name])) ?? {};
    const pick = (o: Row, ...keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
    const ex = ['type', 'durable', 'auto_delete', 'internal', 'arguments'];
    assert.deepEqual(pick(await exchange('orders'), ...ex), { type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} });
    assert.deepEqual(pick(await exchange('orders.direct'), ...ex), { type: 'direct', durable: true, auto_delete: false, internal: false, arguments: { 'alternate-exchange': 'orders.unrouted' } });
    assert.deepEqual(pick(await exchange('orders.headers'), ...ex), { type: 'headers', durable: true, auto_delete: false, internal: false, arguments: {} });
    assert.deepEqual(pick(await exchange('orders.audit'), ...ex), { type: 'fanout', durable: true, auto_delete: false, internal: true, arguments: {} });

    const queue = async (vhostName: string, name: string) => pick((await a.get<Row>(['queues', vhostName, name])) ?? {}, 'type', 'durable', 'auto_delete', 'arguments');
    assert.deepEqual(await queue('orders', 'orders.classic'), {
      type: 'classic',
      durable: true,
      auto_delete: false,
      arguments: { 'x-message-ttl': 60000, 'x-max-length': 1000, 'x-overflow': 'reject-publish', 'x-queue-type': 'classic' },
    });
    assert.deepEqual(await queue('orders', 'orders.quorum'), {
      type: 'quorum',
      durable: true,
      auto_delete: false,
      arguments: { 'x-delivery-limit': 5, 'x-dead-letter-exchange': 'orders.dlx', 'x-dead-letter-routing-key': 'dead', 'x-queue-type': 'quorum' },
    });
    assert.deepEqual(await queue('orders', 'orders.stream'), { type: 'stream', durable: true, auto_delete: false, arguments: { 'x-max-age': '7D', 'x-queue-type': 'stream' } });
    // No type in the spec: the vhost's default_queue_type decides, as it would for a client.
    assert.equal((await queue('billing', 'invoices'))['type'], 'quorum');

    assert.deepEqual(await bindingsOf(a, 'orders'), [
      'orders -> exchange:orders.audit [#]',
      'orders -> queue:orders.classic [order.created]',
      'orders.audit -> queue:orders.stream []',
      'orders.direct -> queue:orders.classic [direct]',
      'orders.dlx -> queue:orders.dead []',
      'orders.headers -> queue:orders.quorum [] {"kind":"paid","x-match":"all"}',
      'orders.unrouted -> queue:orders.unrouted []',
    ]);

    const policy = (await a.get<Row>(['policies', 'orders', 'orders-length'])) ?? {};
    assert.deepEqual(pick(policy, 'pattern', 'apply-to', 'priority', 'definition'), { pattern: '^orders\\.classic$', 'apply-to': 'queues', priority: 1, definition: { 'max-length': 5000 } });
    const op = (await a.get<Row>(['operator-policies', 'orders', 'orders-cap'])) ?? {};
    assert.deepEqual(pick(op, 'pattern', 'apply-to', 'priority', 'definition'), { pattern: '.*', 'apply-to': 'queues', priority: 0, definition: { 'max-length-bytes': 1073741824 } });

    // Ownership lives in the broker, as a global parameter per stack.
    const record = (await a.get<Row>(['global-parameters', 'warren.stack.shop'])) ?? {};
    assert.equal((record['value'] as Row)['stack'], 'shop');
    assert.equal((record['value'] as Row)['count'], 27);
  });

  test('a plan with --prune all against the freshly applied spec is empty too', async () => {
    await stack.assertPlanEmpty({ prune: 'all' });
  });

  test('the spawned CLI prints pure JSON on stdout (progress goes to stderr) and exits 0 with nothing to do', async () => {
    const r = await stack.cli(['plan', '{dir}', '--format', 'json', '--detailed-exitcode']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as PlanDoc;
    assert.equal(doc.format_version, '1');
    assert.deepEqual(doc.changes, []);
    assert.equal(doc.summary.unchanged, 27);
    assert.match(r.stderr, /^Read \d+ objects from /m);
  });

  test('plan --live against the broker definitions export: empty, and one line on what a 3.10 export cannot hold', async () => {
    const definitions = await a.get<Row>(['definitions']);
    const file = stack.writeFile('definitions-export.json', JSON.stringify(definitions, null, 2));
    const doc: PlanDoc = await stack.planJson({ liveFile: file });
    // RabbitMQ 3.10 writes vhosts as names only in GET /api/definitions: description, tags and
    // default_queue_type are not in the file (shared/rabbitmq-local.md). warren knows, plans no
    // change for them, and says so in one line. A file holds no message counts either (read as 0),
    // so a delete or replace planned against it is never marked as data loss.
    assert.deepEqual(doc.changes.map((c) => `${c.action} ${c.title}`), []);
    const version = (await a.get<Row>(['overview']))?.['rabbitmq_version'];
    if (version === '3.10.8') {
      assert.deepEqual(doc.diagnostics.map((d) => `${d.severity} ${d.code}`), ['warning W_LIVE_FILE'], JSON.stringify(doc.diagnostics));
      assert.match(doc.diagnostics[0]?.message ?? '', /definitions-export\.json has no vhost metadata \(GET \/api\/definitions of RabbitMQ 3\.10 leaves it out\): the description, tags and default_queue_type of \d+ vhosts? (is|are) not compared$/);
    }
    const text = await stack.plan({ liveFile: file });
    assert.deepEqual(changeHeaders(text.stdout), []);
    assert.match(text.stdout, /^No changes\./m);
  });
});
