// The model both sides of a diff are read into: the spec (desired) and the broker (live).
// Field names are the spec's snake_case names, so a plan shows the names users wrote.
// Maps the broker defines (arguments, definition, limits) keep RabbitMQ's own keys.
import type { Origin } from '../errors.js';
import type { Secret } from './secret.js';

export type Json = null | boolean | number | string | Json[] | JsonMap;
export interface JsonMap {
  [key: string]: Json;
}

export type QueueType = 'classic' | 'quorum' | 'stream';
export const QUEUE_TYPES: readonly QueueType[] = ['classic', 'quorum', 'stream'];
export type ApplyTo = 'queues' | 'exchanges' | 'all';
export const APPLY_TO: readonly ApplyTo[] = ['queues', 'exchanges', 'all'];

interface Base {
  /** Where a desired object was declared; absent on live objects. */
  origin?: Origin | undefined;
}

/**
 * A vhost's settings are each optional in the spec: undefined means the spec leaves it to the
 * broker (no diff, and an update keeps the live value). A vhost that states none of them is only a
 * container for the spec's objects, which several stacks may share.
 */
export interface Vhost extends Base {
  kind: 'vhost';
  name: string;
  description?: string | undefined;
  tags?: string[] | undefined; // sorted
  default_queue_type?: QueueType | undefined;
  limits?: JsonMap | undefined; // max-connections, max-queues
}

export interface User extends Base {
  kind: 'user';
  name: string;
  tags: string[]; // sorted
  /** Desired side only, before credentials are resolved against the live hash (see passwords.ts). */
  password?: Secret | undefined;
  /** Salted hash, base64, as the broker stores it. '' means the user has no password (certificate login). */
  password_hash?: string | undefined;
  hashing_algorithm?: HashingAlgorithm | undefined;
  limits: JsonMap; // max-connections, max-channels
}

export type HashingAlgorithm = 'rabbit_password_hashing_sha256' | 'rabbit_password_hashing_sha512' | 'rabbit_password_hashing_md5';
export const HASHING_ALGORITHMS: readonly HashingAlgorithm[] = ['rabbit_password_hashing_sha256', 'rabbit_password_hashing_sha512', 'rabbit_password_hashing_md5'];
/** What RabbitMQ uses when a user or a definitions file names none. */
export const DEFAULT_HASHING_ALGORITHM: HashingAlgorithm = 'rabbit_password_hashing_sha256';

export interface Permission extends Base {
  kind: 'permission';
  vhost: string;
  user: string;
  configure: string;
  write: string;
  read: string;
}

export interface TopicPermission extends Base {
  kind: 'topic_permission';
  vhost: string;
  user: string;
  exchange: string;
  write: string;
  read: string;
}

export interface Exchange extends Base {
  kind: 'exchange';
  vhost: string;
  name: string;
  type: string; // direct, fanout, topic, headers, or a plugin's type
  durable: boolean;
  auto_delete: boolean;
  internal: boolean;
  arguments: JsonMap;
}

export interface Queue extends Base {
  kind: 'queue';
  vhost: string;
  name: string;
  type: QueueType;
  durable: boolean;
  auto_delete: boolean;
  /** Without x-queue-type: the type lives in `type`. */
  arguments: JsonMap;
  /** Live side only: what the planner needs to judge deletes and replaces. */
  live?: QueueLiveFacts | undefined;
}

export interface QueueLiveFacts {
  messages: number;
  exclusive: boolean;
  /** amq.gen-* and other names the server chose. */
  server_named: boolean;
  /**
   * A quorum queue or stream whose record exists without a Raft group (a node died while declaring
   * it; live/half-made-queues.ts): unusable, empty, and never listed. The planner replaces it.
   */
  half_made?: true | undefined;
}

export interface Binding extends Base {
  kind: 'binding';
  vhost: string;
  source: string;
  destination_type: 'queue' | 'exchange';
  destination: string;
  routing_key: string;
  arguments: JsonMap;
}

export interface Policy extends Base {
  kind: 'policy' | 'operator_policy';
  vhost: string;
  name: string;
  pattern: string;
  apply_to: ApplyTo;
  priority: number;
  definition: JsonMap;
}

export type Resource = Vhost | User | Permission | TopicPermission | Exchange | Queue | Binding | Policy;
export type Kind = Resource['kind'];

/**
 * Dependency order: creates run in this order, deletes in reverse. Policies go before exchanges
 * and queues (as in RabbitMQ's own definitions import): a policy written after 10,000 queues makes
 * the broker re-match every queue, about half a second per policy; written first, each queue picks
 * its policy up when it is declared. Deleted last, a policy has fewer queues left to re-match.
 */
const KIND_RANK: Record<Kind, number> = { vhost: 0, user: 1, permission: 2, topic_permission: 3, policy: 4, operator_policy: 5, exchange: 6, queue: 7, binding: 8 };
/** Every kind in dependency order. Built from a Record over Kind, so a new kind must be given a place. */
export const KIND_ORDER: readonly Kind[] = (Object.keys(KIND_RANK) as Kind[]).sort((a, b) => KIND_RANK[a] - KIND_RANK[b]);

/** A whole topology, keyed by resourceKey(). A Map, because names are user data. */
export interface Model {
  resources: Map<string, Resource>;
}

export function emptyModel(): Model {
  return { resources: new Map() };
}
