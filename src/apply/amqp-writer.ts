// Exchanges, queues and bindings over AMQP: the fast path for big applies. One connection per
// vhost (AMQP connections are bound to a vhost) and a pool of channels on it, because amqplib
// keeps one RPC in flight per channel; many channels let the broker work in parallel.
// Every call has a deadline (operationTimeoutMs): a frozen node (SIGSTOP) never answers, and a call
// that runs out of time counts as a lost connection (the socket is dropped, so every call in flight
// on it fails at once).
// When a connection is lost mid-apply (its node stopped), the vhost reconnects on the next URL
// and each operation that failed with it is sent once more: all of them are idempotent (declare
// and bind state the whole object, deletes of what is gone succeed), and the lost node may or may
// not have applied them. An operation the broker refused (406, 403...) is never repeated.
// The user warren connects as may have a max-channels limit below channelsPerVhost: the broker then
// closes the whole connection (530) at the first channel too many. The limit it names, less the
// lock's channel, then bounds the channels of all the vhosts' connections together (a vhost without
// a channel takes the place of another's idle one), and what was in flight is sent again (more
// than once if need be: the broker counts the channels of a closed connection a moment longer, so
// a new connection waits that moment first).
// One exception to "just send it again": a quorum queue or stream whose declaration was cut short
// by its node dying can be left half made on RabbitMQ 3.10 (the queue record exists, its Raft
// group never formed: no leader, never listed with disable_stats), and a second declare answers
// "exists". declareQueue is only used for queues that did not exist before (create, or the create
// half of a replace), so the retry deletes what the lost node left and declares it afresh.
import type { Channel, ChannelModel } from 'amqplib';
import { WarrenError } from '../errors.js';
import type { Binding, Exchange, Queue } from '../model/types.js';
import { DEFAULT_OPERATION_TIMEOUT_MS, connectAmqp, destroyConnection, type AmqpConnectOptions } from '../live/amqp-connect.js';
import { DeadlineExceeded, deadlineError, withDeadline } from '../live/deadline.js';
import type { CertInfo } from '../live/tls-material.js';

export interface AmqpWriterOptions extends AmqpConnectOptions {
  channelsPerVhost: number;
  /** Told of each new connection's server certificate (amqps), for the expiry warning. */
  onPeerCertificate?: ((endpoint: string, cert: CertInfo) => void) | undefined;
}

interface VhostPool {
  connection: ChannelModel;
  endpoint: string;
  index: number;
  idle: Channel[];
  open: number;
  /** channelsPerVhost, or fewer when the broker allows fewer channels per connection (channel_max). */
  maxOpen: number;
  waiters: ((ch: Channel | undefined) => void)[];
  /** Set when the connection closed; the pool is then dropped and the vhost reconnects. */
  lost?: string | undefined;
  /** The broker closed it for the user's channel limit: nothing else is wrong, so calls may be sent again more than once. */
  overLimit?: boolean | undefined;
}

export class AmqpWriter {
  readonly #options: AmqpWriterOptions;
  readonly #pools = new Map<string, Promise<VhostPool>>();
  /** Which URL new connections try first. */
  #start = 0;
  /** Channels the user may have open in all, once the broker refused one for its max-channels limit. */
  #userChannelCap = Number.POSITIVE_INFINITY;
  /** The pools whose connection is open: under a user channel limit their channels share it. */
  readonly #live = new Set<VhostPool>();
  /** Acquires waiting for room under the user's channel limit (another pool parks or loses a channel). */
  #roomWaiters: (() => void)[] = [];
  /** When a connection was last closed for the user's channel limit. */
  #lastOverLimit = 0;
  #closing = false;

  /** Each AMQP call's deadline; past it the connection counts as lost (a frozen node). */
  readonly #deadlineMs: number;

  constructor(options: AmqpWriterOptions) {
    this.#options = options;
    this.#deadlineMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  }

  async declareExchange(e: Exchange): Promise<void> {
    await this.#withChannel(e.vhost, `declare exchange ${e.name}`, (ch) =>
      ch.assertExchange(e.name, e.type, { durable: e.durable, autoDelete: e.auto_delete, internal: e.internal, arguments: e.arguments }),
    );
  }

  async deleteExchange(vhost: string, name: string): Promise<void> {
    await this.#withChannel(vhost, `delete exchange ${name}`, (ch) => ch.deleteExchange(name));
  }

