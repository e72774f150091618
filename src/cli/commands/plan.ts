// `warren plan`: diff the spec against the broker (or a definitions file) and show the plan.
import { unreachable } from '../../errors.js';
import { writeOutputFiles } from '../../files/write-output.js';
import { planFileText } from '../../saved-plan/write.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText, useColor } from '../../render/index.js';
import type { Plan } from '../../plan/index.js';
import { renderPlanGithub } from '../../render/github-plan.js';
import type { Outcome } from '../exit.js';
import { planSpec, type PlanRequest } from '../../workflow/plan-spec.js';
import { processIo, type CommandIo } from '../io.js';

export type PlanFormat = 'text' | 'json' | 'markdown' | 'github';

export interface PlanCommandOptions extends PlanRequest {
  format: PlanFormat;
  detailedExitCode: boolean;
  /** Also save the plan to this file (see saved-plan/format.ts). */
  output?: string | undefined;
}

export async function planCommand(options: PlanCommandOptions, io: CommandIo = processIo()): Promise<Outcome> {
  const { plan, live, target, spec } = await planSpec(options, (line) => io.progress(line));
  io.stdout.write(renderPlan(plan, options.format, useColor(io.stdout, io.env)));
  // Inside GitHub Actions the text plan also annotates the spec; the runner hides these lines from the log.
  if (options.format === 'text' && io.env['GITHUB_ACTIONS'] === 'true') io.stdout.write(renderPlanGithub(plan));
  if (options.output !== undefined) {
    // Saved plans can hold password hashes: owner-only (0600), as a new file.
    writeOutputFiles([{ path: options.output, text: planFileText({ plan, live, target, specVhosts: spec.vhosts }), mode: 0o600 }]);
    io.progress(`Saved the plan to ${options.output}; \`warren apply ${options.output}\` runs exactly this plan, if the broker has not changed.`);
  }
  // A pending adoption is a change (DESIGN.md, "Ownership"): a CI job that applies only on exit 2
  // must still record the ownership, or the stack never deletes what the spec stops declaring.
  const pending = plan.changes.length > 0 || plan.ownershipChanged;
  return pending ? { kind: 'changes-pending', detailedExitCode: options.detailedExitCode } : { kind: 'ok' };
}

/**
 * 0600: a plan can hold the salted hashes of the passwords it sets. The mode given to
 * writeFileSync applies only to a new file, so an existing one is narrowed first.
 */
export function renderPlan(plan: Plan, format: PlanFormat, color: boolean): string {
  switch (format) {
    case 'json':
      return renderPlanJson(plan);
    case 'markdown':
      return renderPlanMarkdown(plan);
    case 'text':
      return renderPlanText(plan, { color });
    case 'github':
      return renderPlanGithub(plan);
    default:
      return unreachable(format, 'format');
  }
}

