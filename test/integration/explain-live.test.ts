// `warren explain` against a real broker: which policy wins by priority, an operator policy's
// lower max-length merged with the user policy's, and an argument that overrides a policy. The
// broker's own report (policy, operator_policy, effective_policy_definition) must agree with
// explain, and messages published show the limits explain names are the ones enforced.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { explainCommand } from '../../src/cli/commands/explain.js';
import { skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import { connectAmqp, queueDepth } from '../support/management.js';
import { runInProcess, type SpecStack } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

interface ExplainDoc {
  policies: { policy: string; outcome: string; reason?: string }[];
  operator_policies: { policy: string; outcome: string }[];
  effective_policy_definition: Record<string, unknown>;
  settings: { key: string; value: unknown; source: { from: string; policy?: string; argument?: string }; overridden: { value: unknown; source: { from: string } }[] }[];
  broker: { agrees: boolean; details: string[] } | null;
}

describe('explain against a live broker', { skip }, () => {
  const suite = new BrokerSuite();
  let stack: SpecStack;

  before(async () => {
    stack = suite.stack('explain');
    stack.write({
      vhosts: {
        ex: {
          exchanges: { dlx: { type: 'fanout' }, 'dlx.arg': { type: 'fanout' } },
          queues: {
            'orders.a': { type: 'classic' },
            'orders.b': { type: 'classic', arguments: { 'x-max-length': 10, 'x-dead-letter-exchange': 'dlx.arg' } },
            'log.s': { type: 'stream' },
          },
          policies: {
            'p-low': { pattern: '^orders\\.', apply_to: 'queues', priority: 1, definition: { 'message-ttl': 600000, 'max-length': 500, 'dead-letter-exchange': 'dlx' } },
            'p-high': { pattern: '^orders\\.a$', apply_to: 'queues', priority: 5, definition: { 'max-length': 2000 } },
            's-high': { pattern: '^log\\.s$', apply_to: 'queues', priority: 9, definition: { 'max-length': 5 } },
            's-low': { pattern: '^log\\.s$', apply_to: 'queues', priority: 1, definition: { 'max-length-bytes': 100000 } },
          },
          operator_policies: {
            'op-cap': { pattern: '.*', apply_to: 'queues', definition: { 'max-length': 100 } },
          },
        },
      },
    });
    await stack.applyOk();
  });

  async function explain(object: string): Promise<ExplainDoc> {
    const r = await runInProcess((io) => explainCommand({ paths: [stack.dir], env: stack.env, connection: { management: suite.broker.managementUrl }, object, format: 'json' }, io));
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as ExplainDoc;
  }

  const setting = (doc: ExplainDoc, key: string) => doc.settings.find((s) => s.key === key);

  test('two policies of different priorities: the higher one applies, as the broker says', async () => {
    const doc = await explain('ex/orders.a');
    assert.deepEqual(doc.policies.filter((p) => p.policy.startsWith('p-')).map((p) => [p.policy, p.outcome, p.reason ?? '']), [['p-high', 'wins', ''], ['p-low', 'loses', 'priority']]);
    assert.deepEqual(doc.broker?.agrees, true, doc.broker?.details.join('\n'));
    const reported = await suite.api.get<{ policy: string; operator_policy: string }>(['queues', 'ex', 'orders.a']);
    assert.equal(reported?.policy, 'p-high');
  });

  test('an operator policy with a lower max-length than the user policy: the lesser applies, and is enforced', async () => {
    const doc = await explain('ex/orders.a');
    assert.deepEqual(doc.effective_policy_definition, { 'max-length': 100 });
    const maxLength = setting(doc, 'max-length');
    assert.deepEqual([maxLength?.value, maxLength?.source], [100, { from: 'operator_policy', policy: 'op-cap' }]);
    assert.deepEqual(maxLength?.overridden.map((o) => [o.value, o.source.from]), [[2000, 'policy']]);
    await publishMany('orders.a', 150);
    assert.equal(await queueDepth(suite.broker, 'ex', 'orders.a'), 100);
  });

  test('an argument overrides a policy: the lesser length, the argument\'s dead-letter exchange', async () => {
    const doc = await explain('ex/orders.b');
    assert.deepEqual(doc.broker?.agrees, true, doc.broker?.details.join('\n'));
    assert.deepEqual(doc.policies.filter((p) => p.policy.startsWith('p-')).map((p) => [p.policy, p.outcome]), [['p-low', 'wins'], ['p-high', 'no-match']]);
    const maxLength = setting(doc, 'max-length');
    assert.deepEqual([maxLength?.value, maxLength?.source], [10, { from: 'argument', argument: 'x-max-length' }]);
    const dlx = setting(doc, 'dead-letter-exchange');
    assert.deepEqual([dlx?.value, dlx?.source.from, dlx?.overridden[0]?.value], ['dlx.arg', 'argument', 'dlx']);
    // The broker's own effective policy definition still holds the policy's values; the queue uses the arguments.
    const reported = await suite.api.get<{ effective_policy_definition: Record<string, unknown> }>(['queues', 'ex', 'orders.b']);
    assert.deepEqual(reported?.effective_policy_definition, { 'dead-letter-exchange': 'dlx', 'max-length': 100, 'message-ttl': 600000 });
    await publishMany('orders.b', 25);
    assert.equal(await queueDepth(suite.broker, 'ex', 'orders.b'), 10);
  });

  test('a policy whose key the queue type refuses is skipped whole, as the broker does: a stream and max-length', async () => {
    const doc = await explain('ex/log.s');
    assert.deepEqual(doc.broker?.agrees, true, doc.broker?.details.join('\n'));
    assert.deepEqual(doc.policies.filter((p) => p.policy.startsWith('s-')).map((p) => [p.policy, p.outcome, p.reason ?? '']), [['s-low', 'wins', ''], ['s-high', 'no-match', 'unsupported']]);
    assert.deepEqual(doc.operator_policies.map((p) => [p.policy, p.outcome]), [['op-cap', 'no-match']]);
    assert.deepEqual(doc.effective_policy_definition, { 'max-length-bytes': 100000 });
    const reported = await suite.api.get<{ policy: string; operator_policy: string | null }>(['queues', 'ex', 'log.s']);
    assert.deepEqual([reported?.policy, reported?.operator_policy], ['s-low', null]);
  });

  test('explain says when the broker differs from the topology (a policy changed outside warren)', async () => {
    await suite.api.put(['policies', 'ex', 'p-high'], { pattern: '^nothing$', 'apply-to': 'queues', priority: 5, definition: { 'max-length': 2000 } });
    await reportedPolicyIs('orders.a', 'p-low'); // the queue's statistics catch up within about 5 s
    const doc = await explain('ex/orders.a');
    assert.equal(doc.broker?.agrees, false);
    assert.match(doc.broker?.details.join('\n') ?? '', /the broker applies p-low, but the topology says p-high/);
    await stack.applyOk();
    await reportedPolicyIs('orders.a', 'p-high');
    assert.equal((await explain('ex/orders.a')).broker?.agrees, true);
    await stack.assertPlanEmpty();
  });

  async function reportedPolicyIs(queue: string, policy: string): Promise<void> {
    for (let i = 0; i < 60; i++) {
      if ((await suite.api.get<{ policy?: string }>(['queues', 'ex', queue]))?.policy === policy) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.fail(`the broker never reported policy ${policy} for ${queue}`);
  }

  async function publishMany(queue: string, count: number): Promise<void> {
    const connection = await connectAmqp(suite.broker, 'ex');
    try {
      const ch = await connection.createConfirmChannel();
      for (let i = 0; i < count; i++) ch.sendToQueue(queue, Buffer.from(`m${i}`));
      await ch.waitForConfirms();
    } finally {
      await connection.close();
    }
  }
});
