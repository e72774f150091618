// `warren apply`: the command line around workflow/apply-spec.ts (a spec) and
// workflow/apply-saved-plan.ts (a plan saved with `plan -o`): it shows the plan, asks, and reports.
import { WarrenError, unreachable } from '../../errors.js';
import type { Plan } from '../../plan/index.js';
import { useColor, writePlanText } from '../../render/index.js';
import { planFileArgument } from '../../saved-plan/read.js';
import type { ApplyHooks, ApplyOptions, ApplyResult } from '../../workflow/apply-hooks.js';
import { applySavedPlan } from '../../workflow/apply-saved-plan.js';
import { applySpec, type ApplyRequest } from '../../workflow/apply-spec.js';
import type { Outcome } from '../exit.js';
import { processIo, type CommandIo } from '../io.js';
import { boundHeapGrowth, letNurseryGrow } from '../heap-growth.js';
import { progressReporter } from '../progress.js';

export type ApplyCommandOptions = ApplyRequest &
  ApplyOptions & {
    /** How long the confirmation prompt may wait while apply holds the stack's lock; default 10 minutes. */
    lockTimeoutMs?: number | undefined;
  };

export const DEFAULT_LOCK_TIMEOUT_MS = 10 * 60_000;

export async function applyCommand(options: ApplyCommandOptions, io: CommandIo = processIo()): Promise<Outcome> {
  boundHeapGrowth(); // cli/heap-growth.ts: an apply's garbage comes in bursts
  const hooks = applyHooks(io, options.allowDataLoss, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  const planFile = planFileArgument(options.paths);
  const result = planFile !== undefined ? await applySavedPlan({ ...options, file: planFile }, hooks) : await applySpec(options, hooks);
  io.stdout.write(resultLine(result));
  return { kind: 'ok' };
}

function applyHooks(io: CommandIo, allowDataLoss: boolean, lockTimeoutMs: number): ApplyHooks {
  let report: ((done: number) => void) | undefined;
  return {
    progress: (line) => io.progress(line),
    show(plan, preface) {
      report = progressReporter(io, plan.changes.length);
      if (preface !== undefined) io.stdout.write(preface);
      // In pieces as it is made: at 93,000 objects the plan is 8 MB of text (render/text.ts).
      writePlanText(plan, { color: useColor(io.stdout, io.env), allowDataLoss }, (chunk) => io.stdout.write(chunk));
      letNurseryGrow(); // the writes come next (cli/heap-growth.ts)
    },
    confirm: (plan, endpoint) => confirm(plan, endpoint, io, lockTimeoutMs),
    onApplied: (done) => report?.(done),
  };
}

function resultLine(result: ApplyResult): string {
  switch (result.kind) {
    case 'applied': {
      const s = result.summary;
      return `Apply complete: ${s.create} created, ${s.update} updated, ${s.replace} replaced, ${s.delete} deleted in ${result.seconds.toFixed(1)} s.\n`;
    }
    case 'adopted':
      return `Stack ${result.stack} now owns ${result.owned} objects (ownership recorded; nothing else changed).\n`;
    case 'unchanged':
      return '';
    case 'already-applied':
      return `Plan ${result.file} was already applied: the broker has every change it makes, and stack ${result.stack} owns what it records. Nothing was changed; make a new plan to see what is left to do.\n`;
    default:
      return unreachable(result, 'apply result');
  }
}

/**
 * The stack is locked while the prompt waits, so the wait is bounded (--lock-timeout): someone
 * who walks away from a terminal does not block every other apply of the stack until they return.
 */
async function confirm(plan: Plan, endpoint: string, io: CommandIo, lockTimeoutMs: number): Promise<void> {
  if (!io.ask) {
    throw new WarrenError('E_USAGE', 'apply needs confirmation and there is no terminal to ask on: pass --auto-approve (as CI does) after reviewing the plan');
  }
  const flags = plan.changes.filter((c) => c.kind === 'feature_flag').map((c) => c.title.replace(/^feature_flag /, ''));
  // Enabling a feature flag is the one change no later apply can undo: say so in the question itself.
  const oneWay = flags.length > 0 ? `\nThis enables feature flag${flags.length === 1 ? '' : 's'} ${flags.join(', ')}, which cannot be disabled again.` : '';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), lockTimeoutMs);
  let answer: string;
  try {
    answer = await io.ask(`${oneWay}\nApply ${plan.changes.length} changes to ${endpoint} (stack ${plan.stack})? Only 'yes' is accepted: `, controller.signal);
  } catch (err) {
    if (!controller.signal.aborted) throw err;
    throw new WarrenError('E_ABORTED', `no answer within ${formatDuration(lockTimeoutMs)} (--lock-timeout): apply cancelled and the lock of stack ${plan.stack} released; nothing was changed`);
  } finally {
    clearTimeout(timer);
  }
  if (answer.trim() !== 'yes') throw new WarrenError('E_ABORTED', 'apply cancelled; nothing was changed');
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
