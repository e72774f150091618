// Every BrokerWriter operation against a real node: idempotent, awkward names, and a round trip
// through the live reader. One node for the file, reset between groups.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WarrenError } from '../../src/errors.js';
import { BrokerWriter } from '../../src/apply/broker-writer.js';
import { ManagementClient } from '../../src/live/management-client.js';
import { readBroker } from '../../src/live/read-broker.js';
import { resourceKey } from '../../src/model/keys.js';
import { hashPassword } from '../../src/model/passwords.js';
import type { Binding, Exchange, Permission, Policy, Queue, Resource, TopicPermission, User, Vhost } from '../../src/model/types.js';
import { type BrokerHandle, skipUnlessBroker, startBroker } from '../harness/broker.js';

const skip = skipUnlessBroker();
/** Names that break naive URL building. */
const NAMES = ['a/b', 'a#b', 'q?x=1', '100%', 'with space', '__proto__', 'ünïcødé-日本', '%2F'];

let broker: BrokerHandle;
let client: ManagementClient;
let writer: BrokerWriter;

const vhost = (name: string, extra: Partial<Vhost> = {}): Vhost => ({ kind: 'vhost', name, description: '', tags: [], limits: {}, ...extra });
const user = (name: string, password: string, extra: Partial<User> = {}): User => ({
  kind: 'user',
  name,
  tags: [],
  limits: {},
  password_hash: hashPassword(password, 'rabbit_password_hashing_sha256'),
  hashing_algorithm: 'rabbit_password_hashing_sha256',
  ...extra,
});
const exchange = (v: string, name: string, extra: Partial<Exchange> = {}): Exchange => ({ kind: 'exchange', vhost: v, name, type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {}, ...extra });
const queue = (v: string, name: string, extra: Partial<Queue> = {}): Queue => ({ kind: 'queue', vhost: v, name, type: 'classic', durable: true, auto_delete: false, arguments: {}, ...extra });
const binding = (v: string, source: string, dest: string, extra: Partial<Binding> = {}): Binding => ({ kind: 'binding', vhost: v, source, destination_type: 'queue', destination: dest, routing_key: '', arguments: {}, ...extra });

async function live() {
  return readBroker(client);
}

async function canLogIn(name: string, password: string): Promise<boolean> {
  const c = new ManagementClient({ baseUrl: broker.managementUrl, username: name, password });
  try {
    await c.get(['whoami']);
    return true;
  } catch (e) {
    if (e instanceof WarrenError && e.code === 'E_AUTH') return false;
    throw e;
  }
}

