// Stage 3: the JSON Schema (schemas/warren.schema.json) checks each file's shape. The same file
// serves editors (yaml-language-server) and this validator, so they can never disagree.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv2020 as Ajv2020Type, Options, ValidateFunction } from 'ajv/dist/2020.js';
import type { Diagnostic } from '../errors.js';
import { SECRET_MASK, Secret } from '../model/secret.js';
import { schemaDiagnostics, type SchemaJson } from './schema-errors.js';
import type { SpecNode } from './tree.js';

// From dist/src/spec/ (compiled) or node_modules/warren/dist/src/spec/ (installed), the package
// root is three folders up, and package.json ships schemas/ beside dist/.
const SCHEMA_FILE = new URL('../../../schemas/warren.schema.json', import.meta.url);
/** The validator `npm run build` generates (scripts/compile-schema.ts); CommonJS, so it loads synchronously. */
export const STANDALONE_VALIDATOR = fileURLToPath(new URL('./schema-validate.generated.cjs', import.meta.url));

/** The schema file of this warren, for the `$schema` line an export writes. */
export const SCHEMA_PATH = fileURLToPath(SCHEMA_FILE);

let schemaText: string | undefined;
let compiled: { schema: SchemaJson; validate: ValidateFunction } | undefined;

/** The schema file's text, as `warren schema` prints it. */
export function specSchemaText(): string {
  schemaText ??= readFileSync(SCHEMA_FILE, 'utf8');
  return schemaText;
}

/** The schema as a fresh object: callers may change their copy. */
export function specSchema(): SchemaJson {
  return JSON.parse(specSchemaText()) as SchemaJson;
}

export function schemaDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The ajv the validator is made with, at build time (standalone source) or, failing that, at run time. */
export function newSpecAjv(code?: Options['code']): Ajv2020Type {
  const require = createRequire(import.meta.url);
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  return new Ajv2020({
    allErrors: true, // every problem in one run, not the first
    strict: true,
    // `oneOf: [{required: [queue]}, ...]` names keys declared beside it, not inside: on purpose.
    strictTypes: false,
    strictRequired: false,
    ownProperties: true, // names are data: never let a key like `constructor` read the prototype
    // Each error carries the schema that holds its keyword: an unknown key is judged against
    // the keys of its own level, even inside a $ref (whose schemaPath starts again at `#`).
    verbose: true,
    // Checking the schema against the draft 2020-12 meta-schema costs every run some 40 ms;
    // the schema only changes with the code, so a unit test checks it instead.
    validateSchema: false,
    // Annotations for our error messages; editors ignore them.
    keywords: ['x-message', 'x-unknown-key-hints'],
    ...(code ? { code } : {}),
  });
}

/**
 * The generated validator when it was made from this very schema text; otherwise (a build that
 * skipped the step, a schema edited since) the schema is compiled here, as before the build step.
 */
function standaloneValidator(text: string): ValidateFunction | undefined {
  try {
    const generated = createRequire(import.meta.url)(STANDALONE_VALIDATOR) as ValidateFunction & { schemaDigest?: string };
    return generated.schemaDigest === schemaDigest(text) ? generated : undefined;
  } catch {
    return undefined;
  }
}

/** Which validator this run uses: for the unit test that keeps the build step honest. */
export function validatorOrigin(): 'generated' | 'compiled at run time' {
  return standaloneValidator(specSchemaText()) ? 'generated' : 'compiled at run time';
}

function validator(): { schema: SchemaJson; validate: ValidateFunction } {
  if (!compiled) {
    const schema = specSchema();
    compiled = { schema, validate: standaloneValidator(specSchemaText()) ?? newSpecAjv().compile(schema) };
  }
  return compiled;
}

/** Validates one file's tree; pushes readable, positioned diagnostics. True when it is valid. */
export function validateTree(root: SpecNode, diagnostics: Diagnostic[]): boolean {
  const { schema, validate } = validator();
  if (validate(toAjvData(root))) return true;
  diagnostics.push(...schemaDiagnostics(validate.errors ?? [], root, schema));
  return false;
}

/**
 * ajv wants plain JSON. Secrets become the mask (still a string, so `password: must be a string`
 * stays right). A key called `__proto__` is defined as an own property, so it stays an ordinary
 * key; ajv reads own properties only, so `constructor` is never Object's. Plain objects rather than
 * null-prototype ones, which V8 keeps in slow dictionary mode: validating the 31,000-object
 * spec takes ~9 ms instead of ~16.
 */
function toAjvData(node: SpecNode): unknown {
  switch (node.kind) {
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [key, e] of node.entries) {
        if (key === '__proto__') Object.defineProperty(out, key, { value: toAjvData(e.value), writable: true, enumerable: true, configurable: true });
        else out[key] = toAjvData(e.value);
      }
      return out;
    }
    case 'seq':
      return node.items.map(toAjvData);
    case 'scalar':
      if (node.value instanceof Secret) return SECRET_MASK;
      // A string whose `${VAR}` is not set is still a string: judged as one, not as an empty one.
      if (node.unresolved !== undefined && node.unresolved.length > 0) return `\${${node.unresolved[0] ?? ''}}`;
      return node.value;
  }
}
