// warren against a real three-node cluster, started once for the file: quorum queues get members
// on every node, and a node killed in the middle of an apply costs nothing: the management client
// and the AMQP writer move to the next node, the operations that were in flight are sent again,
// the apply finishes, and the next plan (through the second node, as it says) is empty. Then the
// node comes back and is killed again while a plan reads the broker: the reads move over too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { applyCommand } from '../../src/cli/commands/apply.js';
import { planCommand } from '../../src/cli/commands/plan.js';
import { skipUnlessBroker, type BrokerHandle } from '../harness/broker.js';
import { startCluster, waitForRunningNodes, type ClusterHandle } from '../harness/cluster.js';
import { api } from '../support/management.js';
import { runWatching } from '../support/run-watching.js';
import { SpecStack } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

describe('a three-node cluster', { skip }, () => {
  let cluster: ClusterHandle;
  let nodes: BrokerHandle[];
  const stacks: SpecStack[] = [];
  let failover: SpecStack | undefined;

  before(async () => {
    const started = Date.now();
    cluster = await startCluster(3);
    nodes = cluster.nodes;
    console.log(`cluster of 3 up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  after(async () => {
    for (const s of stacks) s.remove();
    await cluster?.stop();
  });

  /** A stack whose target lists every node's management and AMQP endpoint, first node first. */
  function clusterStack(name: string): { stack: SpecStack; write: (vhosts: Record<string, unknown>) => void } {
    const stack = new SpecStack(nodes[0] as BrokerHandle, name);
    for (const k of Object.keys(stack.env)) if (k.startsWith('WARREN_')) delete stack.env[k];
    stacks.push(stack);
    const target = {
      management: nodes.map((n) => n.managementUrl),
      amqp: nodes.map((n) => n.amqpUrl.replace(/\/\/[^@/]*@/, '//')),
      username: 'guest',
      password: 'guest',
    };
    return { stack, write: (vhosts) => void stack.write({ targets: { cluster: target }, vhosts }) };
  }

  const amqpOf = (n: BrokerHandle): string => n.amqpUrl.replace(/\/\/[^@/]*@/, '//');

  test('quorum queues get members on all three nodes; the output names the node used', async () => {
    const { stack, write } = clusterStack('cluster-q3');
    write({
      q3: {
        exchanges: { orders: { type: 'topic' } },
        queues: { 'orders.a': { type: 'quorum' }, 'orders.b': { type: 'quorum', arguments: { 'x-delivery-limit': 3 } } },
        bindings: [{ source: 'orders', queue: 'orders.a', routing_key: 'a.#' }],
      },
    });
    const r = await stack.applyOk();
    const [c1] = nodes as [BrokerHandle];
    assert.match(r.stderr, new RegExp(`Reading ${c1.managementUrl} \\(node ${c1.nodeName}\\)`));
    assert.match(r.stderr, new RegExp(`AMQP: vhost q3 on ${amqpOf(c1)}`));
    const all = nodes.map((n) => n.nodeName).sort();
    for (const q of ['orders.a', 'orders.b']) {
      const info = await api(c1).get<{ members?: string[]; type: string }>(['queues', 'q3', q]);
      assert.equal(info?.type, 'quorum');
      assert.deepEqual([...(info?.members ?? [])].sort(), all, `members of ${q}`);
    }
    await stack.assertPlanEmpty();
  });

  test('the first node killed in the middle of an apply: everything moves to the second, the lost operations are retried, the next plan is empty', async () => {
    const { stack, write } = clusterStack('cluster-failover');
    failover = stack;
    const queues: Record<string, unknown> = {};
    const bindings: unknown[] = [];
    for (let i = 0; i < 60; i++) {
      queues[`work.${i}`] = { type: 'quorum' };
      bindings.push({ source: 'work', queue: `work.${i}`, routing_key: `w.${i}` });
    }
    write({ failover: { exchanges: { work: { type: 'direct' } }, queues, bindings } });

    const [c1, c2] = nodes as [BrokerHandle, BrokerHandle];
    let killedAt = '';
    // Killed (SIGKILL) as soon as a fifth of the changes are done: in the middle of the queues.
    const r = await runWatching(
      (io) => applyCommand({ paths: [stack.dir], env: stack.env, connection: {}, prune: 'managed', autoApprove: true, allowDataLoss: false, concurrency: 8 }, io),
      (line) => {
        if (killedAt === '' && /^Applying: \d+\/\d+ \(([2-9]\d)%\)/.test(line)) {
          killedAt = line;
          void c1.kill(); // kill -9 happens at once, before this returns
        }
      },
    );
    assert.ok(killedAt !== '', `the node was never killed:\n${r.stderr}`);
    assert.equal(r.code, 0, `apply failed after the node was killed at "${killedAt}":\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`AMQP: connection to ${amqpOf(c1)} \\(vhost failover\\) lost: .*; reconnecting`));
    assert.match(r.stderr, new RegExp(`AMQP: vhost failover on ${amqpOf(c2)}`));
    assert.match(r.stderr, new RegExp(`Management API at ${c1.managementUrl} cannot be reached \\(connection refused \\(ECONNREFUSED\\)\\); using ${c2.managementUrl}`));
    assert.match(r.stdout, /Apply complete: 122 created/);

    // Plan again with the first node still down: it says so, reads through the second, finds nothing to do.
    const plan = await stack.plan({ detailedExitCode: true });
    assert.equal(plan.code, 0, `${plan.stdout}\n${plan.stderr}`);
    assert.match(plan.stderr, new RegExp(`Management API at ${c1.managementUrl} cannot be reached .*; using ${c2.managementUrl}`));
    assert.match(plan.stderr, new RegExp(`Reading ${c2.managementUrl} \\(node ${c2.nodeName}\\)`));
    const rows = (await api(c2).get<{ name: string }[]>(['queues', 'failover'], 'columns=name')) ?? [];
    assert.equal(rows.length, 60);
  });

  test('the first node back, then killed while plan reads the broker: the reads move to the second node, which the output names', async (t) => {
    if (!failover) return t.skip('needs the previous test');
    const stack = failover;
    const [c1, c2] = nodes as [BrokerHandle, BrokerHandle];
    await c1.restart();
    await waitForRunningNodes(c2, 3, 60_000);
    let killed = false;
    const r = await runWatching(
      (io) => planCommand({ paths: [stack.dir], env: stack.env, connection: {}, prune: 'managed', format: 'text', detailedExitCode: true }, io),
      (line) => {
        // The first endpoint answered; its node dies as the reads go out.
        if (!killed && line.startsWith(`Reading ${c1.managementUrl} (node ${c1.nodeName})`)) {
          killed = true;
          void c1.kill();
        }
      },
    );
    assert.ok(killed, r.stderr);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`Management API at ${c1.managementUrl} cannot be reached \\(.*\\); using ${c2.managementUrl}\n`));
    assert.match(r.stderr, new RegExp(`Read \\d+ objects from ${c2.managementUrl} `));
  });
});
