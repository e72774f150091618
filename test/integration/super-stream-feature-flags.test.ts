// Super streams and feature flags on a real node: a super stream of 3 partitions is created,
// plain AMQP publishes to its exchange with partition routing keys reach each partition, it grows
// to 5, shrinking is refused; a required feature flag that is disabled is enabled, and one the
// version does not know is an error.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type BrokerHandle, skipUnlessBroker, startBroker } from '../harness/broker.js';
import { api, bindingsOf, connectAmqp } from '../support/management.js';
import { SpecStack } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

/** Every flag 3.10.8 has but these two starts enabled (RABBITMQ_FEATURE_FLAGS lists the ones to enable on first boot). */
const LEFT_DISABLED = ['empty_basic_get_metric', 'drop_unroutable_metric'];
const ENABLED_AT_BOOT = [
  'classic_mirrored_queue_version',
  'implicit_default_bindings',
  'maintenance_mode_status',
  'quorum_queue',
  'stream_queue',
  'user_limits',
  'virtual_host_metadata',
];

/** Reads a stream from its first offset over AMQP and returns the bodies of what it holds. */
async function readStream(broker: BrokerHandle, vhost: string, stream: string, expected: number): Promise<string[]> {
  const conn = await connectAmqp(broker, vhost);
  try {
    const ch = await conn.createChannel();
    await ch.prefetch(100);
    const bodies: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ch.consume(stream, (m) => {
        if (!m) return;
        bodies.push(m.content.toString());
        ch.ack(m);
        if (bodies.length >= expected) resolve();
      }, { arguments: { 'x-stream-offset': 'first' } }).catch(reject);
    });
    return bodies;
  } finally {
    await conn.close();
  }
}

async function flagState(broker: BrokerHandle, name: string): Promise<string | undefined> {
  const rows = (await api(broker).get<{ name: string; state: string }[]>(['feature-flags'])) ?? [];
  return rows.find((r) => r.name === name)?.state;
}

