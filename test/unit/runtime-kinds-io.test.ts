// The new kinds through the spec loader, the definitions reader, render and export: a spec that
// declares them renders to a definitions file that reads back into the same model (URI passwords
// aside, which never reach a file), and an export of it plans to no changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportSpec } from '../../src/export/export.js';
import { readDefinitions } from '../../src/live/read-definitions.js';
import { resolveCredentials } from '../../src/model/credentials.js';
import { planChanges } from '../../src/plan/index.js';
import { renderDefinitions } from '../../src/render/definitions.js';
import { HEAD, briefs, load, writeSpecDir } from './spec-helpers.js';
import { loadSpec } from '../../src/spec/index.js';

const SPEC = `${HEAD}feature_flags: [quorum_queue]
global_parameters:
  cluster_name: eu-1
  mqtt_port_to_vhost_mapping: { '1883': billing }
vhosts:
  billing:
    federation_upstreams:
      origin: { uri: 'amqp://fed:\${FED_PW}@upstream.internal/billing', ack-mode: on-confirm, prefetch-count: 100 }
    federation_upstream_sets:
      all: [{ upstream: origin }, { upstream: origin, exchange: other }]
    shovels:
      move: { src-uri: 'amqp://u:\${FED_PW}@a/billing', src-queue: q, dest-uri: [amqp://b, 'amqp://v:\${FED_PW}@c'], dest-exchange: x, dest-exchange-key: k }
    parameters:
      mqtt-retained:
        store: { dir: /tmp }
    super_streams:
      invoices: { partitions: 3, arguments: { x-max-age: 7D } }
      regions: { binding_keys: [emea, amer] }
`;
const ENV = { FED_PW: 'p@ss/w0rd-secret' };

