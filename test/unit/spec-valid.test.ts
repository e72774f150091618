// Valid specs: the shipped examples, and things that look odd but are right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadSpec } from '../../src/spec/index.js';
import { HEAD, briefs, load } from './spec-helpers.js';

// dist/test/unit -> the repository root
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('examples validates with no diagnostics', () => {
  const spec = loadSpec([`${ROOT}examples`], {});
  assert.deepEqual(spec.diagnostics, []);
  assert.equal(spec.stack, 'shop');
  assert.deepEqual(spec.vhosts, ['orders', 'payments']);
  assert.equal(spec.files.length, 5);
  const kinds = new Map<string, number>();
  for (const r of spec.model.resources.values()) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(kinds), { vhost: 2, exchange: 6, queue: 10, binding: 11, policy: 2, operator_policy: 1, user: 4, permission: 6, topic_permission: 2 });
  assert.equal(spec.targets[0]?.name, 'local');
});

test('a vhost split across files merges, with each object keeping its own file', () => {
  const spec = loadSpec([`${ROOT}examples`], {});
  const audit = spec.model.resources.get('queue:["orders","orders.audit.log"]');
  const created = spec.model.resources.get('queue:["orders","orders.created"]');
  assert.match(audit?.origin?.file ?? '', /analytics\.yaml$/);
  assert.match(created?.origin?.file ?? '', /orders\.yaml$/);
});

test('built-in exchanges need no declaration, as binding sources and e2e destinations', () => {
  const spec = load(`${HEAD}vhosts:\n  v:\n    exchanges: { e: { type: topic } }\n    queues: { q: {} }\n    bindings:\n      - { source: amq.topic, queue: q, routing_key: "a.#" }\n      - { source: amq.headers, queue: q, arguments: { x-match: any, k: v } }\n      - { source: e, exchange: amq.fanout }\n`);
  assert.deepEqual(briefs(spec), []);
});

test('dead-lettering to the default exchange and to amq.* is not a dangling reference', () => {
  const spec = load(`${HEAD}vhosts:\n  v:\n    queues:\n      a: { arguments: { x-dead-letter-exchange: "", x-dead-letter-routing-key: b } }\n      b: { arguments: { x-dead-letter-exchange: amq.direct } }\n`);
  assert.deepEqual(briefs(spec), []);
});

test('PCRE habits in patterns pass: inline flags, \\-, atomic groups, topic variables', () => {
  const spec = load(
    `${HEAD}vhosts:\n  v:\n    exchanges: { t: { type: topic } }\n    policies:\n      p: { pattern: '(?i)^orders\\-(?>a|b)++$', definition: { max-length: 1 } }\n` +
      `users:\n  u:\n    permissions: { v: { configure: '^$', write: '.*' } }\n    topic_permissions: { v: [{ exchange: t, write: '^{username}\\.', read: '^{vhost}\\.{client_id}' }] }\n`,
  );
  assert.deepEqual(briefs(spec), []);
});

test('unknown x- arguments (plugins) pass through untouched, with a warning', () => {
  const spec = load(`${HEAD}vhosts:\n  v:\n    queues:\n      q: { type: quorum, arguments: { x-my-plugin: { a: [1, 2] } } }\n`);
  assert.deepEqual(briefs(spec), [
    "spec.yaml:6:39: warning W_ARGUMENT: vhosts.v.queues.q.arguments.x-my-plugin: queue argument `x-my-plugin` is not one RabbitMQ defines; the broker keeps it as it is (fine for a plugin's or an application's own)",
  ]);
  const q = spec.model.resources.get('queue:["v","q"]');
  assert.deepEqual(q?.kind === 'queue' && q.arguments, { 'x-my-plugin': { a: [1, 2] } });
});

test('a folder and a file in it are read once', () => {
  const spec = loadSpec([`${ROOT}examples`, `${ROOT}examples/orders.yaml`], {});
  assert.deepEqual(spec.diagnostics, []);
  assert.equal(spec.files.length, 5);
});

test('a missing path is E_IO, and a folder without specs says so', () => {
  const spec = loadSpec(['/nonexistent/warren/spec.yaml', `${ROOT}src/model`], {});
  assert.deepEqual(
    spec.diagnostics.map((d) => `${d.code}: ${d.message.replace(ROOT, '')}`),
    ['E_IO: /nonexistent/warren/spec.yaml: no such file or folder', 'E_IO: src/model: no *.yaml or *.yml files in this folder'],
  );
});

test('no path at all is an error, not an empty valid spec', () => {
  assert.deepEqual(loadSpec([], {}).diagnostics.map((d) => `${d.code}: ${d.message}`), ['E_IO: no spec file or folder given']);
});

test('TLS file paths resolve against the spec file, not the working directory', () => {
  const spec = loadSpec([`${ROOT}examples`], {});
  assert.equal(spec.targets[0]?.tls, undefined);
  const withTls = load(`${HEAD}targets:\n  t:\n    management: https://h:15671\n    tls: { ca: certs/ca.pem, min_version: TLSv1.3 }\n`);
  const tls = withTls.targets[0]?.tls;
  assert.match(tls?.ca ?? '', /^\/.*warren-spec-[^/]+\/certs\/ca\.pem$/);
  assert.equal(tls?.verify, true);
  assert.equal(tls?.min_version, 'TLSv1.3');
});
