// The YAML schema specs are read with: the YAML 1.2 core schema (the one `yaml` used before), plus
// merge keys. Written out here rather than taken from js-yaml's CORE_SCHEMA, whose numbers follow
// YAML 1.1 habits (`1_000` and `0b11` are numbers there, strings in 1.2), so a value means the
// same as it did and as it does in editors that follow 1.2.
import { FAILSAFE_SCHEMA, Type, type Schema } from 'js-yaml';

/** What an explicit !!binary, !!timestamp, !!omap or !!pairs value becomes: warren has no use for it. */
export const UNREADABLE: unique symbol = Symbol('unreadable YAML value');

export const MERGE_TAG = 'tag:yaml.org,2002:merge';

// YAML 1.2.2, 10.3.2 Tag Resolution.
const NULL = /^(?:~|null|Null|NULL)?$/;
const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const INT_10 = /^[-+]?[0-9]+$/;
const INT_8 = /^0o[0-7]+$/;
const INT_16 = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INFINITY = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN = /^\.(?:nan|NaN|NAN)$/;

// An explicit tag on an empty node hands resolve() null rather than a string.
const text = (data: unknown): string => (typeof data === 'string' ? data : '');

// Every plain scalar is offered to each type in turn, and most are names: a look at the first
// character turns them away before any regular expression runs.
const first = (data: unknown): number => (typeof data === 'string' ? data.charCodeAt(0) : NaN);
const NUMBER_START = new Set('+-.0123456789'.split('').map((c) => c.charCodeAt(0)));
const NULL_START = new Set('~nN'.split('').map((c) => c.charCodeAt(0)));
const BOOL_START = new Set('tTfF'.split('').map((c) => c.charCodeAt(0)));

const nullType = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: unknown) => data === null || data === '' || (NULL_START.has(first(data)) && NULL.test(text(data))),
  construct: () => null,
});

const boolType = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: unknown) => BOOL_START.has(first(data)) && BOOL.test(text(data)),
  construct: (data: string) => data[0] === 't' || data[0] === 'T',
});

/** An int or float type: plain scalars that start like a number and match `matches`. */
function numberType(tag: string, matches: (s: string) => boolean, construct: (data: string) => number): InstanceType<typeof Type> {
  return new Type(tag, { kind: 'scalar', resolve: (data: unknown) => NUMBER_START.has(first(data)) && matches(text(data)), construct });
}

const intType = numberType(
  'tag:yaml.org,2002:int',
  (s) => INT_10.test(s) || INT_8.test(s) || INT_16.test(s),
  (data) => (data.startsWith('0o') ? parseInt(data.slice(2), 8) : data.startsWith('0x') ? parseInt(data.slice(2), 16) : Number(data)),
);

const floatType = numberType(
  'tag:yaml.org,2002:float',
  (s) => FLOAT.test(s) || INFINITY.test(s) || NAN.test(s),
  (data) => (NAN.test(data) ? NaN : INFINITY.test(data) ? (data.startsWith('-') ? -Infinity : Infinity) : Number(data)),
);

// js-yaml applies a merge to the key whose tag is this one, so only a plain `<<` may resolve to it.
const mergeType = new Type(MERGE_TAG, { kind: 'scalar', resolve: (data: unknown) => data === '<<' });

// YAML 1.1 types that editors still offer: read, then refused with a clear message by the tree.
const unreadable = (tag: string, kind: 'scalar' | 'sequence'): Type => new Type(`tag:yaml.org,2002:${tag}`, { kind, construct: () => UNREADABLE });

// `!!set` is a mapping whose values are all null: an ordinary mapping to warren.
const setType = new Type('tag:yaml.org,2002:set', { kind: 'mapping', construct: (data: unknown) => data ?? {} });

export const SPEC_SCHEMA: Schema = FAILSAFE_SCHEMA.extend({
  // Order matters: the first type whose resolve() accepts a plain scalar wins.
  implicit: [nullType, boolType, intType, floatType, mergeType],
  explicit: [unreadable('binary', 'scalar'), unreadable('timestamp', 'scalar'), unreadable('omap', 'sequence'), unreadable('pairs', 'sequence'), setType],
});
