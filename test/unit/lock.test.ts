// The stack lock without a broker: which vhost holds it, what the holder writes into the queue,
// and what a second apply says when the exclusive declare is refused (405 RESOURCE_LOCKED).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { ChannelModel } from 'amqplib';
import { acquireStackLock, chooseLockVhost, type LockHolder } from '../../src/apply/lock.js';
import { WarrenError } from '../../src/errors.js';

test('the lock lives in "/", else the first spec vhost that exists, else the first vhost, else a spec vhost to create', () => {
  assert.deepEqual(chooseLockVhost(new Set(['/', 'a']), ['b', 'a']), { vhost: '/', create: false });
  assert.deepEqual(chooseLockVhost(new Set(['a', 'c', 'b']), ['c', 'b']), { vhost: 'b', create: false });
  assert.deepEqual(chooseLockVhost(new Set(['z', 'y']), ['b']), { vhost: 'y', create: false });
  assert.deepEqual(chooseLockVhost(new Set(), ['z', 'b']), { vhost: 'b', create: true });
  assert.equal(chooseLockVhost(new Set(), []), undefined);
});

const ME: LockHolder = { stack: 'orders', host: 'laptop', pid: 7, since: '2026-11-27T10:00:00.000Z', version: '0.1.0', user: 'deploy' };

/** A connection whose one channel answers assertQueue with `outcome`. */
function fakeConnection(outcome: (args: Record<string, unknown>) => Promise<unknown>): ChannelModel & { closed: boolean } {
  const conn = new EventEmitter() as unknown as ChannelModel & { closed: boolean };
  conn.closed = false;
  Object.assign(conn, {
    createChannel: async () => Object.assign(new EventEmitter(), { assertQueue: (_q: string, o: { arguments: Record<string, unknown> }) => outcome(o.arguments) }),
    close: async () => {
      conn.closed = true;
    },
  });
  return conn;
}

test('the holder is written into the exclusive queue; release closes the connection', async () => {
  let declared: Record<string, unknown> = {};
  const conn = fakeConnection(async (args) => {
    declared = args;
    return {};
  });
  const lock = await acquireStackLock('/', ME, { connect: async () => conn, queueArguments: async () => undefined });
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
    acquireStackLock('/', ME, { connect: async () => conn, queueArguments: async () => holder }),
    (e: unknown) => e instanceof WarrenError && e.code === 'E_LOCKED' && e.message.startsWith('stack orders is locked by host ci-7 pid 4121 since 2026-11-27T09:59:00.000Z (warren 0.1.0, user ci);'),
  );
  assert.equal(conn.closed, true);
  // The holder finished between our declare and our read.
  await assert.rejects(
    acquireStackLock('/', ME, { connect: async () => fakeConnection(async () => Promise.reject(Object.assign(new Error('x'), { code: 405 }))), queueArguments: async () => undefined }),
    /was locked by another apply .* that has just ended/,
  );
});

test('a connection that drops while the lock is held is reported as lost', async () => {
  const conn = fakeConnection(async () => ({}));
  const lock = await acquireStackLock('/', ME, { connect: async () => conn, queueArguments: async () => undefined });
  (conn as unknown as EventEmitter).emit('close', new Error('CONNECTION_FORCED'));
  assert.equal(lock.lost, 'CONNECTION_FORCED');
});
