// Every rule about what a RabbitMQ version accepts, in one table. compat.ts applies it to a desired
// model against the target's version (errors, warnings, settings dropped); upgrade.ts rewrites
// what a rule marks as rewritable when a 3.x topology moves to 4.x. Facts measured on 3.10.8 and
// 4.0.5 (see README "RabbitMQ versions"); a new rule is a new row here (a new kind of rewrite is
// also a case in upgrade.ts). What every version refuses alike (x-max-priority on a quorum queue)
// is not a version rule: the spec's argument table (spec/rules/queue-argument-table.ts) has it.
import type { Resource } from './types.js';

export type VersionTriple = readonly [number, number, number];

/** Where a setting sits on an object: a top-level field, or one key of a map field. */
export interface SettingUse {
  field: 'default_queue_type' | 'durable' | 'type' | 'arguments' | 'definition';
  key?: string | undefined;
}

/** How upgrade.ts rewrites a setting 4.x refuses; each id has one case there. */
export type RewriteId = 'strip-mirroring' | 'strip-queue-mode';

export interface VersionRule {
  id: string;
  /** The settings of a desired object this rule is about (none: the rule does not concern it). */
  uses(r: Resource, live: Resource | undefined): SettingUse[];
  /** The versions that take the setting: from `since`, before `until`. */
  since?: VersionTriple;
  until?: VersionTriple;
  /**
   * Outside those versions: `error` (the default) refuses the plan (E_VERSION); `drop` leaves the
   * setting out of the desired model with a warning (W_VERSION), so it never shows as a diff that
   * an apply cannot make go away (only map keys and default_queue_type can be dropped); `warn`
   * keeps it with a warning, for what the broker still takes and stores but ignores.
   */
  outside?: 'error' | 'drop' | 'warn';
  /** Deprecated from this version on: a warning (W_DEPRECATED) names the broker's feature flag. */
  deprecated?: { since: VersionTriple; feature: string };
  /** Why, for the message: it follows "RabbitMQ <version> ...". */
  why: string;
  /** What to do instead. */
  instead: string;
  rewrite?: RewriteId;
}

const V3_10: VersionTriple = [3, 10, 0];
const V3_11_17: VersionTriple = [3, 11, 17];
const V3_13: VersionTriple = [3, 13, 0];
const V4_0: VersionTriple = [4, 0, 0];

/** The classic queue mirroring keys of a policy definition (removed with mirroring in 4.0). */
export const MIRRORING_KEYS: ReadonlySet<string> = new Set(['ha-mode', 'ha-params', 'ha-sync-mode', 'ha-sync-batch-size', 'ha-promote-on-shutdown', 'ha-promote-on-failure']);

const policyKeys = (r: Resource, match: (key: string) => boolean): SettingUse[] =>
  r.kind === 'policy' || r.kind === 'operator_policy' ? Object.keys(r.definition).filter(match).map((key) => ({ field: 'definition' as const, key })) : [];

const queueArgument = (r: Resource, key: string, type?: string): SettingUse[] =>
  r.kind === 'queue' && key in r.arguments && (type === undefined || r.type === type) ? [{ field: 'arguments', key }] : [];

const isVersionOne = (r: Resource, field: 'definition' | 'arguments', key: string | undefined): boolean => {
  const map = field === 'definition' ? (r.kind === 'policy' || r.kind === 'operator_policy' ? r.definition : {}) : r.kind === 'queue' ? r.arguments : {};
  return key !== undefined && (map[key] === 1 || map[key] === '1');
};

