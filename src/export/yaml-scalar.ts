// One scalar of the export's YAML, as the yaml package would write it inside a document: the
// common names (`q.orders`, `topic`) are written as they are, everything else goes to the yaml
// package's own string writer with the context it would have had (how deep, in a flow map or not,
// a key or a value), so quoting and escaping stay the package's. Every string that another reader
// could take for something else is quoted: a name such as `yes`, `on`, `~`, `<<`, `0x1F` or `1e3`
// is a string here, but a YAML 1.1 reader, or the merge-key rule the spec loader follows, would
// read it as a boolean, null, a merge or a number.
import { Document, Scalar } from 'yaml';
import { stringifyNumber, stringifyString, type StringifyContext } from 'yaml/util';
import { escapeInterpolation } from '../spec/interpolate.js';
import { TemplateText } from './doc-value.js';

export type ScalarValue = string | number | boolean | null | TemplateText;

/** Where a scalar is written: yaml's stringify context, reduced to what a scalar's text depends on. */
export interface ScalarPlace {
  /** The context's indentation: what continuation lines of a multi-line string start with. */
  indent: string;
  inFlow: boolean;
  /** A key: never interpolated, and never a block scalar. */
  key: boolean;
}

/** Words YAML 1.1 readers take for booleans or null, and YAML's special keys. */
const AMBIGUOUS = /^(?:y|yes|n|no|true|false|on|off|null|~|<<|=)$/i;
/** What stays a plain string in every YAML reader: starts with a letter, no indicator characters. */
const PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9_.\-/]*$/;
/** Plain scalars that look like numbers in some YAML version: 1_000, 0o17, 0x1F, 1e3, 1:20, .5 */
const NUMBER_LIKE = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^0[xob]|^[-+]?\.(?:inf|nan)$|^[0-9]+(?::[0-5]?[0-9])+$/i;

export function scalarText(value: ScalarValue, place: ScalarPlace): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : stringifyNumber(new Scalar(value));
  // Values are interpolated when the spec is loaded; keys (names) never are. A TemplateText
  // holds its `${VARIABLE}` on purpose, and its maker escaped the rest.
  const text = value instanceof TemplateText ? value.text : place.key ? value : escapeInterpolation(value);
  // The yaml package writes these plain too (none reads as another type): the fast path for
  // the bulk of an export.
  if (PLAIN_SAFE.test(text) && !AMBIGUOUS.test(text)) return text;
  // yaml picks a style that reads back as the same string; force quotes where it would not.
  const quoted = AMBIGUOUS.test(text) || NUMBER_LIKE.test(text) || text === '';
  return stringifyString(quoted ? { value: text, type: Scalar.QUOTE_SINGLE } : { value: text }, contextAt(place));
}

/** The length a scalar counts for when choosing between one line and a block: its raw text. */
export function scalarLength(value: ScalarValue): number {
  return (value instanceof TemplateText ? value.text : String(value)).length;
}

/** For the string writer's check that a plain scalar does not read as a number or boolean. */
const SCHEMA_HOLDER = new Document(null, { version: '1.2' });

/** yaml's defaults with the export's choices: no line folding, 2-space indent, single quotes. */
const OPTIONS: StringifyContext['options'] = {
  blockQuote: true,
  commentString: (comment) => comment.replace(/^(?!$)(?: $)?/gm, '#'),
  defaultKeyType: null,
  defaultStringType: 'PLAIN',
  directives: null,
  doubleQuotedAsJSON: false,
  doubleQuotedMinMultiLineLength: 40,
  falseStr: 'false',
  flowCollectionPadding: true,
  indentSeq: true,
  lineWidth: 0,
  minContentWidth: 20,
  nullStr: 'null',
  simpleKeys: false,
  singleQuote: true,
  trailingComma: false,
  trueStr: 'true',
  verifyAliasOrder: true,
};

/** A context of its own for each string: the string writer may set fields on it (forceBlockIndent). */
function contextAt(place: ScalarPlace): StringifyContext {
  return {
    actualString: true,
    anchors: new Set(),
    doc: SCHEMA_HOLDER,
    flowCollectionPadding: ' ',
    implicitKey: place.key,
    indent: place.indent,
    indentStep: '  ',
    inFlow: place.inFlow,
    options: OPTIONS,
  };
}
