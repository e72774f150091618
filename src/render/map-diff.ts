// Per-key diff of a broker-defined map (arguments, definition, limits). One line per key,
// `"key": value` with sorted keys and no trailing commas, so adding a key touches one line only
// and the line diff lines up key by key.
// The line differ alone: the package's index loads every differ it has (~60 modules) at start-up.
import { diffLines } from 'diff/lib/diff/line.js';
import type { JsonMap } from '../model/types.js';
import { compareText } from './attributes.js';
import { formatValue, printable } from './format.js';

export type DiffOp = '+' | '-' | ' ';

export interface MapLine {
  op: DiffOp;
  key: string;
  text: string;
}

export function mapLines(map: JsonMap): MapLine[] {
  return Object.keys(map)
    .sort(compareText)
    .map((key) => ({ op: ' ', key, text: entryText(key, map) }));
}

export function mapDiff(before: JsonMap, after: JsonMap): MapLine[] {
  const keyOf = new Map<string, string>();
  const side = (map: JsonMap): string =>
    mapLines(map)
      .map((line) => {
        keyOf.set(line.text, line.key);
        return `${line.text}\n`;
      })
      .join('');
  const out: MapLine[] = [];
  for (const part of diffLines(side(before), side(after))) {
    const op: DiffOp = part.added ? '+' : part.removed ? '-' : ' ';
    for (const text of part.value.split('\n').slice(0, -1)) out.push({ op, key: keyOf.get(text) ?? text, text });
  }
  return out;
}

/** JSON escapes newlines in keys and values, so an entry is one line and its text names its key. */
function entryText(key: string, map: JsonMap): string {
  return `${printable(JSON.stringify(key))}: ${formatValue(map[key])}`;
}
