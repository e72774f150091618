// Federation upstreams and shovels between two real nodes, applied by warren: a message published
// on one node is consumed on the other, a shovel's URI password change is applied (and found as
// drift), and the plan stays empty while a shovel's runtime state changes underneath it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type BrokerHandle, skipUnlessBroker, startBroker } from '../harness/broker.js';
import { api, connectAmqp, publish, queueDepth } from '../support/management.js';
import { SpecStack } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

/** The node's AMQP endpoint as a URI with these credentials (what an upstream or a shovel dials). */
function uriOf(broker: BrokerHandle, user: string, passwordVar: string, vhost: string): string {
  const hostPort = broker.amqpUrl.replace(/^amqp:\/\/[^@]*@/, '').replace(/\/+$/, '');
  return `amqp://${user}:\${${passwordVar}}@${hostPort}/${encodeURIComponent(vhost)}`;
}

/** Polls until `check` is true (the broker starts links and workers asynchronously); never asserts a time. */
async function eventually(what: string, check: () => Promise<boolean>, tries = 120): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`${what} did not happen`);
}

async function shovelState(broker: BrokerHandle, vhost: string, name: string): Promise<string | undefined> {
  const rows = (await api(broker).get<{ vhost: string; name: string; state: string }[]>(['shovels'])) ?? [];
  return rows.find((r) => r.vhost === vhost && r.name === name)?.state;
}

