// The name of a migration's holding queue (see plan/migration.ts): `warren.migrate.<queue>` in
// the queue's vhost. A name, so that a crash leaves something the next plan can recognise; the
// spec rules reserve the prefix, so no declared queue is ever taken for one.
export const HOLDING_QUEUE_PREFIX = 'warren.migrate.';
const MAX_NAME_BYTES = 255;

/** The holding queue of a queue; undefined when the name would not fit AMQP's 255 bytes. */
export function holdingQueueName(queue: string): string | undefined {
  const name = `${HOLDING_QUEUE_PREFIX}${queue}`;
  return new TextEncoder().encode(name).length <= MAX_NAME_BYTES ? name : undefined;
}

/** The queue a holding queue holds messages for; undefined for any other name. */
export function originalOfHolding(name: string): string | undefined {
  return name.startsWith(HOLDING_QUEUE_PREFIX) && name.length > HOLDING_QUEUE_PREFIX.length ? name.slice(HOLDING_QUEUE_PREFIX.length) : undefined;
}
