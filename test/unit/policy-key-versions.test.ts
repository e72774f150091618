import assert from 'node:assert/strict';
import { test } from 'node:test';
import { policyKeyVersionProblems } from '../../src/workflow/policy-key-versions.js';
import { modelOf, policy } from '../support/build.js';

test("policy keys the target's version does not know are errors before anything is written", () => {
  const desired = modelOf(policy('v', 'p', { definition: { 'consumer-timeout': 60000, 'ha-mode': 'all', 'message-ttl': 5 } }));
  assert.deepEqual(policyKeyVersionProblems(desired, '3.10.8').map((d) => `${d.code} ${d.message}`), [
    'E_VERSION vhosts.v.policies.p.definition.consumer-timeout: RabbitMQ 3.10.8 does not know it (it came in 3.12)',
  ]);
  assert.deepEqual(policyKeyVersionProblems(desired, '4.0.5').map((d) => d.message), [
    'vhosts.v.policies.p.definition.ha-mode: RabbitMQ 4.0.5 refuses it (removed in 4.0)',
  ]);
  assert.deepEqual(policyKeyVersionProblems(desired, '3.13.7'), []);
  assert.deepEqual(policyKeyVersionProblems(desired, 'unknown'), [], 'a file that does not say its version is not judged');
});