describe('the new kinds in a spec', () => {
  it('load into the model with their values, URI passwords percent-encoded inside the URI', () => {
    const spec = load(SPEC, ENV);
    assert.deepEqual(briefs(spec), []);
    const keys = [...spec.model.resources.keys()].sort();
    assert.deepEqual(keys.filter((k) => !k.startsWith('vhost')), [
      'feature_flag:["quorum_queue"]',
      'federation_upstream:["billing","origin"]',
      'federation_upstream_set:["billing","all"]',
      'global_parameter:["cluster_name"]',
      'global_parameter:["mqtt_port_to_vhost_mapping"]',
      'parameter:["billing","mqtt-retained","store"]',
      'shovel:["billing","move"]',
      'super_stream:["billing","invoices"]',
      'super_stream:["billing","regions"]',
    ]);
    const up = spec.model.resources.get('federation_upstream:["billing","origin"]');
    assert.equal(up?.kind === 'federation_upstream' && (up.value as Record<string, string>)['uri'], 'amqp://fed:p%40ss%2Fw0rd-secret@upstream.internal/billing');
    const ss = spec.model.resources.get('super_stream:["billing","regions"]');
    assert.deepEqual(ss?.kind === 'super_stream' && ss.partitions, ['emea', 'amer']);
  });

  it('take AMQP 1.0 shovels with every key of that protocol', () => {
    const spec = load(`${HEAD}vhosts:
  v:
    shovels:
      to-broker-b:
        src-protocol: amqp10
        src-uri: amqp://localhost
        src-address: orders
        src-prefetch-count: 100
        src-delete-after: queue-length
        dest-protocol: amqp10
        dest-uri: ['amqp://u:\${PW}@b1', 'amqp://u:\${PW}@b2']
        dest-address: orders.copy
        dest-add-forward-headers: true
        dest-add-timestamp-header: true
        dest-application-properties: { origin: a }
        dest-message-annotations: { x-opt: 1 }
        dest-properties: { content_type: text/plain }
        ack-mode: on-publish
        reconnect-delay: 5
`, { PW: 'pw-of-b' });
    assert.deepEqual(briefs(spec), []);
  });

  it('are checked by the schema: unknown shovel keys (with a suggestion), partitions or binding_keys', () => {
    const spec = load(`${HEAD}vhosts:
  v:
    shovels:
      a: { src-uri: amqp://a, src-queue: q, dest-uri: amqp://b, dest-qeue: d }
    super_streams:
      t: { partitions: 2, binding_keys: [a] }
`);
    assert.deepEqual(briefs(spec), [
      'spec.yaml:6:65: error E_UNKNOWN_KEY: vhosts.v.shovels.a: unknown key `dest-qeue`; did you mean `dest-queue`?',
      'spec.yaml:8:10: error E_SCHEMA: vhosts.v.super_streams.t: needs exactly one of partitions or binding_keys',
    ]);
  });

  it('are checked by the rules: one source per shovel, components with their own section, internal global parameters, clashing names', () => {
    const spec = load(`${HEAD}global_parameters: { internal_cluster_id: x, warren.stack.other: {} }
vhosts:
  v:
    queues: { s-0: {} }
    shovels:
      a: { src-uri: amqp://a, src-queue: q, src-exchange: x, dest-uri: amqp://b }
      b: { src-protocol: amqp10, src-uri: amqp://a, src-queue: q, dest-uri: amqp://b }
    parameters:
      shovel: { b: {} }
    super_streams:
      s: { partitions: 2 }
`);
    assert.deepEqual(briefs(spec), [
      "spec.yaml:3:22: error E_NAME: global_parameters.internal_cluster_id: internal_cluster_id is RabbitMQ's internal parameter and cannot be declared",
      "spec.yaml:3:46: error E_NAME: global_parameters[\"warren.stack.other\"]: warren.stack.other is warren's own ownership record and cannot be declared",
      'spec.yaml:8:7: error E_CONFLICT: vhosts.v.shovels.a: an AMQP 0-9-1 source needs exactly one of src-queue and src-exchange',
      'spec.yaml:9:7: error E_CONFLICT: vhosts.v.shovels.b: an AMQP 1.0 source needs src-address',
      'spec.yaml:9:7: error E_CONFLICT: vhosts.v.shovels.b: src-queue is for src-protocol amqp091; use src-address',
      'spec.yaml:11:17: error E_CONFLICT: vhosts.v.parameters.shovel.b: component shovel has its own section: declare it under vhosts.v.shovels',
      'spec.yaml:13:7: error E_CONFLICT: vhosts.v.super_streams.s: partition stream s-0 is also declared under queues',
    ]);
  });

  it('render to a definitions file that reads back to the same objects; URI passwords are masked and said to be', () => {
    const spec = load(SPEC, ENV);
    const warnings: string[] = [];
    const text = renderDefinitions(resolveCredentials(spec.model.resources, new Map()), { stack: 's', warnings });
    assert.doesNotMatch(text, /w0rd-secret|p%40ss/);
    assert.match(warnings.join('\n'), /federation_upstream billing\/origin: its URI credentials are written masked/);
    assert.match(warnings.join('\n'), /feature_flag quorum_queue: definitions files cannot carry feature flags/);
    const json = JSON.parse(text) as { bindings: { routing_key: string; arguments: unknown }[]; exchanges: { name: string; arguments: unknown }[] };
    assert.deepEqual(json.exchanges.find((e) => e.name === 'invoices')?.arguments, { 'x-super-stream': true });
    assert.deepEqual(json.bindings.filter((b) => b.routing_key === 'amer').map((b) => b.arguments), [{ 'x-stream-partition-order': 1 }]);

    // Read back: every object but the flag (a file has none) and the passwords (masked) plans to nothing.
    const live = readDefinitions(JSON.parse(text), 'rendered.json');
    const withoutSecrets = load(SPEC.replaceAll('${FED_PW}@', '(sensitive)@').replaceAll('amqp://fed:', 'amqp://').replaceAll('amqp://u:', 'amqp://').replaceAll('amqp://v:', 'amqp://'), ENV);
    const desired = new Map([...withoutSecrets.model.resources].filter(([, r]) => r.kind !== 'feature_flag'));
    const p = planChanges({ stack: 's', desired, live: live.model.resources, ownership: live.ownership, prune: 'managed', specVhosts: new Set(['billing']) });
    assert.deepEqual(p.changes.map((c) => c.title), []);
  });

  it('export from a definitions file writes every kind, with ${VARIABLE}s for URI passwords, and plans to no changes', () => {
    const definitions = {
      vhosts: [{ name: 'billing' }],
      parameters: [
        { vhost: 'billing', component: 'federation-upstream', name: 'origin', value: { uri: 'amqp://fed:exported-secret@h/billing', expires: 1000 } },
        { vhost: 'billing', component: 'federation-upstream-set', name: 'all', value: [{ upstream: 'origin' }] },
        { vhost: 'billing', component: 'mqtt-retained', name: 'store', value: { dir: '${not-a-variable}' } },
      ],
      global_parameters: [
        { name: 'cluster_name', value: 'eu-1' },
        { name: 'internal_cluster_id', value: 'rabbitmq-cluster-id-x' },
      ],
      exchanges: [{ name: 'invoices', vhost: 'billing', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: { 'x-super-stream': true } }],
      queues: [0, 1].map((i) => ({ name: `invoices-${i}`, vhost: 'billing', durable: true, auto_delete: false, arguments: { 'x-queue-type': 'stream' } })),
      bindings: [0, 1].map((i) => ({ source: 'invoices', vhost: 'billing', destination: `invoices-${i}`, destination_type: 'queue', routing_key: String(i), arguments: { 'x-stream-partition-order': i } })),
      shovels_from_the_future: [],
    };
    const live = readDefinitions(definitions, 'defs.json');
    assert.match(live.warnings.map((w) => w.message).join('\n'), /section "shovels_from_the_future" is not read: warren does not manage it/);
    const result = exportSpec(live, { stack: 'x' }, 'single');
    const yaml = result.files[0]?.text ?? '';
    assert.doesNotMatch(yaml, /exported-secret|internal_cluster_id/);
    assert.match(yaml, /uri: amqp:\/\/fed:\$\{WARREN_FEDERATION_UPSTREAM_BILLING_ORIGIN_URI_PASSWORD\}@h\/billing/);
    assert.match(yaml, /invoices: \{ partitions: 2 \}/);
    assert.match(yaml, /dir: '\$\$\{not-a-variable\}'/);
    assert.deepEqual(result.variables, ['WARREN_FEDERATION_UPSTREAM_BILLING_ORIGIN_URI_PASSWORD']);
    assert.match(result.unmanaged.join('\n'), /shovels_from_the_future/);

    const dir = writeSpecDir({ 'spec.yaml': yaml });
    const spec = loadSpec([dir], { WARREN_FEDERATION_UPSTREAM_BILLING_ORIGIN_URI_PASSWORD: 'exported-secret' });
    assert.deepEqual(briefs(spec), []);
    const p = planChanges({ stack: 'x', desired: spec.model.resources, live: live.model.resources, ownership: live.ownership, prune: 'managed', specVhosts: new Set(spec.vhosts) });
    assert.deepEqual(p.changes.map((c) => c.title), []);
  });
});
