// Exchanges, queues and bindings over AMQP: the fast path for big applies. One connection per
// vhost (AMQP connections are bound to a vhost) and a pool of channels on it, because amqplib
// keeps one RPC in flight per channel; many channels let the broker work in parallel.
// When a connection is lost mid-apply (its node stopped), the vhost reconnects on the next URL
// and each operation that failed with it is sent once more: all of them are idempotent (declare
// and bind state the whole object, deletes of what is gone succeed), and the lost node may or may
// not have applied them. An operation the broker refused (406, 403...) is never repeated.
// One exception to "just send it again": a quorum queue or stream whose declaration was cut short
// by its node dying can be left half made on RabbitMQ 3.10 (the queue record exists, its Raft
// group never formed: no leader, never listed with disable_stats), and a second declare answers
// "exists". declareQueue is only used for queues that did not exist before (create, or the create
// half of a replace), so the retry deletes what the lost node left and declares it afresh.
import type { Channel, ChannelModel } from 'amqplib';
import { WarrenError } from '../errors.js';
import type { Binding, Exchange, Queue } from '../model/types.js';
import { connectAmqp, type AmqpConnectOptions } from '../live/amqp-connect.js';
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
  waiters: ((ch: Channel | undefined) => void)[];
  /** Set when the connection closed; the pool is then dropped and the vhost reconnects. */
  lost?: string | undefined;
}

export class AmqpWriter {
  readonly #options: AmqpWriterOptions;
  readonly #pools = new Map<string, Promise<VhostPool>>();
  /** Which URL new connections try first. */
  #start = 0;
  #closing = false;

  constructor(options: AmqpWriterOptions) {
    this.#options = options;
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
    await Promise.allSettled(pools.map((p) => (p.status === 'fulfilled' ? p.value.connection.close() : Promise.resolve())));
  }

  /** Runs `work` on a pooled channel; `retry` is true when it runs again after a lost connection. */
  async #withChannel(vhost: string, what: string, work: (ch: Channel, retry: boolean) => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const pool = await this.#pool(vhost);
      try {
        const ch = await this.#acquire(pool);
        try {
          await work(ch, attempt > 1);
        } catch (err) {
          // A failed AMQP method closes its channel: drop it and let the pool open a fresh one.
          pool.open--;
          this.#release(pool, undefined);
          throw err;
        }
        this.#release(pool, ch);
        return;
      } catch (err) {
        // The connection's 'close' event may come a moment after the failed call.
        if (pool.lost === undefined) await new Promise((r) => setTimeout(r, 20));
        if (pool.lost !== undefined && attempt === 1) {
          this.#options.onEvent?.(`AMQP: ${what} in vhost ${vhost} did not complete before the connection was lost; sending it again`);
          continue; // once, on a new connection
        }
        if (err instanceof WarrenError) throw err;
        const lost = pool.lost !== undefined ? ` (connection lost: ${pool.lost})` : '';
        throw new WarrenError('E_BROKER', `${what} in vhost ${vhost}: ${amqpReason(err)}${lost}`, { endpoint: pool.endpoint });
      }
    }
  }

  #pool(vhost: string): Promise<VhostPool> {
    let pool = this.#pools.get(vhost);
    if (!pool) {
      pool = this.#connect(vhost);
      this.#pools.set(vhost, pool);
      pool.catch(() => this.#pools.delete(vhost));
    }
    return pool;
  }

  async #connect(vhost: string): Promise<VhostPool> {
    const { connection, endpoint, index, peerCertificate } = await connectAmqp(this.#options, vhost, this.#start);
    if (peerCertificate) this.#options.onPeerCertificate?.(endpoint, peerCertificate);
    const pool: VhostPool = { connection, endpoint, index, idle: [], open: 0, waiters: [] };
    connection.on('close', (err: unknown) => {
      if (this.#closing) return;
      pool.lost = err instanceof Error ? amqpReason(err) : 'closed';
      // New connections start at the next URL; the one that was lost is tried last.
      if (this.#start === index) this.#start = (index + 1) % this.#options.urls.length;
      this.#options.onEvent?.(`AMQP: connection to ${endpoint} (vhost ${vhost}) lost: ${pool.lost}; reconnecting`);
      void this.#pools.get(vhost)?.then((current) => {
        if (current === pool) this.#pools.delete(vhost);
      });
      for (const waiter of pool.waiters.splice(0)) waiter(undefined);
    });
    return pool;
  }

  async #acquire(pool: VhostPool): Promise<Channel> {
    const idle = pool.idle.pop();
    if (idle) return idle;
    if (pool.open < this.#options.channelsPerVhost) {
      pool.open++;
      try {
        const ch = await pool.connection.createChannel();
        ch.on('error', () => undefined);
        return ch;
      } catch (err) {
        pool.open--;
        throw new WarrenError('E_BROKER', `could not open an AMQP channel: ${amqpReason(err)}`, { endpoint: pool.endpoint });
      }
    }
    const handed = await new Promise<Channel | undefined>((resolve) => pool.waiters.push(resolve));
    return handed ?? this.#acquire(pool);
  }

  /** Hands a channel to the next waiter, or parks it; `undefined` lets a waiter open a new one. */
  #release(pool: VhostPool, ch: Channel | undefined): void {
    const waiter = pool.waiters.shift();
    if (waiter) waiter(ch);
    else if (ch) pool.idle.push(ch);
  }
}

/** amqplib errors read "Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) with message ..."; keep the broker's part. */
function amqpReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const match = /;\s*(\d{3} \([A-Z-]+\) with message "(.*)")/s.exec(text);
  return match?.[1] ?? text;
}
