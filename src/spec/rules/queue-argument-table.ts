// Which queue arguments each queue type accepts, and what values the broker takes for each.
// Sources: the `queue_arguments` lists in the `capabilities/0` functions of rabbit_classic_queue,
// rabbit_quorum_queue and rabbit_stream_queue, and the value checks in rabbit_amqqueue's
// declare_args/0 (check_message_ttl_arg, check_max_priority_arg, check_overflow, ...). Arguments
// not listed here (plugins' x- arguments) are passed through unchecked.
import type { QueueType } from '../../model/types.js';
import type { ScalarValue } from '../tree.js';

/** erlang:send_after's limit, which bounds TTLs and expiries (rabbit_misc:check_expiry). */
export const MAX_EXPIRY = 4_294_967_295;

/** Returns what is wrong with a value, or undefined when the broker would take it. */
export type ValueCheck = (value: ScalarValue | undefined, queueType: QueueType) => string | undefined;

export interface ArgumentRule {
  types: readonly QueueType[];
  check: ValueCheck;
}

const ALL: readonly QueueType[] = ['classic', 'quorum', 'stream'];
const CLASSIC: readonly QueueType[] = ['classic'];
const QUORUM: readonly QueueType[] = ['quorum'];
const STREAM: readonly QueueType[] = ['stream'];
const CLASSIC_QUORUM: readonly QueueType[] = ['classic', 'quorum'];

export function integer(min: number, max = Number.MAX_SAFE_INTEGER, what = 'an integer'): ValueCheck {
  return (value) => {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return undefined;
    const range = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer of at least ${min}`) : `an integer from ${min} to ${max}`;
    const base = `must be ${range}${what === 'an integer' ? '' : ` (${what})`}`;
    if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return `${base}, not the string "${value}": the broker rejects strings here, so write it without quotes`;
    return base;
  };
}

export function oneOf(values: readonly (string | number)[], notFor?: Partial<Record<QueueType, readonly string[]>>): ValueCheck {
  return (value, queueType) => {
    if (!values.includes(value as string | number)) return `must be one of: ${values.join(', ')}`;
    if (notFor?.[queueType]?.includes(value as string)) return `\`${String(value)}\` is not supported by ${queueType} queues (use one of: ${values.filter((v) => !notFor[queueType]?.includes(String(v))).join(', ')})`;
    return undefined;
  };
}

export const aString: ValueCheck = (value) => (typeof value === 'string' ? undefined : 'must be a string');
const aBoolean: ValueCheck = (value) => (typeof value === 'boolean' ? undefined : 'must be a boolean (true or false)');

// rabbit_amqqueue:check_max_age/1: digits then one unit, and more than zero.
export const maxAge: ValueCheck = (value) => {
  const match = typeof value === 'string' ? /^(\d+)([YMDhms])$/.exec(value) : null;
  if (match && Number(match[1]) > 0) return undefined;
  return 'must be a positive duration as a string: a number and one unit of Y, M, D, h, m or s (e.g. "7D", "12h")';
};

export const LEADER_LOCATORS = ['client-local', 'balanced', 'random', 'least-leaders'];

export const QUEUE_ARGUMENTS: ReadonlyMap<string, ArgumentRule> = new Map<string, ArgumentRule>([
  ['x-message-ttl', { types: CLASSIC_QUORUM, check: integer(0, MAX_EXPIRY, 'milliseconds') }],
  ['x-expires', { types: CLASSIC_QUORUM, check: integer(1, MAX_EXPIRY, 'milliseconds') }],
  ['x-max-length', { types: CLASSIC_QUORUM, check: integer(0) }],
  ['x-max-length-bytes', { types: ALL, check: integer(0) }],
  // rabbit_quorum_queue:overflow/3 ignores reject-publish-dlx (it only logs a warning), so the
  // queue would silently behave differently from what the spec says: an error here.
  ['x-overflow', { types: CLASSIC_QUORUM, check: oneOf(['drop-head', 'reject-publish', 'reject-publish-dlx'], { quorum: ['reject-publish-dlx'] }) }],
  ['x-dead-letter-exchange', { types: CLASSIC_QUORUM, check: aString }],
  ['x-dead-letter-routing-key', { types: CLASSIC_QUORUM, check: aString }],
  ['x-dead-letter-strategy', { types: QUORUM, check: oneOf(['at-most-once', 'at-least-once']) }],
  // Negative means unlimited since RabbitMQ 4.0, so any integer.
  ['x-delivery-limit', { types: QUORUM, check: integer(Number.MIN_SAFE_INTEGER) }],
  ['x-max-priority', { types: CLASSIC, check: integer(0, 255) }],
  ['x-queue-mode', { types: CLASSIC, check: oneOf(['default', 'lazy']) }],
  ['x-queue-version', { types: CLASSIC, check: oneOf([1, 2]) }],
  ['x-queue-master-locator', { types: CLASSIC, check: oneOf(['min-masters', 'client-local', 'random']) }],
  ['x-single-active-consumer', { types: CLASSIC_QUORUM, check: aBoolean }],
  ['x-quorum-initial-group-size', { types: QUORUM, check: integer(1) }],
  ['x-max-in-memory-length', { types: QUORUM, check: integer(0) }],
  ['x-max-in-memory-bytes', { types: QUORUM, check: integer(0) }],
  ['x-queue-leader-locator', { types: ALL, check: oneOf(LEADER_LOCATORS) }],
  ['x-max-age', { types: STREAM, check: maxAge }],
  ['x-stream-max-segment-size-bytes', { types: STREAM, check: integer(1) }],
  ['x-stream-filter-size-bytes', { types: STREAM, check: integer(16, 255) }],
  ['x-initial-cluster-size', { types: STREAM, check: integer(1) }],
]);

export function typesList(types: readonly QueueType[]): string {
  const names = types.map((t) => (t === 'stream' ? 'streams' : `${t} queues`));
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}
