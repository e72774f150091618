// Credentials in AMQP URLs given on the command line or in WARREN_AMQP_URL: the secrets suite
// found them printed whole in AMQP errors (every AMQP error names its endpoint). They now leave
// the URL, as management URL credentials always did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTarget } from '../../src/workflow/resolve-target.js';

const SECRET = 'Zq7/amqp-Secret';

test('an AMQP URL from a flag or the environment keeps no credentials; the user and password are used', () => {
  const fromEnv = resolveTarget([], {}, { WARREN_MANAGEMENT_URL: 'http://localhost:15672', WARREN_AMQP_URL: `amqp://admin:${encodeURIComponent(SECRET)}@localhost:5672` });
  const fromFlag = resolveTarget([], { management: 'http://localhost:15672', amqp: `amqps://admin:${encodeURIComponent(SECRET)}@a:5671,amqps://b:5671` }, {});
  for (const target of [fromEnv, fromFlag]) {
    assert.ok(!JSON.stringify(target.amqp).includes('Zq7'), JSON.stringify(target.amqp));
    assert.equal(target.username, 'admin');
    assert.equal(target.password?.reveal(), SECRET);
  }
  assert.deepEqual(fromFlag.amqp, ['amqps://a:5671', 'amqps://b:5671']);
});

test('an AMQP URL that does not parse is refused with its credentials masked', () => {
  assert.throws(
    () => resolveTarget([], { management: 'http://localhost:15672', amqp: `amqp://admin:${SECRET}@localhost:5672` }, {}),
    (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'E_TARGET' && !e.message.includes('Zq7'),
  );
});
