// Plan and apply against a live broker, part 2: every kind that the broker changes in place is
// planned as an update (~), applied in place, and then plans empty. Passwords: a sensitive update
// that never shows the password or its hash, after which only the new password logs in.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import { type Api } from '../support/management.js';
import { actionsOf, changeHeaders, SpecStack } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

interface Row {
  [k: string]: unknown;
}

function spec(v: 1 | 2, password = 'pw-one'): Record<string, unknown> {
  const one = v === 1;
  return {
    vhosts: {
      app: {
        description: one ? 'first' : 'second',
        tags: one ? ['a', 'b'] : ['b', 'c'],
        limits: one ? { 'max-connections': 10, 'max-queues': 20 } : { 'max-connections': 11 },
        exchanges: { events: { type: 'topic' } },
        queues: { jobs: { arguments: { 'x-max-length': 10 } } },
        bindings: [{ source: 'events', queue: 'jobs', routing_key: 'job.#' }],
        policies: {
          ttl: one
            ? { pattern: '^jobs$', apply_to: 'queues', priority: 1, definition: { 'message-ttl': 1000 } }
            : { pattern: '^jo', apply_to: 'all', priority: 7, definition: { 'message-ttl': 2000, 'max-length-bytes': 1000000 } },
        },
        operator_policies: {
          cap: one ? { pattern: '.*', apply_to: 'queues', definition: { 'max-length': 100 } } : { pattern: '^j', apply_to: 'queues', priority: 2, definition: { 'max-length': 200 } },
        },
      },
    },
    users: {
      worker: {
        password,
        tags: one ? ['monitoring'] : ['management', 'policymaker'],
        limits: one ? { 'max-connections': 5 } : { 'max-channels': 50 },
        permissions: { app: one ? { configure: '^jobs$', write: '.*', read: '.*' } : { configure: '', write: '^events$', read: '^jobs$' } },
        topic_permissions: { app: [{ exchange: 'events', write: one ? '^job\\.' : '^job\\.new$', read: '.*' }] },
      },
    },
  };
}

