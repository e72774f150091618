// Plan and apply against a live broker, part 6: names. Vhosts, users, exchanges, queues, policies
// and routing keys with characters that break naive URLs, JavaScript objects or encodings are
// created, plan empty, and deleted again. And the default vhost "/": queues declared in it work,
// and its implicit default-exchange bindings never show in a plan.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import { bindingsOf, type Api } from '../support/management.js';
import { actionsOf } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

export const AWKWARD = ['a/b', '/lead', 'hash#tag', 'q?x=1&y=2', '100%', '%2F', 'with space', '__proto__', 'constructor', 'toString', 'commandes été', '注文', 'emoji 🐇'];

interface Row {
  [k: string]: unknown;
}

/** Built with Object.fromEntries, so `__proto__` is an own key and not a prototype. */
function namesSpec(): Record<string, unknown> {
  const vhosts = Object.fromEntries(
    AWKWARD.map((n) => [
      n,
      {
        description: `vhost ${n}`,
        exchanges: Object.fromEntries([[n, { type: 'topic' }]]),
        queues: Object.fromEntries([
          [n, { arguments: { 'x-max-length': 7 } }],
          [`${n}.2`, { type: 'quorum' }],
        ]),
        bindings: [
          { source: n, queue: n, routing_key: n },
          { source: n, queue: `${n}.2`, routing_key: `#.${n}` },
          { source: n, exchange: 'amq.fanout', routing_key: n },
        ],
        policies: Object.fromEntries([[n, { pattern: '^nothing$', definition: { 'max-length': 1 } }]]),
        operator_policies: Object.fromEntries([[n, { pattern: '^nothing$', definition: { 'max-length': 2 } }]]),
      },
    ]),
  );
  const users = Object.fromEntries(
    AWKWARD.map((n) => [
      n,
      {
        password: `pw ${n}`,
        tags: ['management'],
        permissions: Object.fromEntries([[n, { configure: '', write: '.*', read: '.*' }]]),
        topic_permissions: Object.fromEntries([[n, [{ exchange: n, write: '^a', read: '^b' }]]]),
      },
    ]),
  );
  return { vhosts, users };
}

