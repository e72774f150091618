// Stage 1: one file's text -> its YAML tree (yaml-nodes.ts), every node placed by its offset (its
// file:line:col comes from the file's LineTable). js-yaml parses; its listener reports each node
// as the parser opens and closes it, and the tree is put together from those events. Syntax
// errors, duplicate keys and alias bombs become diagnostics here; a file with any of them goes no
// further.
import { load, YAMLException, type LoadOptions, type State } from 'js-yaml';
import type { Diagnostic, Origin } from '../errors.js';
import { LineTable } from './line-table.js';
import { compactNode, keyName, MAX_ALIAS_EXPANSION_NODES, YamlAlias, YamlMap, YamlScalar, YamlSeq, type YamlNode } from './yaml-nodes.js';
import { Scanner } from './yaml-scanner.js';
import { yamlErrorDiagnostic } from './yaml-errors.js';
import { ReaderProblems } from './yaml-problems.js';
import { MERGE_TAG, SPEC_SCHEMA, UNREADABLE } from './yaml-schema.js';

export interface SourceFile {
  file: string;
  /** The text as parsed (without a byte order mark): what node offsets index. */
  text: string;
  /** Undefined for a file with no content (empty, or only comments). */
  root: YamlNode | undefined;
}

/**
 * The budget of alias copies in one file: every `*alias` counts once, plus the aliases inside what
 * it copies. Generous enough for a spec that shares one argument block across thousands of
 * queues; a "billion laughs" bomb passes it within a few levels, and is refused while it is read,
 * before anything is expanded. (MAX_ALIAS_EXPANSION_NODES bounds what the copies hold.)
 */
export const MAX_ALIAS_COUNT = 10_000;

/** The parser state fields the listener reads (js-yaml's State type declares only some). */
interface ParserState {
  position: number;
  line: number;
  lineStart: number;
  kind: 'scalar' | 'sequence' | 'mapping' | null;
  result: unknown;
  tag: string | null;
  anchor: string | null;
}

/** A node the parser has opened and not yet closed. */
interface Frame {
  open: number;
  line: number;
  lineStart: number;
  children: YamlNode[];
}

/** What js-yaml keeps of a mapping once this reader has read it (see onEvent). */
const CLOSED_MAPPING = Object.freeze({});

/** Longer texts are rarely written twice (and a routing key that is would cost a long look-up). */
const MAX_INTERNED_LENGTH = 40;

/** The children of a frame that has none yet: most nodes are scalars, and never get any. */
const NO_CHILDREN: YamlNode[] = [];

export function parseSource(file: string, text: string, diagnostics: Diagnostic[]): SourceFile | undefined {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const reader = new TreeReader(file, source);
  const options: LoadOptions & { maxTotalMergeKeys: number } = {
    schema: SPEC_SCHEMA,
    // No duplicate-key check in the parser: it would stop at the first; the reader reports all.
    json: true,
    // Merging copies keys; a merge is an alias expansion, so it gets the same budget.
    maxTotalMergeKeys: MAX_ALIAS_EXPANSION_NODES,
    listener: (event: 'open' | 'close', state: State) => reader.onEvent(event, state as unknown as ParserState),
  };
  try {
    load(source, options);
  } catch (err) {
    if (err instanceof AliasBudgetSpent) diagnostics.push(err.diagnostic);
    else if (err instanceof YAMLException) diagnostics.push(reader.parseError(err));
    else throw err;
    return undefined;
  }
  const problems = reader.problems.all();
  if (problems.length > 0) {
    diagnostics.push(...problems);
    return undefined;
  }
  return { file, text: source, root: reader.roots[0] };
}

/** Thrown from the listener to stop the parser: the file has spent an alias budget. */
class AliasBudgetSpent extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** A node with no content at all: the parser opened it and found nothing. */
const isEmpty = (node: YamlNode): boolean => node.kind === 'scalar' && node.end === node.offset;

class TreeReader {
  readonly roots: (YamlNode | undefined)[] = [];
  /** Duplicate keys and misplaced dashes, at most one per line. */
  readonly problems = new ReaderProblems();
  firstAlias: YamlAlias | undefined;
  /** Alias copies and expanded nodes so far: each alias adds what expanding it would make. */
  private copies = 0;
  private expanded = 0;
  /** Open nodes, outermost first; frames are reused, and only the first `depth` are open. */
  private readonly frames: Frame[] = [];
  private depth = 0;
  private readonly anchors = new Map<string, YamlNode>();
  /**
   * One string for each short text, however often it is written: js-yaml makes a new string for
   * every scalar, and a spec repeats most (the keys of every binding, the queue and exchange names
   * bindings refer to, the types): 100,000 strings (2 MB) fewer at 31,000 objects, by a heap
   * snapshot. Dropped with the reader.
   */
  private readonly strings = new Map<string, string>();
  private readonly scan: Scanner;
  readonly lines: LineTable;

  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {
    this.scan = new Scanner(text);
    this.lines = new LineTable(file, text);
  }

