// YAML features users reach for: anchors, aliases and merge keys, with positions still right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ALIAS_EXPANSION_NODES } from '../../src/spec/build-tree.js';
import { HEAD, briefs, load } from './spec-helpers.js';

test('anchors, aliases and merge keys expand; explicit keys win over merged ones', () => {
  const spec = load(`${HEAD}vhosts:
  v:
    queues:
      a: { type: quorum, arguments: &qq { x-delivery-limit: 5, x-max-length: 10 } }
      b: { type: quorum, arguments: *qq }
      c:
        type: quorum
        arguments:
          <<: *qq
          x-max-length: 99
`);
  assert.deepEqual(briefs(spec), []);
  const args = (name: string): unknown => {
    const q = spec.model.resources.get(`queue:["v","${name}"]`);
    return q?.kind === 'queue' ? q.arguments : undefined;
  };
  assert.deepEqual(args('a'), { 'x-delivery-limit': 5, 'x-max-length': 10 });
  assert.deepEqual(args('b'), { 'x-delivery-limit': 5, 'x-max-length': 10 });
  assert.deepEqual(args('c'), { 'x-max-length': 99, 'x-delivery-limit': 5 });
});

test('an error inside aliased content points at where the content is written', () => {
  // The anchor is fine for the quorum queue and wrong for the stream that reuses it.
  const spec = load(`${HEAD}vhosts:\n  v:\n    queues:\n      a: { type: quorum, arguments: &args { x-delivery-limit: 5 } }\n      b: { type: stream, arguments: *args }\n`);
  assert.deepEqual(briefs(spec), ['spec.yaml:6:45: error E_ARGUMENT: vhosts.v.queues.b.arguments.x-delivery-limit: streams do not accept `x-delivery-limit` (only quorum queues)']);
});

test('one big anchor aliased many times stops at the expansion budget', () => {
  const items = Array.from({ length: 2_500 }, (_, i) => `k${i}`).join(', ');
  const aliases = Array.from({ length: Math.ceil(MAX_ALIAS_EXPANSION_NODES / 2_500) + 1 }, () => '*big').join(', ');
  const spec = load(`${HEAD}vhosts:\n  v:\n    tags: &big [${items}]\n    description: [${aliases}]\n`);
  assert.equal(spec.diagnostics.length, 1);
  assert.equal(spec.diagnostics[0]?.code, 'E_YAML_ALIAS');
  assert.match(spec.diagnostics[0]?.message ?? '', /^aliases expand to more than 500000 values/);
});
