// The stack lock without a broker: which vhost holds it, what the holder writes into the queue,
// what a second apply says when the exclusive declare is refused (405 RESOURCE_LOCKED), and what
// happens when the lock's connection drops mid-apply: taken again on the next endpoint, or lost.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { ChannelModel } from 'amqplib';
import { acquireStackLock, chooseLockVhost, type LockBroker, type LockConnection, type LockHolder } from '../../src/apply/lock.js';
import { WarrenError } from '../../src/errors.js';

test('the lock lives in "/", else the first spec vhost that exists, else the first vhost, else a spec vhost to create', () => {
  assert.deepEqual(chooseLockVhost(new Set(['/', 'a']), ['b', 'a']), { vhost: '/', create: false });
  assert.deepEqual(chooseLockVhost(new Set(['a', 'c', 'b']), ['c', 'b']), { vhost: 'b', create: false });
  assert.deepEqual(chooseLockVhost(new Set(['z', 'y']), ['b']), { vhost: 'y', create: false });
  assert.deepEqual(chooseLockVhost(new Set(), ['z', 'b']), { vhost: 'b', create: true });
  assert.equal(chooseLockVhost(new Set(), []), undefined);
});

const ME: LockHolder = { stack: 'orders', host: 'laptop', pid: 7, since: '2026-11-27T10:00:00.000Z', version: '0.1.0', user: 'deploy' };

type FakeConnection = ChannelModel & { closed: boolean };

/** A connection whose one channel answers assertQueue with `outcome`. */
function fakeConnection(outcome: (args: Record<string, unknown>) => Promise<unknown>): FakeConnection {
  const conn = new EventEmitter() as unknown as FakeConnection;
  conn.closed = false;
  Object.assign(conn, {
    createChannel: async () => Object.assign(new EventEmitter(), { assertQueue: (_q: string, o: { arguments: Record<string, unknown> }) => outcome(o.arguments) }),
    close: async () => {
      conn.closed = true;
    },
  });
  return conn;
}

const at = (connection: ChannelModel, index = 0): LockConnection => ({ connection, endpoint: `amqp://node-${index}:5672`, index });

test('the holder is written into the exclusive queue; release closes the connection', async () => {
  let declared: Record<string, unknown> = {};
  const conn = fakeConnection(async (args) => {
    declared = args;
    return {};
  });
  const lock = await acquireStackLock('/', ME, { connect: async () => at(conn), queueArguments: async () => undefined });
  assert.deepEqual(declared, { 'x-queue-type': 'classic', 'x-warren-stack': 'orders', 'x-warren-host': 'laptop', 'x-warren-pid': 7, 'x-warren-since': '2026-11-27T10:00:00.000Z', 'x-warren-version': '0.1.0', 'x-warren-user': 'deploy' });
  await lock.release();
  assert.equal(conn.closed, true);
  assert.equal(lock.lost, undefined);
});

test('a lock held elsewhere: E_LOCKED naming host, pid and since, and our connection is closed', async () => {
  const conn = fakeConnection(async () => {
    throw Object.assign(new Error('RESOURCE_LOCKED'), { code: 405 });
  });
  const holder = { 'x-warren-host': 'ci-7', 'x-warren-pid': 4121, 'x-warren-since': '2026-11-27T09:59:00.000Z', 'x-warren-version': '0.1.0', 'x-warren-user': 'ci' };
  await assert.rejects(
    acquireStackLock('/', ME, { connect: async () => at(conn), queueArguments: async () => holder }),
    (e: unknown) => e instanceof WarrenError && e.code === 'E_LOCKED' && e.message.startsWith('stack orders is locked by host ci-7 pid 4121 since 2026-11-27T09:59:00.000Z (warren 0.1.0, user ci);'),
  );
  assert.equal(conn.closed, true);
  // The holder finished between our declare and our read.
  await assert.rejects(
    acquireStackLock('/', ME, { connect: async () => at(fakeConnection(async () => Promise.reject(Object.assign(new Error('x'), { code: 405 })))), queueArguments: async () => undefined }),
    /was locked by another apply .* that has just ended/,
  );
});

test('a lock declare that never answers (a frozen node) ends with E_LOCKED at the deadline, and the connection is let go', async () => {
  const conn = fakeConnection(() => new Promise(() => undefined));
  await assert.rejects(
    acquireStackLock('/', ME, { connect: async () => at(conn), queueArguments: async () => undefined, deadlineMs: 50 }),
    (e: unknown) => e instanceof WarrenError && e.code === 'E_LOCKED' && /no answer to declaring the lock queue within 50 ms/.test(e.message),
  );
  assert.equal(conn.closed, true);
});

/** A broker of several endpoints: connect(vhost, startAt) hands out the connection for endpoint startAt mod n. */
function cluster(connections: FakeConnection[], events: string[]): LockBroker & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    connect: async (_vhost, startAt = 0) => {
      const index = startAt % connections.length;
      asked.push(index);
      return at(connections[index] as FakeConnection, index);
    },
    queueArguments: async () => undefined,
    deadlineMs: 200,
    onEvent: (line) => events.push(line),
  };
}

test('the lock connection drops mid-apply: the lock is taken again on the next endpoint, same vhost and queue, and it says so', async () => {
  const events: string[] = [];
  const first = fakeConnection(async () => ({}));
  const second = fakeConnection(async () => ({}));
  const broker = cluster([first, second], events);
  const lock = await acquireStackLock('orders', ME, broker);
  (first as unknown as EventEmitter).emit('close', new Error('Heartbeat timeout'));
  await lock.held();
  assert.equal(lock.lost, undefined);
  assert.equal(lock.connection, second);
  assert.deepEqual(broker.asked, [0, 1]);
  assert.deepEqual(events, [
    'Lock: the connection holding the lock of stack orders to amqp://node-0:5672 was lost (Heartbeat timeout); took the lock again on amqp://node-1:5672 (queue warren.lock.orders in vhost orders)',
  ]);
  await lock.release();
  assert.equal(second.closed, true);
});

test('the lock connection drops and another apply takes the lock first: held() stops the apply with E_LOCKED saying why', async () => {
  const events: string[] = [];
  const first = fakeConnection(async () => ({}));
  const taken = fakeConnection(async () => Promise.reject(Object.assign(new Error('RESOURCE_LOCKED'), { code: 405 })));
  let calls = 0;
  const broker = cluster([first, taken], events);
  broker.connect = async () => (calls++ === 0 ? at(first) : at(taken, 1)); // every later try meets the other apply's lock
  const lock = await acquireStackLock('/', ME, broker);
  (first as unknown as EventEmitter).emit('close', new Error('CONNECTION_FORCED'));
  await assert.rejects(lock.held(), (e: unknown) => e instanceof WarrenError && e.code === 'E_LOCKED' && /the lock of stack orders was lost and could not be taken again: its connection to amqp:\/\/node-0:5672 was lost \(CONNECTION_FORCED\), and taking it again failed: the lock queue is held by another connection/.test(e.message) && /apply stopped/.test(e.message));
  assert.match(lock.lost ?? '', /CONNECTION_FORCED/);
  assert.equal(taken.closed, true, 'the refused connection is closed');
  await lock.release();
});