  onEvent(event: 'open' | 'close', state: ParserState): void {
    if (event === 'open') {
      const frame = (this.frames[this.depth++] ??= { open: 0, line: 0, lineStart: 0, children: NO_CHILDREN });
      frame.open = state.position;
      frame.line = state.line;
      frame.lineStart = state.lineStart;
      frame.children = NO_CHILDREN;
      return;
    }
    const frame = this.frames[--this.depth] as Frame;
    // Compact before a collection holds it: a collection's entries wait for it to close, and held
    // whole that long they would be moved to the old generation, to be collected only much later.
    const node = compactNode(this.close(frame, state));
    const parent = this.depth > 0 ? this.frames[this.depth - 1] : undefined;
    if (parent) {
      if (parent.children === NO_CHILDREN) parent.children = [node];
      else parent.children.push(node);
    } else this.roots.push(state.kind === null && node.kind === 'scalar' && node.value === null ? undefined : node);
    // Registered when the anchored node is complete: an alias inside it refers to an earlier
    // anchor of that name (or to none), so no document can refer to itself.
    if (state.anchor !== null) this.anchors.set(state.anchor, node);
    // js-yaml builds its own copy of the document as it goes, which this reader never uses: a
    // mapping it has just closed goes into its parent as one shared empty object instead, so the
    // copy is not held (some 5 MB at 31,000 objects, most of it surviving into the old
    // generation). Its checks are unchanged: an anchored mapping keeps its real value in
    // js-yaml's anchor table (stored before this event), so `<<: *a` is judged on it; a mapping
    // written in place after `<<` merges as empty here, and build-tree merges the real one.
    // Lists and scalars stay as they are: `<<: [1]` is refused by js-yaml as before.
    if (state.kind === 'mapping' && state.result !== null && typeof state.result === 'object' && !Array.isArray(state.result)) state.result = CLOSED_MAPPING;
  }

  private intern(s: string): string {
    if (s.length > MAX_INTERNED_LENGTH) return s;
    const seen = this.strings.get(s);
    if (seen !== undefined) return seen;
    this.strings.set(s, s);
    return s;
  }

  private internKey(name: string | undefined): string | undefined {
    return name === undefined ? undefined : this.intern(name);
  }

  private close(frame: Frame, state: ParserState): YamlNode {
    const scan = this.scan.at(frame.open, frame.line, frame.lineStart).skipProperties();
    const offset = scan.offset;
    if (state.result === UNREADABLE) return this.scalar(frame, state, UNREADABLE);
    switch (state.kind) {
      case 'mapping':
      case 'sequence': {
        // `- [a, b]`: the parser tried the flow collection as a block mapping's first key, found
        // no `:`, and kept it as this node: the one child is this node.
        const only = frame.children.length === 1 ? frame.children[0] : undefined;
        if (only && only.offset === offset && only.kind === (state.kind === 'mapping' ? 'map' : 'seq')) return only;
        if (state.kind === 'mapping') return this.mapping(frame, new YamlMap(this.lines, offset, frame.open, state.position, (frame.children.length + 1) >> 1));
        return this.sequence(frame, new YamlSeq(this.lines, offset, frame.open, state.position), Array.isArray(state.result) ? state.result.length : 0);
      }
      case 'scalar':
        // Children here are an attempt the parser took back (`key: &a value` read as a mapping).
        return this.scalar(frame, state, state.result);
      default: {
        // `- *a`: the parser read the alias as a block mapping's first key, and kept it.
        const only = frame.children.length === 1 ? frame.children[0] : undefined;
        if (only?.kind === 'alias' && only.offset === offset) return only;
        if (scan.char() === 0x2a /* * */ && state.position > offset) return this.alias(frame, state.position);
        return this.empty(frame, state.result);
      }
    }
  }

  private scalar(frame: Frame, state: ParserState, value: unknown): YamlScalar {
    const scan = this.scan;
    return new YamlScalar(this.lines, scan.offset, frame.open, state.position, typeof value === 'string' ? this.intern(value) : value, state.tag === MERGE_TAG);
  }

