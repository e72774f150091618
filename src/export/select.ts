// What an export keeps of a live broker, and why it leaves the rest out. The rules are the ones
// the planner and the broker already follow: what the broker makes itself (amq.* exchanges, the
// default exchange, server-named and exclusive queues), what plugins make (x-internal-purpose),
// and bindings whose ends are left out. Conformance tests compare brokers through the same rules.
import { BUILT_IN_EXCHANGES } from '../spec/rules/bindings.js';
import type { LiveState } from '../live/types.js';
import { resourceKey } from '../model/keys.js';
import type { Resource } from '../model/types.js';

export interface Selection {
  /** Kept objects, by resource key, in the model's order. */
  kept: Map<string, Resource>;
  /** reason -> how many objects it left out. */
  leftOut: Map<string, number>;
}

export interface SelectOptions {
  /** Only these vhosts (and users with permissions in them); all when undefined or empty. */
  vhosts?: readonly string[] | undefined;
}

/** Arguments plugins put on the queues and exchanges they make for themselves (federation links). */
const PLUGIN_ARGUMENT = 'x-internal-purpose';

export function selectExportable(live: Pick<LiveState, 'model' | 'unmanagedReasons'>, options: SelectOptions = {}): Selection {
  const wanted = options.vhosts && options.vhosts.length > 0 ? new Set(options.vhosts) : undefined;
  const leftOut = new Map<string, number>();
  const kept = new Map<string, Resource>();
  const skip = (why: string): void => {
    leftOut.set(why, (leftOut.get(why) ?? 0) + 1);
  };
  const resources = live.model.resources;
  const reasonOf = (key: string, r: Resource): string | undefined => {
    if (r.kind === 'exchange' && r.name.startsWith('amq.')) return "amq.* exchanges (the broker's own)";
    if (r.kind === 'queue' && r.live?.exclusive) return 'exclusive queues';
    if (r.kind === 'queue' && r.live?.server_named) return 'server-named queues';
    if ((r.kind === 'exchange' || r.kind === 'queue') && Object.hasOwn(r.arguments, PLUGIN_ARGUMENT)) return `objects made by plugins (${PLUGIN_ARGUMENT})`;
    if (live.unmanagedReasons?.has(key)) return `${r.kind}s the broker reserves (amq.*)`;
    return undefined;
  };

  for (const [key, r] of resources) {
    if (wanted && 'vhost' in r && !wanted.has(r.vhost)) continue;
    if (wanted && r.kind === 'vhost' && !wanted.has(r.name)) continue;
    if (wanted && (r.kind === 'global_parameter' || r.kind === 'feature_flag')) continue; // broker-wide: not part of a vhost export
    if (r.kind === 'binding' || r.kind === 'user') continue; // decided below, once the ends are known
    const why = reasonOf(key, r);
    if (why !== undefined) {
      skip(why);
      continue;
    }
    kept.set(key, r);
  }
  for (const [key, r] of resources) {
    if (r.kind !== 'binding' || (wanted && !wanted.has(r.vhost))) continue;
    // Looked up among the kept objects by key: a set of the kept ends was 33,000 more strings at factor 3.
    const sourceKept = kept.has(endpointKey('exchange', r.vhost, r.source)) || BUILT_IN_EXCHANGES.has(r.source);
    const destKept = kept.has(endpointKey(r.destination_type, r.vhost, r.destination)) || (r.destination_type === 'exchange' && BUILT_IN_EXCHANGES.has(r.destination));
    if (!sourceKept || !destKept) {
      skip('bindings to or from objects left out');
      continue;
    }
    kept.set(key, r);
  }
  // Users are global: with --vhost, only those holding permissions in the chosen vhosts.
  const grantees = new Set<string>();
  for (const r of kept.values()) if (r.kind === 'permission' || r.kind === 'topic_permission') grantees.add(r.user);
  for (const [key, r] of resources) {
    if (r.kind !== 'user') continue;
    if (wanted && !grantees.has(r.name)) continue;
    kept.set(key, r);
  }
  // A spec grants permissions under its users, so a grant to a user the broker does not have
  // (possible in a hand-written definitions file) has nowhere to go.
  for (const [key, r] of kept) {
    if ((r.kind === 'permission' || r.kind === 'topic_permission') && !resources.has(userKey(r.user))) {
      kept.delete(key);
      skip('permissions of users that do not exist');
    }
  }
  return { kept, leftOut };
}

function userKey(name: string): string {
  return resourceKey({ kind: 'user', name, tags: [], limits: {} });
}

/** The key of the exchange or queue a binding names (only kind, vhost and name make a key). */
function endpointKey(kind: 'exchange' | 'queue', vhost: string, name: string): string {
  return kind === 'exchange'
    ? resourceKey({ kind, vhost, name, type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} })
    : resourceKey({ kind, vhost, name, type: 'classic', durable: true, auto_delete: false, arguments: {} });
}
