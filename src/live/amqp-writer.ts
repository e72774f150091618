// Exchanges, queues and bindings over AMQP: the fast path for big applies. One connection per
// vhost (AMQP connections are bound to a vhost) and a pool of channels on it, because amqplib
// keeps one RPC in flight per channel; many channels let the broker work in parallel.
import amqp from 'amqplib';
import type { Channel, ChannelModel } from 'amqplib';
import { WarrenError } from '../errors.js';
import type { Binding, Exchange, Queue } from '../model/types.js';
import type { Secret } from '../model/secret.js';

export interface AmqpWriterOptions {
  /** amqp:// or amqps:// base URLs, tried in order. */
  urls: readonly string[];
  username: string;
  password: Secret;
  channelsPerVhost: number;
  /** Extra socket options (TLS settings), passed to amqplib as they are. */
  socketOptions?: Record<string, unknown> | undefined;
}

interface VhostPool {
  connection: ChannelModel;
  endpoint: string;
  idle: Channel[];
  open: number;
  waiters: ((ch: Channel | undefined) => void)[];
}

export class AmqpWriter {
  readonly #options: AmqpWriterOptions;
  readonly #pools = new Map<string, Promise<VhostPool>>();

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

  async declareQueue(q: Queue): Promise<void> {
    // x-queue-type always goes out explicitly: otherwise a vhost's default queue type would decide.
    const args = { ...q.arguments, 'x-queue-type': q.type };
    await this.#withChannel(q.vhost, `declare queue ${q.name}`, (ch) => ch.assertQueue(q.name, { durable: q.durable, autoDelete: q.auto_delete, arguments: args }));
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
    const pools = await Promise.allSettled(this.#pools.values());
    this.#pools.clear();
    await Promise.allSettled(pools.map((p) => (p.status === 'fulfilled' ? p.value.connection.close() : Promise.resolve())));
  }

  async #withChannel(vhost: string, what: string, work: (ch: Channel) => Promise<unknown>): Promise<void> {
    const pool = await this.#pool(vhost);
    const ch = await this.#acquire(pool);
    try {
      await work(ch);
      this.#release(pool, ch);
    } catch (err) {
      // A failed AMQP method closes its channel: drop it and let the pool open a fresh one.
      pool.open--;
      this.#release(pool, undefined);
      throw new WarrenError('E_BROKER', `${what} in vhost ${vhost}: ${amqpReason(err)}`, { endpoint: pool.endpoint });
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
    const { urls, username, password, socketOptions } = this.#options;
    let lastError: unknown;
    for (const base of urls) {
      const url = `${base.replace(/\/+$/, '')}/${encodeURIComponent(vhost)}`;
      try {
        const connection = await amqp.connect(url, { ...socketOptions, credentials: amqp.credentials.plain(username, password.reveal()) });
        connection.on('error', () => undefined); // surfaced through the failing call instead
        return { connection, endpoint: base, idle: [], open: 0, waiters: [] };
      } catch (err) {
        lastError = err;
      }
    }
    throw new WarrenError('E_CONNECT', `AMQP connection to vhost ${vhost} failed on ${urls.join(', ')}: ${amqpReason(lastError)}`, { endpoint: urls[0] });
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
