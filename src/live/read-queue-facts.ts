// The message and consumer counts of the queues a plan deletes, replaces or migrates (the
// whole-broker read skips counts, see read-broker.ts).
//
// The management API's counts lag: on 3.10 a quorum queue filled a moment ago reads as empty for
// up to about 10 s, even with queue totals (measured). A replace judged on that count would drop
// the messages silently, so the queues that matter are asked over AMQP as well (a passive
// declare answers with the queue's own count of ready messages, at once) whenever the target has
// an AMQP endpoint, and the larger of the two counts is taken.
import { WarrenError } from '../errors.js';
import type { QueueLiveFacts, Resource } from '../model/types.js';
import { connectAmqp, type AmqpConnectOptions } from './amqp-connect.js';
import { isRecord } from '../model/json.js';
import type { ManagementClient } from './management-client.js';
import { readMessageCounts, UNSORTED } from './read-broker.js';

export type QueueFacts = Pick<QueueLiveFacts, 'messages' | 'consumers'>;

export interface QueueRef {
  vhost: string;
  name: string;
}

/** resourceKey -> counts, for every queue of `vhosts`; `exact` queues are also asked over AMQP. */
export async function readQueueFacts(client: ManagementClient, vhosts: Iterable<string>, exact?: { amqp: AmqpConnectOptions; queues: readonly QueueRef[] }): Promise<Map<string, QueueFacts>> {
  const unique = [...new Set(vhosts)];
  const counts = await readMessageCounts(client, unique);
  const out = new Map<string, QueueFacts>();
  for (const vhost of unique) {
    // Consumers are a stats column: the listing without disable_stats has them.
    const rows = await client.get(['queues', vhost], { ...UNSORTED, columns: 'name,consumers' });
    const consumers = new Map<string, number>();
    for (const o of Array.isArray(rows) ? rows : []) if (isRecord(o) && typeof o['consumers'] === 'number') consumers.set(String(o['name']), o['consumers']);
    for (const [key, messages] of counts) {
      const [v, name] = JSON.parse(key.slice('queue:'.length)) as [string, string];
      if (v === vhost) out.set(key, { messages, consumers: consumers.get(name) });
    }
  }
  if (exact && exact.amqp.urls.length > 0) {
    for (const [key, facts] of await passiveCounts(exact.amqp, exact.queues)) {
      const known = out.get(key);
      const messages = Math.max(facts.messages, Number.isFinite(known?.messages ?? 0) ? (known?.messages ?? 0) : 0);
      out.set(key, { messages, consumers: facts.consumers });
    }
  }
  return out;
}

async function passiveCounts(options: AmqpConnectOptions, queues: readonly QueueRef[]): Promise<Map<string, QueueFacts>> {
  const out = new Map<string, QueueFacts>();
  const byVhost = new Map<string, string[]>();
  for (const q of queues) byVhost.set(q.vhost, [...(byVhost.get(q.vhost) ?? []), q.name]);
  for (const [vhost, names] of byVhost) {
    let connection;
    try {
      ({ connection } = await connectAmqp(options, vhost));
    } catch (e) {
      if (e instanceof WarrenError) continue; // a vhost that refuses connections: the management counts stand
      throw e;
    }
    try {
      for (const name of new Set(names)) {
        const ch = await connection.createChannel();
        ch.on('error', () => undefined);
        try {
          const ok = await ch.checkQueue(name);
          out.set(`queue:${JSON.stringify([vhost, name])}`, { messages: ok.messageCount, consumers: ok.consumerCount }); // resourceKey's format
          await ch.close();
        } catch {
          /* gone meanwhile (404 closes the channel), or on a node that is down: the management counts stand */
        }
      }
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
  return out;
}

/** The model with the queues' counts replaced by fresh ones. */
export function withQueueFacts(resources: ReadonlyMap<string, Resource>, facts: ReadonlyMap<string, QueueFacts>): Map<string, Resource> {
  const out = new Map(resources);
  for (const [key, f] of facts) {
    const q = out.get(key);
    if (q?.kind === 'queue' && q.live) out.set(key, { ...q, live: { ...q.live, messages: f.messages, consumers: f.consumers } });
  }
  return out;
}
