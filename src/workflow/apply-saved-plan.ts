// Apply a saved plan (`plan -o FILE`) exactly as it was reviewed. Under the stack's lock it reads
// the broker again and refuses the plan (E_STALE_PLAN, nothing changed) when any object the plan
// touches, or the stack's ownership record, differs from what the plan saw. Data loss is judged
// again on today's message counts. Like Terraform's saved plans, it does not ask again: the plan
// is what was approved.
import { WarrenError, formatDiagnostic } from '../errors.js';
import { connectManagement } from '../live/connect-target.js';
import { withHalfMadeQueues } from '../live/half-made-queues.js';
import { readBroker } from '../live/read-broker.js';
import type { Target } from '../model/target.js';
import type { Vhost } from '../model/types.js';
import { resolveMigrations } from '../plan/index.js';
import { withoutCredentials } from '../model/url-credentials.js';
import type { SavedPlan } from '../saved-plan/format.js';
import { readPlanFile } from '../saved-plan/read.js';
import { assertNotStale, isAlreadyApplied, withCurrentDataLoss } from '../saved-plan/verify.js';
import type { ApplyHooks, ApplyOptions, ApplyResult } from './apply-hooks.js';
import { createdReplicatedQueues } from './plan-spec.js';
import { runReviewedPlan } from './run-reviewed-plan.js';
import { lockStack, releaseLock, type TakenLock } from './lock-stack.js';
import { resolveTarget, type ConnectionFlags, type Env } from './resolve-target.js';

export interface SavedPlanRequest extends ApplyOptions {
  file: string;
  env: Env;
  connection: ConnectionFlags;
}

export async function applySavedPlan(request: SavedPlanRequest, hooks: ApplyHooks): Promise<ApplyResult> {
  const { file } = request;
  const saved = readPlanFile(file);
  const { progress } = hooks;
  const target = targetOf(saved, request);
  const { client } = await connectManagement(target, { progress, warn: (d) => progress(formatDiagnostic(d)) });
  let taken: TakenLock | undefined;
  try {
    taken = await lockStack({ stack: saved.plan.stack, target, client, specVhosts: saved.specVhosts, desiredVhost: (name) => createdVhost(saved, name), progress });
    progress(`Reading ${client.endpoint} to check the plan is still current ...`);
    // A queue the plan replaces because it was half made is still unlisted: found the same way.
    const { live } = await withHalfMadeQueues(client, await readBroker(client), createdReplicatedQueues(saved.plan));
    if (isAlreadyApplied(saved, live)) return { kind: 'already-applied', stack: saved.plan.stack, file };
    assertNotStale(saved, live, { createdByUs: taken.created !== undefined ? new Set([taken.created]) : undefined });
    const plan = resolveMigrations(withCurrentDataLoss(saved.plan, live), { allowDataLoss: request.allowDataLoss, migrate: request.migrate !== false });
    hooks.show(plan, `Saved plan ${file}, made ${saved.createdAt} against ${saved.source.endpoint}; the broker still matches it.\n\n`);
    return await runReviewedPlan(plan, target, client, request, hooks, { ask: false, stillLocked: () => taken?.lock.held() ?? Promise.resolve() });
  } finally {
    const warning = await releaseLock(taken);
    if (warning !== undefined) progress(`warning: ${warning}`);
  }
}

/**
 * Where the plan was made, unless flags or the environment say otherwise; they may name the same
 * broker (CI sets WARREN_MANAGEMENT_URL for both steps) but not another one.
 */
function targetOf(saved: SavedPlan, request: SavedPlanRequest): Target {
  const recorded: Target[] = saved.target
    ? [{ name: saved.target.name, management: saved.target.management, amqp: saved.target.amqp, username: saved.target.username, tls: saved.target.tls }]
    : [];
  const target = resolveTarget(recorded, request.connection, request.env);
  const norm = (urls: readonly string[]): string => urls.map(withoutCredentials).sort().join(' ');
  if (saved.target && norm(target.management) !== norm(saved.target.management)) {
    throw new WarrenError(
      'E_PLAN_FILE',
      `the plan was made against ${saved.target.management.join(', ')}, not ${target.management.map(withoutCredentials).join(', ')}; apply it where it was made (without --management or WARREN_MANAGEMENT_URL), or make a new plan against this broker`,
    );
  }
  return target;
}

/** The vhost the plan creates, with its settings, in case the lock has to create it first. */
function createdVhost(saved: SavedPlan, name: string): Vhost | undefined {
  for (const c of saved.plan.changes) if (c.action === 'create' && c.after.kind === 'vhost' && c.after.name === name) return c.after;
  return undefined;
}
