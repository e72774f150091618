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
  const chunks: string[] = [];
  writePlanText(plan, opts, (chunk) => chunks.push(chunk));
  return chunks.join('');
}

/**
 * The same text as renderPlanText, handed to `write` in pieces of about 64 KB as it is made. An
 * apply from nothing at 93,000 objects prints 8 MB: built as one string, its 600,000 lines all
 * lived until the end and were copied into the old generation on the way (measured: 50 MB of
 * heap, most of the apply's peak RSS above a validate); written as it goes, each change's lines
 * die young.
 */
export function writePlanText(plan: Plan, opts: TextOptions, write: (chunk: string) => void): void {
  const p = palette(opts.color);
  const out = new ChunkedLines(write);
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
  out.flush();
}

/** Lines, each ending in a newline, passed on in pieces of about CHUNK characters. */
class ChunkedLines {
  static readonly CHUNK = 64 * 1024;
  readonly #write: (chunk: string) => void;
  #lines: string[] = [];
  #size = 0;

  constructor(write: (chunk: string) => void) {
    this.#write = write;
  }

  push(...lines: string[]): void {
    for (const line of lines) {
      this.#lines.push(line);
      this.#size += line.length + 1;
    }
    if (this.#size >= ChunkedLines.CHUNK) this.flush();
  }

  flush(): void {
    if (this.#lines.length === 0) return;
    this.#lines.push('');
    this.#write(this.#lines.join('\n'));
    this.#lines = [];
    this.#size = 0;
  }
}

/** Adoption and ignored objects: said in yellow, because both decide what apply will not delete. */
function notes(plan: Plan, p: Palette): string[] {
  return [ownershipNote(plan), ignoredNote(plan)].flatMap((n) => (n === undefined ? [] : [p.yellow(n)]));
}

function diagnosticLine(d: Diagnostic, p: Palette): string {
  const line = printable(formatDiagnostic(d));
  return d.severity === 'error' ? p.red(line) : p.yellow(line);
}
