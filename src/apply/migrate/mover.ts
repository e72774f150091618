// Moves the messages of one queue into another, losing none: consume -> publish with a publisher
// confirm -> ack the source only once the broker has confirmed the copy. A crash at any moment
// leaves every message in the source (unacked, so redelivered) or confirmed in the destination,
// or briefly in both: a message the source redelivers (the broker sets `redelivered`) may already
// have been copied, so its copy carries the header `x-warren-redelivered: true` and consumers can
// tell a possible duplicate; nothing else is added to a message.
//
// Why our own loop rather than a dynamic shovel with ack-mode on-confirm: the shovel plugin is
// not enabled on every broker (and enabling it is not ours to do), a shovel reports no progress
// we could show without polling its status, and it stops by deleting itself, so "the source is
// empty and stays empty" is not something it can tell us. Measured in bench/migrate-bench.ts
// against a plain on-confirm shovel of the same messages in the same run, on a shared 2-core
// machine: a hop of this loop ran at 0.5x to 0.8x the shovel's rate at 100,000 messages and 1.0x
// to 2.0x at 20,000 (see the README); peak RSS 142-152 MB.
//
// Order: one consumer, one publishing channel. The broker delivers in queue order and confirms
// on one channel are in publish order, so the destination receives the messages in source order.
import type { Channel, ChannelModel, ConsumeMessage, Options } from 'amqplib';
import { WarrenError } from '../../errors.js';
import { crashHook } from './crash-hook.js';

/** Messages in flight at once: enough to keep both directions busy, small enough to bound memory (~1 MB of 1 KB messages). */
const PREFETCH = 1000;
/** How often the source's length is asked while nothing is in flight. */
const IDLE_POLL_MS = 50;
/** "Caught up" (see untilCaughtUp): at most this many still ready. Bounds how far the switch can reorder. */
const CAUGHT_UP = 20;

export const REDELIVERED_HEADER = 'x-warren-redelivered';

export interface MoveOptions {
  /** Messages the destination refuses (a length limit with reject-publish) are dropped instead of stopping the move. */
  allowDrops: boolean;
  /** Called about every second and at the end. */
  onProgress?: ((moved: number, dropped: number) => void) | undefined;
  /**
   * Delete the source once it is empty, with warren's consumer still on it, so that a message
   * published straight to it in that instant is delivered to warren and moved rather than
   * deleted with it. `if-empty`: classic queues (the broker refuses while one is ready; the move
   * goes on). `plain`: quorum queues, which refuse if-empty deletes (NOT_IMPLEMENTED); a quorum
   * queue hands a committed message to a consumer with credit at once, so none waits there.
   */
  deleteSource?: 'if-empty' | 'plain' | undefined;
  /**
   * Stop once no more than CAUGHT_UP messages are ready, instead of at empty: for the move made
   * while the source is still bound, where publishers keep adding and "empty" may take long to
   * come. What is left moves after the bindings switch, when nothing is routed to the source.
   */
  untilCaughtUp?: boolean | undefined;
  /** For the crash-test hook: the name of this move (`move-out`, `move-back`), counted across calls. */
  phase: string;
  movedBefore?: number | undefined;
}

export interface MoveResult {
  moved: number;
  dropped: number;
}

interface InFlight {
  tag: number;
  state: 'pending' | 'ok' | 'nacked';
}

/**
 * Moves messages until the source is momentarily empty with nothing in flight (or caught up, or
 * deleted: see the options). Publishers may still add to the source afterwards, unless it was
 * deleted: the caller decides whether that matters.
 */
