// ajv's errors -> diagnostics a person can act on: `vhosts.orders.queues.q1.durable: must be a
// boolean` at the line and column of the offending value, one message per problem. Branch errors
// of anyOf/oneOf are folded into a single message from the schema's `x-message`.
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { Diagnostic } from '../errors.js';
import { closest } from './suggest.js';
import { displayPath, locate, type PathSegment, type SpecNode } from './tree.js';

export type SchemaJson = Record<string, unknown>;

const CUSTOMISABLE = new Set(['anyOf', 'oneOf', 'const', 'enum', 'pattern']);

export function schemaDiagnostics(errors: readonly ErrorObject[], root: SpecNode, schema: SchemaJson): Diagnostic[] {
  // A failing anyOf/oneOf also reports why each branch failed; those are noise once we say what
  // the value must be, so drop every error from inside a failing combinator.
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (combinators.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const d = toDiagnostic(error, root, schema);
    const key = `${d.origin?.line}:${d.origin?.col}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

function toDiagnostic(error: ErrorObject, root: SpecNode, schema: SchemaJson): Diagnostic {
  const path = pathOf(root, error.instancePath);
  // The schema holding the keyword: ajv's (verbose) parentSchema; else found along schemaPath, or,
  // inside a $ref (whose schemaPath starts again at `#`), by walking the instance's path.
  const owner = isSchema(error.parentSchema) ? error.parentSchema : (schemaAt(schema, error.schemaPath.split('/').slice(1, -1)) ?? schemaForInstance(schema, path));
  const where = displayPath(path);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    const key = String(params['additionalProperty']);
    return {
      severity: 'error',
      code: 'E_UNKNOWN_KEY',
      message: `${where}: unknown key \`${key}\`${unknownKeyAdvice(key, owner)}`,
      origin: locate(root, [...path, key], 'key'),
    };
  }
  // `x-message` speaks for the value's form (its anyOf, oneOf, const, enum or pattern); a missing
  // key or a wrong type at the same place keeps its own, more precise message.
  const custom = CUSTOMISABLE.has(error.keyword) ? owner?.['x-message'] : undefined;
  const message = typeof custom === 'string' ? custom : describe(error, params);
  return { severity: 'error', code: 'E_SCHEMA', message: `${where}: ${message}`, origin: locate(root, path) };
}

function unknownKeyAdvice(key: string, owner: SchemaJson | undefined): string {
  const hints = owner?.['x-unknown-key-hints'];
  if (hints && typeof hints === 'object' && Object.hasOwn(hints, key)) {
    return `: ${String((hints as Record<string, unknown>)[key])}`;
  }
  const properties = owner?.['properties'];
  const known = properties && typeof properties === 'object' ? Object.keys(properties) : [];
  const suggestion = closest(key, known);
  if (suggestion) return `; did you mean \`${suggestion}\`?`;
  if (key.startsWith('x-') && known.includes('arguments')) return '; did you mean to put it under `arguments`?';
  return known.length > 0 ? ` (known keys: ${known.join(', ')})` : '';
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  boolean: 'a boolean (true or false)',
  integer: 'an integer',
  number: 'a number',
  null: 'empty',
};

function describe(error: ErrorObject, params: Record<string, unknown>): string {
  switch (error.keyword) {
    case 'type': {
      const types = String(params['type']).split(',');
      return `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}`;
    }
    case 'required':
      return `missing required key \`${String(params['missingProperty'])}\``;
    case 'enum':
      return `must be one of: ${(params['allowedValues'] as unknown[]).map((v) => String(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params['allowedValue'])}`;
    case 'minLength':
    case 'minItems':
    case 'minProperties':
      return params['limit'] === 1 ? 'must not be empty' : (error.message ?? 'is too short');
    case 'oneOf':
    case 'anyOf':
      return 'does not match any of the allowed forms';
    default:
      // ajv's own wording ("must be >= 0", "must match pattern ..."): it names no data values.
      return error.message ?? 'is not valid';
  }
}

/**
 * ajv paths are JSON pointers, where `/0` could be a list index or a queue called "0"; walking the
 * tree alongside tells them apart.
 */
function pathOf(root: SpecNode, pointer: string): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node: SpecNode | undefined = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node?.kind === 'seq') {
      const i = Number(seg);
      path.push(i);
      node = node.items[i];
    } else {
      path.push(seg);
      node = node?.kind === 'map' ? node.entries.get(seg)?.value : undefined;
    }
  }
  return path;
}

function isSchema(v: unknown): v is SchemaJson {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schema that describes the value at `path`, following $ref, properties, patternProperties, additionalProperties and items. */
function schemaForInstance(schema: SchemaJson, path: readonly PathSegment[]): SchemaJson | undefined {
  const deref = (node: SchemaJson | undefined): SchemaJson | undefined => {
    for (let hops = 0; node && typeof node['$ref'] === 'string' && hops < 8; hops++) {
      const ref = node['$ref'];
      node = ref.startsWith('#/') ? schemaAt(schema, ref.slice(2).split('/')) : undefined;
    }
    return node;
  };
  const asSchema = (v: unknown): SchemaJson | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as SchemaJson) : undefined);
  let node = deref(schema);
  for (const seg of path) {
    if (!node) return undefined;
    const props = asSchema(node['properties']);
    const patterns = asSchema(node['patternProperties']);
    let next: SchemaJson | undefined;
    if (typeof seg === 'number') next = asSchema(node['items']);
    else if (props && Object.hasOwn(props, seg)) next = asSchema(props[seg]);
    else if (patterns) next = asSchema(Object.entries(patterns).find(([re]) => new RegExp(re, 'u').test(seg))?.[1]);
    next ??= typeof seg === 'string' ? asSchema(node['additionalProperties']) : undefined;
    node = deref(next);
  }
  return node;
}

function schemaAt(schema: SchemaJson, segments: readonly string[]): SchemaJson | undefined {
  let node: unknown = schema;
  for (const raw of segments) {
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !Object.hasOwn(node, seg)) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node && typeof node === 'object' ? (node as SchemaJson) : undefined;
}
