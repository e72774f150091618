// Which live objects that the spec does not declare are deleted, and why (DESIGN.md, "Ownership").
import { unreachable } from '../errors.js';
import { describeResource, resourceKey, vhostNameOf } from '../model/keys.js';
import type { Resource } from '../model/types.js';
import { isHoldingBinding, originalOfHolding } from './migration.js';
import type { Owners, PlanInput } from './types.js';

/** `warning`: kept although prune would delete it, and the user should know why. */
export type PruneVerdict = { delete: true; reason: string } | { delete: false; warning?: string };

const KEEP: PruneVerdict = { delete: false };

export function pruneVerdict(key: string, live: Resource, input: PlanInput, ownerOf: Owners): PruneVerdict {
  if (input.prune === 'none') return KEEP;
  const owners = ownerOf.get(key) ?? [];
  if (owners.includes(input.stack)) {
    if (isConnectingUsers(live, input)) return keptForConnectingUser(live, input);
    // Shared with a stack that still owns it (a vhost used as a container), or the broker's own.
    if (owners.length > 1 || isProtected(live, input)) return KEEP;
    if (live.kind === 'vhost') return vhostVerdict(live.name, input, ownerOf);
    return { delete: true, reason: `stack ${input.stack} no longer declares it` };
  }
  if (input.prune !== 'all' || owners.length > 0) return KEEP;
  if (!inSpecVhost(live, input.specVhosts) || isProtected(live, input)) return KEEP;
  return { delete: true, reason: 'nobody declares it (--prune all)' };
}

/** The user warren connects as, or one of its grants. */
function isConnectingUsers(r: Resource, input: Pick<PlanInput, 'connectingUser'>): boolean {
  if (input.connectingUser === undefined) return false;
  if (r.kind === 'user') return r.name === input.connectingUser;
  return (r.kind === 'permission' || r.kind === 'topic_permission') && r.user === input.connectingUser;
}

/** Never deleted, but never silently: the plan would otherwise say "No changes" to a removal. */
function keptForConnectingUser(r: Resource, input: Pick<PlanInput, 'connectingUser'>): PruneVerdict {
  const user = input.connectingUser ?? '';
  return {
    delete: false,
    warning: `${describeResource(r)} is not deleted although the spec no longer declares it: warren connects as ${user}, and deleting it would lock warren out part way. Delete it by hand, or apply as another user.`,
  };
}

/**
 * A live object inside the spec's vhosts that no stack owns and the spec does not declare: the
 * plan leaves it alone (only `--prune all` deletes such objects), and says how many there are.
 * Users and vhosts are outside any vhost, so they are not counted.
 */
export function isIgnored(key: string, live: Resource, input: PlanInput, ownerOf: Owners): boolean {
  if (input.prune === 'all' || !inSpecVhost(live, input.specVhosts) || isProtected(live, input)) return false;
  return (ownerOf.get(key) ?? []).length === 0;
}

/** Objects warren never deletes: the broker's own, per-connection ones, and warren's own access. */
export function isProtected(r: Resource, input: Pick<PlanInput, 'connectingUser'>): boolean {
  switch (r.kind) {
    case 'exchange':
      return r.name === '' || r.name.startsWith('amq.');
    case 'queue':
      // A holding queue holds a migration's messages until apply finishes it (see migration.ts).
      return r.name.startsWith('amq.') || r.live?.exclusive === true || r.live?.server_named === true || originalOfHolding(r.name) !== undefined;
    case 'binding':
      return r.source === '' || (r.destination_type === 'queue' && r.destination.startsWith('amq.')) || isHoldingBinding(r);
    case 'vhost':
      return r.name === '/'; // the broker's default vhost: every node has it, clients expect it
    case 'permission':
    case 'topic_permission':
    case 'user':
      return input.connectingUser !== undefined && ('user' in r ? r.user : r.name) === input.connectingUser;
    case 'feature_flag':
      return true; // enabling one cannot be undone: warren never disables a flag
    case 'policy':
    case 'operator_policy':
    case 'parameter':
    case 'federation_upstream':
    case 'federation_upstream_set':
    case 'shovel':
    case 'global_parameter':
    case 'super_stream':
      return false;
    default:
      return unreachable(r, 'kind');
  }
}

/**
 * Deleting a vhost deletes everything in it. Objects this stack owns go anyway (the plan deletes
 * them one by one), but whatever else lives there (made outside warren, another stack's, an
 * application's exclusive or server-named queue) would vanish without the plan showing it, which
 * no prune mode may do: the vhost is kept, with a warning, until nothing else is left in it.
 * Permissions are grants rather than contents (the broker gives the vhost's creator one), so they
 * do not keep it.
 */
function vhostVerdict(vhost: string, input: PlanInput, ownerOf: Owners): PruneVerdict {
  const others: string[] = [];
  for (const r of input.live.values()) {
    if (r.kind === 'vhost' || r.kind === 'permission' || r.kind === 'topic_permission' || vhostNameOf(r) !== vhost) continue;
    if (r.kind === 'exchange' && (r.name === '' || r.name.startsWith('amq.'))) continue; // every vhost has them
    if (ownerOf.get(resourceKey(r))?.includes(input.stack) && !isProtected(r, input)) continue; // deleted by this plan
    others.push(describeResource(r));
  }
  if (others.length === 0) return { delete: true, reason: `stack ${input.stack} no longer declares it` };
  others.sort();
  const shown = others.slice(0, 3).join(', ') + (others.length > 3 ? `, and ${others.length - 3} more` : '');
  const count = others.length === 1 ? '1 object' : `${others.length} objects`;
  return {
    delete: false,
    warning: `vhost ${vhost} is kept: it holds ${count} stack ${input.stack} does not manage (${shown}), which deleting the vhost would delete too. Delete or declare them, and the next apply deletes the vhost.`,
  };
}

function inSpecVhost(r: Resource, specVhosts: ReadonlySet<string>): boolean {
  // Vhosts and users live outside any vhost: `--prune all` only reaches inside the spec's vhosts.
  if (r.kind === 'vhost') return false;
  const vhost = vhostNameOf(r);
  return vhost !== '' && specVhosts.has(vhost);
}
