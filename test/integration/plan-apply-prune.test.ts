// Plan and apply against a live broker, part 5: deleting. `--prune managed` deletes what this
// stack created and no longer declares, and leaves objects made outside warren alone (so does
// `--prune none`); `--prune all` deletes those too, but never the broker's own objects, exclusive
// or server-named queues, other vhosts, or the connecting user's access.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChannelModel } from 'amqplib';
import { type BrokerHandle, skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import { bindingsOf, connectAmqp, type Api } from '../support/management.js';
import { actionsOf, SpecStack } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

interface Row {
  [k: string]: unknown;
}

const names = async (a: Api, path: string[]) => ((await a.get<Row[]>(path)) ?? []).map((r) => String(r['name'])).sort();

describe('plan/apply: prune', { skip }, () => {
  const suite = new BrokerSuite();
  let broker: BrokerHandle;
  let a: Api;
  before(() => ({ broker, api: a } = suite));
  const newStack = (name: string) => suite.stack(name);

  test('--prune managed deletes what this stack created and the spec no longer declares', async () => {
    const stack = newStack('del');
    const full = {
      vhosts: {
        del: {
          exchanges: { x: { type: 'topic' }, gone: { type: 'fanout' } },
          queues: { q: {}, 'q.gone': {} },
          bindings: [
            { source: 'x', queue: 'q', routing_key: 'keep' },
            { source: 'x', queue: 'q.gone', routing_key: 'gone' },
            { source: 'x', exchange: 'gone', routing_key: '#' },
          ],
          policies: { p: { pattern: '^q$', definition: { 'max-length': 1 } } },
          operator_policies: { op: { pattern: '^q$', definition: { 'max-length': 2 } } },
        },
        'del.other': { description: 'goes away whole' },
      },
      users: {
        keeper: { password: 'k', permissions: { del: { read: '.*' } } },
        leaver: { password: 'l', permissions: { del: { read: '.*' } }, topic_permissions: { del: [{ exchange: 'x', write: '.*' }] } },
      },
    };
    stack.write(full);
    await stack.applyOk();
    await stack.assertPlanEmpty();

    stack.write({
      vhosts: { del: { exchanges: { x: { type: 'topic' } }, queues: { q: {} }, bindings: [{ source: 'x', queue: 'q', routing_key: 'keep' }] } },
      users: { keeper: { password: 'k', permissions: { del: { read: '.*' } } } },
    });
    const doc = await stack.planJson();
    assert.deepEqual(actionsOf(doc), [
      'delete binding del/x -> exchange gone [#]',
      'delete binding del/x -> queue q.gone [gone]',
      'delete exchange del/gone',
      'delete operator_policy del/op',
      'delete permission leaver@del',
      'delete policy del/p',
      'delete queue del/q.gone',
      'delete topic_permission leaver@del on x',
      'delete user leaver',
      'delete vhost del.other',
    ]);
    assert.ok(doc.changes.every((c) => c.reason === 'stack del no longer declares it'));
    // --prune none deletes nothing: the plan is empty.
    await stack.assertPlanEmpty({ prune: 'none' });

    await stack.applyOk();
    assert.deepEqual(await names(a, ['queues', 'del']), ['q']);
    assert.deepEqual((await names(a, ['exchanges', 'del'])).filter((n) => !n.startsWith('amq.') && n !== ''), ['x']);
    assert.deepEqual(await bindingsOf(a, 'del'), ['x -> queue:q [keep]']);
    assert.deepEqual(await a.get(['policies', 'del']), []);
    assert.deepEqual(await a.get(['operator-policies', 'del']), []);
    assert.equal(await a.get(['users', 'leaver']), undefined);
    assert.equal(await a.get(['vhosts', 'del.other']), undefined);
    assert.ok(await a.get(['permissions', 'del', 'keeper']));
    await stack.assertPlanEmpty();
  });

  test('a vhost the stack no longer declares is kept while it holds objects the stack does not manage', async () => {
    const stack = newStack('gone');
    stack.write({ vhosts: { gone: { queues: { mine: {} } }, 'gone.empty': {} } });
    await stack.applyOk();
    await a.put(['queues', 'gone', 'outside.q'], { durable: true });

    stack.write({});
    const doc = await stack.planJson();
    // Deleting the vhost would take outside.q with it, which --prune managed must never do.
    assert.deepEqual(actionsOf(doc), ['delete queue gone/mine', 'delete vhost gone.empty']);
    assert.deepEqual(doc.diagnostics.map((d) => `${d.severity} ${d.code}`), ['warning W_PRUNE']);
    assert.match(doc.diagnostics[0]?.message ?? '', /vhost gone is kept: it holds 1 object stack gone does not manage \(queue gone\/outside\.q\)/);
    await stack.applyOk();
    assert.ok(await a.get(['queues', 'gone', 'outside.q']));
    assert.equal(await a.get(['vhosts', 'gone.empty']), undefined);
    await stack.assertPlanEmpty();

    // Once the vhost holds nothing else, it goes: the stack still owns it.
    await a.del(['queues', 'gone', 'outside.q']);
    assert.deepEqual(actionsOf(await stack.planJson()), ['delete vhost gone']);
    await stack.applyOk();
    assert.equal(await a.get(['vhosts', 'gone']), undefined);
    await stack.assertPlanEmpty();
  });

  describe('objects made outside warren', () => {
    let stack: SpecStack;
    let holder: ChannelModel | undefined;
    let serverNamed = '';
    const spec = { vhosts: { un: { exchanges: { mine: { type: 'direct' } }, queues: { 'mine.q': {} }, bindings: [{ source: 'mine', queue: 'mine.q' }] } } };

    before(async () => {
      stack = newStack('un');
      stack.write(spec);
      await stack.applyOk();
      await a.put(['queues', 'un', 'outside.q'], { durable: true });
      await a.put(['exchanges', 'un', 'outside.x'], { type: 'fanout', durable: true });
      await a.post(['bindings', 'un', 'e', 'outside.x', 'q', 'outside.q'], { routing_key: '' });
      await a.post(['bindings', 'un', 'e', 'amq.topic', 'q', 'mine.q'], { routing_key: 'from.amq' });
      await a.put(['policies', 'un', 'outside.p'], { pattern: '^outside', definition: { 'max-length': 5 } });
      await a.put(['users', 'bob'], { password: 'bob-pw', tags: '' });
      await a.put(['permissions', 'un', 'bob'], { configure: '', write: '', read: '.*' });
      await a.put(['permissions', 'un', 'guest'], { configure: '.*', write: '.*', read: '.*' });
      await a.put(['vhosts', 'elsewhere'], {});
      await a.put(['queues', 'elsewhere', 'stray'], { durable: true });
      // Held open over AMQP for the whole group: an exclusive queue, and a server-named one.
      holder = await connectAmqp(broker, 'un');
      const ch = await holder.createChannel();
      await ch.assertQueue('held.exclusive', { exclusive: true });
      serverNamed = (await ch.assertQueue('', { exclusive: false, durable: true })).queue;
      assert.match(serverNamed, /^amq\.gen-/);
    });
    after(async () => {
      await holder?.close();
    });

    test('--prune managed and --prune none leave them alone', async () => {
      await stack.assertPlanEmpty({ prune: 'managed' });
      await stack.assertPlanEmpty({ prune: 'none' });
      // Apply writes nothing, whatever the mode; run it anyway and look.
      await stack.applyOk({ prune: 'managed' });
      await stack.applyOk({ prune: 'none' });
      assert.deepEqual(await names(a, ['queues', 'un']), ['held.exclusive', 'mine.q', 'outside.q', serverNamed].sort());
      assert.ok(await a.get(['exchanges', 'un', 'outside.x']));
      assert.ok(await a.get(['policies', 'un', 'outside.p']));
    });

    test('--prune all deletes them in the spec vhosts, and nothing it must never touch', async () => {
      const doc = await stack.planJson({ prune: 'all' });
      assert.deepEqual(actionsOf(doc), [
        'delete binding un/amq.topic -> queue mine.q [from.amq]',
        'delete binding un/outside.x -> queue outside.q []',
        'delete exchange un/outside.x',
        'delete permission bob@un',
        'delete policy un/outside.p',
        'delete queue un/outside.q',
      ]);
      assert.ok(doc.changes.every((c) => c.reason === 'nobody declares it (--prune all)'));
      await stack.applyOk({ prune: 'all' });
      await stack.assertPlanEmpty({ prune: 'all' });

      assert.deepEqual(await names(a, ['queues', 'un']), ['held.exclusive', 'mine.q', serverNamed].sort());
      const exchanges = await names(a, ['exchanges', 'un']);
      assert.deepEqual(exchanges.filter((n) => !n.startsWith('amq.')), ['', 'mine']);
      assert.deepEqual(exchanges.filter((n) => n.startsWith('amq.')), ['amq.direct', 'amq.fanout', 'amq.headers', 'amq.match', 'amq.rabbitmq.trace', 'amq.topic']);
      assert.deepEqual(await a.get(['policies', 'un']), []);
      assert.deepEqual(await bindingsOf(a, 'un'), ['mine -> queue:mine.q []']);
      // The default exchange's implicit bindings are still there for every queue.
      const implicit = ((await a.get<Row[]>(['bindings', 'un'])) ?? []).filter((b) => b['source'] === '').map((b) => b['destination']);
      assert.deepEqual(implicit.sort(), ['held.exclusive', 'mine.q', serverNamed].sort());
      // Another vhost, users (outside every vhost), and the connecting user's own access survive.
      assert.ok(await a.get(['queues', 'elsewhere', 'stray']));
      assert.ok(await a.get(['users', 'bob']));
      assert.deepEqual(await a.get(['permissions', 'un', 'guest']), { user: 'guest', vhost: 'un', configure: '.*', write: '.*', read: '.*' });
      // The spec's objects were never in question.
      assert.ok(await a.get(['queues', 'un', 'mine.q']));
    });
  });

  test('ownership: a second stack declaring what the first owns fails with E_OWNERSHIP and changes nothing', async () => {
    const first = newStack('first');
    first.write({ vhosts: { owned: { queues: { 'first.q': {} } } } });
    await first.applyOk();
    const second = newStack('second');
    second.write({ vhosts: { owned: { queues: { 'first.q': {}, 'second.q': {} } }, 'second.only': {} } });
    const before = JSON.stringify(await a.get(['definitions']));

    const plan = await second.cli(['plan', '{dir}', '--detailed-exitcode']);
    assert.equal(plan.code, 1, plan.stdout + plan.stderr);
    const errors = plan.stderr.split('\n').filter((l) => / error E_OWNERSHIP: /.test(l));
    // Only the queue: both specs use vhost `owned` as a container (no settings), which stacks may share.
    assert.equal(errors.length, 1, plan.stderr);
    assert.match(plan.stderr, /spec\.yaml:\d+:\d+: error E_OWNERSHIP: queue owned\/first\.q is owned by stack "first"/);
    assert.doesNotMatch(plan.stderr, /^\s+at .+[(:]\d+/m);
    const apply = await second.cli(['apply', '{dir}', '--auto-approve']);
    assert.equal(apply.code, 1, apply.stdout + apply.stderr);
    assert.match(apply.stderr, /error E_OWNERSHIP/);
    const inProcess = await second.apply();
    assert.equal((inProcess.error as { code?: string }).code, 'E_OWNERSHIP');
    // Nothing changed: not the objects the second stack alone declares, not its ownership record.
    assert.equal(JSON.stringify(await a.get(['definitions'])), before);
    assert.equal(await a.get(['global-parameters', 'warren.stack.second']), undefined);
    await first.assertPlanEmpty();
  });

  test('ownership: objects that already exist as the spec says are adopted: no object changes, but a pending change for --detailed-exitcode', async () => {
    await a.put(['vhosts', 'adopt'], { description: 'made by hand', tags: 'x' });
    await a.put(['exchanges', 'adopt', 'ax'], { type: 'topic', durable: true });
    await a.put(['queues', 'adopt', 'aq'], { durable: true, arguments: { 'x-max-length': 3 } });
    await a.post(['bindings', 'adopt', 'e', 'ax', 'q', 'aq'], { routing_key: 'k' });
    const stack = newStack('adopter');
    const spec = (withQueue: boolean) => ({
      vhosts: {
        adopt: {
          description: 'made by hand',
          tags: ['x'],
          exchanges: { ax: { type: 'topic' } },
          ...(withQueue ? { queues: { aq: { type: 'classic', arguments: { 'x-max-length': 3 } } }, bindings: [{ source: 'ax', queue: 'aq', routing_key: 'k' }] } : {}),
        },
      },
    });
    stack.write(spec(true));
    const doc = await stack.planJson();
    assert.deepEqual(doc.changes, []);
    assert.deepEqual(doc.ownership, { changed: true, owned_count: 4, adopting: 4 });
    const text = await stack.plan();
    assert.equal(text.code, 2, 'a pending adoption is a change: --detailed-exitcode exits 2');
    assert.match(text.stdout, /^No changes to broker objects; only the ownership record changes\. The broker matches the spec \(4 objects\)\.\nAdoption pending: stack adopter does not yet own 4 objects /);
    const r = await stack.applyOk();
    assert.match(r.stdout, /Stack adopter now owns 4 objects \(ownership recorded; nothing else changed\)\./);
    const record = (await a.get<Row>(['global-parameters', 'warren.stack.adopter'])) ?? {};
    assert.equal((record['value'] as Row)['count'], 4);
    await stack.assertPlanEmpty();
    // Adopted for real: dropping the queue from the spec now deletes it (--prune managed).
    stack.write(spec(false));
    assert.deepEqual(actionsOf(await stack.planJson()), ['delete binding adopt/ax -> queue aq [k]', 'delete queue adopt/aq']);
    await stack.applyOk();
    assert.equal(await a.get(['queues', 'adopt', 'aq']), undefined);
    await stack.assertPlanEmpty();
  });
});
