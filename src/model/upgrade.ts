// A 3.x topology rewritten for a 4.x broker, as a blue-green upgrade needs it: what 4.x refuses
// (the rules of version-rules.ts that carry a rewrite) is taken out, and every rewrite is listed
// so that a reviewer sees it. Classic queue mirroring is gone in 4.0: its policy keys are
// stripped, policies left empty are dropped, and the classic queues those policies mirrored
// become quorum queues when asked (quorumForMirrored), as RabbitMQ's migration guide does it.
import type { Origin } from '../errors.js';
import { resourceKey } from './keys.js';
import type { JsonMap, Policy, Queue, Resource } from './types.js';
import { MIRRORING_KEYS, VERSION_RULES, allows, showVersion, type RewriteId, type VersionTriple } from './version-rules.js';

export interface UpgradeOptions {
  /** Classic queues a mirroring policy covered become quorum queues (when they can be). */
  quorumForMirrored: boolean;
}

export interface Rewrite {
  /** `policy orders/ha-all: ...`: what changed, and why. */
  message: string;
  origin?: Origin | undefined;
}

export interface Upgraded {
  resources: Map<string, Resource>;
  rewrites: Rewrite[];
}

/** Arguments quorum queues refuse, with what a converted queue gets instead (undefined: dropped). */
type Json = JsonMap[string];
const dropIt = (): [string, Json] | undefined => undefined;
const CLASSIC_ONLY_ARGUMENTS = new Map<string, (value: Json) => [string, Json] | undefined>([
  ['x-max-priority', dropIt],
  ['x-queue-mode', dropIt],
  ['x-queue-version', dropIt],
  ['x-queue-master-locator', (v) => ['x-queue-leader-locator', v === 'client-local' ? 'client-local' : 'balanced']],
]);

const WHY_ARGUMENT: Record<string, string> = {
  'x-max-priority': 'quorum queues have two priorities built in, 5 and above being high',
  'x-queue-mode': 'quorum queues have no queue mode',
  'x-queue-version': 'quorum queues have no classic queue version',
  'x-queue-master-locator': 'quorum queues take a leader locator',
};

export function upgradeTopology(input: ReadonlyMap<string, Resource>, version: VersionTriple, options: UpgradeOptions): Upgraded {
  const active = new Set<RewriteId>(VERSION_RULES.filter((r) => r.rewrite !== undefined && !allows(r, version)).map((r) => r.rewrite as RewriteId));
  const resources = new Map(input);
  const rewrites: Rewrite[] = [];
  const target = `RabbitMQ ${showVersion(version)}`;
  // Which policy mirrored each classic queue, read before any policy changes.
  const mirrored = active.has('strip-mirroring') ? mirroredQueues(input) : new Map<string, Policy>();

  for (const [key, r] of input) {
    if (r.kind !== 'policy' && r.kind !== 'operator_policy') continue;
    const label = `${r.kind === 'policy' ? 'policy' : 'operator policy'} ${r.vhost}/${r.name}`;
    const definition = { ...r.definition };
    let changed = false;
    for (const id of active) {
      const keys = Object.keys(definition).filter((k) => (id === 'strip-mirroring' ? MIRRORING_KEYS.has(k) : k === 'queue-mode'));
      if (keys.length === 0) continue;
      for (const k of keys) delete definition[k];
      changed = true;
      const why = id === 'strip-mirroring' ? `${target} has no classic queue mirroring` : `${target} has no queue mode`;
      rewrites.push({ message: `${label}: removed ${keys.join(', ')} (${why})`, origin: r.origin });
      if (id === 'strip-mirroring' && options.quorumForMirrored && definition['overflow'] === 'reject-publish-dlx') {
        definition['overflow'] = 'reject-publish';
        rewrites.push({ message: `${label}: overflow reject-publish-dlx -> reject-publish (the queues it mirrored become quorum queues, which do not support reject-publish-dlx)`, origin: r.origin });
      }
    }
    if (!changed) continue;
    if (Object.keys(definition).length === 0) {
      resources.delete(key);
      rewrites.push({ message: `${label}: dropped (nothing was left in its definition)`, origin: r.origin });
    } else {
      resources.set(key, { ...r, definition });
    }
  }

  for (const [key, r] of input) {
    if (r.kind !== 'queue') continue;
    let q: Queue = r;
    if (active.has('strip-queue-mode') && 'x-queue-mode' in q.arguments) {
      const { 'x-queue-mode': _mode, ...rest } = q.arguments;
      q = { ...q, arguments: rest };
      rewrites.push({ message: `queue ${q.vhost}/${q.name}: removed x-queue-mode (${target} has no queue mode)`, origin: q.origin });
    }
    const policy = mirrored.get(key);
    if (policy) q = convertMirrored(q, policy, target, options, rewrites);
    if (q !== r) resources.set(key, q);
  }
  return { resources, rewrites };
}

