// Issue 9, item 17: one deadline for every broker call, from WARREN_BROKER_TIMEOUT_MS, reaching the
// management client (each request), AMQP connections (opening) and AMQP operations. A frozen node
// answers nothing; without a deadline a call to it waits forever.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WarrenError } from '../../src/errors.js';
import { amqpOptionsFor, managementClientFor } from '../../src/live/connect-target.js';
import { DeadlineExceeded, withDeadline } from '../../src/live/deadline.js';
import { resolveTarget } from '../../src/workflow/resolve-target.js';

const env = { WARREN_MANAGEMENT_URL: 'http://a:15672,http://b:15672', WARREN_AMQP_URL: 'amqp://a:5672' };

test('WARREN_BROKER_TIMEOUT_MS sets the deadline of HTTP requests, AMQP connects and AMQP operations', () => {
  const target = resolveTarget([], {}, { ...env, WARREN_BROKER_TIMEOUT_MS: '1500' });
  assert.equal(target.timeoutMs, 1500);
  const amqp = amqpOptionsFor(target);
  assert.equal(amqp.connectTimeoutMs, 1500);
  assert.equal(amqp.operationTimeoutMs, 1500);
  assert.equal(resolveTarget([], {}, env).timeoutMs, undefined, 'unset: the defaults (30 s calls, 15 s connects)');
});

test('a deadline that is not a whole number of ms from 100 to 3600000 is E_USAGE', () => {
  for (const bad of ['abc', '1.5', '-3', '50', '99999999', '1e4']) {
    assert.throws(
      () => resolveTarget([], {}, { ...env, WARREN_BROKER_TIMEOUT_MS: bad }),
      (e: unknown) => e instanceof WarrenError && e.code === 'E_USAGE' && e.message.startsWith('WARREN_BROKER_TIMEOUT_MS must be a whole number of milliseconds'),
      bad,
    );
  }
});

test('a management endpoint that never answers is given up at the deadline and the next one is asked', async () => {
  // Two local HTTP servers: the first takes requests and never answers (a frozen node), the second answers.
  const frozen = createServer(() => undefined);
  const alive = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"node":"rabbit@b"}'));
  const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
  const [a, b] = [await listen(frozen), await listen(alive)];
  try {
    const target = resolveTarget([], {}, { WARREN_MANAGEMENT_URL: `http://127.0.0.1:${a},http://127.0.0.1:${b}`, WARREN_BROKER_TIMEOUT_MS: '150' });
    const events: string[] = [];
    const { client } = managementClientFor(target, { progress: (l) => events.push(l) });
    assert.deepEqual(await client.get(['overview']), { node: 'rabbit@b' });
    assert.deepEqual(events, [`Management API at http://127.0.0.1:${a} cannot be reached (no answer within 150 ms); using http://127.0.0.1:${b}`]);
  } finally {
    frozen.closeAllConnections();
    await Promise.all([frozen, alive].map((s) => new Promise((r) => s.close(r))));
  }
});

test('withDeadline: the work, or DeadlineExceeded naming the call', async () => {
  assert.equal(await withDeadline(Promise.resolve(7), 50, 'x'), 7);
  await assert.rejects(withDeadline(new Promise(() => undefined), 20, 'declare queue q'), (e: unknown) => e instanceof DeadlineExceeded && e.message === 'no answer to declare queue q within 20 ms');
});
