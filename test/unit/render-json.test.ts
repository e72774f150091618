// The JSON plan against golden files in test/golden/*.json, plus the promises docs/plan-json.md makes.
// To accept an intended change: UPDATE_GOLDEN=1 npm run test:unit, then review `git diff test/golden`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderPlanJson } from '../../src/render/index.js';
import { matchGolden } from '../support/golden.js';
import { SCENARIOS, plan } from '../support/render-plans.js';
import { binding, queue, vhost, withMessages } from '../support/build.js';

interface ChangeDoc {
  action: string;
  address: Record<string, unknown>;
  source?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  fields: Array<{ field: string; before?: unknown; after?: unknown; sensitive?: boolean }>;
  forced_by: string[];
  data_loss?: { messages: number | null; reason?: string };
  migration?: Record<string, unknown>;
}

const scenario = (name: string) => {
  const found = SCENARIOS.find(([n]) => n === name);
  assert.ok(found, name);
  return found[1]();
};

describe('json plan: goldens', () => {
  for (const [name, build] of SCENARIOS) {
    it(name, () => matchGolden(`${name}.json`, renderPlanJson(build())));
  }
});

describe('json plan: format', () => {
  it('starts with format_version "1" and keeps a fixed top-level order', () => {
    const doc = JSON.parse(renderPlanJson(scenario('create'))) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), ['format_version', 'stack', 'prune', 'summary', 'changes', 'diagnostics', 'ownership', 'ignored']);
    assert.equal(doc['format_version'], '1');
  });

  it('is byte-stable whatever order the maps were built in', () => {
    const a = plan([queue('v', 'q', { arguments: { b: 1, a: 2 } })], [queue('v', 'q', { arguments: { a: 1 } })]);
    const b = plan([queue('v', 'q', { arguments: { a: 2, b: 1 } })], [queue('v', 'q', { arguments: { a: 1 } })]);
    assert.equal(renderPlanJson(a), renderPlanJson(b));
  });

  it('puts the declaration site in source and never origin inside before/after', () => {
    const out = renderPlanJson(scenario('create'));
    assert.doesNotMatch(out, /"origin"/);
    const changes = (JSON.parse(out) as { changes: ChangeDoc[] }).changes;
    assert.equal(changes[0]?.source, 'spec/orders.yaml:21:3');
  });

  it('addresses objects by their identity fields', () => {
    const p = plan([binding('v', 'x', 'q', { routing_key: 'rk', arguments: { 'x-match': 'any' } })], []);
    const [change] = (JSON.parse(renderPlanJson(p)) as { changes: ChangeDoc[] }).changes;
    assert.deepEqual(change?.address, { vhost: 'v', source: 'x', destination_type: 'queue', destination: 'q', routing_key: 'rk', arguments: { 'x-match': 'any' } });
  });

  it('keeps a map key named __proto__ as a key', () => {
    const args = JSON.parse('{"__proto__": "kept"}') as Record<string, string>;
    const out = renderPlanJson(plan([vhost('v'), queue('v', 'q', { arguments: args })], [vhost('v')]));
    assert.match(out, /"__proto__": "kept"/);
  });

  it('reports a migration, the forcing fields of a replace, and data loss', () => {
    const changes = (JSON.parse(renderPlanJson(scenario('data-loss'))) as { changes: ChangeDoc[] }).changes;
    assert.equal(changes[0]?.data_loss, undefined);
    assert.deepEqual(changes[0]?.migration, { messages: 1234, held: 0, in_progress: false, holding_queue: 'warren.migrate.orders.created', consumers: null, bindings: [] });
    assert.deepEqual(changes[0]?.forced_by, ['type']);
    assert.deepEqual(changes[1]?.data_loss, { messages: 40000 });
  });

  it('writes an unknown count as null, in data_loss and in a migration', () => {
    const p = plan([queue('v', 'q', { type: 'quorum' }), queue('v', 's', { type: 'stream', arguments: { 'x-max-age': '1D' } })], [
      withMessages(queue('v', 'q'), Number.POSITIVE_INFINITY),
      withMessages(queue('v', 's', { type: 'stream' }), Number.POSITIVE_INFINITY),
    ]);
    const changes = (JSON.parse(renderPlanJson(p)) as { changes: ChangeDoc[] }).changes;
    assert.equal(changes[0]?.migration?.messages, null);
    assert.equal(changes[1]?.data_loss?.messages, null);
  });
});
