// Wording and value formatting shared by the text and markdown renderers, so both say the
// same thing in the same words.
import { printable } from '../errors.js';
import { canonicalJson } from '../model/keys.js';
import type { Json } from '../model/types.js';
import type { Change, Migration, Plan, PlanSummary } from '../plan/types.js';

export const SENSITIVE_TEXT = '(sensitive value)';
export const UNSET_TEXT = '(unset)';

// One escaping for diagnostics and rendered plans alike.
export { printable };

/** A value as JSON with sorted keys: strings quoted, so `""` and `"0"` are told apart from 0. */
export function formatValue(value: Json | undefined): string {
  return value === undefined ? UNSET_TEXT : printable(canonicalJson(value));
}

/** 1234567 -> "1,234,567" without the locale, so goldens match on every machine. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  // The live reader reports a queue whose message count the broker did not give as Infinity.
  if (!Number.isFinite(n)) return `an unknown number of ${many}`;
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function summaryCounts(s: PlanSummary): string {
  return `${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete, ${s.unchanged} unchanged`;
}

export function summaryLine(s: PlanSummary): string {
  return `Plan: ${summaryCounts(s)}.`;
}

export function matchesLine(s: PlanSummary): string {
  return `The broker matches the spec (${plural(s.unchanged, 'object')}).`;
}

export function noChangesLine(plan: Plan): string {
  if (plan.ownershipChanged) return `No changes to broker objects; only the ownership record changes. ${matchesLine(plan.summary)}`;
  return `No changes. ${matchesLine(plan.summary)}`;
}

/**
 * Adoption, said out loud (DESIGN.md, "Ownership"): until the stack's ownership is recorded, a
 * queue removed from the spec is not deleted, because the stack never owned it. Said whenever
 * the record changes, with or without other changes.
 */
export function ownershipNote(plan: Plan, name: (stack: string) => string = printable): string | undefined {
  if (!plan.ownershipChanged) return undefined;
  const stack = name(plan.stack);
  if (plan.adopting > 0) {
    const them = plan.adopting === 1 ? 'it' : 'them';
    return `Adoption pending: stack ${stack} does not yet own ${plural(plan.adopting, 'object')} that the broker already has and the spec declares; apply records ${them} (stack ${stack} will own ${plural(plan.owned.length, 'object')}). Until then, removing ${plan.adopting === 1 ? 'it' : 'one of them'} from the spec deletes nothing.`;
  }
  // Creates and deletes change the record too; that goes without saying beside the changes.
  if (plan.changes.length > 0) return undefined;
  return `Apply updates the ownership record of stack ${stack} (it will own ${plural(plan.owned.length, 'object')}).`;
}

/** Live objects no stack owns and the spec does not declare: the plan leaves them alone, and says so. */
export function ignoredNote(plan: Plan, name: (title: string) => string = printable): string | undefined {
  const { count, examples } = plan.ignored;
  if (count === 0) return undefined;
  const more = count > examples.length ? `, and ${count - examples.length} more` : '';
  const what = count === 1 ? '1 object in the spec\'s vhosts is' : `${formatCount(count)} objects in the spec's vhosts are`;
  return `Ignored: ${what} neither declared nor owned by any stack (${examples.map(name).join(', ')}${more}); stack ${name(plan.stack)} deletes only what it owns. Declare ${count === 1 ? 'it' : 'them'} to manage ${count === 1 ? 'it' : 'them'}, or plan with --prune all to delete ${count === 1 ? 'it' : 'them'}.`;
}

export function dataLossLine(messages: number, hint = true, reason?: string): string {
  const line = `DATA LOSS: ${plural(messages, 'message')} would be lost${reason !== undefined ? ` (${reason})` : ''}`;
  return hint ? `${line} (apply refuses without --allow-data-loss)` : line;
}

export function dataLossTotal(plan: Plan): { changes: Change[]; messages: number } {
  const changes = plan.changes.filter((c) => c.dataLoss !== undefined);
  return { changes, messages: changes.reduce((sum, c) => sum + (c.dataLoss?.messages ?? 0), 0) };
}

export function errorCountLine(plan: Plan): string | undefined {
  const errors = plan.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors === 0) return undefined;
  return `${plural(errors, 'error')} above must be fixed before this plan can be applied.`;
}

/** After the title: `(migrate 12,345 messages)`, or `(migration in progress, 5,000 messages held)`. */
export function migrationTag(m: Migration): string {
  if (m.inProgress) return `(migration in progress, ${plural(m.held, 'message')} held)`;
  return `(migrate ${plural(m.messages, 'message')})`;
}

/** What a reviewer should know about a migration, one line each. */
export function migrationNotes(m: Migration): string[] {
  const notes: string[] = [];
  const waiting = m.inProgress ? `${plural(m.held, 'message')} in the holding queue ${m.holdingQueue}${m.messages > 0 ? ` and ${plural(m.messages, 'message')} still in the queue` : ''}` : undefined;
  notes.push(
    waiting !== undefined
      ? `migration in progress: apply finishes it (${waiting})`
      : `migrate: the messages move to the holding queue ${m.holdingQueue} and back, in order, with publisher confirms`,
  );
  if (m.consumers === undefined) notes.push('consumers: not read; any are cancelled when the queue is deleted');
  else if (m.consumers > 0) notes.push(`${plural(m.consumers, 'consumer')} will be cancelled when the queue is deleted`);
  if (m.bindings.length > 0) notes.push(`bindings carried over: ${m.bindings.join(', ')}`);
  return notes;
}
