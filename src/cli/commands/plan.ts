// `warren plan`: diff the spec against the broker (or a definitions file) and show the plan.
// Only the renderer of the format asked for is loaded, and the saved-plan writer only with -o:
// a plan runs on every pull request, and each module is start-up time (the markdown renderer
// brings the `diff` package).
import { unreachable } from '../../errors.js';
import type { Plan } from '../../plan/index.js';
import { useColor } from '../../render/color.js';
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
  io.stdout.write(await renderPlan(plan, options.format, useColor(io.stdout, io.env)));
  // Inside GitHub Actions the text plan also annotates the spec; the runner hides these lines from the log.
  if (options.format === 'text' && io.env['GITHUB_ACTIONS'] === 'true') io.stdout.write(await renderPlan(plan, 'github', false));
  if (options.output !== undefined) {
    const [{ writeOutputFiles }, { planFileText }] = await Promise.all([import('../../files/write-output.js'), import('../../saved-plan/write.js')]);
    // Saved plans can hold password hashes: owner-only (0600), as a new file.
    writeOutputFiles([{ path: options.output, text: planFileText({ plan, live, target, specVhosts: spec.vhosts }), mode: 0o600 }]);
    io.progress(`Saved the plan to ${options.output}; \`warren apply ${options.output}\` runs exactly this plan, if the broker has not changed.`);
  }
  // A pending adoption is a change (DESIGN.md, "Ownership"): a CI job that applies only on exit 2
  // must still record the ownership, or the stack never deletes what the spec stops declaring.
  const pending = plan.changes.length > 0 || plan.ownershipChanged;
  return pending ? { kind: 'changes-pending', detailedExitCode: options.detailedExitCode } : { kind: 'ok' };
}

/** The plan in one format; that format's renderer is loaded on first use. */
export async function renderPlan(plan: Plan, format: PlanFormat, color: boolean): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('../../render/json.js')).renderPlanJson(plan);
    case 'markdown':
      return (await import('../../render/markdown.js')).renderPlanMarkdown(plan);
    case 'text':
      return (await import('../../render/text.js')).renderPlanText(plan, { color });
    case 'github':
      return (await import('../../render/github-plan.js')).renderPlanGithub(plan);
    default:
      return unreachable(format, 'format');
  }
}

