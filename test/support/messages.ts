// Messages for migration tests: each with a distinct id, headers and a priority, published
// through an exchange with confirms, and read back in order with everything they carry.
import type { ChannelModel, ConsumeMessage, Message } from 'amqplib';
import type { BrokerHandle } from '../harness/broker.js';
import { connectAmqp } from './management.js';

export interface SeenMessage {
  id: string;
  seq: number;
  headers: Record<string, unknown>;
  priority: number | undefined;
  contentType: string | undefined;
  deliveryMode: number | undefined;
  body: string;
}

/** The properties message `seq` of batch `batch` is published with. */
export function propertiesOf(batch: string, seq: number) {
  return {
    messageId: `${batch}-${seq}`,
    headers: { seq, batch, tag: `t${seq % 7}` },
    priority: seq % 10,
    contentType: 'application/json',
    deliveryMode: 2,
  };
}

/** Publishes `count` messages to `exchange` with `routingKey`, confirmed. */
export async function publishNumbered(broker: BrokerHandle, vhost: string, exchange: string, routingKey: string, batch: string, count: number, from = 0): Promise<void> {
  const connection = await connectAmqp(broker, vhost);
  try {
    const ch = await connection.createConfirmChannel();
    for (let i = from; i < from + count; i++) {
      const ok = ch.publish(exchange, routingKey, Buffer.from(JSON.stringify({ seq: i })), propertiesOf(batch, i));
      if (!ok) await new Promise((resolve) => ch.once('drain', resolve));
      if (i % 1000 === 999) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** Takes every message out of a queue (acked), in the order the broker delivers them. */
export async function drainQueue(broker: BrokerHandle, vhost: string, queue: string): Promise<SeenMessage[]> {
  const connection: ChannelModel = await connectAmqp(broker, vhost);
  try {
    const ch = await connection.createChannel();
    const expected = (await ch.checkQueue(queue)).messageCount;
    const seen: SeenMessage[] = [];
    await ch.prefetch(2000);
    let done: () => void = () => undefined;
    const enough = new Promise<void>((resolve) => (done = resolve));
    const { consumerTag } = await ch.consume(queue, (msg: ConsumeMessage | null) => {
      if (!msg) return;
      seen.push(seenOf(msg));
      ch.ack(msg);
      if (seen.length >= expected) done();
    });
    if (expected > 0) await enough;
    // Deliveries sent before cancel-ok are still handled above; then anything that arrived meanwhile.
    await ch.cancel(consumerTag);
    for (;;) {
      const more = await ch.get(queue, { noAck: true });
      if (more === false) break;
      seen.push(seenOf(more));
    }
    return seen;
  } finally {
    await connection.close();
  }
}

function seenOf(msg: Message): SeenMessage {
  const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
  return {
    id: String(msg.properties.messageId),
    seq: Number(headers['seq']),
    headers,
    priority: msg.properties.priority as number | undefined,
    contentType: msg.properties.contentType as string | undefined,
    deliveryMode: msg.properties.deliveryMode as number | undefined,
    body: msg.content.toString(),
  };
}
