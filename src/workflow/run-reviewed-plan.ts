// The part of an apply after the plan was shown, shared by a spec's apply and a saved plan's.
import { refuseBlockedMigrations, refuseDataLoss } from '../apply/apply.js';
import type { ManagementClient } from '../live/management-client.js';
import type { Target } from '../model/target.js';
import type { Plan } from '../plan/index.js';
import type { ApplyHooks, ApplyOptions, ApplyResult } from './apply-hooks.js';
import { executePlan, recordOwnership } from './execute-plan.js';

/** After the plan was shown: adopt, or refuse data loss, confirm (unless told not to ask) and execute. */
export async function runReviewedPlan(plan: Plan, target: Target, client: ManagementClient, options: ApplyOptions, hooks: ApplyHooks, how: { ask: boolean; stillLocked?: (() => Promise<void>) | undefined }): Promise<ApplyResult> {
  if (plan.changes.length === 0) {
    if (plan.ownershipChanged) await how.stillLocked?.();
    const adopted = await recordOwnership(plan, client);
    return adopted ? { kind: 'adopted', stack: plan.stack, owned: plan.owned.length } : { kind: 'unchanged', stack: plan.stack };
  }
  refuseDataLoss(plan, options.allowDataLoss);
  refuseBlockedMigrations(plan);
  if (how.ask && !options.autoApprove) await hooks.confirm(plan, client.endpoint);
  const applied = await executePlan(plan, target, client, { ...options, progress: hooks.progress, onApplied: hooks.onApplied, stillLocked: how.stillLocked });
  return { kind: 'applied', stack: plan.stack, ...applied };
}

