// Invalid specs, table-driven: YAML syntax, aliases, interpolation, schema and merging files.
// Each case states the complete list of diagnostics: code, file:line:col and exact message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEAD, briefs, load } from './spec-helpers.js';

interface Case {
  name: string;
  files: string | Record<string, string>;
  env?: Record<string, string>;
  expect: string[];
}

const bomb = [
  'version: 1',
  'stack: s',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
].join('\n');

const queue = (line: string): string => `${HEAD}vhosts:\n  v:\n    queues:\n${line}\n`;

const CASES: Case[] = [
  // YAML
  { name: 'YAML syntax error', files: `${HEAD}vhosts:\n  v: a: b\n`, expect: ['spec.yaml:4:7: error E_YAML: bad indentation of a mapping entry'] },
  { name: 'duplicate key in one mapping', files: `${HEAD}vhosts:\n  v: {}\n  v: {}\n`, expect: ['spec.yaml:5:3: error E_YAML: duplicate key `v`: keys must be unique within a mapping'] },
  { name: 'custom tag', files: 'version: 1\nstack: !vault s\n', expect: ['spec.yaml:2:8: error E_YAML: Unresolved tag: !vault (warren knows no custom YAML tags)'] },
  { name: 'unknown alias', files: `${HEAD}vhosts: *nope\n`, expect: ['spec.yaml:3:9: error E_YAML: unknown alias `*nope`: an anchor `&nope` must come before it'] },
  { name: 'alias bomb', files: bomb, expect: ['spec.yaml:4:8: error E_YAML_ALIAS: aliases expand past 10000 copies: this looks like a "billion laughs" document, so it is not read further'] },
  // Interpolation
  // (A variable that is not set is no error when loading: see spec-variables.test.ts.)
  { name: 'malformed reference', files: `${HEAD}vhosts:\n  v:\n    description: a \${1X}\n`, expect: ['spec.yaml:5:20: error E_ENV: `${1X}` is not a variable reference: a name holds letters, digits and `_` (`${NAME}` or `${NAME:-default}`); write `$${` for a literal `${`'] },
  { name: 'unclosed reference', files: `${HEAD}vhosts:\n  v:\n    description: "x \${OOPS"\n`, expect: ['spec.yaml:5:21: error E_ENV: `${OOPS` is not a variable reference: a name holds letters, digits and `_` (`${NAME}` or `${NAME:-default}`); write `$${` for a literal `${`'] },
  // Schema
  { name: 'unknown key with suggestion', files: queue('      q1: { autodelete: true }'), expect: ['spec.yaml:6:13: error E_UNKNOWN_KEY: vhosts.v.queues.q1: unknown key `autodelete`; did you mean `auto_delete`?'] },
  { name: 'misspelt limit (inside a $ref: the did-you-mean still comes)', files: `${HEAD}vhosts:\n  v:\n    limits: { max-conections: 5 }\n`, expect: ['spec.yaml:5:15: error E_UNKNOWN_KEY: vhosts.v.limits: unknown key `max-conections`; did you mean `max-connections`?'] },
  { name: 'unknown top-level key', files: `${HEAD}vhost: {}\n`, expect: ['spec.yaml:3:1: error E_UNKNOWN_KEY: (top level): unknown key `vhost`; did you mean `vhosts`?'] },
  { name: 'exclusive is not topology', files: queue('      q1: { exclusive: true }'), expect: ['spec.yaml:6:13: error E_UNKNOWN_KEY: vhosts.v.queues.q1: unknown key `exclusive`: exclusive queues belong to one connection and vanish with it, so they are not topology: let the application declare them'] },
  { name: 'argument outside arguments', files: queue('      q1: { x-message-ttl: 5 }'), expect: ['spec.yaml:6:13: error E_UNKNOWN_KEY: vhosts.v.queues.q1: unknown key `x-message-ttl`; did you mean to put it under `arguments`?'] },
  { name: 'wrong type', files: queue('      q1: { durable: "yes" }'), expect: ['spec.yaml:6:22: error E_SCHEMA: vhosts.v.queues.q1.durable: must be a boolean (true or false)'] },
  { name: 'list where a mapping belongs', files: `${HEAD}vhosts:\n  v:\n    queues: [q1]\n`, expect: ['spec.yaml:5:13: error E_SCHEMA: vhosts.v.queues: must be a mapping'] },
  { name: 'missing version', files: 'stack: s\n', expect: ['spec.yaml:1:1: error E_SCHEMA: (top level): missing required key `version`'] },
  { name: 'empty file', files: '# nothing yet\n', expect: ['spec.yaml:1:1: error E_SCHEMA: (top level): missing required key `version`'] },
  { name: 'wrong version', files: 'version: 2\nstack: s\n', expect: ['spec.yaml:1:10: error E_SCHEMA: version: must be 1 (the only version of the spec format so far)'] },
  {
    name: 'unknown exchange type',
    files: `${HEAD}vhosts:\n  v:\n    exchanges:\n      e: { type: fanin }\n`,
    expect: ['spec.yaml:6:18: error E_SCHEMA: vhosts.v.exchanges.e.type: must be direct, fanout, topic or headers, or a plugin type starting with x- (the broker rejects other types)'],
  },
  {
    name: 'binding to a queue and an exchange at once',
    files: `${HEAD}vhosts:\n  v:\n    bindings:\n      - { source: x, queue: q, exchange: e }\n`,
    expect: ['spec.yaml:6:9: error E_SCHEMA: vhosts.v.bindings[0]: needs exactly one of `queue` or `exchange`'],
  },
  { name: 'binding without source', files: `${HEAD}vhosts:\n  v:\n    bindings:\n      - { queue: q }\n`, expect: ['spec.yaml:6:9: error E_SCHEMA: vhosts.v.bindings[0]: missing required key `source`'] },
  {
    name: 'policy apply_to from newer RabbitMQ',
    files: `${HEAD}vhosts:\n  v:\n    policies:\n      p: { pattern: ".*", apply_to: classic_queues, definition: { max-length: 1 } }\n`,
    expect: ['spec.yaml:6:37: error E_SCHEMA: vhosts.v.policies.p.apply_to: must be one of: queues, exchanges, all'],
  },
  {
    name: 'policy priority not an integer',
    files: `${HEAD}vhosts:\n  v:\n    policies:\n      p: { pattern: ".*", priority: 1.5, definition: { max-length: 1 } }\n`,
    expect: ['spec.yaml:6:37: error E_SCHEMA: vhosts.v.policies.p.priority: must be an integer'],
  },
  {
    name: 'unknown hashing algorithm',
    files: `${HEAD}users:\n  u:\n    password_hash: ""\n    hashing_algorithm: sha256\n`,
    expect: ['spec.yaml:6:24: error E_SCHEMA: users.u.hashing_algorithm: must be one of: rabbit_password_hashing_sha256, rabbit_password_hashing_sha512, rabbit_password_hashing_md5'],
  },
  { name: 'management URL of the wrong type', files: `${HEAD}targets:\n  t:\n    management: 15672\n`, expect: ['spec.yaml:5:17: error E_SCHEMA: targets.t.management: must be a URL or a non-empty list of URLs'] },
  // Several files
  { name: 'no stack anywhere', files: 'version: 1\n', expect: ['spec.yaml:1:1: error E_SCHEMA: stack: no file names the stack; add `stack: <name>` (the broker records what each stack owns)'] },
  {
    name: 'stacks disagree',
    files: { 'a.yaml': 'version: 1\nstack: a\n', 'b.yaml': 'version: 1\nstack: b\n' },
    expect: ['b.yaml:2:8: error E_CONFLICT: stack: `b` here but `a` at a.yaml:2:8; all files of one spec must name the same stack'],
  },
  {
    name: 'same queue in two files',
    files: { 'a.yaml': queue('      q: {}'), 'b.yaml': queue('      q: {}') },
    expect: ['b.yaml:6:7: error E_DUPLICATE: queue `q` in vhost `v` is defined twice: here and at a.yaml:6:7'],
  },
  {
    name: 'vhost setting in two files',
    files: { 'a.yaml': `${HEAD}vhosts:\n  v:\n    description: x\n`, 'b.yaml': `${HEAD}vhosts:\n  v:\n    description: y\n` },
    expect: ['b.yaml:5:5: error E_DUPLICATE: vhost `v` setting `description` is defined twice: here and at a.yaml:5:5'],
  },
  {
    name: 'same target in two files',
    files: { 'a.yaml': `${HEAD}targets:\n  t: { management: "http://a" }\n`, 'b.yaml': `${HEAD}targets:\n  t: { management: "http://b" }\n` },
    expect: ['b.yaml:4:3: error E_DUPLICATE: target `t` is defined twice: here and at a.yaml:4:3'],
  },
  {
    name: 'same permission in two files',
    files: {
      'a.yaml': `${HEAD}vhosts: { v: {} }\nusers:\n  u:\n    permissions: { v: { read: ".*" } }\n`,
      'b.yaml': `${HEAD}users:\n  u:\n    permissions: { v: { write: ".*" } }\n`,
    },
    expect: ['b.yaml:5:20: error E_DUPLICATE: permission of user `u` in vhost `v` is defined twice: here and at a.yaml:6:20'],
  },
  {
    name: 'same binding twice in one file',
    files: `${HEAD}vhosts:\n  v:\n    exchanges: { e: { type: direct } }\n    queues: { q: {} }\n    bindings:\n      - { source: e, queue: q }\n      - { source: e, queue: q }\n`,
    expect: ['spec.yaml:9:9: error E_DUPLICATE: binding `e` -> queue `q` in vhost `v` is defined twice: here and at spec.yaml:8:9'],
  },
];

