import assert from 'node:assert/strict';
import { test } from 'node:test';
import { versionRefusals } from '../../src/workflow/version-refusals.js';
import { modelOf, policy, queue } from '../support/build.js';

test("policy keys the target's version does not know are errors before anything is written", () => {
  const desired = modelOf(policy('v', 'p', { definition: { 'consumer-timeout': 60000, 'ha-mode': 'all', 'message-ttl': 5 } }));
  assert.deepEqual(versionRefusals(desired, '3.10.8').map((d) => `${d.code} ${d.message}`), [
    'E_VERSION vhosts.v.policies.p.definition.consumer-timeout: RabbitMQ 3.10.8 does not know it (it came in 3.12)',
  ]);
  assert.deepEqual(versionRefusals(desired, '4.0.5').map((d) => d.message), [
    'vhosts.v.policies.p.definition.ha-mode: RabbitMQ 4.0.5 refuses it (removed in 4.0)',
  ]);
  assert.deepEqual(versionRefusals(desired, '3.13.7'), []);
  assert.deepEqual(versionRefusals(desired, 'unknown'), [], 'a file that does not say its version is not judged');
});

test('a negative delivery limit is refused before 4.0 (3.10: "-1 is not a valid delivery limit") and means unlimited after', () => {
  const desired = modelOf(policy('v', 'p', { definition: { 'delivery-limit': -1 } }), queue('v', 'q', { type: 'quorum', arguments: { 'x-delivery-limit': -1 } }));
  assert.deepEqual(versionRefusals(desired, '3.10.8').map((d) => d.message), [
    'vhosts.v.policies.p.definition.delivery-limit: RabbitMQ 3.10.8 refuses a negative delivery limit (it means "unlimited" from 4.0); leave it out for no limit',
    'vhosts.v.queues.q.arguments.x-delivery-limit: RabbitMQ 3.10.8 refuses a negative delivery limit (it means "unlimited" from 4.0); leave it out for no limit',
  ]);
  assert.deepEqual(versionRefusals(desired, '4.0.5'), []);
});
