// Which policy the broker picks for a queue or an exchange, and why the others lost.
// Source: rabbit_policy:match_all/3 (RabbitMQ 3.10 to 4.x). A policy matches when its vhost is the
// object's, its apply-to covers the object's kind (queues, exchanges, all, or a queue type's own
// name such as quorum_queues), and its pattern (an Erlang re, which for the patterns people write
// reads like a JavaScript RegExp) finds a match anywhere in the name. The matches are sorted by
// priority, highest first, with `>=`: between equal priorities the order is the broker's internal
// listing order, which users cannot see or control, so a tie is reported as one, never resolved.
import type { Exchange, Policy, Queue, QueueType } from '../model/types.js';

export type Target = Pick<Queue, 'kind' | 'vhost' | 'name' | 'type'> | Pick<Exchange, 'kind' | 'vhost' | 'name'>;

export type Verdict =
  | { outcome: 'wins'; policy: Policy; tiedWith: Policy[] }
  | { outcome: 'loses'; policy: Policy; reason: 'priority' | 'tie'; to: Policy }
  | { outcome: 'no-match'; policy: Policy; reason: 'pattern' | 'apply-to' };

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

export function policyMatches(policy: Policy, target: Target): boolean {
  return policy.vhost === target.vhost && appliesToKind(policy, target) && patternMatches(policy.pattern, target.name);
}

/** Every policy of one kind (user or operator) of the target's vhost, judged against it. */
export function judgePolicies(policies: Iterable<Policy>, target: Target): Verdict[] {
  const verdicts: Verdict[] = [];
  const matching: Policy[] = [];
  for (const p of policies) {
    if (p.vhost !== target.vhost) continue;
    if (!appliesToKind(p, target)) verdicts.push({ outcome: 'no-match', policy: p, reason: 'apply-to' });
    else if (!patternMatches(p.pattern, target.name)) verdicts.push({ outcome: 'no-match', policy: p, reason: 'pattern' });
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
