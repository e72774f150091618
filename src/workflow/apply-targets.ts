// Apply one spec to several targets at once (`--target all`, `--target eu,us`).
//
// 1. Every target is locked and planned concurrently (as a single-target apply does, under its
//    own stack lock). A target that cannot be planned (down, refused, an ownership conflict) is
//    reported and left alone; the others go on.
// 2. Every plan is shown, grouped by target. If any of them would lose messages without
//    --allow-data-loss, nothing is written anywhere (as for one target: the whole apply is refused).
// 3. One confirmation for all of them, then each target's plan runs to its end concurrently: a
//    failure on one target never stops another part way, so every other target ends either fully
//    applied or untouched, and the caller says what happened on each.
// 4. Every lock is released, whatever happened.
import { refuseDataLoss } from '../apply/apply.js';
import { WarrenError } from '../errors.js';
import type { Plan } from '../plan/index.js';
import type { LoadedSpec } from '../spec/index.js';
import type { ApplyOptions, ApplyResult } from './apply-hooks.js';
import { lockStack, releaseLock, type TakenLock } from './lock-stack.js';
import { forEachTarget, prefixed, targetError, type MultiPlanRequest, type TargetOutcome } from './plan-targets.js';
import { loadValidSpec, planSpec, type PreparedPlan } from './plan-spec.js';
import { runReviewedPlan } from './run-reviewed-plan.js';
import { specVhost } from './apply-spec.js';
import { selectTargets } from './select-targets.js';

export type MultiApplyRequest = MultiPlanRequest & ApplyOptions;

export interface MultiApplyHooks {
  /** Progress and warnings, one line each, already prefixed with the target's name. */
  progress(line: string): void;
  /** Shows every target's plan (or why it could not be planned) before anything is written. */
  show(planned: readonly TargetOutcome<Plan>[]): void;
  /** Asks once for all targets; throws (E_ABORTED) to stop with nothing written. */
  confirm(planned: readonly { target: string; plan: Plan; endpoint: string }[]): Promise<void>;
}

/** Per target: planned and then applied (or unchanged), or failed at whichever step, with why. */
export async function applyTargets(request: MultiApplyRequest, hooks: MultiApplyHooks): Promise<TargetOutcome<ApplyResult>[]> {
  const spec = loadValidSpec(request);
  const names = selectTargets(request.targets, spec.targets, request.connection, request.env);
  const locks = new Map<string, TakenLock>();
  try {
    const prepared = await forEachTarget(names, (name) => lockAndPlan(request, spec, name, hooks.progress, (taken) => locks.set(name, taken)));
    hooks.show(prepared.map((p) => (p.ok ? { target: p.target, ok: true, value: p.value.plan } : p)));
    const ready = prepared.flatMap((p) => (p.ok ? [{ target: p.target, prepared: p.value }] : []));
    refuseDataLossAnywhere(ready, request.allowDataLoss);
    const toChange = ready.filter((r) => r.prepared.plan.changes.length > 0);
    if (toChange.length > 0 && !request.autoApprove) {
      await hooks.confirm(toChange.map((r) => ({ target: r.target, plan: r.prepared.plan, endpoint: r.prepared.client?.endpoint ?? '' })));
    }
    const applied = await forEachTarget(
      ready.map((r) => r.target),
      (name) => {
        const { plan, target, client } = (ready.find((r) => r.target === name) as { prepared: PreparedPlan }).prepared;
        if (!target || !client) throw new WarrenError('E_TARGET', 'apply needs a broker, not a definitions file');
        const progress = prefixed(name, hooks.progress);
        return runReviewedPlan(plan, target, client, request, { progress, show: () => undefined, confirm: async () => undefined }, { ask: false });
      },
    );
    // In the order asked for: targets that could not be planned keep their error.
    return prepared.map((p) => (p.ok ? (applied.find((a) => a.target === p.target) as TargetOutcome<ApplyResult>) : p));
  } finally {
    const released = await forEachTarget([...locks.keys()], async (name) => {
      const warning = await releaseLock(locks.get(name));
      if (warning !== undefined) hooks.progress(`[${name}] warning: ${warning}`);
    });
    for (const r of released) if (!r.ok) hooks.progress(`[${r.target}] warning: the lock could not be released: ${targetError(r.error).message}`);
  }
}

/** Locks the stack on one target and plans under the lock, as a single-target apply does. */
async function lockAndPlan(request: MultiApplyRequest, spec: LoadedSpec, name: string, progress: (line: string) => void, onLocked: (taken: TakenLock) => void): Promise<PreparedPlan> {
  const say = prefixed(name, progress);
  return planSpec(
    {
      ...request,
      spec,
      connection: { ...request.connection, target: name },
      beforeRead: async (stack, target, client) => {
        onLocked(await lockStack({ stack, target, client, specVhosts: spec.vhosts, desiredVhost: (v) => specVhost(spec, v), progress: say }));
      },
    },
    say,
  );
}

/** Data loss on any target refuses the whole apply before anything is written anywhere. */
function refuseDataLossAnywhere(ready: readonly { target: string; prepared: PreparedPlan }[], allowDataLoss: boolean): void {
  for (const { target, prepared } of ready) {
    try {
      refuseDataLoss(prepared.plan, allowDataLoss);
    } catch (e) {
      if (e instanceof WarrenError) throw new WarrenError(e.code, `target ${target}: ${e.message.replace('nothing was changed', 'nothing was changed on any target')}`);
      throw e;
    }
  }
}
