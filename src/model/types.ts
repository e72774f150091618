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
  /** Read only for the queues a plan migrates (see plan/migration.ts). */
  consumers?: number | undefined;
  exclusive: boolean;
  /** amq.gen-* and other names the server chose. */
  server_named: boolean;
  /**
   * A quorum queue or stream whose record exists without a Raft group (a node died while declaring
   * it; live/half-made-queues.ts and live/listed-half-made.ts): unusable and empty. The planner replaces it.
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

/**
 * A vhost-scoped runtime parameter (PUT /api/parameters/{component}/{vhost}/{name}). Federation
 * upstreams, upstream sets and dynamic shovels are kinds of their own (their spec sections, rules
 * and plan lines differ); every other component is the generic `parameter`. `value` keeps
 * RabbitMQ's own keys. URIs in it may carry credentials: every output goes through redact.ts.
 */
export type VhostParameter = { [K in ParameterKind]: VhostParameterOf<K> }[ParameterKind];

/** One kind of vhost parameter: a union member of its own, so a switch on `kind` narrows to it. */
export interface VhostParameterOf<K extends ParameterKind> extends Base {
  kind: K;
  vhost: string;
  component: string;
  name: string;
  value: Json;
  /** Shovels, live side only: the worker's state from /api/shovels. Never compared. */
  live?: ShovelLiveState | undefined;
}

export type ParameterKind = 'parameter' | 'federation_upstream' | 'federation_upstream_set' | 'shovel';

/** The component each dedicated kind is stored under; `parameter` names its own. */
export const PARAMETER_COMPONENTS: Readonly<Record<Exclude<ParameterKind, 'parameter'>, string>> = {
  federation_upstream: 'federation-upstream',
  federation_upstream_set: 'federation-upstream-set',
  shovel: 'shovel',
};

export interface ShovelLiveState {
  /** running, starting, terminated; `unknown` when /api/shovels does not list it (yet). */
  state: string;
  reason?: string | undefined;
}

/** PUT /api/global-parameters/{name}: cluster_name and the like. RabbitMQ's internal ones never reach the model. */
export interface GlobalParameter extends Base {
  kind: 'global_parameter';
  name: string;
  value: Json;
}

/**
 * A super stream as RabbitMQ's own tooling (rabbitmq-streams add_super_stream) makes it: a durable
 * direct exchange `name` with x-super-stream: true, one stream `name-<key>` per partition, bound
 * with routing key `<key>` and x-stream-partition-order = its index. `partitions` are the binding
 * keys in partition order. Partitions may only be added at the end (see plan/super-stream.ts).
 */
export interface SuperStream extends Base {
  kind: 'super_stream';
  vhost: string;
  name: string;
  partitions: string[];
  /** The partition streams' arguments (x-max-age, x-max-length-bytes...), without x-queue-type. */
  arguments: JsonMap;
  /** Live side only: messages in all partitions, to judge a delete or replace. */
  live?: { messages: number } | undefined;
}

/** A feature flag the spec requires. Enabling one cannot be undone, so warren never disables one. */
export interface FeatureFlag extends Base {
  kind: 'feature_flag';
  name: string;
  state: 'enabled' | 'disabled';
  /** Live side only: stable, experimental, required... as the broker reports it. */
  live?: { stability: string } | undefined;
}

export type Resource = Vhost | User | Permission | TopicPermission | Exchange | Queue | Binding | Policy | VhostParameter | GlobalParameter | SuperStream | FeatureFlag;
export type Kind = Resource['kind'];

/**
 * Dependency order: creates run in this order, deletes in reverse. Policies go before exchanges
 * and queues (as in RabbitMQ's own definitions import): a policy written after 10,000 queues makes
 * the broker re-match every queue, about half a second per policy; written first, each queue picks
 * its policy up when it is declared. Deleted last, a policy has fewer queues left to re-match.
 */
// Feature flags come first (a stream needs stream_queue), federation upstreams before the policies
// that point at them (else links start and fail until the upstream appears), shovels after the
// queues and exchanges they move between (and, deleted first, they stop before those go).
const KIND_RANK: Record<Kind, number> = {
  feature_flag: 0,
  vhost: 1,
  user: 2,
  permission: 3,
  topic_permission: 4,
  global_parameter: 5,
  parameter: 6,
  federation_upstream: 7,
  federation_upstream_set: 8,
  policy: 9,
  operator_policy: 10,
  exchange: 11,
  queue: 12,
  binding: 13,
  super_stream: 14,
  shovel: 15,
};
/** Every kind in dependency order. Built from a Record over Kind, so a new kind must be given a place. */
export const KIND_ORDER: readonly Kind[] = (Object.keys(KIND_RANK) as Kind[]).sort((a, b) => KIND_RANK[a] - KIND_RANK[b]);

/** A whole topology, keyed by resourceKey(). A Map, because names are user data. */
export interface Model {
  resources: Map<string, Resource>;
}

export function emptyModel(): Model {
  return { resources: new Map() };
}

/**
 * The vhost-scoped kinds identified by (vhost, name), with the spec section each is written under.
 * Keys and spec paths handle them as one group; the switches that follow such a check stay
 * exhaustive over the other kinds.
 */
export const VHOST_NAMED_SECTION = {
  exchange: 'exchanges',
  queue: 'queues',
  policy: 'policies',
  operator_policy: 'operator_policies',
  federation_upstream: 'federation_upstreams',
  federation_upstream_set: 'federation_upstream_sets',
  shovel: 'shovels',
  super_stream: 'super_streams',
} as const satisfies Partial<Record<Kind, string>>;
export type VhostNamedKind = keyof typeof VHOST_NAMED_SECTION;
export type VhostNamed = Extract<Resource, { kind: VhostNamedKind }>;

export function isVhostNamed(r: Resource): r is VhostNamed {
  return Object.hasOwn(VHOST_NAMED_SECTION, r.kind);
}
