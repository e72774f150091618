// `warren apply`: lock the stack, plan, show, confirm, execute. Nothing is written when the spec is
// invalid, the plan would lose messages without --allow-data-loss, or the user does not confirm.
// Given a saved plan (`plan -o FILE`) instead of spec paths, apply-saved.ts runs it.
import { WarrenError, formatDiagnostic } from '../../errors.js';
import { applyPlan, refuseDataLoss } from '../../apply/apply.js';
import { BrokerApplyTarget } from '../../apply/broker-target.js';
import { AmqpWriter } from '../../live/amqp-writer.js';
import { BrokerWriter } from '../../live/broker-writer.js';
import { amqpOptionsFor, expiryWarning } from '../../live/connect-target.js';
import type { ManagementClient } from '../../live/management-client.js';
import { resourceKey } from '../../model/keys.js';
import type { Target } from '../../model/target.js';
import type { Vhost } from '../../model/types.js';
import type { LoadedSpec } from '../../spec/index.js';
import type { Plan } from '../../plan/index.js';
import { renderPlanText, useColor } from '../../render/index.js';
import type { Outcome } from '../exit.js';
import { preparePlan, type PlanRequest, type PreparedPlan } from '../get-plan.js';
import { processIo, type CommandIo } from '../io.js';
import { lockStack, type TakenLock } from '../lock-stack.js';
import { progressReporter } from '../progress.js';
import { planFileArgument } from '../../saved-plan/read.js';

export interface ApplyCommandOptions extends Omit<PlanRequest, 'liveFile' | 'beforeRead'> {
  autoApprove: boolean;
  allowDataLoss: boolean;
  concurrency: number;
}

export async function applyCommand(options: ApplyCommandOptions, io: CommandIo = processIo()): Promise<Outcome> {
  const planFile = planFileArgument(options.paths);
  if (planFile !== undefined) return (await import('./apply-saved.js')).applySavedPlan(planFile, options, io);
  const progress = (line: string): void => io.progress(line);
  let taken: TakenLock | undefined;
  try {
    const prepared = await preparePlan(
      {
        ...options,
        beforeRead: async (stack, target, client, spec) => {
          taken = await lockStack({ stack, target, client, specVhosts: spec.vhosts, desiredVhost: (name) => specVhost(spec, name), progress });
        },
      },
      progress,
    );
    return await applyPrepared(prepared, options, io);
  } finally {
    await releaseLock(taken, io);
  }
}

/** Frees the lock; says so when it was lost part way (another apply could have started). */
export async function releaseLock(taken: TakenLock | undefined, io: CommandIo): Promise<void> {
  if (!taken) return;
  const lost = taken.lock.lost;
  await taken.lock.release();
  if (lost !== undefined) io.stderr.write(`warning: the lock of stack ${taken.lock.stack} was lost during apply (${lost}); another apply may have run at the same time: plan again to check\n`);
}

async function applyPrepared(prepared: PreparedPlan, options: ApplyCommandOptions, io: CommandIo): Promise<Outcome> {
  const { plan, target, client } = prepared;
  if (!target || !client) throw new WarrenError('E_TARGET', 'apply needs a broker, not a definitions file');
  io.stdout.write(renderPlanText(plan, { color: useColor(io.stdout, io.env) }));
  if (plan.changes.length === 0) return recordAdoption(plan, client, io);

  refuseDataLoss(plan, options.allowDataLoss);
  await confirm(plan, client.endpoint, options.autoApprove, io);
  await executePlan(plan, target, client, options, io);
  return { kind: 'ok' };
}

/** Runs a reviewed plan: AMQP for exchanges, queues and bindings when the target has an AMQP URL. */
export async function executePlan(plan: Plan, target: Target, client: ManagementClient, options: Pick<ApplyCommandOptions, 'allowDataLoss' | 'concurrency'>, io: CommandIo): Promise<void> {
  const progress = (line: string): void => io.progress(line);
  const seenCerts = new Set<string>();
  const amqp = target.amqp.length > 0
    ? new AmqpWriter({
        ...amqpOptionsFor(target, { progress }),
        channelsPerVhost: options.concurrency,
        onPeerCertificate: (endpoint, cert) => {
          const w = seenCerts.has(cert.fingerprint) ? undefined : expiryWarning(cert, "the server's certificate");
          seenCerts.add(cert.fingerprint);
          if (w) progress(formatDiagnostic({ ...w, endpoint }));
        },
      })
    : undefined;
  const started = Date.now();
  const report = progressReporter(io, plan.changes.length);
  try {
    await applyPlan(plan, new BrokerApplyTarget(new BrokerWriter(client), amqp), {
      allowDataLoss: options.allowDataLoss,
      concurrency: options.concurrency,
      onProgress: report,
    });
  } finally {
    await amqp?.close();
  }
  const s = plan.summary;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  io.stdout.write(`Apply complete: ${s.create} created, ${s.update} updated, ${s.replace} replaced, ${s.delete} deleted in ${seconds} s.\n`);
}

function specVhost(spec: LoadedSpec, name: string): Vhost | undefined {
  const v = spec.model.resources.get(resourceKey({ kind: 'vhost', name }));
  return v?.kind === 'vhost' ? v : undefined;
}

async function confirm(plan: Plan, endpoint: string, autoApprove: boolean, io: CommandIo): Promise<void> {
  if (autoApprove) return;
  if (!io.ask) {
    throw new WarrenError('E_USAGE', 'apply needs confirmation and there is no terminal to ask on: pass --auto-approve (as CI does) after reviewing the plan');
  }
  const answer = await io.ask(`\nApply ${plan.changes.length} changes to ${endpoint} (stack ${plan.stack})? Only 'yes' is accepted: `);
  if (answer.trim() !== 'yes') throw new WarrenError('E_ABORTED', 'apply cancelled; nothing was changed');
}

/** A plan with no changes: adopting objects that already match is not a change, so the ownership
 * record is written without asking. */
export async function recordAdoption(plan: Plan, client: ManagementClient, io: CommandIo): Promise<Outcome> {
  if (plan.ownershipChanged) {
    await new BrokerApplyTarget(new BrokerWriter(client), undefined).recordOwnership(plan.stack, plan.owned);
    io.stdout.write(`Stack ${plan.stack} now owns ${plan.owned.length} objects (ownership recorded; nothing else changed).\n`);
  }
  return { kind: 'ok' };
}
