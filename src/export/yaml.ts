// The export's YAML, through the yaml package's Document API: key order as built (structure
// first, names sorted), small all-scalar maps on one line (`orders: { type: topic }`), and every
// string that another reader could take for something else quoted. A name such as `yes`, `on`,
// `~`, `<<`, `0x1F` or `1e3` is a string here, but a YAML 1.1 reader, or the merge-key rule the
// spec loader follows, would read it as a boolean, null, a merge or a number.
import { Document, isMap, isScalar, isSeq, Scalar, visit, type Node as YamlNode } from 'yaml';
import { escapeInterpolation } from '../spec/interpolate.js';
import { TemplateText, type DocMap, type DocValue } from './doc-value.js';

/** Words YAML 1.1 readers take for booleans or null, and YAML's special keys. */
const AMBIGUOUS = /^(?:y|yes|n|no|true|false|on|off|null|~|<<|=)$/i;
/** What stays a plain string in every YAML reader: starts with a letter, no indicator characters. */
const PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9_.\-/]*$/;
/** Plain scalars that look like numbers in some YAML version: 1_000, 0o17, 0x1F, 1e3, 1:20, .5 */
const NUMBER_LIKE = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^0[xob]|^[-+]?\.(?:inf|nan)$|^[0-9]+(?::[0-5]?[0-9])+$/i;

/** The longest flow map kept on one line; longer ones are written as blocks. */
const FLOW_WIDTH = 100;

export function toYaml(root: DocMap, header: readonly string[]): string {
  const templates = new Set<Scalar>();
  const doc = new Document(withTemplateScalars(root, templates) as unknown as Map<unknown, unknown>, { version: '1.2' });
  visit(doc, {
    Scalar(key, node) {
      if (typeof node.value !== 'string') return;
      // Values are interpolated when the spec is loaded; keys (names) never are. A TemplateText
      // holds its `${VARIABLE}` on purpose, and its maker escaped the rest.
      if (key !== 'key' && !templates.has(node)) node.value = escapeInterpolation(node.value);
      quoteIfNeeded(node);
    },
    Map(_key, node) {
      if (node.items.length > 0 && node.items.every((p) => isScalar(p.value)) && flatLength(node) <= FLOW_WIDTH) node.flow = true;
    },
    Seq(_key, node) {
      // A list of plain words (tags) reads best on one line too.
      if (node.items.length > 0 && node.items.every((i) => isScalar(i)) && flatLength(node) <= FLOW_WIDTH) node.flow = true;
    },
  });
  if (header.length > 0) doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return doc.toString({ lineWidth: 0, indent: 2, flowCollectionPadding: true, singleQuote: true });
}

/**
 * The tree with each TemplateText as a yaml Scalar, remembered so the writer leaves its `${` alone.
 * A list or map with none inside is the same object: copying the whole tree (31,000 objects'
 * worth of maps) for the few passwords that hold a template was a second tree held while the
 * yaml package builds its own.
 */
function withTemplateScalars(value: DocValue, templates: Set<Scalar>): unknown {
  if (value instanceof TemplateText) {
    const scalar = new Scalar(value.text);
    templates.add(scalar);
    return scalar;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const w = withTemplateScalars(v, templates);
      if (w !== v) (out ??= [...value])[i] = w;
    });
    return out ?? value;
  }
  if (value instanceof Map) {
    let out: Map<string, unknown> | undefined;
    for (const [k, v] of value) {
      const w = withTemplateScalars(v, templates);
      if (w !== v) (out ??= new Map<string, unknown>(value)).set(k, w);
    }
    return out ?? value;
  }
  return value;
}

function quoteIfNeeded(node: Scalar): void {
  const s = node.value as string;
  if (PLAIN_SAFE.test(s) && !AMBIGUOUS.test(s)) return;
  // yaml picks a style that reads back as the same string; force quotes where it would not.
  if (AMBIGUOUS.test(s) || NUMBER_LIKE.test(s) || s === '') node.type = Scalar.QUOTE_SINGLE;
}

/** A rough length of a collection written on one line: enough to keep long ones as blocks. */
function flatLength(node: YamlNode): number {
  if (isScalar(node)) return String(node.value).length + 2;
  if (isMap(node)) return node.items.reduce((n, p) => n + flatLength(p.key as YamlNode) + flatLength(p.value as YamlNode) + 2, 4);
  if (isSeq(node)) return node.items.reduce((n: number, i) => n + flatLength(i as YamlNode) + 2, 4);
  return 0;
}

export type { DocValue };
