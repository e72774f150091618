// Only one apply per stack at a time, across machines: the lock is an exclusive queue
// `warren.lock.<stack>` declared on the applying process's own AMQP connection. The broker allows
// one connection to hold an exclusive queue and deletes it when that connection closes, so a
// crashed or killed apply never leaves the lock behind (a silent network loss is noticed by the
// connection's heartbeat). Who holds it (host, pid, since when, warren version, user) travels in
// the queue's arguments, which a second apply reads through the management API to say so.
// The lock is only worth something while its connection lives: when that drops mid-apply the lock
// is taken again on another endpoint, or the apply stops (StackLock below).
import { hostname } from 'node:os';
import type { ChannelModel } from 'amqplib';
import { WarrenError } from '../errors.js';
import { destroyConnection } from '../live/amqp-connect.js';
import { withDeadline } from '../live/deadline.js';
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
  /** A connection to `vhost`, trying the endpoints from the `startAt`-th on (a cluster's nodes, wrapping round). */
  connect(vhost: string, startAt?: number): Promise<LockConnection>;
  /** The lock queue's arguments as the management API shows them; undefined when it is gone. */
  queueArguments(vhost: string, queue: string): Promise<Record<string, unknown> | undefined>;
  /** The deadline of each AMQP call the lock makes (channel open, declare, close); default 30 s. */
  deadlineMs?: number | undefined;
  /** Told when the lock moves to another connection, for a progress line. */
  onEvent?: ((line: string) => void) | undefined;
}

export interface LockConnection {
  connection: ChannelModel;
  /** The base URL it reached, and its position in the endpoint list. */
  endpoint: string;
  index: number;
}

const DEFAULT_DEADLINE_MS = 30_000;

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


/**
 * A held lock. Its connection is watched: when it drops (its node died, was frozen past the
 * heartbeat, or the broker closed it), the lock is taken again at once on the next endpoint, in the
 * same vhost, under the same queue name. Until that succeeds `held()` waits; when it cannot (another
 * apply took the lock meanwhile, or no node would take it before the deadline), `held()` throws and
 * the apply stops before its next change.
 */
export class StackLock {
  /** Why the lock was lost and not taken back, if it was. */
  lost: string | undefined;
  /** Each time the lock moved to another connection: why, and where it went. */
  readonly moves: string[] = [];
  #current: LockConnection;
  #retaking: Promise<void> | undefined;
  #released = false;

  constructor(
    readonly stack: string,
    readonly vhost: string,
    taken: LockConnection,
    readonly holder: LockHolder,
    readonly broker: LockBroker,
  ) {
    this.#current = taken;
    this.#watch(taken);
  }

  get connection(): ChannelModel {
    return this.#current.connection;
  }

  get endpoint(): string {
    return this.#current.endpoint;
  }

  /** Resolves while the lock is held (waiting for a re-take in progress); E_LOCKED once it is lost for good. */
  async held(): Promise<void> {
    await this.#retaking;
    if (this.lost !== undefined) {
      throw new WarrenError('E_LOCKED', `the lock of stack ${this.stack} was lost and could not be taken again: ${this.lost}; apply stopped so that no other apply runs at the same time`, { endpoint: this.endpoint });
    }
  }

  /** Closing the connection deletes the exclusive queue: the lock is free again. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.#retaking?.catch(() => undefined);
    await closeWithin(this.#current.connection, this.#deadline);
  }

  get #deadline(): number {
    return this.broker.deadlineMs ?? DEFAULT_DEADLINE_MS;
  }

  #watch(taken: LockConnection): void {
    const { connection } = taken;
    connection.on('error', () => undefined);
    connection.on('close', (err?: unknown) => {
      if (this.#released || this.#current !== taken) return;
      const reason = err instanceof Error ? err.message : 'the connection closed';
      // A heartbeat timeout leaves the socket to a frozen node open: drop it.
      destroyConnection(connection, reason);
      this.#retaking = this.#retake(taken, reason);
    });
  }

  /** Declares the lock queue again, endpoint after endpoint, until one takes it or the deadline passes. */
  async #retake(lostOne: LockConnection, reason: string): Promise<void> {
    const until = Date.now() + 2 * this.#deadline;
    const failures: string[] = [];
    for (let attempt = 1; !this.#released; attempt++) {
      try {
        const taken = await declareLock(this.vhost, this.holder, this.broker, lostOne.index + attempt);
        if (this.#released) {
          await closeWithin(taken.connection, this.#deadline);
          return;
        }
        this.#current = taken;
        this.#watch(taken);
        const move = `the connection holding the lock of stack ${this.stack} to ${lostOne.endpoint} was lost (${reason}); took the lock again on ${taken.endpoint} (queue ${lockQueueName(this.stack)} in vhost ${this.vhost})`;
        this.moves.push(move);
        this.broker.onEvent?.(`Lock: ${move}`);
        return;
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        failures.push(why);
        if (amqpCode(err) === 405) failures[failures.length - 1] = 'the lock queue is held by another connection (another apply, or this one\'s on a node the cluster has not yet seen die)';
        if (Date.now() >= until) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    if (this.#released) return;
    this.lost = `its connection to ${lostOne.endpoint} was lost (${reason}), and taking it again failed: ${failures.at(-1) ?? 'no endpoint answered'}`;
    this.broker.onEvent?.(`Lock: ${this.lost}`);
  }
}

export async function acquireStackLock(vhost: string, holder: LockHolder, broker: LockBroker): Promise<StackLock> {
  const queue = lockQueueName(holder.stack);
  try {
    const taken = await declareLock(vhost, holder, broker, 0);
    return new StackLock(holder.stack, vhost, taken, holder, broker);
  } catch (err) {
    if (err instanceof WarrenError) throw err;
    if (amqpCode(err) === 405) throw lockedError(holder.stack, vhost, await broker.queueArguments(vhost, queue).catch(() => undefined));
    const reason = err instanceof Error ? err.message : String(err);
    throw new WarrenError('E_LOCKED', `could not take the lock of stack ${holder.stack} (queue ${queue} in vhost ${vhost}): ${reason}`);
  }
}

/** One connection holding the exclusive lock queue; closed again when the declare fails. */
async function declareLock(vhost: string, holder: LockHolder, broker: LockBroker, startAt: number): Promise<LockConnection> {
  const deadline = broker.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const taken = await broker.connect(vhost, startAt);
  const { connection } = taken;
  connection.on('error', () => undefined);
  try {
    const channel = await withDeadline(connection.createChannel(), deadline, 'opening a channel for the lock');
    channel.on('error', () => undefined);
    await withDeadline(channel.assertQueue(lockQueueName(holder.stack), { exclusive: true, durable: false, autoDelete: false, arguments: holderArguments(holder) }), deadline, 'declaring the lock queue');
    return taken;
  } catch (err) {
    await closeWithin(connection, deadline);
    throw err;
  }
}

/** Closes a connection, or drops its socket when the node does not answer the closing handshake in time. */
async function closeWithin(connection: ChannelModel, ms: number): Promise<void> {
  try {
    await withDeadline(connection.close(), ms, 'closing the lock connection');
  } catch {
    destroyConnection(connection, 'closed without an answer'); // already closed, or a frozen node
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
