// The YAML of one file as read, before aliases are expanded, `<<` merged or `${VAR}` replaced:
// what yaml-source.ts assembles from js-yaml's events and build-tree.ts turns into the SpecNode
// tree. Every node knows where it is written; offsets index the file's text.
//
// The shapes are those of tree.ts (kind, origin, value / items / entries), so that a `plain`
// node (no alias, merge, `${` or unreadable value anywhere inside) already is a SpecNode tree and
// build-tree can take it as it is: on a large spec that is nearly every node.

import type { Origin } from '../errors.js';

/**
 * A second guard beside MAX_ALIAS_COUNT, which counts alias uses but not their size: one big
 * anchor aliased a few thousand times is linear to write and quadratic to expand. The reader
 * (yaml-source.ts) already refuses a file past it; the walk counts again, as a last line.
 */
export const MAX_ALIAS_EXPANSION_NODES = 500_000;

/**
 * Where a node is written, as numbers. A large spec has some 200,000 nodes and each held an
 * Origin object of its own (a third of the tree's memory); the object is made when asked for,
 * which is on a diagnostic or for the few places a model object keeps. The classes' `kind` lives
 * on the prototype for the same reason.
 */
abstract class Placed {
  constructor(
    readonly file: string,
    /** 1-based, where the content starts, after any `&anchor` or `!tag`: what diagnostics point at. */
    readonly line: number,
    readonly col: number,
    readonly offset: number,
    /** Where the parser began and ended this node (around spaces, comments and properties). */
    readonly open: number,
    readonly end: number,
  ) {}

  get origin(): Origin {
    return { file: this.file, line: this.line, col: this.col };
  }
}