describe('plan/apply: names', { skip }, () => {
  const suite = new BrokerSuite();
  let a: Api;
  before(() => ({ api: a } = suite));

  test('awkward names: create, plan empty, check on the broker, delete', async () => {
    const stack = suite.stack('names');
    stack.write(namesSpec());
    const doc = await stack.planJson();
    const perName = 1 + 1 + 1 + 1 + 1 + 2 + 3 + 2; // vhost, user, permission, topic permission, exchange, queues, bindings, policies
    assert.equal(doc.summary.create, AWKWARD.length * perName, doc.diagnostics.map((d) => d.message).join('\n'));
    await stack.applyOk();
    await stack.assertPlanEmpty();

    const vhosts = ((await a.get<Row[]>(['vhosts'])) ?? []).map((v) => String(v['name'])).sort();
    assert.deepEqual(vhosts, ['/', ...AWKWARD].sort());
    for (const n of AWKWARD) {
      assert.equal(((await a.get<Row>(['vhosts', n])) ?? {})['description'], `vhost ${n}`, n);
      assert.equal(((await a.get<Row>(['exchanges', n, n])) ?? {})['type'], 'topic', n);
      assert.equal(((await a.get<Row>(['queues', n, n])) ?? {})['type'], 'classic', n);
      assert.equal(((await a.get<Row>(['queues', n, `${n}.2`])) ?? {})['type'], 'quorum', n);
      assert.deepEqual(await bindingsOf(a, n), [`${n} -> exchange:amq.fanout [${n}]`, `${n} -> queue:${n} [${n}]`, `${n} -> queue:${n}.2 [#.${n}]`].sort(), n);
      assert.ok(await a.get(['policies', n, n]), n);
      assert.ok(await a.get(['operator-policies', n, n]), n);
      assert.equal(await a.whoami(n, `pw ${n}`), 200, n);
      assert.deepEqual(await a.get(['permissions', n, n]), { user: n, vhost: n, configure: '', write: '.*', read: '.*' }, n);
      assert.deepEqual(await a.get(['topic-permissions', n, n]), [{ user: n, vhost: n, exchange: n, write: '^a', read: '^b' }], n);
    }

    stack.write({});
    const del = await stack.planJson();
    assert.ok(del.changes.every((c) => c.action === 'delete'));
    assert.equal(del.summary.delete, doc.summary.create);
    await stack.applyOk();
    await stack.assertPlanEmpty();
    assert.deepEqual(((await a.get<Row[]>(['vhosts'])) ?? []).map((v) => v['name']), ['/']);
    assert.deepEqual(((await a.get<Row[]>(['users'])) ?? []).map((u) => u['name']), ['guest']);
  });

  // Reported, not fixed here (src/spec fills an omitted description with "", src/live reads the
  // broker's own "Default virtual host"): a spec that only puts queues in "/" plans to clear it.
  test('declaring only queues in "/" plans only their creation, not a change to "/" itself', async () => {
    const stack = suite.stack('bare-root');
    stack.write({ vhosts: { '/': { queues: { 'bare.q': {} } } } });
    assert.deepEqual(actionsOf(await stack.planJson()), ['create queue //bare.q']);
    await stack.applyOk();
    await stack.assertPlanEmpty();
    // Leave "/" as it was for the next test: no queue, no stack owning it.
    await a.del(['queues', '/', 'bare.q']);
    await a.del(['global-parameters', 'warren.stack.bare-root']);
  });

  test('the default vhost "/": queues declared in it work, its implicit bindings never show', async () => {
    const stack = suite.stack('root');
    const live = (await a.get<Row>(['vhosts', '/'])) ?? {};
    // Say what the broker already says about "/" itself, so only the objects inside are new.
    const rootSpec = (queues: string[]) => ({
      vhosts: {
        '/': {
          description: live['description'],
          tags: live['tags'],
          exchanges: { 'root.x': { type: 'direct' } },
          queues: Object.fromEntries(queues.map((q) => [q, {}])),
          bindings: queues.map((q) => ({ source: 'root.x', queue: q, routing_key: q })),
        },
      },
    });
    stack.write(rootSpec(['root.a', 'root.b']));
    const doc = await stack.planJson();
    assert.deepEqual(actionsOf(doc), [
      'create binding //root.x -> queue root.a [root.a]',
      'create binding //root.x -> queue root.b [root.b]',
      'create exchange //root.x',
      'create queue //root.a',
      'create queue //root.b',
    ]);
    await stack.applyOk();
    await stack.assertPlanEmpty();
    await stack.assertPlanEmpty({ prune: 'all' });
    assert.ok(await a.get(['queues', '/', 'root.a']));
    // The broker does list the default exchange's bindings; warren never plans them.
    const implicit = ((await a.get<Row[]>(['bindings', '/'])) ?? []).filter((b) => b['source'] === '');
    assert.equal(implicit.length, 2);

    stack.write(rootSpec(['root.a']));
    assert.deepEqual(actionsOf(await stack.planJson()), ['delete binding //root.x -> queue root.b [root.b]', 'delete queue //root.b']);
    await stack.applyOk();
    assert.equal(await a.get(['queues', '/', 'root.b']), undefined);
    await stack.assertPlanEmpty();
  });

  // fetch resolves "." and ".." path segments, even percent-encoded (PUT /api/vhosts/.. would become
  // PUT /api/ and fail with HTTP 405), so the spec rules refuse those names up front.
  test('names "." and ".." are refused up front (E_NAME) or applied, never a failure half way', async () => {
    for (const n of ['.', '..']) {
      const stack = suite.stack(`dots${n.length}`);
      stack.write({
        vhosts: Object.fromEntries([[n, { queues: Object.fromEntries([[n, {}]]), policies: Object.fromEntries([[n, { pattern: '^x$', definition: { 'max-length': 1 } }]]) }]]),
        users: Object.fromEntries([[n, { password: 'pw', permissions: Object.fromEntries([[n, { read: '.*' }]]) }]]),
      });
      const plan = await stack.plan();
      if (plan.code === 1) {
        assert.match(plan.stderr, /error E_NAME: /, n);
        continue;
      }
      await stack.applyOk();
      await stack.assertPlanEmpty();
      stack.write({});
      await stack.applyOk();
      await stack.assertPlanEmpty();
    }
  });
});