export const VERSION_RULES: readonly VersionRule[] = [
  {
    id: 'classic-queue-mirroring',
    uses: (r) => policyKeys(r, (k) => MIRRORING_KEYS.has(k)),
    until: V4_0,
    outside: 'error',
    why: 'removed classic queue mirroring in 4.0 and refuses ha-* policy keys (HTTP 400 "not recognised policy settings")',
    instead: 'replicate with quorum queues (type: quorum) or streams; plan/apply --upgrade strips the keys, and --quorum-for-mirrored also turns the classic queues they covered into quorum queues',
    rewrite: 'strip-mirroring',
  },
  {
    id: 'lazy-queue-mode',
    uses: (r) => [...policyKeys(r, (k) => k === 'queue-mode'), ...queueArgument(r, 'x-queue-mode')],
    until: V4_0,
    // 4.0.5 still takes and stores both (measured), so refusing them would refuse what a 4.0
    // broker holds and its own export: a warning, and the upgrade rewrite removes them.
    outside: 'warn',
    why: 'ignores the queue mode since 4.0 (classic queues version 1 are gone; version 2 keeps messages on disk as lazy mode did)',
    instead: 'leave it out; plan/apply --upgrade and export --for-version 4.0 remove it',
    rewrite: 'strip-queue-mode',
  },
  {
    id: 'classic-queue-version-1',
    uses: (r) => [...policyKeys(r, (k) => k === 'queue-version' && isVersionOne(r, 'definition', k)), ...queueArgument(r, 'x-queue-version').filter((u) => isVersionOne(r, 'arguments', u.key))],
    until: V4_0,
    outside: 'warn', // 4.0.5 takes and stores it (measured), as with the queue mode
    why: 'ignores classic queue version 1 since 4.0 (every classic queue is version 2)',
    instead: 'leave it out, or say 2',
  },
  {
    id: 'local-random-exchange',
    uses: (r) => (r.kind === 'exchange' && r.type === 'x-local-random' ? [{ field: 'type' }] : []),
    since: V4_0,
    outside: 'error',
    why: 'has no x-local-random exchange type (it came in 4.0; older brokers answer "unknown exchange type")',
    instead: 'use a direct or fanout exchange, or target RabbitMQ 4.0 or later',
  },
  {
    id: 'stream-filter-size',
    uses: (r) => queueArgument(r, 'x-stream-filter-size-bytes', 'stream'),
    since: V3_13,
    outside: 'drop',
    why: 'has no stream filtering (x-stream-filter-size-bytes came in 3.13)',
    instead: 'leave it out, or target RabbitMQ 3.13 or later',
  },
  {
    id: 'transient-nonexclusive-queues',
    uses: (r) => (r.kind === 'queue' && !r.durable && !r.live?.exclusive ? [{ field: 'durable' }] : []),
    deprecated: { since: V4_0, feature: 'transient_nonexcl_queues' },
    why: 'deprecates non-durable queues that are not exclusive, which a later version refuses',
    instead: 'make the queue durable, or let the client declare it exclusive; x-expires removes an unused queue',
  },
  {
    id: 'queue-master-locator',
    uses: (r) => [...policyKeys(r, (k) => k === 'queue-master-locator'), ...queueArgument(r, 'x-queue-master-locator')],
    deprecated: { since: V4_0, feature: 'queue_master_locator' },
    why: 'deprecates queue-master-locator / x-queue-master-locator',
    instead: 'use queue-leader-locator / x-queue-leader-locator (client-local or balanced)',
  },
  {
    id: 'vhost-default-queue-type',
    uses: (r) => (r.kind === 'vhost' && r.default_queue_type !== undefined ? [{ field: 'default_queue_type' }] : []),
    since: V3_10,
    outside: 'drop',
    why: 'has no per-vhost default_queue_type (it came in 3.10)',
    instead: 'state each queue\'s type, or target RabbitMQ 3.10 or later',
  },
  {
    id: 'vhost-default-queue-type-update',
    uses: (r, live) => (r.kind === 'vhost' && r.default_queue_type !== undefined && live?.kind === 'vhost' && live.default_queue_type !== r.default_queue_type ? [{ field: 'default_queue_type' }] : []),
    since: V3_11_17,
    outside: 'drop',
    why: 'sets default_queue_type only when a vhost is created (changing it needs 3.11.17); the vhost keeps its current one',
    instead: 'delete and re-create the vhost, or target RabbitMQ 3.11.17 or later',
  },
];

/** "3.10.8" -> [3, 10, 8]; undefined when the version is unknown (a definitions file may not say). */
export function parseVersion(version: string): VersionTriple | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function older(a: VersionTriple, b: VersionTriple): boolean {
  for (let i = 0; i < 3; i++) {
    if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  }
  return false;
}

/** Does `version` take the rule's setting? */
export function allows(rule: VersionRule, version: VersionTriple): boolean {
  return !(rule.since && older(version, rule.since)) && !(rule.until && !older(version, rule.until));
}

/** The version as it is written: 4.0.0 -> "4.0", 3.11.17 -> "3.11.17". */
export function showVersion(v: VersionTriple): string {
  return v[2] === 0 ? `${v[0]}.${v[1]}` : v.join('.');
}
