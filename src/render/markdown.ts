// The plan as a pull-request comment: a heading with the summary, data loss called out before
// anything else, a table of changes in plan order, then the map diffs as ```diff blocks.
import { isJsonMap, isRecord } from '../model/json.js';
import { formatDiagnostic } from '../errors.js';
import type { Action, Change, Plan } from '../plan/types.js';
import { attributesOf, isSensitiveDiff, liveStateOf } from './attributes.js';
import { SENSITIVE_TEXT, dataLossLine, migrationNotes, migrationTag, dataLossTotal, errorCountLine, formatCount, formatValue, ignoredNote, matchesLine, ownershipNote, plural, summaryCounts, summaryLine } from './format.js';
import { mapDiff } from './map-diff.js';
import { fenced, htmlCode, inlineCode } from './markdown-escape.js';

const ACTION_CELL: Record<Action, string> = { create: '🟢 create', update: '🟡 update', replace: '🟠 replace', delete: '🔴 delete' };

/** Diffs longer than this fold into <details>, so a big policy does not bury the table. */
const FOLD_AFTER_LINES = 12;

export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [];
  const outcome = plan.changes.length > 0 ? summaryCounts(plan.summary) : plan.ownershipChanged ? 'ownership record only' : 'no changes';
  out.push(`### warren plan for stack ${inlineCode(plan.stack)}: ${outcome}`, '');
  out.push(...dataLossCallout(plan), ...diagnostics(plan));
  if (plan.changes.length === 0) {
    out.push(matchesLine(plan.summary), '', ...notes(plan));
  } else {
    out.push('| Action | Object | Details |', '| --- | --- | --- |');
    for (const c of plan.changes) out.push(`| ${ACTION_CELL[c.action]} | ${inlineCode(c.title)} | ${details(c).join('<br>')} |`);
    out.push('', ...plan.changes.flatMap(diffSection));
    out.push(...notes(plan), `**${summaryLine(plan.summary)}**`, '');
  }
  const errors = errorCountLine(plan);
  if (errors !== undefined) out.push(`**${errors}**`, '');
  return `${out.join('\n').trimEnd()}\n`;
}

function notes(plan: Plan): string[] {
  return [ownershipNote(plan, inlineCode), ignoredNote(plan, inlineCode)].flatMap((n) => (n === undefined ? [] : [`> ${n}`, '']));
}

function dataLossCallout(plan: Plan): string[] {
  const loss = dataLossTotal(plan);
  if (loss.messages === 0) return [];
  const head = `> **Data loss:** ${plural(loss.changes.length, 'change')} would lose ${plural(loss.messages, 'message')}; apply refuses this plan without \`--allow-data-loss\`.`;
  const items = loss.changes.map((c) => `> - ${inlineCode(c.title)} (${c.action}): ${plural(c.dataLoss?.messages ?? 0, 'message')}${c.dataLoss?.reason !== undefined ? `: ${inlineCode(c.dataLoss.reason)}` : ''}`);
  return ['> [!CAUTION]', head, '>', ...items, ''];
}

function diagnostics(plan: Plan): string[] {
  if (plan.diagnostics.length === 0) return [];
  const errors = plan.diagnostics.filter((d) => d.severity === 'error').length;
  const counts = [errors > 0 ? plural(errors, 'error') : '', errors < plan.diagnostics.length ? plural(plan.diagnostics.length - errors, 'warning') : ''];
  return [`**${counts.filter(Boolean).join(', ')}:**`, '', ...fenced('text', plan.diagnostics.map(formatDiagnostic)), ''];
}

/** The Details cell: loudest first (data loss, why), then what is created or what changes. */
function details(c: Change): string[] {
  const items: string[] = [];
  if (c.migration?.blocked !== undefined) items.push(`**cannot migrate: ${inlineCode(c.migration.blocked)}**`);
  if (c.dataLoss) items.push(`**${dataLossLine(c.dataLoss.messages, false)}**${c.dataLoss.reason !== undefined ? `: ${inlineCode(c.dataLoss.reason)}` : ''}`);
  if (c.migration) items.push(`**${migrationTag(c.migration).slice(1, -1)}**`, ...migrationNotes(c.migration).map(inlineCode));
  if (c.reason !== undefined) items.push(`why: ${inlineCode(c.reason)}`);
  const state = liveStateOf(c);
  if (state !== undefined) items.push(`live state: ${inlineCode(state)}`);
  if (c.action === 'replace' && c.forcedBy.length > 0) items.push(`forces replacement: ${c.forcedBy.map(inlineCode).join(', ')}`);
  if (c.action === 'create' && c.after) {
    for (const a of attributesOf(c.after)) {
      if (!a.sensitive && isEmpty(a.value)) continue;
      items.push(inlineCode(`${a.field} = ${a.sensitive ? SENSITIVE_TEXT : formatValue(a.value)}`));
    }
  }
  if (c.action === 'update' || c.action === 'replace') {
    for (const f of c.fields) {
      if (isSensitiveDiff(f)) items.push(inlineCode(`${f.field}: ${SENSITIVE_TEXT} -> ${SENSITIVE_TEXT}`));
      else if (isJsonMap(f.before) || isJsonMap(f.after)) items.push(`${inlineCode(f.field)}: see the diff below`);
      else items.push(inlineCode(`${f.field}: ${formatValue(f.before)} -> ${formatValue(f.after)}`));
    }
  }
  return items;
}

/** A ```diff block per change with map fields, one `@@ field @@` hunk per map. */
function diffSection(c: Change): string[] {
  if (c.action !== 'update' && c.action !== 'replace') return [];
  const lines: string[] = [];
  for (const f of c.fields) {
    if (isSensitiveDiff(f) || !(isJsonMap(f.before) || isJsonMap(f.after))) continue;
    lines.push(`@@ ${f.field} @@`, ...mapDiff(isJsonMap(f.before) ? f.before : {}, isJsonMap(f.after) ? f.after : {}).map((l) => `${l.op} ${l.text}`));
  }
  if (lines.length === 0) return [];
  const block = fenced('diff', lines);
  if (lines.length <= FOLD_AFTER_LINES) return [`**${c.action} ${inlineCode(c.title)}**`, '', ...block, ''];
  return [`<details><summary>${c.action} ${htmlCode(c.title)}: ${formatCount(lines.length)} diff lines</summary>`, '', ...block, '', '</details>', ''];
}

function isEmpty(value: unknown): boolean {
  if (value === '' || (Array.isArray(value) && value.length === 0)) return true;
  return isRecord(value) && Object.keys(value).length === 0;
}
