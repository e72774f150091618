// One change as a Terraform-style block: the action symbol and title, then comments (why, what
// forces a replace), then the attributes or changed fields, then a loud data-loss line.
import { unreachable } from '../errors.js';
import { isJsonMap } from '../model/json.js';
import type { Json } from '../model/types.js';
import type { Action, Change, FieldDiff } from '../plan/types.js';
import { attributesOf, isSensitiveDiff, liveStateOf, type Attribute } from './attributes.js';
import type { Palette } from './color.js';
import { SENSITIVE_TEXT, dataLossLine, formatValue, migrationNotes, migrationTag, printable } from './format.js';
import { mapDiff, mapLines, type MapLine } from './map-diff.js';

export const SYMBOLS: Record<Action, string> = { create: '+', update: '~', replace: '-/+', delete: '-' };

const BODY = '      '; // under the title, past the widest symbol `-/+ `
const ENTRY = `${BODY}    `; // map entries, under the field name
const FORCES = '# forces replacement';

/** `dataLossAllowed`: the apply was given --allow-data-loss, so the refusal hint would be false. */
export function changeBlock(c: Change, p: Palette, dataLossAllowed = false): string[] {
  // Symbols right-aligned, as Terraform does, so titles start in one column.
  const pad = ' '.repeat(3 - SYMBOLS[c.action].length);
  const tag = c.migration ? ` ${p.yellow(printable(migrationTag(c.migration)))}` : '';
  const lines = [`${pad}${symbol(c.action, p)} ${p.bold(printable(c.title))}${tag}`];
  if (c.reason !== undefined) lines.push(`${BODY}# ${printable(c.reason)}`);
  const state = liveStateOf(c);
  if (state !== undefined) lines.push(`${BODY}# live state: ${printable(state)}`);
  if (c.action === 'replace' && c.forcedBy.length > 0) lines.push(`${BODY}${p.red(`${FORCES}: ${c.forcedBy.map(printable).join(', ')}`)}`);
  if (c.migration) lines.push(...migrationNotes(c.migration).map((n) => `${BODY}# ${printable(n)}`));
  if (c.migration?.blocked !== undefined) lines.push(`${BODY}${p.bold(p.red(`! CANNOT MIGRATE: ${printable(c.migration.blocked)}`))}`);
  if (c.action === 'create' && c.after) lines.push(...createdLines(attributesOf(c.after), p));
  if (c.action === 'update' || c.action === 'replace') lines.push(...changedLines(c.fields, new Set(c.forcedBy), p));
  if (c.dataLoss) lines.push(`${BODY}${p.bold(p.red(`! ${printable(dataLossLine(c.dataLoss.messages, !dataLossAllowed, c.dataLoss.reason))}`))}`);
  return lines;
}

function createdLines(attributes: Attribute[], p: Palette): string[] {
  const width = Math.max(0, ...attributes.map((a) => a.field.length));
  return attributes.flatMap((a) => {
    const head = `${BODY}${p.green('+')} ${a.field.padEnd(width)} = `;
    if (a.sensitive) return [`${head}${SENSITIVE_TEXT}`];
    if (isJsonMap(a.value) && Object.keys(a.value).length > 0) return mapBlock(head, mapLines(a.value).map((l) => ({ ...l, op: '+' as const })), new Set(), '', p);
    return [`${head}${formatValue(a.value)}`];
  });
}

function changedLines(fields: FieldDiff[], forced: ReadonlySet<string>, p: Palette): string[] {
  const width = Math.max(0, ...fields.map((f) => f.field.length));
  return fields.flatMap((f) => {
    const op = f.before === undefined ? p.green('+') : p.yellow('~');
    const mark = forced.has(f.field) ? `  ${p.red(FORCES)}` : '';
    const head = `${BODY}${op} ${f.field.padEnd(width)} = `;
    if (isSensitiveDiff(f)) return [`${head}${f.before === undefined ? '' : `${SENSITIVE_TEXT} -> `}${SENSITIVE_TEXT}${mark}`];
    if (isJsonMap(f.before) || isJsonMap(f.after)) return mapBlock(head, mapDiff(asMap(f.before), asMap(f.after)), forced, f.field, p, mark);
    return [`${head}${f.before === undefined ? '' : `${formatValue(f.before)} -> `}${formatValue(f.after)}${mark}`];
  });
}

/** `field = {` then one entry a line, each marked when it forced the replace, then `}`. */
function mapBlock(head: string, entries: MapLine[], forced: ReadonlySet<string>, field: string, p: Palette, mark = ''): string[] {
  const colour = { '+': p.green, '-': p.red, ' ': (s: string) => s };
  // A changed key shows as a - and a + line; the mark goes on its last line only.
  const lastLine = new Map(entries.map((e, i) => [e.key, i]));
  const lines = entries.map((e, i) => {
    const forces = e.op !== ' ' && lastLine.get(e.key) === i && forced.has(`${field}.${e.key}`) ? `  ${p.red(FORCES)}` : '';
    return `${ENTRY}${colour[e.op](e.op)} ${e.text}${forces}`;
  });
  return [`${head}{${mark}`, ...lines, `${BODY}  }`];
}

function asMap(value: Json | undefined): Record<string, Json> {
  return isJsonMap(value) ? value : {};
}

function symbol(action: Action, p: Palette): string {
  switch (action) {
    case 'create':
      return p.green('+');
    case 'update':
      return p.yellow('~');
    case 'replace':
      return `${p.red('-')}/${p.green('+')}`;
    case 'delete':
      return p.red('-');
    default:
      return unreachable(action, 'action');
  }
}
