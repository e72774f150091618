// The keys a policy or an operator policy definition may hold, and the values the broker takes.
// Unlike queue arguments, the broker refuses a definition key nobody registered a validator for
// ("[{<<"mesage-ttl">>,5}] are not recognised policy settings", HTTP 400), so an unknown key is
// an error here, with a did-you-mean. Measured on RabbitMQ 3.10.8 (every key below PUT to
// /api/policies and /api/operator-policies); keys of later versions carry `since`, keys removed
// later carry `until`. Version rules for other settings live in model/compat.ts; this table is
// about policy keys only, and a version-aware caller reads `since`/`until` from it.
import { aString, integer, LEADER_LOCATORS, MAX_EXPIRY, maxAge, oneOf, type ValueCheck } from './queue-argument-table.js';

export interface PolicyKeyRule {
  check: ValueCheck;
  /** The first RabbitMQ version that knows the key (absent: 3.10 or earlier). */
  since?: string;
  /** The first version that refuses it again (4.0 removed classic queue mirroring). */
  until?: string;
  /** A plugin that registers the key: without it enabled, the broker refuses the key. */
  plugin?: string;
  /** Other keys the broker requires beside this one. */
  needs?: string;
}

const anything: ValueCheck = () => undefined;
const MIRRORING = { until: '4.0', needs: 'ha-mode' } as const;

export const POLICY_KEYS: ReadonlyMap<string, PolicyKeyRule> = new Map<string, PolicyKeyRule>([
  ['message-ttl', { check: integer(0, MAX_EXPIRY, 'milliseconds') }],
  ['expires', { check: integer(1, MAX_EXPIRY, 'milliseconds') }],
  ['max-length', { check: integer(0) }],
  ['max-length-bytes', { check: integer(0) }],
  ['max-in-memory-length', { check: integer(0) }],
  ['max-in-memory-bytes', { check: integer(0) }],
  // 3.10 refuses a negative limit; 4.0 reads it as "unlimited".
  ['delivery-limit', { check: integer(Number.MIN_SAFE_INTEGER) }],
  ['overflow', { check: oneOf(['drop-head', 'reject-publish', 'reject-publish-dlx']) }],
  ['dead-letter-exchange', { check: aString }],
  ['dead-letter-routing-key', { check: aString }],
  ['dead-letter-strategy', { check: oneOf(['at-most-once', 'at-least-once']) }],
  ['alternate-exchange', { check: aString }],
  ['queue-mode', { check: oneOf(['default', 'lazy']) }],
  ['queue-version', { check: oneOf([1, 2]) }],
  ['queue-master-locator', { check: oneOf(['min-masters', 'client-local', 'random']) }],
  ['queue-leader-locator', { check: oneOf(LEADER_LOCATORS) }],
  ['max-age', { check: maxAge }],
  ['stream-max-segment-size-bytes', { check: integer(1) }],
  ['stream-filter-size-bytes', { check: integer(16, 255), since: '3.13' }],
  ['initial-cluster-size', { check: integer(1) }],
  ['consumer-timeout', { check: integer(1, MAX_EXPIRY, 'milliseconds'), since: '3.12' }],
  ['target-group-size', { check: integer(1), since: '4.0' }],
  ['ha-mode', { check: oneOf(['all', 'exactly', 'nodes']), until: '4.0' }],
  ['ha-params', { check: anything, ...MIRRORING }],
  ['ha-sync-mode', { check: oneOf(['manual', 'automatic']), ...MIRRORING }],
  ['ha-sync-batch-size', { check: integer(1), ...MIRRORING }],
  ['ha-promote-on-shutdown', { check: oneOf(['always', 'when-synced']), ...MIRRORING }],
  ['ha-promote-on-failure', { check: oneOf(['always', 'when-synced']), ...MIRRORING }],
  ['federation-upstream', { check: aString, plugin: 'rabbitmq_federation' }],
  ['federation-upstream-set', { check: aString, plugin: 'rabbitmq_federation' }],
  ['federation-upstream-pattern', { check: aString, plugin: 'rabbitmq_federation' }],
]);

/** What an operator policy may hold on 3.10.8 (rabbit_policies:operator_policy_validators). */
export const OPERATOR_POLICY_KEYS: ReadonlySet<string> = new Set(['expires', 'message-ttl', 'max-length', 'max-length-bytes', 'max-in-memory-length', 'max-in-memory-bytes', 'delivery-limit']);

/** The broker takes at most one way of naming the upstreams. */
export const FEDERATION_KEYS: readonly string[] = ['federation-upstream', 'federation-upstream-set', 'federation-upstream-pattern'];