/** A value that is not a collection, nor an alias. */
export class YamlScalar extends Placed {
  constructor(
    file: string,
    line: number,
    col: number,
    offset: number,
    open: number,
    end: number,
    /** string, number, boolean, null, or UNREADABLE for a YAML 1.1 type warren has no use for. */
    readonly value: unknown,
    /** A plain `<<` key. */
    readonly merge: boolean,
  ) {
    super(file, line, col, offset, open, end);
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

/** Shaped like tree.ts's Entry; the key's place is kept as numbers (the key is in the value's file). */
export class YamlEntry {
  constructor(
    readonly value: YamlNode,
    readonly keyLine: number,
    readonly keyCol: number,
  ) {}

  /** Where the key is written. */
  get keyOrigin(): Origin {
    return { file: this.value.file, line: this.keyLine, col: this.keyCol };
  }
}

/** Up to this many entries a look-up reads them in turn; a larger map gets an index. */
const SCANNED_ENTRIES = 8;
/** Lists for up to this many entries are made to size. */
const PRESIZED_ENTRIES = 64;

/** Slots an entry takes: name, value, the key's line and column, the value's line and column. */
const SLOTS = 6;

/**
 * A mapping's entries, in the order written, in one list of six slots each: the name, the value,
 * the key's line and column, and, for a plain scalar value, the value itself (not its node) and
 * its line and column. A Map, an entry object and a scalar node took some 600 bytes for a
 * three-key mapping (a binding), this about 200. Entries, and the nodes of such values, are made
 * when read (a scalar needs no more than its value and place once its mapping is read). Read-only
 * once the reader has the mapping.
 */
export class YamlEntries implements ReadonlyMap<string, YamlEntry> {
  private readonly slots: unknown[];
  /** Slots in use: the list may have been made larger (see the constructor). */
  private used = 0;
  /** Slot of each name, for maps past SCANNED_ENTRIES. */
  private index: Map<string, number> | undefined;

  /**
   * `expected`: how many entries the reader has at most, so a small list is made to size (one
   * that grows by push keeps room for 17 slots). A large one grows: `new Array(n)` past some
   * thousands of slots would be a dictionary.
   */
  constructor(
    private readonly file: string,
    expected = 0,
  ) {
    this.slots = expected > 0 && expected <= PRESIZED_ENTRIES ? new Array<unknown>(expected * SLOTS) : [];
  }

  get size(): number {
    return this.used / SLOTS;
  }

  /** For the reader: a name not yet there (it checks with has()). */
  add(name: string, value: YamlNode, keyLine: number, keyCol: number): void {
    const at = this.used;
    const slots = this.slots;
    // A plain scalar is kept as its value: a string, a number, a boolean or null, never an object.
    const compact = value.kind === 'scalar' && !value.merge && value.plain;
    const held = compact ? value.value : value;
    const valueLine = compact ? value.line : 0;
    const valueCol = compact ? value.col : 0;
    if (at < slots.length) {
      slots[at] = name;
      slots[at + 1] = held;
      slots[at + 2] = keyLine;
      slots[at + 3] = keyCol;
      slots[at + 4] = valueLine;
      slots[at + 5] = valueCol;
    } else {
      slots.push(name, held, keyLine, keyCol, valueLine, valueCol);
    }
    this.used = at + SLOTS;
    if (this.index) this.index.set(name, at);
    else if (at >= SCANNED_ENTRIES * SLOTS) this.index = this.indexed();
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

  private entryAt(at: number): YamlEntry {
    const slots = this.slots;
    const held = slots[at + 1];
    // Offsets are not kept: nothing reads them once the mapping is read (only keys, values that
    // are not plain, and the reader's open nodes need them).
    const value = typeof held === 'object' && held !== null ? (held as YamlNode) : new YamlScalar(this.file, slots[at + 4] as number, slots[at + 5] as number, -1, -1, -1, held, false);
    return new YamlEntry(value, slots[at + 2] as number, slots[at + 3] as number);
  }

  private slotOf(name: string): number {
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

export interface YamlMerge {
  /** Where `<<` is written. */
  origin: Origin;
  value: YamlNode;
}

/** Entries of a map that has none (`{}`, or `!!map` on nothing); the reader sets the real ones. */
const NO_ENTRIES = new YamlEntries('');

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

export class YamlMap extends Composite {
  /** By name, in the order written; the first of duplicate keys (which are reported). */
  entries: YamlEntries = NO_ENTRIES;
  /** `<<` entries, in the order written; applied after the explicit keys, which always win. */
  merges: readonly YamlMerge[] = NONE;
  /** Keys that are not names (a mapping or a list as a key): reported by build-tree. */
  badKeys: readonly YamlNode[] = NONE;

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

export class YamlSeq extends Composite {
  items: YamlNode[] = [];

  get kind(): 'seq' {
    return 'seq';
  }
}

export class YamlAlias extends Composite {
  override plain = false;

  constructor(
    file: string,
    line: number,
    col: number,
    offset: number,
    open: number,
    end: number,
    readonly name: string,
    /** The latest node anchored with this name before the alias; undefined if none. */
    readonly target: YamlNode | undefined,
  ) {
    super(file, line, col, offset, open, end);
    this.copies = 1 + (target?.copies ?? 0);
    this.size = target?.size ?? 1;
  }

  get kind(): 'alias' {
    return 'alias';
  }
}

export type YamlNode = YamlScalar | YamlMap | YamlSeq | YamlAlias;

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

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;

const isBlank = (ch: number): boolean => ch === SPACE || ch === TAB || ch === LF || ch === CR || Number.isNaN(ch) || ch === 0;

/** `,[]{}`: where an anchor name ends. */
const isFlowIndicator = (ch: number): boolean => ch === 0x2c || ch === 0x5b || ch === 0x5d || ch === 0x7b || ch === 0x7d;

/**
 * Moves over what js-yaml skips between tokens (spaces, tabs, line breaks and comments) and over
 * node properties, counting lines the way js-yaml does (CR LF and a lone CR are one break each).
 * One instance is reused for every node: it runs some 200,000 times on a large spec.
 */
export class Scanner {
  offset = 0;
  line = 0;
  lineStart = 0;

  constructor(private readonly text: string) {}

  at(offset: number, line: number, lineStart: number): this {
    this.offset = offset;
    this.line = line;
    this.lineStart = lineStart;
    return this;
  }

  char(): number {
    return this.text.charCodeAt(this.offset);
  }

  skipSpace(): this {
    const text = this.text;
    for (;;) {
      const ch = text.charCodeAt(this.offset);
      if (ch === SPACE || ch === TAB) {
        this.offset += 1;
      } else if (ch === LF || ch === CR) {
        this.offset += ch === CR && text.charCodeAt(this.offset + 1) === LF ? 2 : 1;
        this.line += 1;
        this.lineStart = this.offset;
      } else if (ch === HASH) {
        while (this.offset < text.length && text.charCodeAt(this.offset) !== LF && text.charCodeAt(this.offset) !== CR) this.offset += 1;
      } else {
        return this;
      }
    }
  }

  /** Past spaces and tabs only, on this line. */
  skipBlanks(): this {
    while (this.char() === SPACE || this.char() === TAB) this.offset += 1;
    return this;
  }

  /** Past every `&anchor` and `!tag` (and the space after each): to where the content starts. */
  skipProperties(): this {
    for (;;) {
      this.skipSpace();
      if (this.skipProperty() === undefined) return this;
    }
  }

  /** Past one property; returns what it was, or undefined (and stays put) if none is here. */
  skipProperty(): '&' | '!' | undefined {
    const text = this.text;
    const ch = text.charCodeAt(this.offset);
    if (ch === 0x26 /* & */) {
      do this.offset += 1;
      while (!isBlank(text.charCodeAt(this.offset)) && !isFlowIndicator(text.charCodeAt(this.offset)));
      return '&';
    }
    if (ch === 0x21 /* ! */) {
      if (text.charCodeAt(this.offset + 1) === 0x3c /* < */) {
        const close = text.indexOf('>', this.offset);
        this.offset = close < 0 ? text.length : close + 1;
      } else {
        do this.offset += 1;
        while (!isBlank(text.charCodeAt(this.offset)));
      }
      return '!';
    }
    return undefined;
  }

  /** An alias's name (`*name`), read from the `*`. */
  aliasName(): string {
    const text = this.text;
    let end = this.offset + 1;
    while (!isBlank(text.charCodeAt(end)) && !isFlowIndicator(text.charCodeAt(end))) end += 1;
    return text.slice(this.offset + 1, end);
  }

  /** A `-` that starts a block sequence entry. */
  atDash(): boolean {
    return this.char() === 0x2d && isBlank(this.text.charCodeAt(this.offset + 1));
  }

  /** 1-based, as diagnostics count. */
  lineNumber(): number {
    return this.line + 1;
  }

  column(): number {
    return this.offset - this.lineStart + 1;
  }

  origin(file: string): Origin {
    return { file, line: this.line + 1, col: this.offset - this.lineStart + 1 };
  }
}