describe('plan/apply: changes in place', { skip }, () => {
  const suite = new BrokerSuite();
  let a: Api;
  let stack: SpecStack;

  before(() => {
    ({ api: a } = suite);
    stack = suite.stack('app');
  });

  test('every in-place change plans as an update, applies, and the plan is then empty', async () => {
    stack.write(spec(1));
    await stack.applyOk();
    await stack.assertPlanEmpty();

    stack.write(spec(2));
    const doc = await stack.planJson();
    assert.deepEqual(actionsOf(doc), [
      'update operator_policy app/cap',
      'update permission worker@app',
      'update policy app/ttl',
      'update topic_permission worker@app on events',
      'update user worker',
      'update vhost app',
    ]);
    const fields = Object.fromEntries(doc.changes.map((c) => [c.title, c.fields.map((f) => f.field)]));
    assert.deepEqual(fields, {
      'vhost app': ['description', 'limits', 'tags'],
      'user worker': ['limits', 'tags'],
      'permission worker@app': ['configure', 'read', 'write'],
      'topic_permission worker@app on events': ['write'],
      'policy app/ttl': ['apply_to', 'definition', 'pattern', 'priority'],
      'operator_policy app/cap': ['definition', 'pattern', 'priority'],
    });
    const text = await stack.plan();
    assert.equal(text.code, 2);
    assert.deepEqual(changeHeaders(text.stdout).sort(), [
      '~ operator_policy app/cap',
      '~ permission worker@app',
      '~ policy app/ttl',
      '~ topic_permission worker@app on events',
      '~ user worker',
      '~ vhost app',
    ]);
    assert.match(text.stdout, /Plan: 0 to create, 6 to update, 0 to replace, 0 to delete, \d+ unchanged\./);

    const r = await stack.applyOk();
    assert.match(r.stdout, /Apply complete: 0 created, 6 updated, 0 replaced, 0 deleted/);
    await stack.assertPlanEmpty();

    const vhost = (await a.get<Row>(['vhosts', 'app'])) ?? {};
    assert.equal(vhost['description'], 'second');
    assert.deepEqual([...(vhost['tags'] as string[])].sort(), ['b', 'c']);
    // The limit the spec no longer states is gone, not left behind.
    assert.deepEqual(await a.get(['vhost-limits', 'app']), [{ vhost: 'app', value: { 'max-connections': 11 } }]);
    const user = (await a.get<Row>(['users', 'worker'])) ?? {};
    assert.deepEqual([...(user['tags'] as string[])].sort(), ['management', 'policymaker']);
    assert.deepEqual(await a.get(['user-limits', 'worker']), [{ user: 'worker', value: { 'max-channels': 50 } }]);
    // Updating tags kept the password (a user PUT without a hash would lock the user out).
    assert.equal(await a.whoami('worker', 'pw-one'), 200);
    assert.deepEqual(await a.get(['permissions', 'app', 'worker']), { user: 'worker', vhost: 'app', configure: '', write: '^events$', read: '^jobs$' });
    assert.deepEqual(await a.get(['topic-permissions', 'app', 'worker']), [{ user: 'worker', vhost: 'app', exchange: 'events', write: '^job\\.new$', read: '.*' }]);
    const policy = (await a.get<Row>(['policies', 'app', 'ttl'])) ?? {};
    assert.deepEqual(
      { pattern: policy['pattern'], applyTo: policy['apply-to'], priority: policy['priority'], definition: policy['definition'] },
      { pattern: '^jo', applyTo: 'all', priority: 7, definition: { 'message-ttl': 2000, 'max-length-bytes': 1000000 } },
    );
    const op = (await a.get<Row>(['operator-policies', 'app', 'cap'])) ?? {};
    assert.deepEqual({ pattern: op['pattern'], priority: op['priority'], definition: op['definition'] }, { pattern: '^j', priority: 2, definition: { 'max-length': 200 } });

    // And back again: limits added back, a policy back to apply_to queues.
    stack.write(spec(1));
    assert.ok((await stack.planJson()).changes.every((c) => c.action === 'update'));
    await stack.applyOk();
    await stack.assertPlanEmpty();
    assert.deepEqual(await a.get(['vhost-limits', 'app']), [{ vhost: 'app', value: { 'max-connections': 10, 'max-queues': 20 } }]);
  });

  test('a password change is a sensitive update that never shows the password or hash; then only the new one logs in', async () => {
    stack.write(spec(1, 'old-secret-pw'));
    await stack.applyOk();
    await stack.assertPlanEmpty();
    const oldHash = String(((await a.get<Row>(['users', 'worker'])) ?? {})['password_hash']);
    assert.equal(await a.whoami('worker', 'old-secret-pw'), 200);

    stack.write(spec(1, 'new-secret-pw'));
    const outputs: string[] = [];
    const doc = await stack.planJson();
    assert.deepEqual(actionsOf(doc), ['update user worker']);
    assert.deepEqual(doc.changes[0]?.fields, [{ field: 'password_hash', before: '(sensitive)', after: '(sensitive)', sensitive: true }]);
    const text = await stack.plan();
    assert.deepEqual(changeHeaders(text.stdout), ['~ user worker']);
    assert.match(text.stdout, /password_hash = \(sensitive value\) -> \(sensitive value\)/);
    const md = await stack.plan({ format: 'markdown' });
    // The spawned CLI too, with its exit code for pending changes.
    const spawned = await stack.cli(['plan', '{dir}', '--detailed-exitcode']);
    assert.equal(spawned.code, 2, spawned.stderr);
    assert.deepEqual(changeHeaders(spawned.stdout), ['~ user worker']);

    const applied = await stack.applyOk();
    outputs.push(JSON.stringify(doc), text.stdout, text.stderr, md.stdout, md.stderr, spawned.stdout, spawned.stderr, applied.stdout, applied.stderr);
    const newHash = String(((await a.get<Row>(['users', 'worker'])) ?? {})['password_hash']);
    assert.notEqual(newHash, oldHash);
    for (const secret of ['old-secret-pw', 'new-secret-pw', oldHash, newHash]) {
      for (const out of outputs) assert.ok(!out.includes(secret), `output shows a secret (${secret === oldHash || secret === newHash ? 'a hash' : 'a password'}):\n${out}`);
    }
    assert.equal(await a.whoami('worker', 'new-secret-pw'), 200);
    assert.equal(await a.whoami('worker', 'old-secret-pw'), 401);
    // Same password again: the live salt reproduces the live hash, so no change.
    await stack.assertPlanEmpty();
    const again = await stack.cli(['plan', '{dir}', '--detailed-exitcode']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /^No changes\./m);
  });
});
