// readBroker and GET /api/deprecated-features/used: what 4.x reports in use becomes a W_DEPRECATED
// warning naming the feature; a broker without the endpoint (3.10 answers 404) reports nothing,
// and any other failure of it is not swallowed. A canned broker answers every other listing empty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WarrenError } from '../../src/errors.js';
import { ManagementClient } from '../../src/live/management-client.js';
import { readBroker } from '../../src/live/read-broker.js';

function broker(version: string, deprecated: { status: number; body: unknown }): ManagementClient {
  return new ManagementClient({
    baseUrl: 'http://broker.test:15672',
    username: 'u',
    password: 'p',
    fetch: async (url) => {
      const path = new URL(url).pathname;
      if (path === '/api/overview') return Response.json({ rabbitmq_version: version });
      if (path === '/api/deprecated-features/used') return Response.json(deprecated.body, { status: deprecated.status });
      return Response.json([]);
    },
  });
}

test('4.x: each deprecated feature in use is a warning with its phase and where to read about it', async () => {
  const used = [{ name: 'transient_nonexcl_queues', desc: '', deprecation_phase: 'permitted_by_default', doc_url: 'https://blog.rabbitmq.com/x', provided_by: 'rabbit' }];
  const state = await readBroker(broker('4.0.5', { status: 200, body: used }));
  assert.deepEqual(
    state.warnings.map((w) => [w.code, w.message, w.endpoint]),
    [['W_DEPRECATED', 'RabbitMQ 4.0.5 reports a deprecated feature in use on the broker: transient_nonexcl_queues (permitted by default); see https://blog.rabbitmq.com/x', 'http://broker.test:15672']],
  );
});

test('control characters in what the broker says never reach the terminal', async () => {
  const state = await readBroker(broker('4.0.5', { status: 200, body: [{ name: 'global_qos\u001b[2J', deprecation_phase: 'permitted_by_default\r', doc_url: '' }] }));
  assert.equal(state.warnings[0]?.message, 'RabbitMQ 4.0.5 reports a deprecated feature in use on the broker: global_qos[2J (permitted by default)');
});

test('3.10 has no such endpoint: a 404 means nothing to report', async () => {
  const state = await readBroker(broker('3.10.8', { status: 404, body: { error: 'Object Not Found', reason: 'Not Found' } }));
  assert.deepEqual(state.warnings, []);
  assert.equal(state.brokerVersion, '3.10.8');
});

test('any other failure of the endpoint fails the read', async () => {
  await assert.rejects(readBroker(broker('4.0.5', { status: 500, body: { error: 'boom' } })), (e: unknown) => e instanceof WarrenError && e.code === 'E_BROKER');
});
