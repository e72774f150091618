// Which policy the broker picks for a queue or an exchange, and why the others lost.
// Source: rabbit_policy:match_all/3 (RabbitMQ 3.10 to 4.x). A policy matches when its vhost is the
// object's, its apply-to covers the object's kind (queues, exchanges, all, or a queue type's own
// name such as quorum_queues), its pattern (an Erlang re, which for the patterns people write
// reads like a JavaScript RegExp) finds a match anywhere in the name, and, for a queue, none of its
// keys is one the queue's type declares unsupported (rabbit_amqqueue:is_policy_applicable/2 and
// each type's capabilities/0): a stream skips a whole policy that holds `max-length`, and takes
// the next one that matches. The matches are sorted by
// priority, highest first, with `>=`: between equal priorities the order is the broker's internal
// listing order, which users cannot see or control, so a tie is reported as one, never resolved.
import type { Exchange, Policy, Queue, QueueType } from '../model/types.js';
import { atLeast } from './version.js';

export type Target = Pick<Queue, 'kind' | 'vhost' | 'name' | 'type'> | Pick<Exchange, 'kind' | 'vhost' | 'name'>;

export type Verdict =
  | { outcome: 'wins'; policy: Policy; tiedWith: Policy[] }
  | { outcome: 'loses'; policy: Policy; reason: 'priority' | 'tie'; to: Policy }
  | { outcome: 'no-match'; policy: Policy; reason: 'pattern' | 'apply-to' }
  | { outcome: 'no-match'; policy: Policy; reason: 'unsupported'; keys: string[] };

const HA = ['ha-mode', 'ha-params', 'ha-sync-mode', 'ha-promote-on-shutdown', 'ha-promote-on-failure', 'queue-master-locator'];
const STREAM_ONLY = ['max-age', 'stream-max-segment-size-bytes', 'initial-cluster-size'];
const STREAM_UNSUPPORTED = ['expires', 'message-ttl', 'dead-letter-exchange', 'dead-letter-routing-key', 'max-length', 'max-in-memory-length', 'max-in-memory-bytes', 'max-priority', 'overflow', 'queue-mode', 'single-active-consumer', 'delivery-limit', ...HA];

/**
 * Policy keys each queue type declares unsupported (`unsupported_policies` in capabilities/0).
 * RabbitMQ 3.10.8 checked by experiment (a policy with the key and a lower one without: which one
 * the broker applies); 4.x from its source: classic queues then also refuse the quorum-only
 * in-memory limits and group size, and accept queue-leader-locator.
 */
const UNSUPPORTED_BEFORE_4: Record<QueueType, ReadonlySet<string>> = {
  classic: new Set([...STREAM_ONLY, 'queue-leader-locator', 'delivery-limit', 'dead-letter-strategy']),
  quorum: new Set(['max-priority', 'queue-mode', ...HA, ...STREAM_ONLY]),
  stream: new Set(STREAM_UNSUPPORTED),
};
const UNSUPPORTED_FROM_4: Record<QueueType, ReadonlySet<string>> = {
  classic: new Set([...STREAM_ONLY, 'delivery-limit', 'dead-letter-strategy', 'max-in-memory-length', 'max-in-memory-bytes', 'target-group-size', 'filter-field-names']),
  quorum: new Set(['max-priority', 'queue-mode', ...HA, ...STREAM_ONLY]),
  stream: new Set([...STREAM_UNSUPPORTED, 'target-group-size']),
};

/** The policy keys that make the broker skip a whole policy for a queue of this type. No version: the newest. */
export function unsupportedPolicyKeys(type: QueueType, brokerVersion?: string): ReadonlySet<string> {
  return (atLeast(brokerVersion, 4, 0) ? UNSUPPORTED_FROM_4 : UNSUPPORTED_BEFORE_4)[type];
}

function unsupportedKeys(policy: Policy, target: Target, brokerVersion?: string): string[] {
  if (target.kind !== 'queue') return [];
  const refused = unsupportedPolicyKeys(target.type, brokerVersion);
  return Object.keys(policy.definition).filter((k) => refused.has(k));
}

const QUEUE_TYPE_APPLY_TO: Record<QueueType, string> = { classic: 'classic_queues', quorum: 'quorum_queues', stream: 'streams' };

export function appliesToKind(policy: Pick<Policy, 'apply_to'>, target: Target): boolean {
  const applyTo: string = policy.apply_to;
  if (applyTo === 'all') return true;
  if (target.kind === 'exchange') return applyTo === 'exchanges';
  return applyTo === 'queues' || applyTo === QUEUE_TYPE_APPLY_TO[target.type];
}

const compiled = new Map<string, RegExp | null>();

/** The pattern as a RegExp, or null when JavaScript cannot compile it (validate reports those). */
export function patternRegExp(pattern: string): RegExp | null {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      try {
        re = new RegExp(pattern);
      } catch {
        re = null;
      }
    }
    compiled.set(pattern, re);
  }
  return re;
}

export function patternMatches(pattern: string, name: string): boolean {
  return patternRegExp(pattern)?.test(name) ?? false;
}

export function policyMatches(policy: Policy, target: Target, brokerVersion?: string): boolean {
  return policy.vhost === target.vhost && appliesToKind(policy, target) && patternMatches(policy.pattern, target.name) && unsupportedKeys(policy, target, brokerVersion).length === 0;
}

/** Every policy of one kind (user or operator) of the target's vhost, judged against it. */
export function judgePolicies(policies: Iterable<Policy>, target: Target, brokerVersion?: string): Verdict[] {
  const verdicts: Verdict[] = [];
  const matching: Policy[] = [];
  for (const p of policies) {
    if (p.vhost !== target.vhost) continue;
    const refused = unsupportedKeys(p, target, brokerVersion);
    if (!appliesToKind(p, target)) verdicts.push({ outcome: 'no-match', policy: p, reason: 'apply-to' });
    else if (!patternMatches(p.pattern, target.name)) verdicts.push({ outcome: 'no-match', policy: p, reason: 'pattern' });
    else if (refused.length > 0) verdicts.push({ outcome: 'no-match', policy: p, reason: 'unsupported', keys: refused });
    else matching.push(p);
  }
  matching.sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  const top = matching[0];
  if (!top) return verdicts;
  const tied = matching.filter((p) => p !== top && p.priority === top.priority);
  const ranked: Verdict[] = [{ outcome: 'wins', policy: top, tiedWith: tied }];
  for (const p of matching.slice(1)) ranked.push({ outcome: 'loses', policy: p, reason: p.priority === top.priority ? 'tie' : 'priority', to: top });
  return [...ranked, ...verdicts];
}

export function winnerOf(verdicts: readonly Verdict[]): Extract<Verdict, { outcome: 'wins' }> | undefined {
  return verdicts.find((v): v is Extract<Verdict, { outcome: 'wins' }> => v.outcome === 'wins');
}
