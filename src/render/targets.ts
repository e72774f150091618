// Output of a plan or apply over several targets: each target's part under its own heading, in
// the order asked for, then one summary with a line per target.
import { formatDiagnostic, type WarrenError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { summaryCounts } from './format.js';
import { PLAN_JSON_FORMAT_VERSION, renderPlanJson } from './json.js';

/** One target's part: its plan (rendered by the caller's format), or the error that stopped it. */
export type TargetPart = { target: string; plan: Plan; rendered: string } | { target: string; error: WarrenError };

/** Additive changes keep this; removing, renaming or retyping anything bumps it. */
export const TARGETS_JSON_FORMAT_VERSION = '1';

export function targetHeading(target: string, format: 'text' | 'markdown'): string {
  return format === 'markdown' ? `## Target \`${target}\`\n\n` : `=== target ${target} ===\n`;
}

/** Every target's part under its heading, then the summary. */
export function renderTargets(parts: readonly TargetPart[], format: 'text' | 'markdown'): string {
  const sections = parts.map((p) => {
    const body = 'plan' in p ? p.rendered : `${p.error.diagnostics.map(formatDiagnostic).join('\n')}\n`;
    return `${targetHeading(p.target, format)}${format === 'markdown' && !('plan' in p) ? `\`\`\`\n${body}\`\`\`\n` : body}`;
  });
  return `${sections.join('\n')}\n${targetsSummary(parts.map((p) => ('plan' in p ? { target: p.target, line: planLine(p.plan) } : { target: p.target, line: `failed (${p.error.code})` })))}`;
}

/** `Summary of 3 targets:` and a line per target, e.g. `  eu: 2 to create, ...` or `  us: failed (E_CONNECT)`. */
export function targetsSummary(lines: readonly { target: string; line: string }[]): string {
  const width = Math.max(...lines.map((l) => l.target.length));
  const failed = lines.filter((l) => l.line.startsWith('failed')).length;
  const head = `Summary of ${lines.length} targets${failed > 0 ? ` (${failed} failed)` : ''}:`;
  return `${head}\n${lines.map((l) => `  ${`${l.target}:`.padEnd(width + 1)} ${l.line}`).join('\n')}\n`;
}

function planLine(plan: Plan): string {
  if (plan.changes.length > 0) return `${summaryCounts(plan.summary)}`;
  return plan.ownershipChanged ? 'no changes (the ownership record will be updated)' : 'no changes';
}

/** The machine form: `{format_version, targets: [{target, plan} | {target, error}]}`, each plan as `--format json` writes it. */
export function renderTargetsJson(parts: readonly { target: string; plan?: Plan | undefined; error?: WarrenError | undefined }[]): string {
  const doc = {
    format_version: TARGETS_JSON_FORMAT_VERSION,
    plan_format_version: PLAN_JSON_FORMAT_VERSION,
    targets: parts.map((p) =>
      p.plan ? { target: p.target, plan: JSON.parse(renderPlanJson(p.plan)) as unknown } : { target: p.target, error: { code: p.error?.code, message: p.error?.message } },
    ),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