describe('federation and shovels between two nodes', { skip }, () => {
  let up: BrokerHandle; // the upstream node: messages start here
  let down: BrokerHandle; // the downstream node: its upstreams, policies and shovels point at `up`
  before(async () => {
    [up, down] = await Promise.all([startBroker({ plugins: ['federation', 'shovel'] }), startBroker({ plugins: ['federation', 'shovel'] })]);
  });
  after(async () => {
    await Promise.all([up?.stop(), down?.stop()]);
  });

  test('a warren-applied upstream and policy federate an exchange: published upstream, consumed downstream', async () => {
    const upstream = new SpecStack(up, 'fed-up', { LINK_PW: 'link-secret-1' });
    upstream.write({
      vhosts: { fed: { exchanges: { prices: { type: 'fanout' } } } },
      users: { linker: { password: '${LINK_PW}', permissions: { fed: { configure: '.*', write: '.*', read: '.*' } } } },
    });
    await upstream.applyOk();
    await upstream.assertPlanEmpty();

    const downstream = new SpecStack(down, 'fed-down', { LINK_PW: 'link-secret-1' });
    downstream.write({
      vhosts: {
        fed: {
          exchanges: { prices: { type: 'fanout' } },
          queues: { 'prices.local': {} },
          bindings: [{ source: 'prices', queue: 'prices.local' }],
          federation_upstreams: { origin: { uri: uriOf(up, 'linker', 'LINK_PW', 'fed'), 'ack-mode': 'on-confirm', 'prefetch-count': 100, 'max-hops': 1 } },
          federation_upstream_sets: { everywhere: [{ upstream: 'origin' }] },
          policies: { 'federate-prices': { pattern: '^prices$', apply_to: 'exchanges', definition: { 'federation-upstream-set': 'everywhere' } } },
        },
      },
    });
    const planned = await downstream.plan();
    assert.equal(planned.code, 2);
    assert.match(planned.stdout, /\+ federation_upstream fed\/origin/);
    assert.match(planned.stdout, /"uri": "amqp:\/\/\(sensitive\)@/);
    assert.doesNotMatch(planned.stdout + planned.stderr, /link-secret-1/);
    await downstream.applyOk();
    await downstream.assertPlanEmpty();

    // The link is up once the upstream node has the federation exchange bound to `prices`.
    await eventually('the federation link', async () => {
      const rows = (await api(down).get<{ status: string }[]>(['federation-links'])) ?? [];
      return rows.some((r) => r.status === 'running');
    });
    const body = `price ${Date.now()}`;
    const conn = await connectAmqp(up, 'fed');
    try {
      const ch = await conn.createConfirmChannel();
      await eventually('a message crossing the link', async () => {
        ch.publish('prices', '', Buffer.from(body));
        await ch.waitForConfirms();
        return (await queueDepth(down, 'fed', 'prices.local')) > 0;
      });
    } finally {
      await conn.close();
    }
    const got = await getOne(down, 'fed', 'prices.local');
    assert.equal(got, body);
  });

  test('a warren-applied shovel moves messages to the other node; its password change is planned, applied and found as drift', async () => {
    const target = new SpecStack(up, 'shovel-target', { MOVER_PW: 'mover-pw-1' });
    const targetSpec = (pw: string) => {
      target.env['MOVER_PW'] = pw;
      target.write({
        vhosts: { sink: { queues: { 'orders.copy': {} } } },
        users: { mover: { password: '${MOVER_PW}', permissions: { sink: { configure: '.*', write: '.*', read: '.*' } } } },
      });
    };
    targetSpec('mover-pw-1');
    await target.applyOk();

    const source = new SpecStack(down, 'shovel-source', { MOVER_PW: 'mover-pw-1' });
    source.write({
      vhosts: {
        src: {
          queues: { 'orders.out': {} },
          shovels: {
            'to-up': {
              'src-uri': 'amqp://guest:guest@127.0.0.1:' + new URL(down.amqpUrl).port + '/src',
              'src-queue': 'orders.out',
              'dest-uri': uriOf(up, 'mover', 'MOVER_PW', 'sink'),
              'dest-queue': 'orders.copy',
              'dest-add-forward-headers': true,
              'ack-mode': 'on-confirm',
              'src-delete-after': 'never',
            },
          },
        },
      },
    });
    await source.applyOk();
    await source.assertPlanEmpty();
    await eventually('the shovel running', async () => (await shovelState(down, 'src', 'to-up')) === 'running');
    await publish(down, 'src', 'orders.out', 5);
    await eventually('5 messages shovelled', async () => (await queueDepth(up, 'sink', 'orders.copy')) === 5);

    // The password changes on both sides: the plan shows the shovel's URI password as changed,
    // never its value, and next to the change the shovel's live state.
    targetSpec('mover-pw-2');
    await target.applyOk();
    source.env['MOVER_PW'] = 'mover-pw-2';
    const planned = await source.plan();
    assert.equal(planned.code, 2, planned.stderr);
    assert.match(planned.stdout, /~ shovel src\/to-up\n\s+# live state: \w+/);
    assert.match(planned.stdout, /~ uri_credentials = \(sensitive value\) -> \(sensitive value\)/);
    assert.doesNotMatch(planned.stdout + planned.stderr, /mover-pw-[12]/);
    const json = await source.planJson();
    assert.doesNotMatch(JSON.stringify(json), /mover-pw-[12]/);
    await source.applyOk();
    const stored = await api(down).get<{ value: Record<string, string> }>(['parameters', 'shovel', 'src', 'to-up']);
    assert.match(stored?.value['dest-uri'] ?? '', /^amqp:\/\/mover:mover-pw-2@/);
    await source.assertPlanEmpty();
    await eventually('the shovel running with the new password', async () => (await shovelState(down, 'src', 'to-up')) === 'running');
    await publish(down, 'src', 'orders.out', 3);
    await eventually('3 more messages shovelled', async () => (await queueDepth(up, 'sink', 'orders.copy')) === 8);

    // Drift: someone sets the old password on the broker; warren finds it.
    await api(down).put(['parameters', 'shovel', 'src', 'to-up'], { value: { ...stored?.value, 'dest-uri': (stored?.value['dest-uri'] ?? '').replace('mover-pw-2', 'mover-pw-1') } });
    const drift = await source.plan();
    assert.equal(drift.code, 2);
    assert.match(drift.stdout, /uri_credentials/);
    await source.applyOk();
    await source.assertPlanEmpty();

    // The shovel's runtime state changes (its destination node goes away and comes back): the plan
    // stays empty throughout, and says why the shovel is not running.
    await up.rabbitmqctl(['stop_app']);
    try {
      await eventually('the shovel leaving running', async () => (await shovelState(down, 'src', 'to-up')) !== 'running');
      const whileDown = await source.plan();
      assert.equal(whileDown.code, 0, whileDown.stdout + whileDown.stderr);
      assert.match(whileDown.stdout, /W_SHOVEL: shovel src\/to-up is \w+/);
    } finally {
      await up.rabbitmqctl(['start_app']);
    }
    await eventually('the shovel running again', async () => (await shovelState(down, 'src', 'to-up')) === 'running');
    await source.assertPlanEmpty();
  });
});

async function getOne(broker: BrokerHandle, vhost: string, queue: string): Promise<string | undefined> {
  const conn = await connectAmqp(broker, vhost);
  try {
    const ch = await conn.createChannel();
    const m = await ch.get(queue, { noAck: true });
    return m === false ? undefined : m.content.toString();
  } finally {
    await conn.close();
  }
}