  /**
   * No content (`key:` with nothing after it): null, placed where content would start, after
   * the `:` (or the last property) and the spaces that follow on its line.
   */
  private empty(frame: Frame, value: unknown): YamlNode {
    const scan = this.scan.at(frame.open, frame.line, frame.lineStart);
    let offset = frame.open;
    let lineStart = frame.lineStart;
    let line = frame.line;
    while (scan.skipSpace().skipProperty() !== undefined) ({ offset, line, lineStart } = scan);
    scan.at(offset, line, lineStart).skipBlanks();
    const at = [this.lines, scan.offset, frame.open, scan.offset] as const;
    // An explicit `!!map` or `!!seq` on no content makes an empty collection.
    if (Array.isArray(value)) return new YamlSeq(...at);
    if (value !== null && typeof value === 'object') return new YamlMap(...at);
    return new YamlScalar(...at, value === undefined ? null : value, false);
  }

  private alias(frame: Frame, end: number): YamlAlias {
    const scan = this.scan;
    const name = scan.aliasName();
    const node = new YamlAlias(this.lines, scan.offset, frame.open, end, name, this.anchors.get(name));
    // Aliases have no children, so they close in the order they are written.
    this.firstAlias ??= node;
    this.spend(node);
    return node;
  }

  /**
   * Both alias budgets, counted while the parser reads: a bomb stops here, before anything is
   * expanded and before js-yaml turns a large aliased list used as a key into a string, once per key.
   * Every alias in the file is counted once, with what expanding it makes (nested aliases
   * included): exactly what build-tree's walk would expand, keys aside.
   */
  private spend(alias: YamlAlias): void {
    this.copies += alias.copies;
    if (this.copies > MAX_ALIAS_COUNT) {
      const message = `aliases expand past ${MAX_ALIAS_COUNT} copies: this looks like a "billion laughs" document, so it is not read further`;
      throw new AliasBudgetSpent({ severity: 'error', code: 'E_YAML_ALIAS', message, origin: (this.firstAlias ?? alias).origin });
    }
    this.expanded += alias.size;
    if (this.expanded > MAX_ALIAS_EXPANSION_NODES) {
      const message = `aliases expand to more than ${MAX_ALIAS_EXPANSION_NODES} values: the file is not read further`;
      throw new AliasBudgetSpent({ severity: 'error', code: 'E_YAML_ALIAS', message, origin: alias.origin });
    }
  }

  private mapping(frame: Frame, map: YamlMap): YamlMap {
    const kids = frame.children;
    // Children close key, value, key, value...; a key with no `:` after it (`? key`, or `{a, b}`)
    // has no value child, and its value is null.
    for (let i = 0; i < kids.length; ) {
      const key = kids[i++] as YamlNode;
      const colon = i < kids.length && this.colonAfter(key);
      // The parser looks for one more key before it sees the mapping has ended (at `...`, say).
      if (!colon && isEmpty(key)) continue;
      this.addEntry(map, key, colon ? (kids[i++] as YamlNode) : this.nullAt(key));
    }
    return map;
  }

  private addEntry(map: YamlMap, key: YamlNode, value: YamlNode): void {
    map.copies += key.copies + value.copies;
    if (key.kind === 'scalar' && key.merge) {
      map.addMerge({ origin: key.origin, value });
      map.plain = false;
      map.size += value.size;
      return;
    }
    const name = this.internKey(keyName(key, this.text));
    if (name === undefined) {
      map.addBadKey(key);
      map.plain = false;
    } else if (map.entries.has(name)) {
      this.problems.duplicate(name, key.origin);
    } else {
      map.entries.add(name, value, key.offset);
      map.size += value.size;
      map.plain &&= value.plain;
    }
  }

  private sequence(frame: Frame, seq: YamlSeq, length: number): YamlSeq {
    const kids = frame.children;
    if (this.text.charCodeAt(seq.offset) === 0x5b /* [ */) this.flowItems(seq, kids);
    else if (kids.length === length && kids !== NO_CHILDREN) seq.items = kids;
    else this.blockItems(seq, kids, length);
    for (const item of seq.items) {
      seq.copies += item.copies;
      seq.size += item.size;
      seq.plain &&= item.plain;
    }
    return seq;
  }