function convertMirrored(q: Queue, policy: Policy, target: string, options: UpgradeOptions, rewrites: Rewrite[]): Queue {
  const label = `queue ${q.vhost}/${q.name}`;
  if (!options.quorumForMirrored) {
    rewrites.push({ message: `${label}: policy ${policy.name} mirrored it; on ${target} it is a classic queue with one replica (--quorum-for-mirrored makes it a quorum queue)`, origin: q.origin });
    return q;
  }
  if (!q.durable || q.auto_delete) {
    rewrites.push({ message: `${label}: left a classic queue although policy ${policy.name} mirrored it: quorum queues must be durable and not auto-delete`, origin: q.origin });
    return q;
  }
  const args: JsonMap = {};
  const changes: string[] = [];
  for (const [k, v] of Object.entries(q.arguments)) {
    const convert = CLASSIC_ONLY_ARGUMENTS.get(k);
    if (!convert) {
      if (k === 'x-overflow' && v === 'reject-publish-dlx') {
        args[k] = 'reject-publish';
        changes.push('x-overflow reject-publish-dlx -> reject-publish (quorum queues do not support reject-publish-dlx)');
      } else {
        args[k] = v;
      }
      continue;
    }
    const replaced = convert(v);
    if (replaced) {
      args[replaced[0]] = replaced[1];
      changes.push(`${k} ${JSON.stringify(v)} -> ${replaced[0]} ${JSON.stringify(replaced[1])} (${WHY_ARGUMENT[k]})`);
    } else {
      changes.push(`removed ${k} (${WHY_ARGUMENT[k]})`);
    }
  }
  rewrites.push({ message: `${label}: classic -> quorum (policy ${policy.name} mirrored it)${changes.length > 0 ? `; ${changes.join('; ')}` : ''}`, origin: q.origin });
  return { ...q, type: 'quorum', arguments: args };
}

/**
 * Classic queues whose policy (the highest-priority user policy matching their name, as the
 * broker picks it) holds a mirroring key, keyed by resourceKey, with that policy.
 */
export function mirroredQueues(resources: ReadonlyMap<string, Resource>): Map<string, Policy> {
  const policies = new Map<string, Policy[]>();
  for (const r of resources.values()) {
    if (r.kind === 'policy' && r.apply_to !== 'exchanges') policies.set(r.vhost, [...(policies.get(r.vhost) ?? []), r]);
  }
  for (const list of policies.values()) list.sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : 1));
  const out = new Map<string, Policy>();
  for (const r of resources.values()) {
    if (r.kind !== 'queue' || r.type !== 'classic') continue;
    const effective = (policies.get(r.vhost) ?? []).find((p) => matches(p.pattern, r.name));
    if (effective && Object.keys(effective.definition).some((k) => MIRRORING_KEYS.has(k))) out.set(resourceKey(r), effective);
  }
  return out;
}

function matches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return false; // an Erlang pattern JavaScript cannot read: not counted as covering anything
  }
}
