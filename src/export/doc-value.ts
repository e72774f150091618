// The export's document tree: YAML-ready values, maps in the order they are written.
import type { Json } from '../model/types.js';

export type DocValue = string | number | boolean | null | DocValue[] | DocMap | TemplateText | StreamedMap | StreamedList;

/**
 * Text that holds `${VARIABLE}` references on purpose (a URI password the export leaves to the
 * environment). The YAML writer escapes `${` in every other string, since broker data must never
 * be interpolated; the maker of a TemplateText escapes the broker's part of it itself.
 */
export class TemplateText {
  constructor(readonly text: string) {}
}
export type DocMap = Map<string, DocValue>;

/**
 * A map made entry by entry as the writer reaches it (the queues of a vhost): held whole, with
 * the yaml package's nodes for it, an export of 93,000 objects took 100 MB more than the read.
 * `size` says up front whether there is anything to write; each entry is a map, so a StreamedMap
 * is always written as a block.
 */
export class StreamedMap {
  constructor(
    readonly size: number,
    readonly entries: () => Iterable<readonly [string, DocMap]>,
  ) {}
}

/** A list made item by item as the writer reaches it (the bindings of a vhost); see StreamedMap. */
export class StreamedList {
  constructor(
    readonly size: number,
    readonly items: () => Iterable<DocMap>,
  ) {}
}

/** A broker map as a document value, keys sorted in code-point order so exports are byte-stable. */
export function jsonToDoc(value: Json): DocValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(jsonToDoc);
  return new Map(
    Object.keys(value)
      .sort(byCodePoint)
      .map((k): [string, DocValue] => [k, jsonToDoc(value[k] ?? null)]),
  );
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
