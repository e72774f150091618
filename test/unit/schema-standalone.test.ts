// The schema validator `npm run build` generates (scripts/compile-schema.ts) is the one runs use,
// and it judges specs exactly as the schema compiled at run time does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { newSpecAjv, schemaDigest, specSchema, specSchemaText, STANDALONE_VALIDATOR, validatorOrigin } from '../../src/spec/schema.js';

test('after npm run build, runs use the generated validator, made from the current schema', () => {
  assert.equal(validatorOrigin(), 'generated');
  const generated = createRequire(import.meta.url)(STANDALONE_VALIDATOR) as { schemaDigest: string };
  assert.equal(generated.schemaDigest, schemaDigest(specSchemaText()));
});

test('a schema edited after the build is not judged by the stale generated validator', () => {
  assert.notEqual(schemaDigest(`${specSchemaText()} `), schemaDigest(specSchemaText()));
});

test('the generated and the run-time validator accept and reject the same documents, with the same errors', () => {
  const generated = createRequire(import.meta.url)(STANDALONE_VALIDATOR) as ValidateFunction;
  const compiled = newSpecAjv().compile(specSchema());
  const documents: unknown[] = [
    { version: 1, stack: 's', vhosts: { v: { queues: { q: { type: 'quorum', arguments: { 'x-delivery-limit': 5 } } } } } },
    { version: 1, stack: 's', vhosts: { v: { queues: { q: { type: 'quorom' } } } } },
    { version: 1, stack: 's', vhosts: { v: { exchanges: { e: { type: 'topic', durable: 'yes' } }, bindings: [{ source: 'e' }] } } },
    { version: 2, stak: 's', users: { u: { password: 'x', tags: 'admin' } } },
    { version: 1, stack: 's', vhosts: { v: { policies: { p: { pattern: '.*', apply_to: 'queues', definition: {} , constructor: 1 } } } } },
  ];
  let rejected = 0;
  for (const doc of documents) {
    const a = generated(doc);
    const b = compiled(doc);
    assert.equal(a, b, JSON.stringify(doc));
    if (!a) rejected++;
    assert.deepEqual(generated.errors ?? null, compiled.errors ?? null, JSON.stringify(doc));
  }
  assert.equal(rejected, 4);
});