  /** A queue that does not exist yet (see the header for why that matters on a retry). */
  async declareQueue(q: Queue): Promise<void> {
    // x-queue-type always goes out explicitly: otherwise a vhost's default queue type would decide.
    const args = { ...q.arguments, 'x-queue-type': q.type };
    await this.#withChannel(q.vhost, `declare queue ${q.name}`, async (ch, retry) => {
      if (retry && q.type !== 'classic') await ch.deleteQueue(q.name);
      await ch.assertQueue(q.name, { durable: q.durable, autoDelete: q.auto_delete, arguments: args });
    });
  }

  async deleteQueue(vhost: string, name: string): Promise<void> {
    await this.#withChannel(vhost, `delete queue ${name}`, (ch) => ch.deleteQueue(name));
  }

  async bind(b: Binding): Promise<void> {
    await this.#withChannel(b.vhost, `bind ${b.source} -> ${b.destination}`, (ch) =>
      b.destination_type === 'queue' ? ch.bindQueue(b.destination, b.source, b.routing_key, b.arguments) : ch.bindExchange(b.destination, b.source, b.routing_key, b.arguments),
    );
  }

  async unbind(b: Binding): Promise<void> {
    await this.#withChannel(b.vhost, `unbind ${b.source} -> ${b.destination}`, (ch) =>
      b.destination_type === 'queue' ? ch.unbindQueue(b.destination, b.source, b.routing_key, b.arguments) : ch.unbindExchange(b.destination, b.source, b.routing_key, b.arguments),
    );
  }

  async close(): Promise<void> {
    this.#closing = true;
    const pools = await Promise.allSettled(this.#pools.values());
    this.#pools.clear();
    await Promise.allSettled(pools.map((p) => (p.status === 'fulfilled' ? this.#closeConnection(p.value) : Promise.resolve())));
  }

  /** A frozen node never answers the closing handshake: past the deadline the socket is dropped. */
  async #closeConnection(pool: VhostPool): Promise<void> {
    if (pool.lost !== undefined) return;
    try {
      await withDeadline(pool.connection.close(), this.#deadlineMs, 'closing the connection');
    } catch {
      destroyConnection(pool.connection, 'closed without an answer');
    }
  }

  /** Runs `work` on a pooled channel; `retry` is true when it runs again after a lost connection. */
  async #withChannel(vhost: string, what: string, work: (ch: Channel, retry: boolean) => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const pool = await this.#pool(vhost);
      try {
        const ch = await this.#acquire(pool, vhost);
        try {
          await withDeadline(work(ch, attempt > 1), this.#deadlineMs, `${what} in vhost ${vhost}`);
        } catch (err) {
          // A failed AMQP method closes its channel: drop it and let the pool open a fresh one.
          pool.open--;
          this.#release(pool, undefined);
          // No answer in time: the node is frozen or cut off. Treated like a dead node.
          if (err instanceof DeadlineExceeded) this.#abandon(pool, vhost, err.message);
          throw err;
        }
        this.#release(pool, ch);
        return;
      } catch (err) {
        // The connection's 'close' event may come a moment after the failed call.
        if (pool.lost === undefined) await new Promise((r) => setTimeout(r, 20));
        if (pool.lost !== undefined && (attempt === 1 || (pool.overLimit === true && attempt <= OVER_LIMIT_RESENDS))) {
          this.#options.onEvent?.(`AMQP: ${what} in vhost ${vhost} did not complete before the connection was lost; sending it again`);
          continue; // once on a new connection (a few times when it was only the channel limit)
        }
        if (err instanceof WarrenError) throw err;
        if (err instanceof DeadlineExceeded) throw deadlineError(err, pool.endpoint);
        const lost = pool.lost !== undefined ? ` (connection lost: ${pool.lost})` : '';
        throw new WarrenError('E_BROKER', `${what} in vhost ${vhost}: ${amqpReason(err)}${lost}`, { endpoint: pool.endpoint });
      }
    }
  }

  /** The vhost's open pool; a new connection when there is none or the last one was lost. */
  async #pool(vhost: string): Promise<VhostPool> {
    for (;;) {
      let pending = this.#pools.get(vhost);
      if (!pending) {
        const connecting = this.#connect(vhost);
        pending = connecting;
        this.#pools.set(vhost, connecting);
        connecting.catch(() => {
          if (this.#pools.get(vhost) === connecting) this.#pools.delete(vhost);
        });
      }
      const pool = await pending;
      if (pool.lost === undefined) return pool;
      if (this.#pools.get(vhost) === pending) this.#pools.delete(vhost);
    }
  }

  async #connect(vhost: string): Promise<VhostPool> {
    const settle = this.#lastOverLimit + OVER_LIMIT_SETTLE_MS - Date.now();
    if (settle > 0) await new Promise((r) => setTimeout(r, settle));
    const { connection, endpoint, index, peerCertificate } = await connectAmqp(this.#options, vhost, this.#start);
    if (peerCertificate) this.#options.onPeerCertificate?.(endpoint, peerCertificate);
    const pool: VhostPool = { connection, endpoint, index, idle: [], open: 0, maxOpen: Math.min(this.#options.channelsPerVhost, channelMax(connection), this.#userChannelCap), waiters: [] };
    connection.on('close', (err: unknown) => {
      if (this.#closing) return;
      if (this.#learnUserChannelLimit(err)) {
        pool.overLimit = true;
        this.#lastOverLimit = Date.now();
      }
      this.#markLost(pool, vhost, err instanceof Error ? amqpReason(err) : 'closed');
    });
    this.#live.add(pool);
    return pool;
  }

  /** Gives up a connection that let a call run out of time; its calls in flight fail at once. */
  #abandon(pool: VhostPool, vhost: string, reason: string): void {
    if (pool.lost !== undefined) return;
    this.#markLost(pool, vhost, reason);
    destroyConnection(pool.connection, reason);
  }

  /** 530 "number of channels opened for user 'u' has reached the maximum allowed user limit of (N)". */
  #learnUserChannelLimit(err: unknown): boolean {
    const code = (err as { code?: unknown } | undefined)?.code;
    const limit = code === 530 && err instanceof Error ? /number of channels opened for user .* limit of \((\d+)\)/s.exec(err.message)?.[1] : undefined;
    if (limit === undefined) return false;
    // The lock's connection, as the same user, holds one channel of the limit.
    const cap = Math.max(1, Number(limit) - 1);
    if (cap >= this.#userChannelCap) return true;
    this.#userChannelCap = cap;
    this.#options.onEvent?.(`AMQP: the user may open ${limit} channels (its max-channels limit): using at most ${cap} at once`);
    return true;
  }

  #markLost(pool: VhostPool, vhost: string, reason: string): void {
    if (pool.lost !== undefined) return;
    pool.lost = reason;
    this.#live.delete(pool);
    this.#wakeRoomWaiters();
    // New connections start at the next URL; the one that was lost is tried last.
    if (this.#start === pool.index) this.#start = (pool.index + 1) % this.#options.urls.length;
    this.#options.onEvent?.(`AMQP: connection to ${pool.endpoint} (vhost ${vhost}) lost: ${reason}; reconnecting`);
    for (const waiter of pool.waiters.splice(0)) waiter(undefined);
  }

  async #acquire(pool: VhostPool, vhost: string): Promise<Channel> {
    const idle = pool.idle.pop();
    if (idle) return idle;
    if (pool.lost !== undefined) throw new WarrenError('E_CONNECT', `the AMQP connection to ${pool.endpoint} was lost: ${pool.lost}`, { endpoint: pool.endpoint });
    if (pool.open < pool.maxOpen && this.#atUserChannelLimit()) {
      // A pool with channels gets one back when a call of its own ends; one without makes room.
      if (pool.open === 0) {
        await this.#makeRoom(pool);
        return this.#acquire(pool, vhost);
      }
    } else if (pool.open < pool.maxOpen) {
      pool.open++;
      try {
        const ch = await withDeadline(pool.connection.createChannel(), this.#deadlineMs, `opening a channel in vhost ${vhost}`);
        ch.on('error', () => undefined);
        return ch;
      } catch (err) {
        pool.open--;
        if (err instanceof DeadlineExceeded) {
          this.#abandon(pool, vhost, err.message);
          throw deadlineError(err, pool.endpoint);
        }
        throw new WarrenError('E_BROKER', `could not open an AMQP channel: ${amqpReason(err)}`, { endpoint: pool.endpoint });
      }
    }
    const handed = await new Promise<Channel | undefined>((resolve) => pool.waiters.push(resolve));
    return handed ?? this.#acquire(pool, vhost);
  }

  /** Hands a channel to the next waiter, or parks it; `undefined` lets a waiter open a new one. */
  #release(pool: VhostPool, ch: Channel | undefined): void {
    const waiter = pool.waiters.shift();
    if (waiter) return waiter(ch);
    if (ch) pool.idle.push(ch);
    this.#wakeRoomWaiters();
  }

  #atUserChannelLimit(): boolean {
    if (this.#userChannelCap === Number.POSITIVE_INFINITY) return false;
    let open = 0;
    for (const p of this.#live) open += p.open;
    return open >= this.#userChannelCap;
  }

  /** Closes another pool's idle channel, or waits until a channel is parked or lost somewhere. */
  async #makeRoom(pool: VhostPool): Promise<void> {
    for (const other of this.#live) {
      const ch = other === pool ? undefined : other.idle.pop();
      if (!ch) continue;
      other.open--;
      await withDeadline(ch.close(), this.#deadlineMs, 'closing an idle channel').catch(() => undefined);
      return;
    }
    await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
  }

  #wakeRoomWaiters(): void {
    if (this.#roomWaiters.length === 0) return;
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }
}

/** How long the broker may still count a closed connection's channels against the user's limit. */
const OVER_LIMIT_SETTLE_MS = 250;
/** Sends of one call when its connections keep closing for the user's channel limit. */
const OVER_LIMIT_RESENDS = 4;

/** The channels a connection may open, as negotiated with the broker (its channel_max, 2047 by default). */
function channelMax(connection: ChannelModel): number {
  const max = (connection as unknown as { connection?: { channelMax?: unknown } }).connection?.channelMax;
  return typeof max === 'number' && max > 0 ? max : Number.POSITIVE_INFINITY;
}

/** amqplib errors read "Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) with message ..."; keep the broker's part. */
function amqpReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const match = /;\s*(\d{3} \([A-Z-]+\) with message "(.*)")/s.exec(text);
  return match?.[1] ?? text;
}
