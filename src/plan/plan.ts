// The planner: pure and synchronous. Two models in, one ordered plan out. It never mutates its
// inputs and touches no I/O, so every rule here is tested with literal models.
import type { Diagnostic } from '../errors.js';
import { describeResource } from '../model/keys.js';
import type { Resource } from '../model/types.js';
import { carryOverBindings } from './cascade.js';
import { compareResources } from './compare.js';
import { markDataLoss } from './data-loss.js';
import { markMigrations } from './migration.js';
import { halfMadeWarning, isHalfMade, replaceHalfMade } from './half-made.js';
import { orderChanges } from './order.js';
import { isIgnored, pruneVerdict } from './prune.js';
import { featureFlagProblem, shovelWarning, superStreamProblem } from './runtime-checks.js';
import type { Change, FieldDiff, Ignored, Owners, Plan, PlanInput, PlanSummary } from './types.js';

/**
 * A create has no field diffs: its changes share these two empty lists rather than holding two of
 * their own (64 bytes a change, 6 MB at 93,000 creates). Frozen, so a push fails loudly.
 */
const NO_FIELDS = Object.freeze([]) as unknown as FieldDiff[];
const NO_PATHS = Object.freeze([]) as unknown as string[];

export function planChanges(input: PlanInput): Plan {
  const diagnostics: Diagnostic[] = [];
  const ownerOf = ownersLookup(input.ownership);
  // The other stacks' records: most brokers hold only this stack's, and then nothing is looked up.
  const otherStacks = [...input.ownership].filter(([stack]) => stack !== input.stack);
  const changes: Change[] = [];
  let unchanged = 0;
  const liveListsFlags = listsFeatureFlags(input.live);
  const ignored: Array<[string, string]> = [];

  for (const [key, desired] of input.desired) {
    const owner = otherStacks.find(([, keys]) => keys.has(key))?.[0];
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
    const problem = kindProblem(desired, live, liveListsFlags, input.brokerVersion);
    if (problem) {
      diagnostics.push(problem);
      if (problem.severity === 'error' || (desired.kind === 'feature_flag' && !live)) continue;
    }
    if (!live) {
      changes.push({ action: 'create', key, kind: desired.kind, title: describeResource(desired), after: desired, fields: NO_FIELDS, forcedBy: NO_PATHS });
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
    } else {
      if (verdict.warning !== undefined) diagnostics.push({ severity: 'warning', code: 'W_PRUNE', message: verdict.warning });
      if (isIgnored(key, live, input, ownerOf)) ignored.push([key, describeResource(live)]);
    }
  }

  const carried = carryOverBindings(changes, input);
  const migrations = markMigrations(carried.changes, input);
  unchanged -= carried.fromUnchanged + migrations.fromUnchanged;
  diagnostics.push(...migrations.warnings);
  const ordered = orderChanges(markDataLoss(migrations.changes, input.live), input.connectingUser);
  const owned = ownedAfter(input, ordered);
  const previous = input.ownership.get(input.stack) ?? new Set<string>();
  const { newlyOwned, adopting } = adoption(owned, previous, input.live, ordered);
  return {
    stack: input.stack,
    prune: input.prune,
    changes: ordered,
    summary: summarise(ordered, unchanged),
    owned,
    ownershipChanged: owned.length !== previous.size || newlyOwned > 0,
    adopting,
    ignored: ignoredOf(notTouched(ignored, ordered).map(([, title]) => title)),
    diagnostics,
  };
}

/**
 * How many owned keys the stack did not own before, and how many of those the broker already has
 * and the plan does not create (adoption). The set of created keys is only made when some key
 * needs it: a plan from nothing creates every key and the broker has none of them.
 */
function adoption(owned: readonly string[], previous: ReadonlySet<string>, live: ReadonlyMap<string, Resource>, changes: readonly Change[]): { newlyOwned: number; adopting: number } {
  let newlyOwned = 0;
  const inLive: string[] = [];
  for (const k of owned) {
    if (previous.has(k)) continue;
    newlyOwned++;
    if (live.has(k)) inLive.push(k);
  }
  if (inLive.length === 0) return { newlyOwned, adopting: 0 };
  const created = new Set(changes.filter((c) => c.action === 'create').map((c) => c.key));
  return { newlyOwned, adopting: inLive.filter((k) => !created.has(k)).length };
}

/** Ignored objects the plan does not touch (bindings carried over a replace are not ignored). */
function notTouched(ignored: Array<[string, string]>, changes: readonly Change[]): Array<[string, string]> {
  if (ignored.length === 0) return ignored;
  const touched = new Set(changes.map((c) => c.key));
  return ignored.filter(([key]) => !touched.has(key));
}

/** Whether the live side lists feature flags at all (a broker does; a definitions file does not). */
function listsFeatureFlags(live: ReadonlyMap<string, Resource>): boolean {
  for (const r of live.values()) if (r.kind === 'feature_flag') return true;
  return false;
}

/** The rules some kinds add to "compare and change": see runtime-checks.ts. */
function kindProblem(desired: Resource, live: Resource | undefined, liveListsFlags: boolean, version: string | undefined): Diagnostic | undefined {
  // Rules only some kinds have; any other kind (a new one too) is compared and changed as usual.
  if (desired.kind === 'super_stream') return live?.kind === 'super_stream' ? superStreamProblem(live, desired) : undefined;
  if (desired.kind === 'feature_flag') return featureFlagProblem(desired, live, liveListsFlags, version);
  if (desired.kind === 'shovel') return shovelWarning(desired, live);
  return undefined;
}

function ignoredOf(titles: string[]): Ignored {
  return { count: titles.length, examples: titles.sort().slice(0, 3) };
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
  // The desired keys are distinct (a map's), and so are the recorded ones (a set's): no set of all of them is needed.
  const owned = [...input.desired.keys()];
  const before = input.ownership.get(input.stack);
  if (before !== undefined && before.size > 0) {
    const deleted = new Set(changes.filter((c) => c.action === 'delete').map((c) => c.key));
    for (const key of before) {
      if (!input.desired.has(key) && input.live.has(key) && !deleted.has(key)) owned.push(key);
    }
  }
  return owned.sort();
}

function summarise(changes: Change[], unchanged: number): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, replace: 0, delete: 0, unchanged };
  for (const c of changes) summary[c.action]++;
  return summary;
}
