// The YAML of one file as read, before aliases are expanded, `<<` merged or `${VAR}` replaced:
// what yaml-source.ts assembles from js-yaml's events and build-tree.ts turns into the SpecNode
// tree. Every node knows where it is written; offsets index the file's text.
//
// The shapes are those of tree.ts (kind, origin, value / items / entries), so that a `plain`
// node (no alias, merge, `${` or unreadable value anywhere inside) already is a SpecNode tree and
// build-tree can take it as it is: on a large spec that is nearly every node.

import type { Origin } from '../errors.js';
import type { LineTable } from './line-table.js';

/**
 * A second guard beside MAX_ALIAS_COUNT, which counts alias uses but not their size: one big
 * anchor aliased a few thousand times is linear to write and quadratic to expand. The reader
 * (yaml-source.ts) already refuses a file past it; the walk counts again, as a last line.
 */
export const MAX_ALIAS_EXPANSION_NODES = 500_000;

/**
 * Where a node is written, as offsets into its file's text; line and column come from the file's
 * LineTable when asked for (a diagnostic, or the origin a model object keeps), not held by each of
 * the 400,000 nodes a spec of 93,000 objects has. The classes' `kind` lives on the prototype for
 * the same reason.
 */
abstract class Placed {
  constructor(
    readonly lines: LineTable,
    /** Where the content starts, after any `&anchor` or `!tag`: what diagnostics point at. */
    readonly offset: number,
    /** Where the parser began and ended this node (around spaces, comments and properties). */
    readonly open: number,
    readonly end: number,
  ) {}

  get file(): string {
    return this.lines.file;
  }

  /** 1-based. */
  get line(): number {
    return this.lines.line(this.offset);
  }

  get col(): number {
    return this.lines.col(this.offset);
  }

  get origin(): Origin {
    return this.lines.origin(this.offset);
  }
}

/** A value that is not a collection, nor an alias. */
export class YamlScalar extends Placed {
  constructor(
    lines: LineTable,
    offset: number,
    open: number,
    end: number,
    /** string, number, boolean, null, or UNREADABLE for a YAML 1.1 type warren has no use for. */
    readonly value: unknown,
    /** A plain `<<` key. */
    readonly merge: boolean,
  ) {
    super(lines, offset, open, end);
  }

  get kind(): 'scalar' {
    return 'scalar';
  }

  /** Nothing to interpolate, nothing unreadable, nothing infinite: usable as a SpecNode as it is. */
  get plain(): boolean {
    return isPlainValue(this.value);
  }

  get copies(): number {
    return 0;
  }

  get size(): number {
    return 1;
  }
}

/** A value the tree takes as it is: nothing to interpolate, nothing unreadable, nothing infinite. */
export const isPlainValue = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || (typeof v === 'string' && !v.includes('${'));

/** Shaped like tree.ts's Entry; the key's place is kept as its offset (the key is in the value's file). */
export class YamlEntry {
  constructor(
    readonly value: YamlNode,
    readonly keyAt: number,
  ) {}

  /** Where the key is written. */
  get keyOrigin(): Origin {
    return this.value.lines.origin(this.keyAt);
  }
}

/** Up to this many entries a look-up reads them in turn; a larger map gets an index. */
const SCANNED_ENTRIES = 8;
/** Lists for up to this many entries are made to size. */
const PRESIZED_ENTRIES = 64;

/** Slots an entry takes: name, value, where the key starts, where the value starts. */
const SLOTS = 4;

/** The name index of each large read map's slots, made on its first look-up (few are ever looked in). */
const INDEXES = new WeakMap<unknown[], Map<string, number>>();

/**
 * A mapping's entries, in the order written, in one list of four slots each: the name, the value,
 * and the offsets of the key and the value. A plain scalar is kept as its value (a string, a
 * number, a boolean or null, never an object); a plain mapping comes as a ReadMap. A Map, an entry
 * object and a scalar node took some 600 bytes for a three-key mapping (a binding), these slots
 * 112. Entries, and the nodes of scalar values, are made when read. Read-only once the reader has
 * the mapping.
 */
export class YamlEntries implements ReadonlyMap<string, YamlEntry> {
  /** Slot of each name, for maps past SCANNED_ENTRIES. */
  private index: Map<string, number> | undefined;

  /**
   * `expected`: how many entries the reader has at most, so a small list is made to size (one
   * that grows by push keeps room for 17 slots). A large one grows: `new Array(n)` past some
   * thousands of slots would be a dictionary.
   */
  static forReading(lines: LineTable, expected: number): YamlEntries {
    return new YamlEntries(lines, expected > 0 && expected <= PRESIZED_ENTRIES ? new Array<unknown>(expected * SLOTS) : [], 0);
  }

