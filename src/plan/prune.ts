// Which live objects that the spec does not declare are deleted, and why (DESIGN.md, "Ownership").
import type { Resource } from '../model/types.js';
import type { PlanInput } from './types.js';

export type PruneVerdict = { delete: true; reason: string } | { delete: false };

const KEEP: PruneVerdict = { delete: false };

export function pruneVerdict(key: string, live: Resource, input: PlanInput, ownerOf: ReadonlyMap<string, string>): PruneVerdict {
  if (input.prune === 'none') return KEEP;
  const owner = ownerOf.get(key);
  if (owner === input.stack) {
    if (isProtected(live, input)) return KEEP;
    return { delete: true, reason: `stack ${input.stack} no longer declares it` };
  }
  if (input.prune !== 'all' || owner !== undefined) return KEEP;
  if (!inSpecVhost(live, input.specVhosts) || isProtected(live, input)) return KEEP;
  return { delete: true, reason: 'nobody declares it (--prune all)' };
}

/** Objects warren never deletes: the broker's own, per-connection ones, and warren's own access. */
export function isProtected(r: Resource, input: Pick<PlanInput, 'connectingUser'>): boolean {
  switch (r.kind) {
    case 'exchange':
      return r.name === '' || r.name.startsWith('amq.');
    case 'queue':
      return r.name.startsWith('amq.') || r.live?.exclusive === true || r.live?.server_named === true;
    case 'binding':
      return r.source === '' || (r.destination_type === 'queue' && r.destination.startsWith('amq.'));
    case 'permission':
    case 'topic_permission':
    case 'user':
      return input.connectingUser !== undefined && ('user' in r ? r.user : r.name) === input.connectingUser;
    default:
      return false;
  }
}

function inSpecVhost(r: Resource, specVhosts: ReadonlySet<string>): boolean {
  // Vhosts and users live outside any vhost: `--prune all` only reaches inside the spec's vhosts.
  if (r.kind === 'vhost' || r.kind === 'user') return false;
  return specVhosts.has(r.vhost);
}
