// Plan and apply against a live broker, part 4: safety. A plan that would drop messages is marked
// and refused as a whole (nothing at all is written) unless --allow-data-loss is given; an apply
// the broker stops half way reports what was done, and a rerun converges. Both through the
// spawned CLI, for exit codes and error output without stack traces.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type BrokerHandle, skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import { bindingsOf, publish, queueDepth, type Api } from '../support/management.js';
import { actionsOf, brokerEnv } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

interface Row {
  [k: string]: unknown;
}

/** A stack trace line as Node prints them. */
const STACK_LINE = /^\s+at .+[(:]\d+/m;

async function ctl(broker: BrokerHandle, args: string[]): Promise<void> {
  const r = await broker.rabbitmqctl(args);
  assert.equal(r.code, 0, `rabbitmqctl ${args.join(' ')}: ${r.stderr}`);
}

describe('plan/apply: safety', { skip }, () => {
  const suite = new BrokerSuite();
  let broker: BrokerHandle;
  let a: Api;
  before(() => ({ broker, api: a } = suite));

  test('data loss: marked in the plan, refused with nothing changed, then allowed with --allow-data-loss', async () => {
    const stack = suite.stack('dl');
    const dlSpec = (v: 1 | 2) => ({
      vhosts: {
        dl: {
          description: v === 1 ? 'v1' : 'v2',
          exchanges: { x: { type: 'direct' }, ...(v === 2 ? { added: { type: 'fanout' } } : {}) },
          queues: { full: { type: v === 1 ? 'classic' : 'quorum' }, keep: {}, ...(v === 1 ? { doomed: {} } : {}) },
          bindings: [{ source: 'x', queue: 'full', routing_key: 'k' }],
          ...(v === 2 ? { policies: { p: { pattern: '^keep$', definition: { 'max-length': 9 } } } } : {}),
        },
      },
    });
    stack.write(dlSpec(1));
    await stack.applyOk();
    await publish(broker, 'dl', 'full', 3);
    await publish(broker, 'dl', 'doomed', 2);
    await publish(broker, 'dl', 'keep', 1);
    await stack.assertPlanEmpty();

    stack.write(dlSpec(2));
    const doc = await stack.planJson();
    assert.deepEqual(actionsOf(doc), [
      'create binding dl/x -> queue full [k]',
      'create exchange dl/added',
      'create policy dl/p',
      'delete queue dl/doomed',
      'replace queue dl/full',
      'update vhost dl',
    ]);
    const losses = Object.fromEntries(doc.changes.filter((c) => c.data_loss).map((c) => [c.title, c.data_loss?.messages]));
    // The replaced queue migrates its messages (migrate.test.ts); deleting one loses them.
    assert.deepEqual(losses, { 'queue dl/doomed': 2 });
    assert.equal(doc.changes.find((c) => c.title === 'queue dl/full')?.action, 'replace');
    const text = await stack.plan();
    assert.match(text.stdout, /-\/\+ queue dl\/full \(migrate 3 messages\)/);
    assert.match(text.stdout, /! DATA LOSS: 1 change would lose 2 messages; apply refuses this plan without --allow-data-loss\./);

    const ownershipBefore = await a.get(['global-parameters', 'warren.stack.dl']);
    const refused = await stack.cli(['apply', '{dir}', '--auto-approve']);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /error E_DATA_LOSS: the plan would lose messages; nothing was changed/);
    assert.doesNotMatch(refused.stderr, /queue dl\/full/);
    assert.match(refused.stderr, /delete queue dl\/doomed: 2 messages/);
    assert.doesNotMatch(refused.stderr, STACK_LINE);

    // Nothing in the plan was made, not even the changes that lose nothing.
    assert.equal(((await a.get<Row>(['vhosts', 'dl'])) ?? {})['description'], 'v1');
    assert.equal(await a.get(['exchanges', 'dl', 'added']), undefined);
    assert.equal(await a.get(['policies', 'dl', 'p']), undefined);
    assert.equal(((await a.get<Row>(['queues', 'dl', 'full'])) ?? {})['type'], 'classic');
    assert.equal(await queueDepth(broker, 'dl', 'full'), 3);
    assert.equal(await queueDepth(broker, 'dl', 'doomed'), 2);
    assert.deepEqual(await bindingsOf(a, 'dl'), ['x -> queue:full [k]']);
    assert.deepEqual(await a.get(['global-parameters', 'warren.stack.dl']), ownershipBefore);
    // The same in-process: the error code, and still nothing changed.
    const inProcess = await stack.apply();
    assert.equal(inProcess.code, 1);
    assert.equal((inProcess.error as { code?: string }).code, 'E_DATA_LOSS');
    assert.deepEqual(actionsOf(await stack.planJson()), actionsOf(doc));

    const allowed = await stack.applyOk({ allowDataLoss: true });
    // The plan it shows says what happens, not what would happen without the flag.
    assert.match(allowed.stdout, /! DATA LOSS: 2 changes would lose 5 messages; --allow-data-loss is given, so they are dropped\./);
    assert.doesNotMatch(allowed.stdout, /refuses/);
    assert.equal(((await a.get<Row>(['queues', 'dl', 'full'])) ?? {})['type'], 'quorum');
    assert.equal(await a.get(['queues', 'dl', 'doomed']), undefined);
    assert.ok(await a.get(['exchanges', 'dl', 'added']));
    assert.deepEqual(await bindingsOf(a, 'dl'), ['x -> queue:full [k]']);
    // The queue that was not touched keeps its message.
    assert.equal(await queueDepth(broker, 'dl', 'keep'), 1);
    await stack.assertPlanEmpty();
  });

  test('an apply the broker stops half way says what was applied; once the cause is fixed a rerun converges', async () => {
    // The spec manages its vhosts' limits (an undeclared limit is removed before queues are made),
    // so the broker is made to refuse differently: warren connects as an administrator (full
    // access to "/") whose configure permission in the vhost covers only three of its ten queues.
    const stack = suite.stack('fill');
    const queues = Array.from({ length: 10 }, (_, i) => `q${i}`);
    const fillSpec = (withQueues: boolean) => ({
      vhosts: {
        fill: {
          exchanges: { in: { type: 'direct' } },
          ...(withQueues
            ? { queues: Object.fromEntries(queues.map((q) => [q, {}])), bindings: queues.map((q) => ({ source: 'in', queue: q, routing_key: q })) }
            : {}),
        },
      },
    });
    stack.write(fillSpec(false));
    await stack.applyOk();
    await ctl(broker, ['add_user', 'deployer', 'deployer-pw']);
    await ctl(broker, ['set_user_tags', 'deployer', 'administrator']);
    await ctl(broker, ['set_permissions', '-p', '/', 'deployer', '.*', '.*', '.*']);
    await ctl(broker, ['set_permissions', '-p', 'fill', 'deployer', '^(q[0-2]|in)$', '.*', '.*']);

    stack.write(fillSpec(true));
    Object.assign(stack.env, brokerEnv(broker, 'deployer', 'deployer-pw'));
    const failed = await stack.cli(['apply', '{dir}', '--auto-approve']);
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    assert.match(failed.stderr, /error E_APPLY: apply stopped at create queue fill\/q[3-9]: .*ACCESS_REFUSED/);
    assert.match(failed.stderr, /3 of 20 changes were applied; 17 were not\./);
    assert.match(failed.stderr, /run apply again to finish/);
    assert.doesNotMatch(failed.stderr, STACK_LINE);
    const made = ((await a.get<Row[]>(['queues', 'fill'])) ?? []).map((q) => q['name']).sort();
    assert.deepEqual(made, ['q0', 'q1', 'q2']);

    // What is left is exactly what did not happen.
    const left = await stack.planJson();
    assert.deepEqual(left.summary, { create: 17, update: 0, replace: 0, delete: 0, unchanged: 5 });

    await ctl(broker, ['set_permissions', '-p', 'fill', 'deployer', '.*', '.*', '.*']);
    const rerun = await stack.cli(['apply', '{dir}', '--auto-approve']);
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    assert.match(rerun.stdout, /Apply complete: 17 created/);
    assert.equal((await bindingsOf(a, 'fill')).length, 10);
    await stack.assertPlanEmpty();
    const empty = await stack.cli(['plan', '{dir}', '--detailed-exitcode']);
    assert.equal(empty.code, 0, empty.stdout + empty.stderr);
  });

  test('a vhost that accepts no AMQP connection (max-connections 0, or full) is still applied, over the management API', async () => {
    const stack = suite.stack('closed');
    const closedSpec = (key: string) => ({
      vhosts: {
        closed: {
          limits: { 'max-connections': 0 },
          exchanges: { x: { type: 'headers' } },
          queues: { q: { type: 'quorum' }, r: {} },
          bindings: [
            { source: 'x', queue: 'q', arguments: { 'x-match': 'all', k: key } },
            { source: 'x', queue: 'r', arguments: { 'x-match': 'any', k: key } },
          ],
        },
      },
    });
    stack.write(closedSpec('one'));
    await stack.applyOk();
    await stack.assertPlanEmpty();
    assert.deepEqual(await bindingsOf(a, 'closed'), ['x -> queue:q [] {"k":"one","x-match":"all"}', 'x -> queue:r [] {"k":"one","x-match":"any"}']);
    // Deletes and replaces of bindings go the same way.
    stack.write(closedSpec('two'));
    await stack.applyOk();
    await stack.assertPlanEmpty();
    assert.deepEqual(await bindingsOf(a, 'closed'), ['x -> queue:q [] {"k":"two","x-match":"all"}', 'x -> queue:r [] {"k":"two","x-match":"any"}']);
  });

  test('errors a user can cause: exit 1, one diagnostic line, no stack trace, nothing written', async () => {
    const stack = suite.stack('oops');
    stack.write({ vhosts: { oops: { queues: { q: {} } } } });
    const cases: [string, Record<string, string>, string[], RegExp][] = [
      ['no terminal to confirm on', {}, ['apply', '{dir}'], /error E_USAGE: apply needs confirmation and there is no terminal to ask on/],
      ['wrong password', { WARREN_PASSWORD: 'not-the-password' }, ['plan', '{dir}'], /error E_AUTH: .*refused the credentials/],
      ['nothing listening', { WARREN_MANAGEMENT_URL: 'http://127.0.0.1:9' }, ['apply', '{dir}', '--auto-approve'], /error E_CONNECT: /],
    ];
    const saved = { ...stack.env };
    for (const [what, env, args, expected] of cases) {
      Object.assign(stack.env, saved, env);
      const r = await stack.cli(args);
      assert.equal(r.code, 1, `${what}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, expected, what);
      assert.doesNotMatch(r.stderr, STACK_LINE, what);
      assert.doesNotMatch(`${r.stdout}${r.stderr}`, /not-the-password/, what);
    }
    assert.equal(await a.get(['vhosts', 'oops']), undefined);
  });
});