  /** `[a, b: 1, ? c]`: an entry with a `:` or a `?` is a mapping of one pair. */
  private flowItems(seq: YamlSeq, kids: YamlNode[]): void {
    for (let i = 0; i < kids.length; ) {
      const first = kids[i++] as YamlNode;
      const explicit = this.questionBefore(first.open);
      if (!explicit && !(i < kids.length && this.colonAfter(first))) {
        seq.items.push(first);
        continue;
      }
      const value = i < kids.length && this.colonAfter(first) ? (kids[i++] as YamlNode) : this.nullAt(first);
      const pair = new YamlMap(this.lines, first.offset, first.open, value.end, 1);
      this.addEntry(pair, first, value);
      seq.items.push(pair);
    }
  }

  /**
   * A block sequence with empty entries (`-` and nothing after it): the parser reports no node for
   * them, so they are found between the children's dashes.
   */
  private blockItems(seq: YamlSeq, kids: YamlNode[], length: number): void {
    let from = seq.offset;
    for (let j = 0; j <= kids.length; j++) {
      const kid = kids[j];
      const dashes = this.dashesBetween(from, kid ? kid.open : seq.end).map((dash) => this.nullAtOffset(dash + 1));
      // js-yaml 4 takes a less indented `-` after an empty entry as one more entry of the inner
      // list; YAML makes it an entry of the outer one. Refused, rather than read differently.
      const misplaced = dashes.find((item) => item.col !== seq.col + 1);
      if (misplaced) this.misplacedDash(misplaced.origin);
      // The last dash before a child is the child's own.
      if (kid) dashes.pop();
      for (const item of dashes) seq.items.push(this.nullAfterDash(item));
      if (kid) {
        seq.items.push(kid);
        from = kid.end;
      }
    }
    // Not expected; if it happens, keep every value, even with a less precise place.
    while (seq.items.length < length) seq.items.push(this.nullAtOffset(seq.offset));
  }

  private dashesBetween(from: number, to: number): number[] {
    const dashes: number[] = [];
    const scan = this.scan.at(from, 0, 0);
    for (;;) {
      scan.skipSpace();
      if (scan.offset >= to || !scan.atDash()) return dashes;
      dashes.push(scan.offset);
      scan.offset += 1;
    }
  }

  /** Whether a `:` comes next after a node (past spaces, line breaks and comments). */
  private colonAfter(node: YamlNode): boolean {
    if (this.text.charCodeAt(node.end) === 0x3a) return true; // `key:`, the common case
    return this.scan.at(node.end, 0, 0).skipSpace().char() === 0x3a;
  }

  /** Whether the node was written after an explicit `? ` key indicator. */
  private questionBefore(offset: number): boolean {
    let i = offset - 1;
    while (i >= 0 && ' \t\r\n'.includes(this.text.charAt(i))) i -= 1;
    return i >= 0 && this.text.charCodeAt(i) === 0x3f && i + 1 < offset;
  }

  /** The null value of a key written without one: placed at the key. */
  private nullAt(key: YamlNode): YamlScalar {
    return new YamlScalar(this.lines, key.offset, key.offset, key.offset, null, false);
  }

  private misplacedDash(after: Origin): void {
    const origin = { ...after, col: after.col - 1 };
    this.problems.add(origin, 'bad indentation of a sequence entry: an empty entry (`-` and nothing after it) cannot be followed by a less indented `-`; write `- ~` or `- []`');
  }

  /** An empty entry's null is placed after the `-` and the spaces that follow it, where content would be. */
  private nullAfterDash(node: YamlScalar): YamlScalar {
    const scan = this.scan.at(node.offset, node.line - 1, node.offset - node.col + 1).skipBlanks();
    return new YamlScalar(this.lines, scan.offset, scan.offset, scan.offset, node.value, node.merge);
  }

  private nullAtOffset(offset: number): YamlScalar {
    return new YamlScalar(this.lines, offset, offset, offset, null, false);
  }

  /** js-yaml's error as a diagnostic, placed with the help of the node being read when it was thrown. */
  parseError(err: YAMLException): Diagnostic {
    const open = this.depth > 0 ? this.frames[this.depth - 1] : undefined;
    return yamlErrorDiagnostic(err, { file: this.file, text: this.text, open, secondDocument: this.secondDocument() });
  }

  /** The `---` that starts a second document, or the second document's content. */
  private secondDocument(): Origin | undefined {
    const first = this.roots[0];
    const marker = /^---(?=[ \t\r\n]|$)/gm;
    marker.lastIndex = first ? first.end : 0;
    const found = marker.exec(this.text);
    return found ? this.lines.origin(found.index) : this.roots[1]?.origin;
  }
}