  /** The entries of a ReadMap: its slots, all in use. */
  static over(lines: LineTable, slots: unknown[]): YamlEntries {
    return new YamlEntries(lines, slots, slots.length);
  }

  private constructor(
    private readonly lines: LineTable,
    private readonly slots: unknown[],
    /** Slots in use: the list may have been made larger (see forReading). */
    private used: number,
  ) {}

  get size(): number {
    return this.used / SLOTS;
  }

  /** For the reader: a name not yet there (it checks with has()). */
  add(name: string, value: YamlNode, keyAt: number): void {
    const at = this.used;
    const slots = this.slots;
    // A plain scalar is kept as its value: a string, a number, a boolean or null, never an object.
    const held = value.kind === 'scalar' && !value.merge && value.plain ? value.value : value;
    if (at < slots.length) {
      slots[at] = name;
      slots[at + 1] = held;
      slots[at + 2] = keyAt;
      slots[at + 3] = value.offset;
    } else {
      slots.push(name, held, keyAt, value.offset);
    }
    this.used = at + SLOTS;
    if (this.index) this.index.set(name, at);
    else if (at >= SCANNED_ENTRIES * SLOTS) this.index = this.indexed();
  }

  /** The slots as a list of their own, exactly as long as what is used. */
  compacted(): unknown[] {
    return this.used === this.slots.length ? this.slots : this.slots.slice(0, this.used);
  }

  has(name: string): boolean {
    return this.slotOf(name) >= 0;
  }

  get(name: string): YamlEntry | undefined {
    const at = this.slotOf(name);
    return at < 0 ? undefined : this.entryAt(at);
  }

  *entries(): MapIterator<[string, YamlEntry]> {
    for (let at = 0; at < this.used; at += SLOTS) yield [this.slots[at] as string, this.entryAt(at)];
  }

  *keys(): MapIterator<string> {
    for (let at = 0; at < this.used; at += SLOTS) yield this.slots[at] as string;
  }

  *values(): MapIterator<YamlEntry> {
    for (let at = 0; at < this.used; at += SLOTS) yield this.entryAt(at);
  }

  [Symbol.iterator](): MapIterator<[string, YamlEntry]> {
    return this.entries();
  }

  forEach(each: (value: YamlEntry, key: string, map: ReadonlyMap<string, YamlEntry>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) each.call(thisArg, value, key, this);
  }

  /** For ReadMap.size: the nodes below, counted as Composite.size counts them. */
  nodesBelow(): number {
    let n = 0;
    for (let at = 1; at < this.used; at += SLOTS) {
      const held = this.slots[at];
      n += typeof held === 'object' && held !== null ? (held as YamlNode).size : 1;
    }
    return n;
  }

  private entryAt(at: number): YamlEntry {
    const slots = this.slots;
    const held = slots[at + 1];
    // Only the value's start is kept: nothing reads where a value opens or ends once its mapping is
    // read (only keys, values that are not plain, and the reader's open nodes need them).
    const valueAt = slots[at + 3] as number;
    const value = typeof held === 'object' && held !== null ? (held as YamlNode) : new YamlScalar(this.lines, valueAt, valueAt, valueAt, held, false);
    return new YamlEntry(value, slots[at + 2] as number);
  }

  private slotOf(name: string): number {
    // A read map's view finds its index where the first look-up left it (most are only iterated).
    if (!this.index && this.used > SCANNED_ENTRIES * SLOTS) {
      this.index = INDEXES.get(this.slots) ?? this.indexed();
      INDEXES.set(this.slots, this.index);
    }
    if (this.index) return this.index.get(name) ?? -1;
    const slots = this.slots;
    for (let at = 0; at < this.used; at += SLOTS) if (slots[at] === name) return at;
    return -1;
  }

  private indexed(): Map<string, number> {
    const index = new Map<string, number>();
    for (let at = 0; at < this.used; at += SLOTS) index.set(this.slots[at] as string, at);
    return index;
  }
}

/**
 * A plain mapping becomes a ReadMap as soon as it is read; other nodes stay as they are. (A plain
 * mapping may still count alias copies, from aliases used as keys: it stays whole, and counts them.)
 */
export function compactNode(node: YamlNode): YamlNode {
  return node instanceof YamlMap && node.plain && node.copies === 0 ? new ReadMap(node.lines, node.offset, node.open, node.end, node.entries.compacted()) : node;
}

export interface YamlMerge {
  /** Where `<<` is written. */
  origin: Origin;
  value: YamlNode;
}

