// Before a saved plan runs: is the broker still what the plan saw? Every touched object's
// fingerprint is recomputed from a fresh read (taken under the stack's lock), and so is the
// ownership record's. Data loss is judged again on today's message counts: a queue that was
// empty when the plan was made may not be now.
import { WarrenError } from '../errors.js';
import type { LiveState } from '../live/types.js';
import { compareResources } from '../plan/compare.js';
import { markDataLoss } from '../plan/data-loss.js';
import type { Plan } from '../plan/types.js';
import { objectFingerprint, ownershipFingerprint, ownersOf } from './fingerprint.js';
import type { SavedPlan } from './format.js';

export interface VerifyOptions {
  /** A key whose object this apply created itself before reading (the lock's vhost): not a change by someone else. */
  createdByUs?: ReadonlySet<string> | undefined;
}

export function assertNotStale(saved: SavedPlan, live: LiveState, options: VerifyOptions = {}): void {
  const owners = ownersOf(live.ownership);
  const stale: string[] = [];
  for (const c of saved.plan.changes) {
    if (options.createdByUs?.has(c.key)) continue;
    const now = objectFingerprint(live.model.resources.get(c.key), owners.get(c.key));
    if (now !== saved.fingerprints.get(c.key)) stale.push(c.title);
  }
  if (ownershipFingerprint(live.ownership.get(saved.plan.stack)) !== saved.ownershipFingerprint) {
    stale.push(`the ownership record of stack ${saved.plan.stack}`);
  }
  if (stale.length === 0) return;
  const more = stale.length > 1 ? ` (and ${stale.length - 1} more)` : '';
  throw new WarrenError(
    'E_STALE_PLAN',
    `plan is stale: ${stale[0]} changed since the plan was made${more}; nothing was changed. Make a new plan and review it.`,
    { endpoint: live.source },
  );
}

/**
 * A plan applied a second time is stale by every fingerprint, and saying "stale" sends people
 * hunting for who changed the broker. When every change the plan makes is already on the broker
 * (what it creates or updates equals its `after`, what it deletes is gone) and the stack already
 * owns what the plan records, it was applied: say that instead.
 */
export function isAlreadyApplied(saved: SavedPlan, live: LiveState): boolean {
  const { plan } = saved;
  if (plan.changes.length === 0 && !plan.ownershipChanged) return false;
  const resources = live.model.resources;
  for (const c of plan.changes) {
    const now = resources.get(c.key);
    if (c.action === 'delete') {
      if (now !== undefined) return false;
    } else if (now === undefined || compareResources(now, c.after).fields.length > 0) {
      return false;
    }
  }
  const owned = live.ownership.get(plan.stack) ?? new Set<string>();
  return plan.owned.every((k) => owned.has(k));
}

/** The plan with its data-loss marks recomputed from the live message counts (the planner's own rule). */
export function withCurrentDataLoss(plan: Plan, live: LiveState): Plan {
  return { ...plan, changes: markDataLoss(plan.changes, live.model.resources) };
}
