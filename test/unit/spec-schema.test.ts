// The JSON Schema itself: draft 2020-12, closed where the format is ours, open where RabbitMQ
// defines the keys, and described everywhere so editors can explain each key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { specSchema } from '../../src/spec/index.js';

type Json = Record<string, unknown>;

/** RabbitMQ's own maps: any key may appear (plugins), so they stay open. */
const OPEN_MAPS = new Set(['$defs/exchange/properties/arguments', '$defs/queue/properties/arguments', '$defs/binding/properties/arguments', '$defs/policy/properties/definition']);

function* walk(node: unknown, path: string): Generator<[string, Json]> {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return;
  yield [path, node as Json];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'x-unknown-key-hints' || key === 'examples' || key === 'enum') continue;
    yield* walk(value, path === '' ? key : `${path}/${key}`);
    if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* walk(v, `${path}/${key}/${i}`);
  }
}

test('every structural object is closed (additionalProperties: false)', () => {
  const open: string[] = [];
  for (const [path, node] of walk(specSchema(), '')) {
    if (node['type'] === 'object' && node['properties'] && node['additionalProperties'] !== false && !OPEN_MAPS.has(path)) open.push(path);
  }
  assert.deepEqual(open, []);
});

test('every property has a description', () => {
  const missing: string[] = [];
  for (const [path, node] of walk(specSchema(), '')) {
    const properties = node['properties'];
    if (!properties || typeof properties !== 'object' || path.endsWith('/properties')) continue;
    for (const [key, value] of Object.entries(properties as Json)) {
      if (typeof (value as Json)['description'] !== 'string') missing.push(`${path}/properties/${key}`);
    }
  }
  assert.deepEqual(missing, []);
});

/** Maps RabbitMQ defines (a parameter's value), which keep its own hyphenated keys. */
const BROKER_DEFINED = new Set(['federation_upstream', 'federation_upstream_set_member', 'shovel']);

test('keys are snake_case where the format is ours', () => {
  const schema = specSchema();
  const defs = schema['$defs'] as Record<string, Json>;
  const bad: string[] = [];
  for (const [name, def] of Object.entries(defs)) {
    if (BROKER_DEFINED.has(name)) continue;
    for (const key of Object.keys((def['properties'] as Json | undefined) ?? {})) if (!/^[a-z]+(_[a-z]+)*$/.test(key)) bad.push(`${name}.${key}`);
  }
  assert.deepEqual(bad, []);
});

test('the schema is valid JSON Schema draft 2020-12 (the loader skips this check at run time)', () => {
  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, keywords: ['x-message', 'x-unknown-key-hints'] });
  assert.equal(ajv.validateSchema(specSchema()), true, JSON.stringify(ajv.errors));
});
