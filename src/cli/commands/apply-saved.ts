// `warren apply PLAN`: run a saved plan exactly as it was reviewed. Under the stack's lock it reads
// the broker again and refuses the plan (E_STALE_PLAN, nothing changed) when any object the plan
// touches, or the stack's ownership record, differs from what the plan saw. Data loss is judged
// again on today's message counts. Like Terraform's saved plans, it does not ask again: the plan
// is what was approved.
import { WarrenError, formatDiagnostic } from '../../errors.js';
import { refuseDataLoss } from '../../apply/apply.js';
import { connectManagement } from '../../live/connect-target.js';
import { readBroker } from '../../live/read-broker.js';
import type { Target } from '../../model/target.js';
import type { Vhost } from '../../model/types.js';
import { renderPlanText, useColor } from '../../render/index.js';
import type { SavedPlan } from '../../saved-plan/format.js';
import { readPlanFile } from '../../saved-plan/read.js';
import { assertNotStale, withCurrentDataLoss } from '../../saved-plan/verify.js';
import { withoutCredentials } from '../../saved-plan/write.js';
import type { Outcome } from '../exit.js';
import type { CommandIo } from '../io.js';
import { lockStack, type TakenLock } from '../lock-stack.js';
import { resolveTarget } from '../resolve-target.js';
import { executePlan, recordAdoption, releaseLock, type ApplyCommandOptions } from './apply.js';

export async function applySavedPlan(file: string, options: ApplyCommandOptions, io: CommandIo): Promise<Outcome> {
  const saved = readPlanFile(file);
  const progress = (line: string): void => io.progress(line);
  const target = targetOf(saved, options);
  const { client } = await connectManagement(target, { progress, warn: (d) => progress(formatDiagnostic(d)) });
  let taken: TakenLock | undefined;
  try {
    taken = await lockStack({ stack: saved.plan.stack, target, client, specVhosts: saved.specVhosts, desiredVhost: (name) => createdVhost(saved, name), progress });
    progress(`Reading ${client.endpoint} to check the plan is still current ...`);
    const live = await readBroker(client);
    assertNotStale(saved, live, { createdByUs: taken.created !== undefined ? new Set([taken.created]) : undefined });
    const plan = withCurrentDataLoss(saved.plan, live);
    io.stdout.write(`Saved plan ${file}, made ${saved.createdAt} against ${saved.source.endpoint}; the broker still matches it.\n\n`);
    io.stdout.write(renderPlanText(plan, { color: useColor(io.stdout, io.env) }));
    if (plan.changes.length === 0) return await recordAdoption(plan, client, io);
    refuseDataLoss(plan, options.allowDataLoss);
    await executePlan(plan, target, client, options, io);
    return { kind: 'ok' };
  } finally {
    await releaseLock(taken, io);
  }
}

/**
 * Where the plan was made, unless flags or the environment say otherwise; they may name the same
 * broker (CI sets WARREN_MANAGEMENT_URL for both steps) but not another one.
 */
function targetOf(saved: SavedPlan, options: ApplyCommandOptions): Target {
  const recorded: Target[] = saved.target
    ? [{ name: saved.target.name, management: saved.target.management, amqp: saved.target.amqp, username: saved.target.username, tls: saved.target.tls }]
    : [];
  const target = resolveTarget(recorded, options.connection, options.env);
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
  for (const c of saved.plan.changes) if (c.after?.kind === 'vhost' && c.after.name === name) return c.after;
  return undefined;
}
