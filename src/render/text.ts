// The human plan, modelled on Terraform's: diagnostics first, a legend of the symbols used, one
// block per change in plan (execution) order, then the summary line.
import { formatDiagnostic, type Diagnostic } from '../errors.js';
import type { Action, Plan } from '../plan/types.js';
import { palette, type Palette } from './color.js';
import { dataLossTotal, errorCountLine, ignoredNote, noChangesLine, ownershipNote, plural, printable, summaryLine } from './format.js';
import { SYMBOLS, changeBlock } from './text-change.js';

export interface TextOptions {
  color: boolean;
  /** Shown by an apply given --allow-data-loss: the plan says the messages go, not that apply refuses. */
  allowDataLoss?: boolean | undefined;
}

const LEGEND: Record<Action, string> = { create: 'create', update: 'update in place', replace: 'replace (delete, then create)', delete: 'delete' };
const ACTIONS: readonly Action[] = ['create', 'update', 'replace', 'delete'];

export function renderPlanText(plan: Plan, opts: TextOptions): string {
  const p = palette(opts.color);
  const out: string[] = [];
  if (plan.diagnostics.length > 0) out.push(...plan.diagnostics.map((d) => diagnosticLine(d, p)), '');

  if (plan.changes.length === 0) {
    out.push(p.bold(noChangesLine(plan)));
    out.push(...notes(plan, p));
  } else {
    out.push(`Stack ${printable(plan.stack)}, --prune ${plan.prune}. Actions are shown with these symbols:`);
    for (const action of ACTIONS) {
      if (plan.changes.some((c) => c.action === action)) out.push(`${SYMBOLS[action].padStart(3)} ${LEGEND[action]}`);
    }
    out.push('');
    for (const change of plan.changes) out.push(...changeBlock(change, p, opts.allowDataLoss === true), '');
    const loss = dataLossTotal(plan);
    if (loss.messages > 0) {
      const consequence = opts.allowDataLoss === true ? '--allow-data-loss is given, so they are dropped' : 'apply refuses this plan without --allow-data-loss';
      const line = `! DATA LOSS: ${plural(loss.changes.length, 'change')} would lose ${plural(loss.messages, 'message')}; ${consequence}.`;
      out.push(p.bold(p.red(line)));
    }
    out.push(...notes(plan, p));
    out.push(p.bold(summaryLine(plan.summary)));
  }
  const errors = errorCountLine(plan);
  if (errors !== undefined) out.push(p.red(errors));
  return `${out.join('\n')}\n`;
}

/** Adoption and ignored objects: said in yellow, because both decide what apply will not delete. */
function notes(plan: Plan, p: Palette): string[] {
  return [ownershipNote(plan), ignoredNote(plan)].flatMap((n) => (n === undefined ? [] : [p.yellow(n)]));
}

function diagnosticLine(d: Diagnostic, p: Palette): string {
  const line = printable(formatDiagnostic(d));
  return d.severity === 'error' ? p.red(line) : p.yellow(line);
}
