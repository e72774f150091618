// Defaults: a spec that states a default and one that leaves it out give equal models, so the
// planner sees no change between them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Model, Resource } from '../../src/model/types.js';
import { HEAD, briefs, load } from './spec-helpers.js';
import { planChanges } from '../../src/plan/index.js';

function withoutOrigins(model: Model): Map<string, Resource> {
  return new Map([...model.resources].map(([k, r]) => [k, { ...r, origin: undefined }]));
}

const HASH = 'xK1RsoPZGFg8pbZfgDmE1rn9CN2DA0uvCmW2U/JSvTdq26Db'; // 36 bytes: salt + SHA-256

const STATED = `${HEAD}vhosts:
  v:
    exchanges:
      e: { type: direct, durable: true, auto_delete: false, internal: false, arguments: {} }
    queues:
      q: { type: classic, durable: true, auto_delete: false, arguments: {} }
      r: { type: quorum }
    bindings:
      - { source: e, queue: q, routing_key: "", arguments: {} }
    policies:
      p: { pattern: ".*", apply_to: all, priority: 0, definition: { max-length: 1 } }
users:
  u:
    password_hash: ${HASH}
    hashing_algorithm: rabbit_password_hashing_sha256
    tags: [a, b]
    limits: {}
    permissions: { v: { configure: "", write: "", read: "" } }
    topic_permissions: { v: [{ exchange: e, write: "", read: "" }] }
`;

const OMITTED = `${HEAD}vhosts:
  v:
    exchanges:
      e: { type: direct }
    queues:
      q: {}
      r: { arguments: { x-queue-type: quorum } }
    bindings:
      - { source: e, queue: q }
    policies:
      p: { pattern: ".*", definition: { max-length: 1 } }
users:
  u:
    password_hash: ${HASH}
    tags: [b, a, b]
    permissions: { v: {} }
    topic_permissions: { v: [{ exchange: e }] }
`;

test('stating every default and omitting them give the same model', () => {
  const stated = load(STATED);
  const omitted = load(OMITTED);
  assert.deepEqual(briefs(stated), []);
  assert.deepEqual(briefs(omitted), []);
  assert.deepEqual(withoutOrigins(omitted.model), withoutOrigins(stated.model));
});

test('the defaults are the ones DESIGN.md names', () => {
  const model = load(OMITTED).model;
  const get = (key: string): Resource | undefined => model.resources.get(key);
  assert.deepEqual({ ...get('exchange:["v","e"]'), origin: undefined }, { kind: 'exchange', vhost: 'v', name: 'e', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {}, origin: undefined });
  assert.deepEqual({ ...get('queue:["v","q"]'), origin: undefined }, { kind: 'queue', vhost: 'v', name: 'q', type: 'classic', durable: true, auto_delete: false, arguments: {}, origin: undefined });
  assert.deepEqual({ ...get('policy:["v","p"]'), origin: undefined }, { kind: 'policy', vhost: 'v', name: 'p', pattern: '.*', apply_to: 'all', priority: 0, definition: { 'max-length': 1 }, origin: undefined });
  assert.deepEqual({ ...get('permission:["v","u"]'), origin: undefined }, { kind: 'permission', vhost: 'v', user: 'u', configure: '', write: '', read: '', origin: undefined });
  // A vhost's settings have no default: left out, they are the broker's business (see Vhost).
  const vhost = get('vhost:["v"]');
  assert.deepEqual(vhost?.kind === 'vhost' && [vhost.description, vhost.tags, vhost.limits, vhost.default_queue_type], [undefined, undefined, undefined, undefined]);
});

test('a vhost that states empty settings and one that leaves them out both plan no change against a plain vhost', () => {
  const live: Resource = { kind: 'vhost', name: 'v', description: '', tags: [], limits: {} };
  const stated = load(`${HEAD}vhosts:\n  v:\n    description: ""\n    tags: []\n    limits: {}\n`).model.resources;
  const omitted = load(`${HEAD}vhosts:\n  v: {}\n`).model.resources;
  for (const desired of [stated, omitted]) {
    const plan = planChanges({ stack: 's', desired, live: new Map([['vhost:["v"]', live]]), ownership: new Map(), prune: 'none', specVhosts: new Set(['v']) });
    assert.deepEqual(plan.changes, []);
  }
});

test('queue type: `type`, then x-queue-type, then the vhost default, then classic; x-queue-type leaves the arguments', () => {
  const spec = load(`${HEAD}vhosts:
  v:
    default_queue_type: quorum
    queues:
      by-type: { type: stream }
      by-argument: { arguments: { x-queue-type: classic, x-max-priority: 3 } }
      by-default: {}
  w:
    queues:
      plain: {}
`);
  assert.deepEqual(briefs(spec), []);
  const q = (vhost: string, name: string): unknown => {
    const r = spec.model.resources.get(`queue:${JSON.stringify([vhost, name])}`);
    return r?.kind === 'queue' ? [r.type, r.arguments] : undefined;
  };
  assert.deepEqual(q('v', 'by-type'), ['stream', {}]);
  assert.deepEqual(q('v', 'by-argument'), ['classic', { 'x-max-priority': 3 }]);
  assert.deepEqual(q('v', 'by-default'), ['quorum', {}]);
  assert.deepEqual(q('w', 'plain'), ['classic', {}]);
});