for (const c of CASES) {
  test(`invalid spec: ${c.name}`, () => {
    const spec = load(c.files, c.env);
    assert.deepEqual(briefs(spec), c.expect);
  });
}

test('every problem in every file is reported, not only the first', () => {
  const spec = load({
    'a.yaml': `${HEAD}vhosts:\n  v:\n    queues:\n      q1: { durabel: true, auto_delete: 1 }\n`,
    'b.yaml': `${HEAD}vhosts:\n  w: a: b\n`,
    'c.yaml': `${HEAD}users:\n  u: { password: "\${A}", tags: "\${B}" }\n`, // A and B unset: not errors until needed
  });
  assert.deepEqual(briefs(spec), [
    'a.yaml:6:13: error E_UNKNOWN_KEY: vhosts.v.queues.q1: unknown key `durabel`; did you mean `durable`?',
    'a.yaml:6:41: error E_SCHEMA: vhosts.v.queues.q1.auto_delete: must be a boolean (true or false)',
    'b.yaml:4:7: error E_YAML: bad indentation of a mapping entry',
    'c.yaml:4:32: error E_SCHEMA: users.u.tags: must be a list',
  ]);
});

test('an alias bomb fails fast', () => {
  const started = performance.now();
  load(bomb);
  assert.ok(performance.now() - started < 1000, 'the alias check must not expand the bomb');
});
