// The export's YAML as the yaml package's Document writer makes it: what src/export/yaml.ts wrote
// before it wrote its own structure (main 310b706). Kept as the reference the writer is compared
// with on random trees (test/unit/export-yaml-writer.test.ts), so "byte for byte the same" stays
// checked when either side changes, the yaml package included.
import { Document, isMap, isScalar, isSeq, Scalar, visit, type Node as YamlNode } from 'yaml';
import { StreamedList, StreamedMap, TemplateText, type DocMap, type DocValue } from '../../src/export/doc-value.js';
import { escapeInterpolation } from '../../src/spec/interpolate.js';

const AMBIGUOUS = /^(?:y|yes|n|no|true|false|on|off|null|~|<<|=)$/i;
const PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9_.\-/]*$/;
const NUMBER_LIKE = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^0[xob]|^[-+]?\.(?:inf|nan)$|^[0-9]+(?::[0-5]?[0-9])+$/i;
const FLOW_WIDTH = 100;

export function documentYaml(root: DocMap, header: readonly string[]): string {
  const templates = new Set<Scalar>();
  const doc = new Document(yamlReady(root, templates) as Map<unknown, unknown>, { version: '1.2' });
  visit(doc, {
    Scalar(key, node) {
      if (typeof node.value !== 'string') return;
      if (key !== 'key' && !templates.has(node)) node.value = escapeInterpolation(node.value);
      quoteIfNeeded(node);
    },
    Map(_key, node) {
      if (node.items.length > 0 && node.items.every((p) => isScalar(p.value)) && flatLength(node) <= FLOW_WIDTH) node.flow = true;
    },
    Seq(_key, node) {
      if (node.items.length > 0 && node.items.every((i) => isScalar(i)) && flatLength(node) <= FLOW_WIDTH) node.flow = true;
    },
  });
  if (header.length > 0) doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return doc.toString({ lineWidth: 0, indent: 2, flowCollectionPadding: true, singleQuote: true });
}

/** Streamed sections made whole, and each TemplateText a Scalar the writer leaves its `${` in. */
function yamlReady(value: DocValue, templates: Set<Scalar>): unknown {
  if (value instanceof TemplateText) {
    const scalar = new Scalar(value.text);
    templates.add(scalar);
    return scalar;
  }
  if (value instanceof StreamedMap) return new Map([...value.entries()].map(([k, v]) => [k, yamlReady(v, templates)]));
  if (value instanceof StreamedList) return [...value.items()].map((v) => yamlReady(v, templates));
  if (Array.isArray(value)) return value.map((v) => yamlReady(v, templates));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, yamlReady(v, templates)]));
  return value;
}

function quoteIfNeeded(node: Scalar): void {
  const s = node.value as string;
  if (PLAIN_SAFE.test(s) && !AMBIGUOUS.test(s)) return;
  if (AMBIGUOUS.test(s) || NUMBER_LIKE.test(s) || s === '') node.type = Scalar.QUOTE_SINGLE;
}

function flatLength(node: YamlNode): number {
  if (isScalar(node)) return String(node.value).length + 2;
  if (isMap(node)) return node.items.reduce((n, p) => n + flatLength(p.key as YamlNode) + flatLength(p.value as YamlNode) + 2, 4);
  if (isSeq(node)) return node.items.reduce((n: number, i) => n + flatLength(i as YamlNode) + 2, 4);
  return 0;
}
