// Raw access to a test broker, independent of warren's own client: what tests use to check what
// apply really did, and to make changes "outside warren". Path segments are URL-encoded here.
import amqp from 'amqplib';
import type { ChannelModel } from 'amqplib';
import type { BrokerHandle } from '../harness/broker.js';

export interface Api {
  /** GET; undefined on 404. */
  get<T = unknown>(segments: string[], query?: string): Promise<T | undefined>;
  put(segments: string[], body: unknown): Promise<void>;
  post(segments: string[], body: unknown): Promise<void>;
  del(segments: string[]): Promise<void>;
  /** GET /api/whoami as this user: the HTTP status (200 logged in, 401 refused). */
  whoami(user: string, password: string): Promise<number>;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

export function api(broker: BrokerHandle): Api {
  const url = (segments: string[], query = '') => `${broker.managementUrl}/api/${segments.map(encodeURIComponent).join('/')}${query ? `?${query}` : ''}`;
  const auth = basic(broker.username, broker.password);
  const send = async (method: string, segments: string[], body?: unknown): Promise<void> => {
    const headers: Record<string, string> = { authorization: auth };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url(segments), { method, headers, body: body === undefined ? null : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url(segments)}: HTTP ${res.status} ${text}`);
  };
  return {
    async get<T>(segments: string[], query?: string) {
      const res = await fetch(url(segments, query), { headers: { authorization: auth } });
      const text = await res.text();
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`GET ${url(segments, query)}: HTTP ${res.status} ${text}`);
      return JSON.parse(text) as T;
    },
    put: (segments, body) => send('PUT', segments, body),
    post: (segments, body) => send('POST', segments, body),
    del: (segments) => send('DELETE', segments),
    async whoami(user, password) {
      const res = await fetch(url(['whoami']), { headers: { authorization: basic(user, password) } });
      await res.arrayBuffer();
      return res.status;
    },
  };
}

/** An AMQP connection to one vhost as guest. Close it when done. */
export async function connectAmqp(broker: BrokerHandle, vhost: string): Promise<ChannelModel> {
  const base = broker.amqpUrl.replace(/\/+$/, '');
  const connection = await amqp.connect(`${base}/${encodeURIComponent(vhost)}`);
  connection.on('error', () => undefined);
  return connection;
}

/** Publishes `count` persistent messages to a queue through the default exchange, confirmed. */
export async function publish(broker: BrokerHandle, vhost: string, queue: string, count: number): Promise<void> {
  const connection = await connectAmqp(broker, vhost);
  try {
    const ch = await connection.createConfirmChannel();
    for (let i = 0; i < count; i++) ch.sendToQueue(queue, Buffer.from(`message ${i}`), { persistent: true });
    await ch.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** How many messages a queue holds, asked over AMQP (a passive declare): no stats-database lag. */
export async function queueDepth(broker: BrokerHandle, vhost: string, queue: string): Promise<number> {
  const connection = await connectAmqp(broker, vhost);
  try {
    const ch = await connection.createChannel();
    return (await ch.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

/** A binding as the management API lists it, reduced to its identity. */
export interface BindingRow {
  source: string;
  destination: string;
  destination_type: string;
  routing_key: string;
  arguments: Record<string, unknown>;
}

/** The vhost's bindings without the default exchange's implicit ones, as sorted `src -> type:dest [key] {args}` strings. */
export async function bindingsOf(a: Api, vhost: string): Promise<string[]> {
  const rows = (await a.get<BindingRow[]>(['bindings', vhost])) ?? [];
  return rows
    .filter((b) => b.source !== '')
    .map((b) => `${b.source} -> ${b.destination_type}:${b.destination} [${b.routing_key}]${Object.keys(b.arguments).length ? ` ${JSON.stringify(sortKeys(b.arguments))}` : ''}`)
    .sort();
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
