// The planner: pure and synchronous. Two models in, one ordered plan out. It never mutates its
// inputs and touches no I/O, so every rule here is tested with literal models.
import type { Diagnostic } from '../errors.js';
import { describeResource } from '../model/keys.js';
import type { Resource } from '../model/types.js';
import { carryOverBindings } from './cascade.js';
import { compareResources } from './compare.js';
import { markDataLoss } from './data-loss.js';
import { halfMadeWarning, isHalfMade, replaceHalfMade } from './half-made.js';
import { orderChanges } from './order.js';
import { pruneVerdict } from './prune.js';
import type { Change, Owners, Plan, PlanInput, PlanSummary } from './types.js';

export function planChanges(input: PlanInput): Plan {
  const diagnostics: Diagnostic[] = [];
  const ownerOf = ownersLookup(input.ownership);
  const changes: Change[] = [];
  let unchanged = 0;

  for (const [key, desired] of input.desired) {
    const owner = otherOwner(ownerOf, key, input.stack);
    if (owner !== undefined && !isContainerVhost(desired)) {
      diagnostics.push({
        severity: 'error',
        code: 'E_OWNERSHIP',
        message: `${describeResource(desired)} is owned by stack "${owner}"; remove it from this spec or from that stack first`,
        origin: desired.origin,
      });
      continue;
    }
    const live = input.live.get(key);
    if (!live) {
      changes.push({ action: 'create', key, kind: desired.kind, title: describeResource(desired), after: desired, fields: [], forcedBy: [] });
      continue;
    }
    if (isHalfMade(live)) {
      changes.push(replaceHalfMade(key, desired, live));
      diagnostics.push(halfMadeWarning(live));
      continue;
    }
    const { fields, forcedBy } = compareResources(live, desired);
    if (fields.length === 0) {
      unchanged++;
      continue;
    }
    const action = forcedBy.length > 0 ? 'replace' : 'update';
    changes.push({ action, key, kind: desired.kind, title: describeResource(desired), before: live, after: withLiveValues(desired, live), fields, forcedBy });
  }

  for (const [key, live] of input.live) {
    if (input.desired.has(key)) continue;
    const verdict = pruneVerdict(key, live, input, ownerOf);
    if (verdict.delete) {
      changes.push({ action: 'delete', key, kind: live.kind, title: describeResource(live), before: live, fields: [], forcedBy: [], reason: verdict.reason });
    } else if (verdict.warning !== undefined) {
      diagnostics.push({ severity: 'warning', code: 'W_PRUNE', message: verdict.warning });
    }
  }

  const carried = carryOverBindings(changes, input);
  unchanged -= carried.fromUnchanged;
  const ordered = orderChanges(markDataLoss(carried.changes, input.live), input.connectingUser);
  const owned = ownedAfter(input, ordered);
  const previous = input.ownership.get(input.stack) ?? new Set<string>();
  return {
    stack: input.stack,
    prune: input.prune,
    changes: ordered,
    summary: summarise(ordered, unchanged),
    owned,
    ownershipChanged: owned.length !== previous.size || owned.some((k) => !previous.has(k)),
    diagnostics,
  };
}


/** Asks each stack's set (there are few stacks) instead of indexing every key of every stack. */
function ownersLookup(ownership: PlanInput['ownership']): Owners {
  return {
    get(key) {
      let owners: string[] | undefined;
      for (const [stack, keys] of ownership) if (keys.has(key)) (owners ??= []).push(stack);
      return owners;
    },
  };
}

export function otherOwner(owners: Owners, key: string, stack: string): string | undefined {
  return owners.get(key)?.find((s) => s !== stack);
}

/** A vhost the spec only puts objects in, stating none of its settings: stacks may share it. */
function isContainerVhost(r: Resource): boolean {
  return r.kind === 'vhost' && r.description === undefined && r.tags === undefined && r.limits === undefined && r.default_queue_type === undefined;
}

/** What an update writes: the spec's values, and the live ones where the spec leaves a field out. */
function withLiveValues(desired: Resource, live: Resource): Resource {
  const merged: Record<string, unknown> = { ...desired };
  for (const [field, value] of Object.entries(live)) {
    if (merged[field] === undefined && field !== 'live') merged[field] = value;
  }
  return merged as unknown as Resource;
}

/** Everything declared, plus what the stack owned before and the plan keeps (for example under --prune none). */
function ownedAfter(input: PlanInput, changes: Change[]): string[] {
  const deleted = new Set(changes.filter((c) => c.action === 'delete').map((c) => c.key));
  const owned = new Set<string>();
  for (const key of input.desired.keys()) owned.add(key);
  for (const key of input.ownership.get(input.stack) ?? []) {
    if (input.live.has(key) && !deleted.has(key)) owned.add(key);
  }
  return [...owned].sort();
}

function summarise(changes: Change[], unchanged: number): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, replace: 0, delete: 0, unchanged };
  for (const c of changes) summary[c.action]++;
  return summary;
}
