// The export's YAML, written as it is made: key order as built (structure first, names sorted),
// small all-scalar maps and lists on one line (`orders: { type: topic }`), everything else as
// blocks. It writes what the yaml package's Document writer wrote for the same tree, byte for byte
// (test/unit/export-yaml-writer.test.ts compares the two on random trees), without building the
// package's nodes: for 93,000 objects those and the tree they were made from took 100 MB above the
// read of the broker (export's peak RSS 304 MB, the read's 190), and export's user CPU fell from
// 2.6 s to 1.3 s without them. Scalars still go through the package (yaml-scalar.ts).
import { StreamedList, StreamedMap, type DocMap, type DocValue } from './doc-value.js';
import { scalarLength, scalarText, type ScalarValue } from './yaml-scalar.js';


/** Receives the text in order, in chunks of about CHUNK characters. */
export type WriteChunk = (chunk: string) => void;

const CHUNK = 64 * 1024;
/** The longest flow map kept on one line; longer ones are written as blocks. */
const FLOW_WIDTH = 100;
/** yaml writes a longer key as an explicit `? key` line (YAML limits implicit keys to 1024). */
const IMPLICIT_KEY_MAX = 1024;

export function writeYaml(root: DocMap, header: readonly string[], write: WriteChunk): void {
  const out = new ChunkedOut(write);
  // The header as yaml writes a document's leading comment: `#` per line, then a blank line.
  if (header.length > 0) out.add(`${header.map((l) => ` ${l}`).join('\n').replace(/^(?!$)(?: $)?/gm, '#')}\n\n`);
  writeValue(root, '', out);
  out.add('\n');
  out.flush();
}

/** The whole text at once: for small documents and tests. */
export function toYaml(root: DocMap, header: readonly string[]): string {
  const chunks: string[] = [];
  writeYaml(root, header, (c) => chunks.push(c));
  return chunks.join('');
}

type Collection = DocMap | DocValue[] | StreamedMap | StreamedList;

/** A value where yaml's context has this indent (a pair's value, a list item or the root). */
function writeValue(value: DocValue, indent: string, out: ChunkedOut): void {
  if (isBlock(value)) writeBlock(value, indent, out);
  else out.add(inlineText(value, indent));
}

/** Items one per line at `indent`; the first goes where the writer already is. */
function writeBlock(value: Collection, indent: string, out: ChunkedOut): void {
  let first = true;
  const next = (): void => {
    if (!first) out.add(`\n${indent}`);
    first = false;
  };
  if (value instanceof Map || value instanceof StreamedMap) {
    for (const [key, v] of value instanceof Map ? value : value.entries()) {
      next();
      writePair(key, v, indent, out);
    }
    return;
  }
  for (const item of Array.isArray(value) ? value : value.items()) {
    next();
    out.add('- ');
    writeValue(item, `${indent}  `, out);
  }
}

/** `key: value` in a block map whose lines start at `indent`. */
function writePair(key: string, value: DocValue, indent: string, out: ChunkedOut): void {
  const inner = `${indent}  `;
  const keyText = scalarText(key, { indent: inner, inFlow: false, key: true });
  const explicit = keyText.length > IMPLICIT_KEY_MAX;
  out.add(explicit ? `? ${keyText}\n${indent}:` : `${keyText}:`);
  if (isBlock(value)) {
    // A block starts on the next line, except after an explicit key's `:`.
    out.add(explicit ? ' ' : `\n${inner}`);
    writeBlock(value, inner, out);
    return;
  }
  const text = inlineText(value, inner);
  // A one-line collection that had to span lines (a multi-line string inside) starts on the next line.
  out.add(!explicit && isCollection(value) && text.includes('\n') ? `\n${inner}` : ' ');
  out.add(text);
}

/** A scalar, an empty collection or a flow collection (`{ a: 1 }`, `[ x, y ]`). */
function inlineText(value: DocValue, indent: string): string {
  if (value instanceof StreamedMap) return '{}'; // only when empty: a non-empty one is a block
  if (value instanceof StreamedList) return '[]';
  if (value instanceof Map) {
    if (value.size === 0) return '{}';
    // Literals, not `{ ...place, key }`: objects made by spreading survived young-generation
    // collections here (V8 11), and 60,000 bindings' worth piled up until a full collection.
    const pairIndent = `${indent}    `;
    const keyAt = { indent: pairIndent, inFlow: true, key: true };
    const valueAt = { indent: pairIndent, inFlow: true, key: false };
    return flowText('{', '}', [...value].map(([k, v]) => `${scalarText(k, keyAt)}: ${scalarText(v as ScalarValue, valueAt)}`), indent);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const at = { indent: `${indent}    `, inFlow: true, key: false };
    return flowText('[', ']', value.map((v) => scalarText(v as ScalarValue, at)), indent);
  }
  return scalarText(value, { indent, inFlow: false, key: false });
}

function flowText(open: string, close: string, items: string[], indent: string): string {
  if (!items.some((i) => i.includes('\n'))) return `${open} ${items.join(', ')} ${close}`;
  return `${open}${items.map((i, n) => `\n  ${indent}${i}${n < items.length - 1 ? ',' : ''}`).join('')}\n${indent}${close}`;
}

/** Written over several lines: a non-empty collection, unless it is short and holds only scalars. */
function isBlock(value: DocValue): value is Collection {
  if (value instanceof StreamedMap || value instanceof StreamedList) return value.size > 0;
  if (value instanceof Map) return value.size > 0 && !fitsOneLine(value.values(), value.keys());
  if (Array.isArray(value)) return value.length > 0 && !fitsOneLine(value, []);
  return false;
}

function isCollection(value: DocValue): boolean {
  return value instanceof Map || Array.isArray(value) || value instanceof StreamedMap || value instanceof StreamedList;
}

/** Every item a scalar, and the whole no longer than FLOW_WIDTH as the export has always reckoned it. */
function fitsOneLine(values: Iterable<DocValue>, keys: Iterable<string>): boolean {
  let length = 4;
  for (const v of values) {
    if (isCollection(v)) return false;
    length += scalarLength(v as ScalarValue) + 4;
  }
  for (const k of keys) length += k.length + 2;
  return length <= FLOW_WIDTH;
}

/** Collects small pieces into chunks, so a file or stdout gets a few large writes. */
class ChunkedOut {
  private pending: string[] = [];
  private size = 0;

  constructor(private readonly write: WriteChunk) {}

  add(text: string): void {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= CHUNK) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    this.write(this.pending.join(''));
    this.pending = [];
    this.size = 0;
  }
}
