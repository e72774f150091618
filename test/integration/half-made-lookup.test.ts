// live/half-made-queues.ts on one real node: a half-made quorum queue (made as faults.test.ts makes
// it; its leader names a node that does not exist) is found by a lookup of its name (or, for many
// names, in the vhost's queue listing without stats), and a plan
// that adds one quorum queue to a vhost that exists never reads that vhost's definitions (at 31,000
// objects they cost the broker 1.6 s of CPU and warren a 4 MB parse); and `warren plan`, whose
// listing shows the queue as an ordinary one, finds it by its members (live/listed-half-made.ts).
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { after, before, describe, test } from 'node:test';
import { LOOKUPS_PER_VHOST, withHalfMadeQueues, type QueueRef } from '../../src/live/half-made-queues.js';
import { ManagementClient } from '../../src/live/management-client.js';
import { readBroker } from '../../src/live/read-broker.js';
import { resourceKey } from '../../src/model/keys.js';
import { skipUnlessBroker, startBroker, testBrokerVersion, type BrokerHandle } from '../harness/broker.js';
import { makeHalfMadeQueue } from '../support/half-made.js';
import { api } from '../support/management.js';
import { SpecStack } from '../support/warren-stack.js';

describe('half-made queues looked up by name on a real node', { skip: skipUnlessBroker() }, () => {
  let broker: BrokerHandle;
  const stacks: SpecStack[] = [];
  before(async () => {
    broker = await startBroker();
  });
  after(async () => {
    for (const s of stacks) s.remove();
    await broker?.stop();
  });

  /** A client that records the path (and query) of every request it sends. */
  const countingClient = (asked: string[]) =>
    new ManagementClient({
      baseUrl: broker.managementUrl,
      username: broker.username,
      password: broker.password,
      fetch: (url, init) => {
        const u = new URL(url);
        asked.push(`${u.pathname}${u.search}`);
        return fetch(url, init);
      },
    });

  test('found by name without the definitions; a working queue the listing missed and an absent one are not; beyond the bound, one listing finds the same', async () => {
    await api(broker).put(['vhosts', 'hm'], {});
    await api(broker).put(['queues', 'hm', 'working'], { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await makeHalfMadeQueue(broker, 'hm', 'half');
    const keyOf = (name: string) => resourceKey({ kind: 'queue', vhost: 'hm', name, type: 'quorum', durable: true, auto_delete: false, arguments: {} });
    const plain = new ManagementClient({ baseUrl: broker.managementUrl, username: broker.username, password: broker.password });
    const counted = await readBroker(plain);
    assert.equal(counted.model.resources.has(keyOf('half')), false, 'the counted listing leaves the half-made queue out');
    assert.equal(counted.model.resources.has(keyOf('working')), true);
    // As if `working` had been declared after the listing was read.
    const resources = new Map(counted.model.resources);
    resources.delete(keyOf('working'));
    const live = { ...counted, model: { resources } };

    const asked: string[] = [];
    const refs = (...names: string[]): QueueRef[] => names.map((name) => ({ vhost: 'hm', name }));
    const few = await withHalfMadeQueues(countingClient(asked), live, refs('half', 'working', 'absent'));
    assert.deepEqual(few.found.map((q) => `${q.type} ${q.name} ${String(q.live?.half_made)}`), ['quorum half true']);
    assert.equal(few.live.model.resources.get(keyOf('half')), few.found[0]);
    // The node list, once: whether the broken queue's member nodes run (listed-half-made.ts).
    assert.deepEqual(asked.map((p) => p.replace(/\?.*/, '')).sort(), ['/api/nodes', '/api/queues/hm/absent', '/api/queues/hm/half', '/api/queues/hm/working']);

    asked.length = 0;
    const absent = Array.from({ length: LOOKUPS_PER_VHOST }, (_, i) => `absent.${i}`);
    const many = await withHalfMadeQueues(countingClient(asked), live, refs('half', 'working', ...absent));
    assert.deepEqual(asked.map((p) => p.replace(/\?.*/, '')), ['/api/queues/hm', '/api/nodes']);
    assert.deepEqual(many.found, few.found);

    // A vhost that went away after the read: nothing found, both ways.
    const withGone = { ...live, model: { resources: new Map([...resources, [resourceKey({ kind: 'vhost', name: 'gone', description: '', tags: [], limits: {} }), { kind: 'vhost', name: 'gone', description: '', tags: [], limits: {} } as const]]) } };
    const inGone = (n: number): QueueRef[] => Array.from({ length: n }, (_, i) => ({ vhost: 'gone', name: `q.${i}` }));
    assert.deepEqual((await withHalfMadeQueues(plain, withGone, inGone(1))).found, []);
    assert.deepEqual((await withHalfMadeQueues(plain, withGone, inGone(LOOKUPS_PER_VHOST + 1))).found, []);
  });

  // RabbitMQ 4.0 counts a member online when its node runs: its listing never shows one half made.
  const on310 = testBrokerVersion() === '3.10' ? false : 'RabbitMQ 3.10 only: 4.0 counts a member online when its node runs';
  test('`warren plan` finds a half-made queue the spec declares in the listing it reads (members, none online): W_HALF_MADE and a replace; apply repairs it', { skip: on310 }, async () => {
    const stack = new SpecStack(broker, 'hm3');
    stacks.push(stack);
    stack.write({ vhosts: { hm3: { queues: { work: { type: 'quorum' }, fine: { type: 'quorum' } } } } });
    await stack.applyOk();
    await api(broker).del(['queues', 'hm3', 'work']);
    await makeHalfMadeQueue(broker, 'hm3', 'work');
    const r = await stack.plan();
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /queue hm3\/work/);
    assert.doesNotMatch(r.stdout, /queue hm3\/fine/, 'a working quorum queue is left alone');
    assert.match(r.stdout + r.stderr, /W_HALF_MADE/);
    await stack.applyOk();
    const info = await api(broker).get<{ leader?: string | null; online?: string[] }>(['queues', 'hm3', 'work']);
    assert.ok(typeof info?.leader === 'string' && (info.online ?? []).includes(info.leader), `a leader again: ${JSON.stringify(info)}`);
    await stack.assertPlanEmpty();
  });

  test('a plan that adds one quorum queue to a vhost that exists asks for that queue by name, never for the definitions', async () => {
    const stack = new SpecStack(broker, 'hm2');
    stacks.push(stack);
    stack.write({ vhosts: { hm2: { queues: { a: { type: 'quorum' } } } } });
    await stack.applyOk();
    stack.write({ vhosts: { hm2: { queues: { a: { type: 'quorum' }, b: { type: 'quorum' } } } } });
    const paths: string[] = [];
    // Every request Node's fetch makes in this process while the plan runs (the plan's own client included).
    const onCreate = (message: unknown): void => {
      const request = (message as { request?: { path?: unknown } }).request;
      if (typeof request?.path === 'string') paths.push(request.path);
    };
    subscribe('undici:request:create', onCreate);
    let r;
    try {
      r = await stack.plan();
    } finally {
      unsubscribe('undici:request:create', onCreate);
    }
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /\+ queue hm2\/b\n/);
    assert.ok(paths.some((p) => p.startsWith('/api/queues/hm2/b?')), `looked up by name:\n${paths.join('\n')}`);
    assert.deepEqual(paths.filter((p) => p.startsWith('/api/definitions')), []);
    await stack.applyOk();
    await stack.assertPlanEmpty();
  });
});
