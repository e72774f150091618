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
    writeOutputFiles([{ path: options.output, text: planFileText({ plan, live, target, specVhosts: spec.vhosts }) }]);
    io.progress(`Saved the plan to ${options.output}; \`warren apply ${options.output}\` runs exactly this plan, if the broker has not changed.`);
  }
  return plan.changes.length > 0 ? { kind: 'changes-pending', detailedExitCode: options.detailedExitCode } : { kind: 'ok' };
}

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

