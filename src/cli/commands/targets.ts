// `plan` and `apply` with `--target all` or `--target eu,us`: the command line around
// workflow/plan-targets.ts and workflow/apply-targets.ts. Each target's part is printed under its
// own heading, then one summary; the exit code is the worst of the targets' (an error, then
// changes pending with --detailed-exitcode, then success).
import { WarrenError, unreachable } from '../../errors.js';
import type { Plan } from '../../plan/index.js';
import { renderPlanText, renderTargets, renderTargetsJson, targetsSummary, useColor, type TargetPart } from '../../render/index.js';
import { planFileArgument } from '../../saved-plan/read.js';
import type { ApplyResult } from '../../workflow/apply-hooks.js';
import { applyTargets, type MultiApplyRequest } from '../../workflow/apply-targets.js';
import { planTargets, targetError, type MultiPlanRequest, type TargetOutcome } from '../../workflow/plan-targets.js';
import { worstOutcome, type Outcome } from '../exit.js';
import { processIo, type CommandIo } from '../io.js';
import { renderPlan, type PlanFormat } from './plan.js';

export interface PlanTargetsOptions extends MultiPlanRequest {
  format: PlanFormat;
  detailedExitCode: boolean;
  output?: string | undefined;
}

export async function planTargetsCommand(options: PlanTargetsOptions, io: CommandIo = processIo()): Promise<Outcome> {
  if (options.output !== undefined) throw new WarrenError('E_USAGE', '-o saves the plan of one target: with several targets, plan and save each one (--target NAME -o FILE)');
  const results = await planTargets(options, (line) => io.progress(line));
  const color = useColor(io.stdout, io.env);
  if (options.format === 'json') {
    io.stdout.write(renderTargetsJson(results.map((r) => (r.ok ? { target: r.target, plan: r.value.plan } : { target: r.target, error: targetError(r.error) }))));
  } else {
    const parts: TargetPart[] = await Promise.all(
      results.map(async (r) => (r.ok ? { target: r.target, plan: r.value.plan, rendered: await renderPlan(r.value.plan, options.format, color) } : { target: r.target, error: targetError(r.error) })),
    );
    io.stdout.write(renderTargets(parts, options.format === 'markdown' ? 'markdown' : 'text'));
  }
  reportInternal(results, io);
  return worstOutcome(results.map((r) => (r.ok ? planOutcome(r.value.plan, options.detailedExitCode) : { kind: 'failed' })));
}

function planOutcome(plan: Plan, detailedExitCode: boolean): Outcome {
  return plan.changes.length > 0 ? { kind: 'changes-pending', detailedExitCode } : { kind: 'ok' };
}

export async function applyTargetsCommand(options: MultiApplyRequest, io: CommandIo = processIo()): Promise<Outcome> {
  if (planFileArgument(options.paths) !== undefined) throw new WarrenError('E_USAGE', 'a saved plan applies to the target it was made against: drop --target, or apply the spec with --target');
  const color = useColor(io.stdout, io.env);
  const results = await applyTargets(options, {
    progress: (line) => io.progress(line),
    show(planned) {
      const parts: TargetPart[] = planned.map((p) => (p.ok ? { target: p.target, plan: p.value, rendered: renderPlanText(p.value, { color }) } : { target: p.target, error: targetError(p.error) }));
      io.stdout.write(renderTargets(parts, 'text'));
    },
    async confirm(planned) {
      if (!io.ask) throw new WarrenError('E_USAGE', 'apply needs confirmation and there is no terminal to ask on: pass --auto-approve (as CI does) after reviewing the plans');
      const total = planned.reduce((n, p) => n + p.plan.changes.length, 0);
      const where = planned.map((p) => `${p.target} (${p.plan.changes.length})`).join(', ');
      const answer = await io.ask(`\nApply ${total} changes to ${planned.length} targets: ${where}? Only 'yes' is accepted: `);
      if (answer.trim() !== 'yes') throw new WarrenError('E_ABORTED', 'apply cancelled; nothing was changed on any target');
    },
  });
  io.stdout.write(`\n${targetsSummary(results.map((r) => ({ target: r.target, line: r.ok ? appliedLine(r.value) : `failed (${targetError(r.error).code}): ${firstLine(targetError(r.error).message)}` })))}`);
  for (const r of results) if (!r.ok) for (const d of targetError(r.error).diagnostics) io.stderr.write(`[${r.target}] ${d.severity} ${d.code}: ${d.message}\n`);
  reportInternal(results, io);
  return worstOutcome(results.map((r) => (r.ok ? { kind: 'ok' } : { kind: 'failed' })));
}

function appliedLine(result: ApplyResult): string {
  switch (result.kind) {
    case 'applied': {
      const s = result.summary;
      return `applied: ${s.create} created, ${s.update} updated, ${s.replace} replaced, ${s.delete} deleted in ${result.seconds.toFixed(1)} s`;
    }
    case 'adopted':
      return `no changes; stack ${result.stack} now owns ${result.owned} objects`;
    case 'unchanged':
      return 'no changes';
    case 'already-applied':
      return `saved plan ${result.file} was already applied`;
    default:
      return unreachable(result, 'apply result');
  }
}

/** The summary keeps one line per target; the whole error goes to stderr. */
function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

/** warren's own bugs still print their stack, as for a single target. */
function reportInternal(results: readonly TargetOutcome<unknown>[], io: CommandIo): void {
  for (const r of results) {
    if (r.ok) continue;
    const e = targetError(r.error);
    if (e.internal && e.stack) io.stderr.write(`[${r.target}] ${e.stack}\n`);
  }
}
