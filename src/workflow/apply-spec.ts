// Apply a spec: lock the stack, plan under the lock, show the plan, refuse data loss, confirm,
// execute, release the lock. Nothing is written when the spec is invalid, the plan would lose
// messages without --allow-data-loss, or the caller does not confirm.
import { WarrenError } from '../errors.js';
import { resourceKey } from '../model/keys.js';
import type { Vhost } from '../model/types.js';
import { resolveMigrations } from '../plan/index.js';
import type { LoadedSpec } from '../spec/index.js';
import type { ApplyHooks, ApplyOptions, ApplyResult } from './apply-hooks.js';
import { runReviewedPlan } from './run-reviewed-plan.js';
import { lockStack, releaseLock, type TakenLock } from './lock-stack.js';
import { planSpec, type PlanRequest } from './plan-spec.js';

export type ApplyRequest = Omit<PlanRequest, 'liveFile' | 'beforeRead'> & ApplyOptions;

export async function applySpec(request: ApplyRequest, hooks: ApplyHooks): Promise<ApplyResult> {
  const { progress } = hooks;
  let taken: TakenLock | undefined;
  try {
    const prepared = await planSpec(
      {
        ...request,
        beforeRead: async (stack, target, client, spec) => {
          taken = await lockStack({ stack, target, client, specVhosts: spec.vhosts, desiredVhost: (name) => specVhost(spec, name), progress });
        },
      },
      progress,
    );
    const { target, client } = prepared;
    // What apply does with these flags: the plan shown says "drop" where --allow-data-loss drops.
    const plan = resolveMigrations(prepared.plan, { allowDataLoss: request.allowDataLoss, migrate: request.migrate !== false });
    if (!target || !client) throw new WarrenError('E_TARGET', 'apply needs a broker, not a definitions file');
    hooks.show(plan);
    return await runReviewedPlan(plan, target, client, request, hooks, { ask: true, stillLocked: () => taken?.lock.held() ?? Promise.resolve() });
  } finally {
    const warning = await releaseLock(taken);
    if (warning !== undefined) progress(`warning: ${warning}`);
  }
}

/** The spec's settings for a vhost, in case the lock has to create it. */
export function specVhost(spec: LoadedSpec, name: string): Vhost | undefined {
  const v = spec.model.resources.get(resourceKey({ kind: 'vhost', name }));
  return v?.kind === 'vhost' ? v : undefined;
}
