// Only one apply per stack at a time, across machines: the lock is an exclusive queue
// `warren.lock.<stack>` declared on the applying process's own AMQP connection. The broker allows
// one connection to hold an exclusive queue and deletes it when that connection closes, so a
// crashed or killed apply never leaves the lock behind (a silent network loss is noticed by the
// connection's heartbeat). Who holds it (host, pid, since when, warren version, user) travels in
// the queue's arguments, which a second apply reads through the management API to say so.
import { hostname } from 'node:os';
import type { ChannelModel } from 'amqplib';
import { WarrenError } from '../errors.js';
import { WARREN_VERSION } from '../version.js';

export const LOCK_QUEUE_PREFIX = 'warren.lock.';

export interface LockHolder {
  stack: string;
  host: string;
  pid: number;
  /** ISO 8601, UTC. */
  since: string;
  version: string;
  user: string;
}

/** The broker side of the lock: injected so the CLI decides URLs, TLS and credentials. */
export interface LockBroker {
  connect(vhost: string): Promise<ChannelModel>;
  /** The lock queue's arguments as the management API shows them; undefined when it is gone. */
  queueArguments(vhost: string, queue: string): Promise<Record<string, unknown> | undefined>;
}

/**
 * Where the lock lives; every apply of a stack must pick the same vhost from what it sees:
 * "/" when the broker has it; else the first of the spec's vhosts (by name) that exists; else the
 * broker's first vhost; else (a broker without vhosts) the spec's first, which must be created.
 */
export function chooseLockVhost(existing: ReadonlySet<string>, specVhosts: readonly string[]): { vhost: string; create: boolean } | undefined {
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const spec = [...specVhosts].sort(byName);
  const found = existing.has('/') ? '/' : (spec.find((v) => existing.has(v)) ?? [...existing].sort(byName)[0]);
  if (found !== undefined) return { vhost: found, create: false };
  return spec[0] === undefined ? undefined : { vhost: spec[0], create: true };
}

export function lockQueueName(stack: string): string {
  return `${LOCK_QUEUE_PREFIX}${stack}`;
}

export function currentHolder(stack: string, user: string, now = new Date()): LockHolder {
  return { stack, host: hostname(), pid: process.pid, since: now.toISOString(), version: WARREN_VERSION, user };
}

export class StackLock {
  /** Why the lock was lost before release (its connection closed), if it was. */
  lost: string | undefined;
  #released = false;

  constructor(
    readonly stack: string,
    readonly vhost: string,
    readonly connection: ChannelModel,
  ) {
    connection.on('close', (err?: unknown) => {
      if (!this.#released) this.lost = err instanceof Error ? err.message : 'the connection closed';
    });
    connection.on('error', () => undefined);
  }

  /** Closing the connection deletes the exclusive queue: the lock is free again. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    try {
      await this.connection.close();
    } catch {
      /* already closed: the broker dropped the queue with it */
    }
  }
}

export async function acquireStackLock(vhost: string, holder: LockHolder, broker: LockBroker): Promise<StackLock> {
  const queue = lockQueueName(holder.stack);
  const connection = await broker.connect(vhost);
  const lock = new StackLock(holder.stack, vhost, connection);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    await channel.assertQueue(queue, { exclusive: true, durable: false, autoDelete: false, arguments: holderArguments(holder) });
    return lock;
  } catch (err) {
    await lock.release();
    if (amqpCode(err) === 405) throw lockedError(holder.stack, vhost, await broker.queueArguments(vhost, queue).catch(() => undefined));
    const reason = err instanceof Error ? err.message : String(err);
    throw new WarrenError('E_LOCKED', `could not take the lock of stack ${holder.stack} (queue ${queue} in vhost ${vhost}): ${reason}`);
  }
}

/**
 * A classic queue whatever the vhost's default queue type (an exclusive quorum queue cannot
 * exist); RabbitMQ keeps x- arguments it does not know on classic queues as they are.
 */
function holderArguments(h: LockHolder): Record<string, unknown> {
  return {
    'x-queue-type': 'classic',
    'x-warren-stack': h.stack,
    'x-warren-host': h.host,
    'x-warren-pid': h.pid,
    'x-warren-since': h.since,
    'x-warren-version': h.version,
    'x-warren-user': h.user,
  };
}

function lockedError(stack: string, vhost: string, args: Record<string, unknown> | undefined): WarrenError {
  const tail = 'it is released when that apply ends or its connection drops; try again then';
  if (!args) return new WarrenError('E_LOCKED', `stack ${stack} was locked by another apply (queue ${lockQueueName(stack)} in vhost ${vhost}) that has just ended or is ending; ${tail}`);
  const s = (k: string): string => String(args[`x-warren-${k}`] ?? 'unknown');
  return new WarrenError(
    'E_LOCKED',
    `stack ${stack} is locked by host ${s('host')} pid ${s('pid')} since ${s('since')} (warren ${s('version')}, user ${s('user')}); ${tail}`,
  );
}

function amqpCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}
