// Rules about how queues and exchanges are declared.
import { describeResource } from '../../model/keys.js';
import type { Exchange, Policy, Queue } from '../../model/types.js';
import { effectiveSettings, RESOLVERS } from '../effective.js';
import type { LintInput, LintRule, RawFinding } from './types.js';
import { atLeast, versionLabel } from '../version.js';

/** Queue arguments a policy key can carry instead. As arguments they are part of the queue's identity. */
const POLICY_CAN_CARRY: ReadonlySet<string> = new Set([
  'x-message-ttl', 'x-expires', 'x-max-length', 'x-max-length-bytes', 'x-overflow', 'x-dead-letter-exchange', 'x-dead-letter-routing-key',
  'x-dead-letter-strategy', 'x-delivery-limit', 'x-max-age', 'x-stream-max-segment-size-bytes', 'x-queue-leader-locator', 'x-queue-mode',
  'x-max-in-memory-length', 'x-max-in-memory-bytes',
]);

export function queuesOf(input: LintInput): Queue[] {
  return [...input.model.resources.values()].filter((r): r is Queue => r.kind === 'queue');
}

export function exchangesOf(input: LintInput): Exchange[] {
  return [...input.model.resources.values()].filter((r): r is Exchange => r.kind === 'exchange');
}

export const immutableArgument: LintRule = {
  id: 'queue-argument-immutable',
  severity: 'warning',
  title: 'a queue argument that a policy could carry',
  why: 'queue arguments cannot change after declaration: changing one later forces a replace (delete and re-declare), while a policy changes in place',
  fix: 'move it to a policy definition (x-message-ttl -> message-ttl, x-dead-letter-exchange -> dead-letter-exchange, ...), or ignore this rule for the queue',
  check(input, report) {
    for (const q of queuesOf(input)) {
      const args = Object.keys(q.arguments).filter((a) => POLICY_CAN_CARRY.has(a));
      if (args.length === 0) continue;
      report({ object: describeResource(q), origin: q.origin, field: `arguments.${args[0]}`, message: `${args.join(', ')} ${args.length === 1 ? 'is a queue argument' : 'are queue arguments'}; policy ${args.length === 1 ? 'key' : 'keys'} ${args.map((a) => a.slice(2)).join(', ')} could set the same without fixing ${args.length === 1 ? 'it' : 'them'} for the queue's lifetime` });
    }
  },
};

export const autoDelete: LintRule = {
  id: 'transient-object',
  severity: 'warning',
  title: 'an auto-delete queue or exchange in a declarative spec (exclusive queues the schema already refuses)',
  why: 'such objects vanish when their last consumer or binding goes, so the broker drifts from the spec and the next plan re-creates them',
  fix: 'let the application declare short-lived objects itself, or drop auto_delete',
  check(input, report) {
    for (const r of input.model.resources.values()) {
      // Only what the spec declares: applications' own short-lived objects on a broker are normal.
      if ((r.kind !== 'queue' && r.kind !== 'exchange') || !r.origin || !r.auto_delete) continue;
      report({ object: describeResource(r), origin: r.origin, message: `${r.kind} is auto-delete` });
    }
  },
};

const HA_KEY = /^ha-/;

export const removedSetting: LintRule = {
  id: 'deprecated-setting',
  severity: 'warning',
  title: 'a setting that newer RabbitMQ versions removed or ignore',
  why: 'classic queue mirroring (ha-*) is gone in 4.0 and refused there; lazy mode, master locators, in-memory limits and classic queue version 1 are ignored by newer brokers; transient queues are deprecated',
  fix: 'use quorum queues or streams instead of mirroring; drop ignored settings; make queues durable',
  check(input, report) {
    const v = input.brokerVersion;
    const on = versionLabel(v);
    for (const r of input.model.resources.values()) {
      if (r.kind === 'policy' || r.kind === 'operator_policy') {
        const ha = Object.keys(r.definition).filter((k) => HA_KEY.test(k));
        if (ha.length > 0) {
          const removed = atLeast(v, 4, 0);
          report({ object: describeResource(r), origin: r.origin, field: `definition.${ha[0]}`, severity: removed ? 'error' : 'warning', message: `${ha.join(', ')}: classic queue mirroring ${removed ? `is removed in ${on} (4.0 refuses the policy)` : 'is deprecated and removed in 4.0'}` });
        }
        if (r.definition['queue-mode'] !== undefined) report({ object: describeResource(r), origin: r.origin, field: 'definition.queue-mode', message: `queue-mode ${atLeast(v, 3, 12) ? `is ignored by ${on} (since 3.12 classic queues always keep messages on disk)` : 'is ignored from 3.12 on'}` });
        if (r.definition['queue-master-locator'] !== undefined) report({ object: describeResource(r), origin: r.origin, field: 'definition.queue-master-locator', message: 'queue-master-locator is deprecated; use queue-leader-locator' });
        continue;
      }
      if (r.kind !== 'queue') continue;
      checkQueue(r, v, report);
    }
  },
};

