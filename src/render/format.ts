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

export function noChangesLine(s: PlanSummary): string {
  return `No changes. ${matchesLine(s)}`;
}

/**
 * Said when nothing on the broker changes but apply still writes the ownership record. The plan
 * does not say how many keys are new to the record, only how many it will hold, so that is
 * what we report rather than guess an "adopted" count.
 */
export function ownershipNote(plan: Plan, name: (stack: string) => string = printable): string | undefined {
  if (!plan.ownershipChanged || plan.changes.length > 0) return undefined;
  return `Apply will only update the ownership record of stack ${name(plan.stack)} (it will own ${plural(plan.owned.length, 'object')}).`;
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