describe('BrokerWriter against a real broker', { skip }, () => {
  before(async () => {
    broker = await startBroker();
    client = new ManagementClient({ baseUrl: broker.managementUrl, username: broker.username, password: broker.password });
    writer = new BrokerWriter(client);
  });
  after(async () => {
    await broker?.stop();
  });

  test('vhosts: create, update, limits, delete; twice each; awkward names', async () => {
    for (const name of NAMES) {
      const v = vhost(name, { description: `d ${name}`, tags: ['b', 'a'] });
      await writer.putVhost(v);
      await writer.putVhost(v);
      await writer.putVhostLimits(name, { 'max-queues': 10, 'max-connections': 5 });
      await writer.putVhostLimits(name, { 'max-queues': 20 });
    }
    const state = await live();
    for (const name of NAMES) {
      assert.deepEqual(state.model.resources.get(resourceKey(vhost(name))), vhost(name, { description: `d ${name}`, tags: ['a', 'b'], limits: { 'max-queues': 20 } }), name);
    }
    await writer.putVhost(vhost('a/b', { description: 'changed', tags: [] }));
    await writer.putVhostLimits('a/b', {});
    assert.deepEqual((await live()).model.resources.get(resourceKey(vhost('a/b'))), vhost('a/b', { description: 'changed' }));
    for (const name of NAMES) {
      await writer.deleteVhost(name);
      await writer.deleteVhost(name);
    }
    const names = [...(await live()).model.resources.values()].filter((r) => r.kind === 'vhost').map((r) => (r as Vhost).name);
    assert.deepEqual(names, ['/']);
  });

  test('vhosts: default_queue_type is taken on create and refused as a change (3.10 cannot change it)', async () => {
    await writer.putVhost(vhost('dqt', { default_queue_type: 'quorum' }));
    await writer.putVhost(vhost('dqt', { default_queue_type: 'quorum' }));
    const state = await live();
    assert.equal((state.model.resources.get(resourceKey(vhost('dqt'))) as Vhost).default_queue_type, 'quorum');
    if (state.brokerVersion.startsWith('3.10.')) {
      await assert.rejects(writer.putVhost(vhost('dqt', { default_queue_type: 'stream' })), { code: 'E_VERSION' });
    }
    // A queue declared there without saying its type reads back as the vhost's type, not classic.
    await client.put(['queues', 'dqt', 'implicit'], { durable: true });
    const q = (await live()).model.resources.get(resourceKey(queue('dqt', 'implicit'))) as Queue;
    assert.equal(q.type, 'quorum');
    assert.deepEqual(q.arguments, {});
  });

  test('users: hashes warren computes let the user log in; tags, limits; never a PUT without a hash', async () => {
    await broker.reset();
    for (const algorithm of ['rabbit_password_hashing_sha256', 'rabbit_password_hashing_sha512', 'rabbit_password_hashing_md5'] as const) {
      const name = `u-${algorithm}`;
      await writer.putUser(user(name, 'pässwörd 1', { password_hash: hashPassword('pässwörd 1', algorithm), hashing_algorithm: algorithm, tags: ['management'] }));
      assert.equal(await canLogIn(name, 'pässwörd 1'), true, algorithm);
      assert.equal(await canLogIn(name, 'wrong'), false, algorithm);
    }
    for (const name of NAMES) {
      const u = user(name, 'pw', { tags: ['monitoring', 'management'] });
      await writer.putUser(u);
      await writer.putUser(u);
      await writer.putUserLimits(name, { 'max-connections': 3, 'max-channels': 7 });
      await writer.putUserLimits(name, { 'max-channels': 8 });
      const got = (await live()).model.resources.get(resourceKey(u));
      assert.deepEqual(got, { ...u, tags: ['management', 'monitoring'], limits: { 'max-channels': 8 } }, name);
      await writer.putUserLimits(name, {});
      await writer.deleteUser(name);
      await writer.deleteUser(name);
    }
    await assert.rejects(writer.putUser({ kind: 'user', name: 'nohash', tags: [], limits: {} }), { code: 'E_INTERNAL' });
  });

  test('passwords: the broker hashes a plain password exactly as hashPassword does', async () => {
    await client.put(['users', 'plain'], { password: 'warren-vector', tags: '' });
    const u = (await live()).model.resources.get(resourceKey(user('plain', ''))) as User;
    const salt = Buffer.from(u.password_hash ?? '', 'base64').subarray(0, 4);
    assert.equal(u.hashing_algorithm, 'rabbit_password_hashing_sha256');
    assert.equal(hashPassword('warren-vector', 'rabbit_password_hashing_sha256', salt), u.password_hash);
    console.log(`vector: password warren-vector -> ${u.password_hash}`);
  });

  test('permissions and topic permissions: put twice, delete one exchange entry, delete twice', async () => {
    await broker.reset();
    for (const name of NAMES) {
      await writer.putVhost(vhost(name));
      await writer.putUser(user(name, 'pw'));
      const p: Permission = { kind: 'permission', vhost: name, user: name, configure: '^a', write: '.*', read: '' };
      await writer.putPermission(p);
      await writer.putPermission(p);
      const t1: TopicPermission = { kind: 'topic_permission', vhost: name, user: name, exchange: 'amq.topic', write: '^w', read: '^r' };
      const t2: TopicPermission = { ...t1, exchange: name };
      await writer.putTopicPermission(t1);
      await writer.putTopicPermission(t2);
      await writer.putTopicPermission(t2);
      let state = await live();
      for (const r of [p, t1, t2]) assert.deepEqual(state.model.resources.get(resourceKey(r)), r, `${name}: ${resourceKey(r)}`);
      await writer.deleteTopicPermission(name, name, name);
      await writer.deleteTopicPermission(name, name, name);
      state = await live();
      assert.equal(state.model.resources.has(resourceKey(t2)), false, 'deleted entry still there');
      assert.equal(state.model.resources.has(resourceKey(t1)), true, 'the other exchange entry went too');
      await writer.deleteTopicPermission(name, name, 'amq.topic');
      await writer.deleteTopicPermission(name, name, 'amq.topic');
      await writer.deletePermission(name, name);
      await writer.deletePermission(name, name);
      state = await live();
      assert.equal(state.model.resources.has(resourceKey(p)), false);
    }
  });

  test('exchanges, queues, bindings: idempotent, awkward names, inequivalent re-declare is E_BROKER', async () => {
    await broker.reset();
    const v = 'x/y';
    await writer.putVhost(vhost(v));
    for (const name of NAMES) {
      const e = exchange(v, name, { arguments: { 'alternate-exchange': 'ae' } });
      const q = queue(v, name, { type: 'quorum', arguments: { 'x-delivery-limit': 5, 'x-dead-letter-exchange': name } });
      const b1 = binding(v, name, name, { routing_key: `${name}.#`, arguments: {} });
      const b2 = binding(v, name, name, { routing_key: `${name}.#`, arguments: { 'x-match': 'all', n: 1 } });
      const b3: Binding = { ...binding(v, name, 'amq.fanout'), destination_type: 'exchange', routing_key: name };
      for (const r of [e, e]) await writer.putExchange(r);
      for (const r of [q, q]) await writer.putQueue(r);
      for (const r of [b1, b1, b2, b2, b3]) await writer.createBinding(r);
      let state = await live();
      for (const r of [e, b1, b2, b3]) assert.deepEqual(state.model.resources.get(resourceKey(r)), r, resourceKey(r));
      assert.deepEqual({ ...state.model.resources.get(resourceKey(q)), live: undefined }, { ...q, live: undefined });
      await writer.deleteBinding(b2);
      await writer.deleteBinding(b2);
      state = await live();
      assert.equal(state.model.resources.has(resourceKey(b2)), false);
      assert.equal(state.model.resources.has(resourceKey(b1)), true, 'deleting one binding took its sibling with other arguments');
      for (const r of [b1, b3]) {
        await writer.deleteBinding(r);
        await writer.deleteBinding(r);
      }
      await assert.rejects(writer.putQueue({ ...q, durable: false }), (err: unknown) => err instanceof WarrenError && err.code === 'E_BROKER' && /inequivalent arg 'durable'/.test(err.message));
      await assert.rejects(writer.putQueue({ ...q, type: 'classic' }), (err: unknown) => err instanceof WarrenError && err.code === 'E_BROKER' && /x-queue-type/.test(err.message));
      await writer.deleteExchange(v, name);
      await writer.deleteExchange(v, name);
      await writer.deleteQueue(v, name);
      await writer.deleteQueue(v, name);
      await writer.deleteBinding(b1); // both ends gone
    }
    // A queue another tool declared without x-queue-type accepts warren's explicit classic.
    await client.put(['queues', v, 'untyped'], { durable: true, arguments: {} });
    await writer.putQueue(queue(v, 'untyped'));
    await assert.rejects(writer.createBinding(binding(v, 'amq.topic', 'untyped', { routing_key: 'a~b', arguments: { k: 1 } })), { code: 'E_NAME' });
    await writer.createBinding(binding(v, 'amq.topic', 'untyped', { routing_key: 'a~b' }));
    await writer.deleteBinding(binding(v, 'amq.topic', 'untyped', { routing_key: 'a~b' }));
    await assert.rejects(writer.putExchange(exchange(v, 'amq.mine')), { code: 'E_BROKER' });
  });

  test('policies, operator policies, global parameters', async () => {
    await broker.reset();
    for (const name of NAMES) {
      await writer.putVhost(vhost(name));
      const p: Policy = { kind: 'policy', vhost: name, name, pattern: '^a', apply_to: 'queues', priority: 3, definition: { 'max-length': 10, 'message-ttl': 1000 } };
      const op: Policy = { ...p, kind: 'operator_policy', definition: { 'max-length': 5 } };
      for (const r of [p, p]) await writer.putPolicy(r);
      for (const r of [op, op]) await writer.putOperatorPolicy(r);
      await writer.putGlobalParameter(`g ${name}`, { nested: { list: [1, 'two'] }, n: 1 });
      const state = await live();
      assert.deepEqual(state.model.resources.get(resourceKey(p)), p);
      assert.deepEqual(state.model.resources.get(resourceKey(op)), op);
      assert.deepEqual(state.globalParameters.get(`g ${name}`), { nested: { list: [1, 'two'] }, n: 1 });
      for (let i = 0; i < 2; i++) {
        await writer.deletePolicy(name, name);
        await writer.deleteOperatorPolicy(name, name);
        await writer.deleteGlobalParameter(`g ${name}`);
      }
      const after = await live();
      assert.equal(after.model.resources.has(resourceKey(p)) || after.model.resources.has(resourceKey(op)) || after.globalParameters.has(`g ${name}`), false);
    }
  });

  test('round trip: what the writer writes, the reader reads back equal', async () => {
    await broker.reset();
    const v = 'round trip/ü';
    const written: Resource[] = [
      vhost(v, { description: 'Round trip', tags: ['prod', 'eu'].sort(), default_queue_type: 'quorum', limits: { 'max-queues': 100 } }),
      user('svc #1', 'pw', { tags: ['monitoring'], limits: { 'max-connections': 4 } }),
      { kind: 'permission', vhost: v, user: 'svc #1', configure: '^svc', write: '.*', read: '.*' },
      { kind: 'topic_permission', vhost: v, user: 'svc #1', exchange: 'events', write: '^e\\.', read: '.*' },
      exchange(v, 'events'),
      exchange(v, 'dlx', { type: 'fanout', internal: true }),
      exchange(v, 'hdr', { type: 'headers', auto_delete: true, arguments: { 'alternate-exchange': 'dlx' } }),
      queue(v, 'q.quorum', { type: 'quorum', arguments: { 'x-dead-letter-exchange': 'dlx', 'x-delivery-limit': 5 } }),
      queue(v, 'q.classic', { type: 'classic', arguments: { 'x-max-priority': 10, 'x-message-ttl': 60000 } }),
      queue(v, 'q.stream', { type: 'stream', arguments: { 'x-max-age': '1D' } }),
      queue(v, 'q.transient', { type: 'classic', durable: false, auto_delete: true }),
      binding(v, 'events', 'q.quorum', { routing_key: 'order.*' }),
      binding(v, 'hdr', 'q.classic', { arguments: { 'x-match': 'any', kind: 'a' } }),
      { ...binding(v, 'events', 'hdr'), destination_type: 'exchange', routing_key: '#' },
      { kind: 'policy', vhost: v, name: 'ttl', pattern: '^q\\.', apply_to: 'queues', priority: 1, definition: { 'max-length': 1000 } },
      { kind: 'operator_policy', vhost: v, name: 'cap', pattern: '.*', apply_to: 'all', priority: 0, definition: { 'max-length': 100000 } },
    ];
    for (const r of written) await write(r);
    await client.post(['exchanges', v, 'amq.default', 'publish'], { properties: {}, routing_key: 'q.classic', payload: 'x', payload_encoding: 'string' });
    const state = await live();
    for (const r of written) {
      const got = state.model.resources.get(resourceKey(r));
      assert.ok(got, `not read back: ${resourceKey(r)}`);
      if (got.kind === 'queue') {
        // A new stream's count is unknown until the stats database has seen it (5 s): then it reads as non-empty.
        if (got.type === 'stream') assert.ok(got.live?.messages === 0 || got.live?.messages === Infinity, got.name);
        else assert.equal(got.live?.messages, got.name === 'q.classic' ? 1 : 0, got.name);
        assert.equal(got.live?.exclusive, false);
        assert.equal(got.live?.server_named, false);
        const { live: _facts, ...rest } = got;
        assert.deepEqual(rest, r);
      } else {
        assert.deepEqual(got, r);
      }
    }
    // Nothing else in that vhost but the broker's own amq.* exchanges, marked unmanaged, and the
    // permission the broker grants the user who created the vhost.
    const extra = [...state.model.resources.entries()].filter(([k, r]) => 'vhost' in r && r.vhost === v && !written.some((w) => resourceKey(w) === k));
    for (const [k, r] of extra) {
      if (r.kind === 'exchange') assert.match(state.unmanagedReasons?.get(k) ?? '', /amq\./, k);
      else assert.deepEqual(r, { kind: 'permission', vhost: v, user: 'guest', configure: '.*', write: '.*', read: '.*' });
    }
    assert.equal(state.brokerVersion, state.brokerVersion.match(/^\d+\.\d+\.\d+/)?.[0]);
    assert.equal(state.source, broker.managementUrl);
  });
});

async function write(r: Resource): Promise<void> {
  switch (r.kind) {
    case 'vhost':
      await writer.putVhost(r);
      return writer.putVhostLimits(r.name, r.limits ?? {});
    case 'user':
      await writer.putUser(r);
      return writer.putUserLimits(r.name, r.limits);
    case 'permission':
      return writer.putPermission(r);
    case 'topic_permission':
      return writer.putTopicPermission(r);
    case 'exchange':
      return writer.putExchange(r);
    case 'queue':
      return writer.putQueue(r);
    case 'binding':
      return writer.createBinding(r);
    case 'policy':
      return writer.putPolicy(r);
    case 'operator_policy':
      return writer.putOperatorPolicy(r);
  }
}