export async function moveMessages(connection: ChannelModel, from: string, to: string, options: MoveOptions, publishing: ChannelModel = connection): Promise<MoveResult> {
  const consumer = await connection.createChannel();
  const publisher = await publishing.createConfirmChannel();
  let probe = await connection.createChannel();
  for (const ch of [consumer, publisher, probe]) ch.on('error', () => undefined);
  /** Set once the source is deleted: what is still in flight is confirmed, and there is nothing left to ack. */
  let sourceGone = false;
  /** Confirmed while a delete was under way and not acked: acked after all if the delete is refused. */
  let heldAck: number | undefined;
  const inFlight: InFlight[] = [];
  const result: MoveResult = { moved: 0, dropped: 0 };
  let failure: Error | undefined;
  let lastReport = Date.now();
  const fail = (e: Error): void => {
    failure ??= e;
  };
  // A message the broker could not route (the destination is gone) comes back before its confirm.
  publisher.on('return', () => fail(new WarrenError('E_APPLY', `queue ${to} is gone: a moved message could not be delivered to it; it stays in ${from}`)));
  consumer.on('close', () => fail(new WarrenError('E_APPLY', `the channel consuming ${from} closed`)));
  publisher.on('close', () => fail(new WarrenError('E_APPLY', `the channel publishing to ${to} closed`)));

  const settle = (): void => {
    let ackUpTo: number | undefined;
    while (inFlight.length > 0 && (inFlight[0] as InFlight).state !== 'pending' && failure === undefined) {
      const head = inFlight.shift() as InFlight;
      if (head.state === 'nacked') {
        if (!options.allowDrops) {
          fail(new WarrenError('E_APPLY', `queue ${to} refused a message (a length limit with overflow reject-publish, or a policy); it stays in ${from}. Rerun with --allow-data-loss to drop what it refuses`));
          inFlight.unshift(head);
          break;
        }
        result.dropped++;
      } else {
        result.moved++;
      }
      ackUpTo = head.tag;
      crashHook(options.phase, (options.movedBefore ?? 0) + result.moved);
    }
    if (ackUpTo !== undefined && sourceGone) heldAck = ackUpTo;
    else if (ackUpTo !== undefined) consumer.ack({ fields: { deliveryTag: ackUpTo } } as ConsumeMessage, true);
    if (Date.now() - lastReport >= 1000) {
      lastReport = Date.now();
      options.onProgress?.(result.moved, result.dropped);
    }
  };

  // The broker confirms many publishes in one frame and amqplib runs their callbacks one after the
  // other: settling once after the whole batch sends one ack (multiple) instead of one per message.
  let settleScheduled = false;
  const scheduleSettle = (): void => {
    if (settleScheduled) return;
    settleScheduled = true;
    queueMicrotask(() => {
      settleScheduled = false;
      settle();
    });
  };

  const onMessage = (msg: ConsumeMessage | null): void => {
    if (msg === null) {
      if (sourceGone) return; // our own delete cancelled the consumer
      return fail(new WarrenError('E_APPLY', `the broker cancelled warren's consumer on ${from} (was the queue deleted?)`));
    }
    if (failure !== undefined) return; // not acked: the broker redelivers it when the channel closes
    const entry: InFlight = { tag: msg.fields.deliveryTag, state: 'pending' };
    inFlight.push(entry);
    publisher.publish('', to, msg.content, publishOptions(msg), (err: unknown) => {
      entry.state = err ? 'nacked' : 'ok';
      scheduleSettle();
    });
  };

  const deleteSource = async (how: 'if-empty' | 'plain'): Promise<boolean> => {
    sourceGone = true; // before the answer: the consumer's cancel may arrive first
    try {
      await probe.deleteQueue(from, how === 'if-empty' ? { ifEmpty: true } : {});
      return true;
    } catch (e) {
      sourceGone = false;
      if (heldAck !== undefined) consumer.ack({ fields: { deliveryTag: heldAck } } as ConsumeMessage, true);
      heldAck = undefined;
      if ((e as { code?: unknown }).code !== 406) throw e;
      probe = await connection.createChannel(); // a refused delete closes the channel
      probe.on('error', () => undefined);
      return false;
    }
  };

  try {
    await consumer.prefetch(PREFETCH);
    let tag = (await consumer.consume(from, onMessage, { noAck: false })).consumerTag;
    for (;;) {
      await sleep(IDLE_POLL_MS);
      if (failure) throw failure;
      // Cancel only with nothing in flight: cancelling a quorum queue's consumer while it holds
      // unacked messages led to some of them being delivered again (seen under load on 3.10).
      if (inFlight.length > 0) continue;
      if (options.untilCaughtUp && (await probe.checkQueue(from)).messageCount <= CAUGHT_UP) {
        await consumer.cancel(tag);
        while (inFlight.length > 0 && !failure) await sleep(5);
        if (failure) throw failure;
        break;
      }
      if ((await probe.checkQueue(from)).messageCount > 0) continue;
      if (options.deleteSource !== undefined) {
        if (!(await deleteSource(options.deleteSource))) continue;
        while (inFlight.length > 0 && !failure) await sleep(5);
        if (failure) throw failure;
        break;
      }
      // Momentarily empty: stop consuming. Deliveries sent before cancel-ok arrive before it and
      // are moved too; then ask again, since a publisher may have added one meanwhile.
      await consumer.cancel(tag);
      while (inFlight.length > 0 && !failure) await sleep(5);
      if (failure) throw failure;
      if ((await probe.checkQueue(from)).messageCount === 0) break;
      tag = (await consumer.consume(from, onMessage, { noAck: false })).consumerTag;
    }
    await publisher.waitForConfirms();
    options.onProgress?.(result.moved, result.dropped);
    return result;
  } finally {
    // Closing the consumer's channel returns anything unacked to the source (marked redelivered).
    for (const ch of [consumer, publisher, probe] as Channel[]) await ch.close().catch(() => undefined);
  }
}

/** The message properties a move copies as they are (headers are copied apart, see below). */
const COPIED_PROPERTIES = ['contentType', 'contentEncoding', 'deliveryMode', 'priority', 'correlationId', 'replyTo', 'expiration', 'messageId', 'timestamp', 'type', 'userId', 'appId'] as const;

/**
 * Every property the message had, as it had it. (amqplib re-encodes header values from their
 * JavaScript form, so an integer header's wire width may change; its value does not.)
 */
function publishOptions(msg: ConsumeMessage): Options.Publish {
  const p = msg.properties;
  const out: Options.Publish = { mandatory: true };
  const set = <K extends keyof Options.Publish>(key: K, value: unknown): void => {
    if (value !== undefined && value !== null) out[key] = value as Options.Publish[K];
  };
  for (const key of COPIED_PROPERTIES) set(key, p[key]);
  const headers = p.headers;
  if (msg.fields.redelivered) out.headers = { ...(headers ?? {}), [REDELIVERED_HEADER]: true };
  else if (headers !== undefined) out.headers = headers;
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

