// Issue 9, item 19, against a real broker: the spec changes the password of the very user warren
// connects as, among other changes. Applied in its place (users come early) every later call was
// refused with the old password and the apply stopped half way; now it is the last write, the
// apply completes, and a plan with the new password is empty.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import { brokerEnv } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

describe("the connecting user's own password", { skip }, () => {
  const suite = new BrokerSuite();

  test('changed with everything else: applied last, the apply completes, the plan is empty with the new password', async () => {
    const a = suite.api;
    await a.put(['users', 'deployer'], { password: 'old-secret-1', tags: 'administrator' });
    await a.put(['permissions', '/', 'deployer'], { configure: '.*', write: '.*', read: '.*' });
    const stack = suite.stack('own-user', { ...brokerEnv(suite.broker, 'deployer', 'old-secret-1'), DEPLOYER_PASSWORD: 'old-secret-1' });
    const spec = (queues: number) => ({
      users: {
        deployer: {
          password: '${DEPLOYER_PASSWORD}',
          tags: ['administrator'],
          permissions: { '/': { configure: '.*', write: '.*', read: '.*' }, app: { configure: '.*', write: '.*', read: '.*' } },
        },
      },
      vhosts: {
        '/': {},
        app: {
          exchanges: { events: { type: 'topic' } },
          queues: Object.fromEntries(Array.from({ length: queues }, (_, i) => [`q${i}`, {}])),
          bindings: Array.from({ length: queues }, (_, i) => ({ source: 'events', queue: `q${i}`, routing_key: `k.${i}` })),
          policies: { ttl: { pattern: '^q', apply_to: 'queues', definition: { 'message-ttl': 60000 } } },
        },
      },
    });
    stack.write(spec(2));
    await stack.applyOk();
    await stack.assertPlanEmpty();

    // A new password, and more to do in the same apply: queues and bindings (over AMQP, whose
    // connection opens after the user's place in the order), a policy (over HTTP).
    stack.env['DEPLOYER_PASSWORD'] = 'new-secret-2';
    stack.write({ ...spec(6), vhosts: { ...spec(6).vhosts, app: { ...spec(6).vhosts.app, policies: { ttl: { pattern: '^q', apply_to: 'queues', definition: { 'message-ttl': 120000 } } } } } });
    const r = await stack.apply();
    assert.equal(r.code, 0, `apply stopped:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /Apply complete: 8 created, 2 updated/);
    // The plan shows it last and says why.
    const order = r.stdout.split('\n').filter((l) => /^\s+[+~]/.test(l) && /user |queue |policy |binding /.test(l));
    assert.match(order.at(-1) ?? '', /~ user deployer/);
    assert.match(r.stdout, /# warren connects as this user: applied last/);
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, /new-secret-2|old-secret-1/);

    assert.equal(await a.whoami('deployer', 'new-secret-2'), 200);
    assert.equal(await a.whoami('deployer', 'old-secret-1'), 401);
    const rows = (await a.get<{ name: string }[]>(['queues', 'app'], 'columns=name')) ?? [];
    assert.equal(rows.length, 6);
    stack.env['WARREN_PASSWORD'] = 'new-secret-2';
    await stack.assertPlanEmpty();
  });

  test('a max-channels limit below the channels apply opens: the writer keeps under it in all vhosts together and the apply completes', async () => {
    const a = suite.api;
    await a.put(['users', 'narrow'], { password: 'narrow-secret-1', tags: 'administrator' });
    await a.put(['vhosts', 'narrow-b'], {});
    for (const v of ['/', 'narrow-b']) await a.put(['permissions', v, 'narrow'], { configure: '.*', write: '.*', read: '.*' });
    await a.put(['user-limits', 'narrow', 'max-channels'], { value: 6 });
    const stack = suite.stack('narrow', brokerEnv(suite.broker, 'narrow', 'narrow-secret-1'));
    const objects = {
      exchanges: { narrow: { type: 'direct' } },
      queues: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`narrow.q${i}`, {}])),
      bindings: Array.from({ length: 30 }, (_, i) => ({ source: 'narrow', queue: `narrow.q${i}`, routing_key: `k.${i}` })),
    };
    // Two vhosts: a connection each, and the limit is the user's, over both.
    stack.write({ vhosts: { '/': objects, 'narrow-b': objects } });
    // The CLI's own default: more channels than the limit allows.
    const r = await stack.cli(['apply', '{dir}', '--auto-approve']);
    assert.equal(r.code, 0, `apply stopped:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /Apply complete: 122 created/);
    assert.match(r.stderr, /AMQP: the user may open 6 channels \(its max-channels limit\): using at most 5 at once/);
    for (const v of ['/', 'narrow-b']) {
      const rows = (await a.get<{ name: string }[]>(['queues', v], 'columns=name')) ?? [];
      assert.equal(rows.filter((q) => q.name.startsWith('narrow.')).length, 30, v);
    }
    await stack.assertPlanEmpty();
  });
});