describe('super streams and feature flags', { skip }, () => {
  let broker: BrokerHandle;
  before(async () => {
    broker = await startBroker({ plugins: ['stream', 'shovel'], env: { RABBITMQ_FEATURE_FLAGS: ENABLED_AT_BOOT.join(',') } });
  });
  after(async () => {
    await broker?.stop();
  });

  test('a super stream is created with 3 partitions, reached by plain AMQP publishes, grown to 5, and never shrunk', async () => {
    const stack = new SpecStack(broker, 'invoicing');
    const spec = (partitions: number) =>
      stack.write({ vhosts: { billing: { super_streams: { invoices: { partitions, arguments: { 'x-max-length-bytes': 10_000_000 } } } } } });
    spec(3);
    const planned = await stack.plan();
    assert.equal(planned.code, 2);
    assert.match(planned.stdout, /\+ super_stream billing\/invoices\n[\s\S]*partitions = \["0","1","2"\]/);
    await stack.applyOk();
    await stack.assertPlanEmpty();

    // As rabbitmq-streams add_super_stream makes it.
    const exchange = await api(broker).get<{ type: string; durable: boolean; arguments: Record<string, unknown> }>(['exchanges', 'billing', 'invoices']);
    assert.equal(exchange?.type, 'direct');
    assert.deepEqual(exchange?.arguments, { 'x-super-stream': true });
    assert.deepEqual(await bindingsOf(api(broker), 'billing'), [0, 1, 2].map((i) => `invoices -> queue:invoices-${i} [${i}] {"x-stream-partition-order":${i}}`));

    const publishAll = async (keys: string[], tag: string) => {
      const conn = await connectAmqp(broker, 'billing');
      try {
        const ch = await conn.createConfirmChannel();
        for (const key of keys) ch.publish('invoices', key, Buffer.from(`${tag}-${key}`), { persistent: true, mandatory: true });
        await ch.waitForConfirms();
      } finally {
        await conn.close();
      }
    };
    await publishAll(['0', '1', '2'], 'first');
    for (const key of ['0', '1', '2']) assert.deepEqual(await readStream(broker, 'billing', `invoices-${key}`, 1), [`first-${key}`]);

    spec(5);
    const grow = await stack.plan();
    assert.equal(grow.code, 2);
    assert.match(grow.stdout, /~ super_stream billing\/invoices\n\s+~ partitions = \["0","1","2"\] -> \["0","1","2","3","4"\]/);
    await stack.applyOk();
    await stack.assertPlanEmpty();
    await publishAll(['3', '4'], 'second');
    for (const key of ['3', '4']) assert.deepEqual(await readStream(broker, 'billing', `invoices-${key}`, 1), [`second-${key}`]);
    // The first partitions kept their messages.
    assert.deepEqual(await readStream(broker, 'billing', 'invoices-0', 1), ['first-0']);

    spec(4);
    const shrink = await stack.plan();
    assert.equal(shrink.code, 1);
    assert.match(shrink.stderr, /E_SUPER_STREAM: super_stream billing\/invoices: partitions can only be added at the end; .*remove partition 4/);

    stack.write({ vhosts: { billing: { super_streams: { invoices: { binding_keys: ['1', '0', '2', '3', '4'], arguments: { 'x-max-length-bytes': 10_000_000 } } } } } });
    const reorder = await stack.plan();
    assert.equal(reorder.code, 1);
    assert.match(reorder.stderr, /E_SUPER_STREAM: .*reorder partitions/);
    assert.equal((await bindingsOf(api(broker), 'billing')).length, 5, 'nothing changed on the broker');
  });

  test('a required feature flag that is disabled is enabled by apply; an unknown one is an error', async () => {
    assert.equal(await flagState(broker, LEFT_DISABLED[0] as string), 'disabled', 'the node did not start with the flag disabled');
    const stack = new SpecStack(broker, 'flags');
    stack.write({ feature_flags: ['quorum_queue', LEFT_DISABLED[0]] });
    const planned = await stack.plan();
    assert.equal(planned.code, 2);
    assert.match(planned.stdout, /~ feature_flag empty_basic_get_metric\n\s+~ state = "disabled" -> "enabled"/);
    assert.match(planned.stdout, /W_FEATURE_FLAG: feature_flag empty_basic_get_metric is disabled; apply enables it, and a feature flag cannot be disabled again/);
    await stack.applyOk();
    assert.equal(await flagState(broker, LEFT_DISABLED[0] as string), 'enabled');
    await stack.assertPlanEmpty();

    // Dropping the flag from the spec never disables it, whatever the prune mode.
    stack.write({ feature_flags: ['quorum_queue'] });
    const dropped = await stack.plan({ prune: 'all' });
    assert.equal(dropped.code, 0, dropped.stdout);
    assert.equal(await flagState(broker, LEFT_DISABLED[0] as string), 'enabled');

    stack.write({ feature_flags: ['quorum_queue', 'khepri_db'] });
    const unknown = await stack.plan();
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /E_FEATURE_FLAG: feature_flag khepri_db: the target \(RabbitMQ 3\.10\.8\) has no such feature flag/);
  });

  test('global parameters are created, updated and, once no longer declared, deleted; internal ones are never touched', async () => {
    const before = (await api(broker).get<{ name: string; value: unknown }[]>(['global-parameters'])) ?? [];
    const internal = before.find((g) => g.name === 'internal_cluster_id');
    const stack = new SpecStack(broker, 'globals');
    stack.write({ global_parameters: { cluster_name: 'billing-eu', mqtt_port_to_vhost_mapping: { '1883': 'billing' } } });
    await stack.applyOk();
    await stack.assertPlanEmpty();
    const value = async (name: string) => (await api(broker).get<{ value: unknown }>(['global-parameters', name]))?.value;
    assert.equal(await value('cluster_name'), 'billing-eu');
    assert.deepEqual(await value('mqtt_port_to_vhost_mapping'), { '1883': 'billing' });

    stack.write({ global_parameters: { cluster_name: 'billing-us' } });
    const planned = await stack.plan();
    assert.match(planned.stdout, /~ global_parameter cluster_name\n\s+~ value = "billing-eu" -> "billing-us"/);
    assert.match(planned.stdout, /- global_parameter mqtt_port_to_vhost_mapping/);
    await stack.applyOk();
    await stack.assertPlanEmpty();
    assert.equal(await value('mqtt_port_to_vhost_mapping'), undefined);
    assert.deepEqual(await value('internal_cluster_id'), internal?.value);

    stack.write({ global_parameters: { internal_cluster_id: 'mine' } });
    const refused = await stack.plan();
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /E_NAME: global_parameters\.internal_cluster_id: internal_cluster_id is RabbitMQ's internal parameter/);
  });

  test('a shovel the broker refuses fails apply without its URI password in the error', async () => {
    const stack = new SpecStack(broker, 'bad-shovel', { BAD_PW: 'refused-secret-pw' });
    stack.write({ vhosts: { billing: { shovels: { broken: { 'src-uri': 'amqp://u:${BAD_PW}@host:notaport', 'src-queue': 'q', 'dest-uri': 'amqp://', 'dest-queue': 'd' } } } } });
    const r = await stack.apply();
    assert.equal(r.code, 1);
    assert.match(r.stderr, /E_APPLY: apply stopped at create shovel billing\/broken/);
    assert.doesNotMatch(r.stdout + r.stderr, /refused-secret-pw/);
  });
});
