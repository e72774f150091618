// What an export keeps of a live broker, and why it leaves the rest out. The rules are the ones
// the planner and the broker already follow: what the broker makes itself (amq.* exchanges, the
// default exchange, server-named and exclusive queues), what plugins make (x-internal-purpose),
// and bindings whose ends are left out. Conformance tests compare brokers through the same rules.
import { BUILT_IN_EXCHANGES } from '../spec/rules/bindings.js';
import type { LiveState } from '../live/types.js';
import { resourceKey } from '../model/keys.js';
import type { Resource } from '../model/types.js';

export interface Selection {
  /** Kept objects, by resource key, in the model's order: bindings after the rest, users last. */
  kept: ReadonlyMap<string, Resource>;
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
  const resources = live.model.resources;
  const dropped = new Set<string>();
  const kept = new KeptObjects(resources, dropped);
  const skip = (key: string, why?: string): void => {
    dropped.add(key);
    if (why !== undefined) leftOut.set(why, (leftOut.get(why) ?? 0) + 1);
  };
  const reasonOf = (key: string, r: Resource): string | undefined => {
    if (r.kind === 'exchange' && r.name.startsWith('amq.')) return "amq.* exchanges (the broker's own)";
    if (r.kind === 'queue' && r.live?.exclusive) return 'exclusive queues';
    if (r.kind === 'queue' && r.live?.server_named) return 'server-named queues';
    if ((r.kind === 'exchange' || r.kind === 'queue') && Object.hasOwn(r.arguments, PLUGIN_ARGUMENT)) return `objects made by plugins (${PLUGIN_ARGUMENT})`;
    if (live.unmanagedReasons?.has(key)) return `${r.kind}s the broker reserves (amq.*)`;
    return undefined;
  };

  for (const [key, r] of resources) {
    if (r.kind === 'binding' || r.kind === 'user') continue; // decided below, once the ends are known
    if (wanted && 'vhost' in r && !wanted.has(r.vhost)) skip(key);
    else if (wanted && r.kind === 'vhost' && !wanted.has(r.name)) skip(key);
    else if (wanted && (r.kind === 'global_parameter' || r.kind === 'feature_flag')) skip(key); // broker-wide: not part of a vhost export
    else {
      const why = reasonOf(key, r);
      if (why !== undefined) skip(key, why);
    }
  }
  for (const [key, r] of resources) {
    if (r.kind !== 'binding') continue;
    if (wanted && !wanted.has(r.vhost)) {
      skip(key);
      continue;
    }
    // Looked up among the kept objects by key: a set of the kept ends was 33,000 more strings at factor 3.
    const sourceKept = kept.has(endpointKey('exchange', r.vhost, r.source)) || BUILT_IN_EXCHANGES.has(r.source);
    const destKept = kept.has(endpointKey(r.destination_type, r.vhost, r.destination)) || (r.destination_type === 'exchange' && BUILT_IN_EXCHANGES.has(r.destination));
    if (!sourceKept || !destKept) skip(key, 'bindings to or from objects left out');
  }
  // Users are global: with --vhost, only those holding permissions in the chosen vhosts.
  const grantees = new Set<string>();
  for (const r of kept.values()) if (r.kind === 'permission' || r.kind === 'topic_permission') grantees.add(r.user);
  for (const [key, r] of resources) if (r.kind === 'user' && wanted && !grantees.has(r.name)) skip(key);
  // A spec grants permissions under its users, so a grant to a user the broker does not have
  // (possible in a hand-written definitions file) has nowhere to go.
  for (const [key, r] of kept) {
    if ((r.kind === 'permission' || r.kind === 'topic_permission') && !resources.has(userKey(r.user))) skip(key, 'permissions of users that do not exist');
  }
  return { kept, leftOut };
}

/**
 * The model's objects less the dropped ones, in the order the selection decides them: other
 * kinds, then bindings, then users. Not a map of its own: at bench factor 3 a copy of 93,000
 * entries, and the tables it outgrew on the way, were 7 MB of the export's peak.
 */
class KeptObjects implements ReadonlyMap<string, Resource> {
  constructor(
    private readonly resources: ReadonlyMap<string, Resource>,
    private readonly dropped: ReadonlySet<string>,
  ) {}

  get size(): number {
    return this.resources.size - this.dropped.size;
  }

  has(key: string): boolean {
    return this.resources.has(key) && !this.dropped.has(key);
  }

  get(key: string): Resource | undefined {
    return this.dropped.has(key) ? undefined : this.resources.get(key);
  }

  forEach(f: (value: Resource, key: string, map: ReadonlyMap<string, Resource>) => void): void {
    for (const [key, r] of this) f(r, key, this);
  }

  *entries(): MapIterator<[string, Resource]> {
    for (const pass of ['other', 'binding', 'user'] as const) {
      for (const entry of this.resources) {
        const kind = entry[1].kind;
        if ((kind === 'binding' || kind === 'user' ? kind : 'other') === pass && !this.dropped.has(entry[0])) yield entry;
      }
    }
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<Resource> {
    for (const [, r] of this.entries()) yield r;
  }

  [Symbol.iterator](): MapIterator<[string, Resource]> {
    return this.entries();
  }
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
