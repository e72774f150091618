// YAML features users reach for: anchors, aliases and merge keys, with positions still right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ALIAS_EXPANSION_NODES } from '../../src/spec/yaml-nodes.js';
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

test('every duplicate key is reported, at its second occurrence', () => {
  const spec = load(`${HEAD}vhosts:\n  v:\n    queues: { q: {}, q: {} }\n  w: {}\n  v: {}\n`);
  assert.deepEqual(briefs(spec), [
    'spec.yaml:5:22: error E_YAML: duplicate key `q`: keys must be unique within a mapping',
    'spec.yaml:7:3: error E_YAML: duplicate key `v`: keys must be unique within a mapping',
  ]);
});

test('scalars follow YAML 1.2: 1_000, 0b11 and dates stay strings; 0o17 and 0x1F are numbers', () => {
  const spec = load(`${HEAD}vhosts:\n  v:\n    queues:\n      q: { arguments: { x-a: 1_000, x-b: 0b11, x-c: 2026-01-01, x-d: 0o17, x-e: 0x1F, x-f: 1e3, x-g: Yes, x-h: ~ } }\n`);
  assert.deepEqual(briefs(spec).filter((b) => !b.includes('warning W_ARGUMENT')), [], 'made-up arguments only warn');
  const q = spec.model.resources.get('queue:["v","q"]');
  assert.deepEqual(q?.kind === 'queue' && q.arguments, { 'x-a': '1_000', 'x-b': '0b11', 'x-c': '2026-01-01', 'x-d': 15, 'x-e': 31, 'x-f': 1000, 'x-g': 'Yes', 'x-h': null });
});

test('tags: YAML 1.1 types are refused at the value, custom tags at the tag', () => {
  assert.deepEqual(briefs(load(`${HEAD}vhosts:\n  v:\n    description: !!binary aGVsbG8=\n`)), ['spec.yaml:5:27: error E_YAML: a value warren cannot read (only strings, numbers, booleans and null)']);
  assert.deepEqual(briefs(load(`${HEAD}vhosts:\n  v:\n    limits: !vault { a: 1 }\n`)), ['spec.yaml:5:13: error E_YAML: Unresolved tag: !vault (warren knows no custom YAML tags)']);
  assert.deepEqual(briefs(load(`${HEAD}vhosts:\n  v: { description: !!str 12 }\n`)), []);
});

test('an empty list entry followed by a less indented `-` is refused, not read as js-yaml would', () => {
  const spec = load(`${HEAD}vhosts:\n  v:\n    tags:\n      - - a\n        -\n      - b\n`);
  assert.deepEqual(briefs(spec), ['spec.yaml:8:7: error E_YAML: bad indentation of a sequence entry: an empty entry (`-` and nothing after it) cannot be followed by a less indented `-`; write `- ~` or `- []`']);
});

test('empty entries and values are null, placed where their content would be', () => {
  const spec = load(`${HEAD}vhosts:\n  v:\n    tags:\n      -\n      - a\n      -   # none\n    description:\n`);
  assert.deepEqual(briefs(spec), [
    'spec.yaml:6:8: error E_SCHEMA: vhosts.v.tags[0]: must be a string',
    'spec.yaml:8:11: error E_SCHEMA: vhosts.v.tags[2]: must be a string',
    'spec.yaml:9:17: error E_SCHEMA: vhosts.v.description: must be a string',
  ]);
});

test('CR LF line ends and a byte order mark do not move positions', () => {
  const text = `${HEAD}vhosts:\n  v:\n    queues:\n      q1: { durable: "yes" }\n`;
  const expected = ['spec.yaml:6:22: error E_SCHEMA: vhosts.v.queues.q1.durable: must be a boolean (true or false)'];
  assert.deepEqual(briefs(load(text.replace(/\n/g, '\r\n'))), expected);
  assert.deepEqual(briefs(load(`\uFEFF${text}`)), expected);
});

test('a second YAML document in one file is an error at its `---`', () => {
  assert.deepEqual(briefs(load(`${HEAD}---\nversion: 1\n`)), ['spec.yaml:3:1: error E_YAML: a spec file holds one YAML document: remove the `---` that starts a second one']);
});

test('a big aliased list used as thousands of keys is stopped while the file is read', () => {
  const items = Array.from({ length: 5_000 }, (_, i) => `k${i}`).join(', ');
  const keys = Array.from({ length: 5_000 }, (_, i) => `      ? *big\n      : ${i}\n`).join('');
  const started = performance.now();
  const spec = load(`${HEAD}vhosts:\n  v:\n    tags: &big [${items}]\n    limits:\n${keys}`);
  assert.ok(performance.now() - started < 1000, 'the reader must stop before js-yaml stringifies every key');
  assert.deepEqual(
    spec.diagnostics.map((d) => `${d.code} ${d.origin?.line}: ${d.message}`),
    ['E_YAML_ALIAS 205: aliases expand to more than 500000 values: the file is not read further'],
  );
});