/** Shared by every map without `<<` or bad keys (nearly all): a list is made on the first. */
const NONE: never[] = [];

/** What a collection or an alias adds up from what it holds. */
abstract class Composite extends Placed {
  /** How many alias copies expanding this node makes, nested aliases included. */
  copies = 0;
  /** Nothing inside needs expanding, interpolating or reporting: usable as a SpecNode as it is. */
  plain = true;
  /** Nodes in the tree this node becomes (itself and the values below it, aliases expanded). */
  size = 1;
}

/** A mapping while the reader makes it, and one that is not plain (see ReadMap). */
export class YamlMap extends Composite {
  /** By name, in the order written; the first of duplicate keys (which are reported). */
  entries: YamlEntries;
  /** `<<` entries, in the order written; applied after the explicit keys, which always win. */
  merges: readonly YamlMerge[] = NONE;
  /** Keys that are not names (a mapping or a list as a key): reported by build-tree. */
  badKeys: readonly YamlNode[] = NONE;

  constructor(lines: LineTable, offset: number, open: number, end: number, expected = 0) {
    super(lines, offset, open, end);
    this.entries = YamlEntries.forReading(lines, expected);
  }

  get kind(): 'map' {
    return 'map';
  }

  addMerge(merge: YamlMerge): void {
    if (this.merges === NONE) this.merges = [];
    (this.merges as YamlMerge[]).push(merge);
  }

  addBadKey(key: YamlNode): void {
    if (this.badKeys === NONE) this.badKeys = [];
    (this.badKeys as YamlNode[]).push(key);
  }
}

/**
 * A plain mapping once read: its place and its slots, nothing else. Most of a large spec's nodes
 * are these (every exchange, queue and binding): some 210 bytes for a binding where the YamlMap,
 * its YamlEntries and a slot list of six per entry took 360. The reader makes one as soon as the
 * mapping closes, so the whole form is never held for long (a collection's entries wait for the
 * collection to close). Counts are not kept: a plain node has no aliases, and its size is counted
 * again when asked for (by its parent, or an alias that copies it).
 */
export class ReadMap extends Placed {
  constructor(
    lines: LineTable,
    offset: number,
    open: number,
    end: number,
    private readonly slots: unknown[],
  ) {
    super(lines, offset, open, end);
  }

  get kind(): 'map' {
    return 'map';
  }

  get plain(): true {
    return true;
  }

  get copies(): number {
    return 0;
  }

  get size(): number {
    return 1 + this.entries.nodesBelow();
  }

  get merges(): readonly YamlMerge[] {
    return NONE;
  }

  get badKeys(): readonly YamlNode[] {
    return NONE;
  }

  /** A view over the slots, made on each read: one short-lived object rather than one held per map. */
  get entries(): YamlEntries {
    return YamlEntries.over(this.lines, this.slots);
  }
}

export class YamlSeq extends Composite {
  items: YamlNode[] = [];

  get kind(): 'seq' {
    return 'seq';
  }
}

export class YamlAlias extends Composite {
  override plain = false;

  constructor(
    lines: LineTable,
    offset: number,
    open: number,
    end: number,
    readonly name: string,
    /** The latest node anchored with this name before the alias; undefined if none. */
    readonly target: YamlNode | undefined,
  ) {
    super(lines, offset, open, end);
    this.copies = 1 + (target?.copies ?? 0);
    this.size = target?.size ?? 1;
  }

  get kind(): 'alias' {
    return 'alias';
  }
}

/** A plain mapping is a ReadMap once read: a YamlMap is one being read, or one that is not plain. */
export type YamlNode = YamlScalar | YamlMap | ReadMap | YamlSeq | YamlAlias;

/**
 * A key as a name: scalars only, and an empty key (`~`, `null` or nothing) is "". A key the YAML
 * core schema reads as a number or a boolean keeps the spelling it is written with (`text` is the
 * file's text): a queue `0x1F` stays `0x1F` rather than becoming `31`, `007` stays `007`, and
 * `1e400` does not become `Infinity`. Names are text; only values have types.
 */
export function keyName(key: YamlNode, text: string): string | undefined {
  const node = key.kind === 'alias' ? key.target : key;
  if (node?.kind !== 'scalar') return undefined;
  const v = node.value;
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v !== 'number' && typeof v !== 'boolean') return undefined;
  const written = text.slice(node.offset, node.end).trimEnd();
  // A quoted scalar under an explicit tag (`!!int "5"`): its value is what it says.
  return written === '' || written.startsWith('"') || written.startsWith("'") ? String(v) : written;
}
