// warren render --format definitions: the spec as a definitions file. Read back with the same
// reader `plan --live` uses, it plans to no changes; passwords only ever appear as salted hashes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readDefinitions } from '../../src/live/read-definitions.js';
import { resolveCredentials } from '../../src/model/credentials.js';
import { planChanges } from '../../src/plan/index.js';
import { renderDefinitions } from '../../src/render/definitions.js';
import { HEAD, load } from './spec-helpers.js';

const SPEC = `${HEAD}vhosts:
  orders:
    description: Orders
    tags: [prod]
    default_queue_type: quorum
    limits: { max-connections: 10, max-queues: 20 }
    exchanges:
      orders: { type: topic }
      dlx: { type: fanout, internal: true }
    queues:
      orders.created: { arguments: { x-delivery-limit: 5 } }
      orders.log: { type: stream }
      orders.tmp: { type: classic, durable: false, auto_delete: true }
    bindings:
      - { source: orders, queue: orders.created, routing_key: order.# }
      - { source: orders, exchange: dlx, arguments: { x-match: any } }
    policies:
      ttl: { pattern: '^orders\\.', apply_to: queues, priority: 2, definition: { message-ttl: 1000 } }
    operator_policies:
      cap: { pattern: '.*', definition: { max-length: 100 } }
users:
  svc:
    password: very-secret-pw
    tags: [monitoring]
    limits: { max-connections: 3 }
    permissions:
      orders: { configure: '^orders', read: '.*' }
    topic_permissions:
      orders: [{ exchange: orders, write: '^order' }]
  cert: {}
`;

function render(): { text: string; json: Record<string, unknown[]> } {
  const spec = load(SPEC);
  assert.deepEqual(spec.diagnostics.filter((d) => d.severity === 'error'), []);
  const text = renderDefinitions(resolveCredentials(spec.model.resources, new Map()), { stack: 's' });
  return { text, json: JSON.parse(text) as Record<string, unknown[]> };
}

test('the rendered definitions read back into the spec: planning the spec against them finds nothing to do', () => {
  const spec = load(SPEC);
  const live = readDefinitions(render().json, 'rendered.json');
  const plan = planChanges({
    stack: 's',
    desired: resolveCredentials(spec.model.resources, live.model.resources),
    live: live.model.resources,
    ownership: live.ownership,
    prune: 'managed',
    specVhosts: new Set(spec.vhosts),
  });
  assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.title}`), []);
  assert.equal(plan.ownershipChanged, false, 'the ownership record goes along');
});

test('no password in clear: users carry a salted hash and its algorithm', () => {
  const { text, json } = render();
  assert.doesNotMatch(text, /very-secret-pw/);
  const svc = json['users']?.find((u) => (u as { name: string }).name === 'svc') as Record<string, unknown>;
  assert.equal(svc['hashing_algorithm'], 'rabbit_password_hashing_sha256');
  assert.equal(Buffer.from(String(svc['password_hash']), 'base64').length, 36);
  assert.equal('password' in svc, false);
  const cert = json['users']?.find((u) => (u as { name: string }).name === 'cert') as Record<string, unknown>;
  assert.equal(cert['password_hash'], '', 'a user with neither password nor hash has no password');
});

test('the shapes 3.10 imports: x-queue-type on every queue, limits and operator policies as parameters, metadata', () => {
  const { json } = render();
  const queues = json['queues'] as { name: string; arguments: Record<string, unknown> }[];
  assert.deepEqual(Object.fromEntries(queues.map((q) => [q.name, q.arguments['x-queue-type']])), { 'orders.created': 'quorum', 'orders.log': 'stream', 'orders.tmp': 'classic' });
  assert.deepEqual(json['parameters'], [
    { vhost: 'orders', component: 'operator_policy', name: 'cap', value: { pattern: '.*', 'apply-to': 'all', definition: { 'max-length': 100 }, priority: 0 } },
    { vhost: 'orders', component: 'vhost-limits', name: 'limits', value: { 'max-connections': 10, 'max-queues': 20 } },
  ]);
  assert.deepEqual(json['vhosts'], [{ name: 'orders', metadata: { description: 'Orders', tags: ['prod'], default_queue_type: 'quorum' } }]);
  assert.deepEqual((json['global_parameters'] as { name: string }[]).map((g) => g.name), ['warren.stack.s']);
});

test('two renders differ only in password salts', () => {
  const strip = (t: string) => t.replace(/"password_hash": "[^"]*"/g, '"password_hash": "?"');
  assert.equal(strip(render().text), strip(render().text));
});