function checkQueue(q: Queue, v: string | undefined, report: (f: RawFinding) => void): void {
  const on = versionLabel(v);
  const say = (message: string, argument?: string): void => report({ object: describeResource(q), origin: q.origin, field: argument && `arguments.${argument}`, message });
  if (q.arguments['x-queue-mode'] !== undefined) say(`x-queue-mode ${atLeast(v, 3, 12) ? `is ignored by ${on} (since 3.12 classic queues always keep messages on disk)` : 'is ignored from 3.12 on'}`, 'x-queue-mode');
  if (q.arguments['x-queue-master-locator'] !== undefined) say('x-queue-master-locator is deprecated; use x-queue-leader-locator', 'x-queue-master-locator');
  for (const a of ['x-max-in-memory-length', 'x-max-in-memory-bytes']) {
    if (q.arguments[a] !== undefined) say(`${a} ${atLeast(v, 3, 12) ? `is ignored by ${on}` : 'is ignored from 3.12 on'} (quorum queues no longer keep messages in memory)`, a);
  }
  if (q.arguments['x-queue-version'] === 1 && atLeast(v, 4, 0)) say(`x-queue-version 1 is ignored by ${on}: every classic queue is version 2`, 'x-queue-version');
  if (q.type === 'classic' && !q.durable && q.live?.exclusive !== true) say(`a transient (non-durable) classic queue: deprecated since 3.13 (transient_nonexcl_queues)`);
}

/** Keys some kind of object reads from policies; a key outside this list is a plugin's, never judged. */
const KNOWN_KEYS: ReadonlySet<string> = new Set(Object.values(RESOLVERS).flatMap((r) => Object.keys(r)));

export const policyKeyUnsupported: LintRule = {
  id: 'policy-key-unsupported',
  severity: 'warning',
  title: 'a policy the broker skips for some queues because their type refuses one of its keys, or a key the matched object never reads',
  why: 'a queue type that refuses a key (max-length on a stream, delivery-limit on a classic queue) makes the broker skip the whole policy for that queue and apply the next one, or none; a key nothing reads (queue keys on exchanges) does nothing',
  fix: 'split the policy by queue type (apply_to, or the pattern), or use the key the type reads (streams: max-length-bytes, max-age)',
  check(input, report) {
    const policies = [...input.model.resources.values()].filter((r): r is Policy => r.kind === 'policy' || r.kind === 'operator_policy');
    // One finding per policy and key, naming the objects concerned.
    const found = new Map<string, { policy: Policy; key: string; what: string; objects: string[] }>();
    const note = (policy: Policy, key: string, what: string, object: string): void => {
      const id = `${describeResource(policy)}\u0000${key}\u0000${what}`;
      const entry = found.get(id) ?? { policy, key, what, objects: [] };
      entry.objects.push(object);
      found.set(id, entry);
    };
    for (const r of input.model.resources.values()) {
      if (r.kind !== 'queue' && r.kind !== 'exchange') continue;
      const label = r.kind === 'exchange' ? `exchange ${r.name}` : `${r.type === 'stream' ? 'stream' : `${r.type} queue`} ${r.name}`;
      const effective = effectiveSettings(r, policies.filter((p) => p.vhost === r.vhost), input.brokerVersion);
      for (const verdicts of [effective.policies, effective.operatorPolicies]) {
        const instead = verdicts.find((v) => v.outcome === 'wins')?.policy.name;
        for (const v of verdicts) {
          if (v.outcome === 'no-match' && v.reason === 'unsupported') note(v.policy, v.keys.join(', '), 'skipped', `${label} (${instead ? `gets ${instead} instead` : 'gets no policy of this kind'})`);
        }
      }
      for (const s of effective.settings) {
        if (!s.ignored || !KNOWN_KEYS.has(s.key) || s.source.from === 'argument') continue;
        const source = s.source;
        const policy = policies.find((p) => p.vhost === r.vhost && p.name === source.policy && p.kind === source.from);
        if (policy) note(policy, s.key, 'ignored', label);
      }
    }
    for (const { policy, key, what, objects } of found.values()) {
      const shown = objects.slice(0, 5).join(', ') + (objects.length > 5 ? ` and ${objects.length - 5} more` : '');
      const message = what === 'skipped' ? `${key}: not supported by the type of ${shown}, so the broker skips this whole policy there` : `${key} is ignored by what the policy applies to: ${shown}`;
      report({ object: describeResource(policy), origin: policy.origin, field: `definition.${key.split(', ')[0] ?? key}`, message });
    }
  },
};
