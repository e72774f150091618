// The planner on the kinds beyond exchanges and queues: runtime parameters (URI credentials never
// shown, drift still found), super streams (grow only), feature flags (enable only, unknown is an
// error), and a shovel's live state (reported, never compared).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FeatureFlag, GlobalParameter, Json, SuperStream, VhostParameter } from '../../src/model/types.js';
import { renderPlanJson } from '../../src/render/json.js';
import { renderPlanMarkdown } from '../../src/render/markdown.js';
import { renderPlanText } from '../../src/render/text.js';
import { planOf, vhost } from '../support/build.js';

const shovel = (value: Json, live?: VhostParameter['live']): VhostParameter => ({ kind: 'shovel', vhost: 'v', component: 'shovel', name: 'move', value, ...(live ? { live } : {}) });
const upstream = (uri: string): VhostParameter => ({ kind: 'federation_upstream', vhost: 'v', component: 'federation-upstream', name: 'origin', value: { uri, 'ack-mode': 'on-confirm' } });
const superStream = (partitions: string[], args: Record<string, Json> = {}, messages?: number): SuperStream => ({ kind: 'super_stream', vhost: 'v', name: 'invoices', partitions, arguments: args, ...(messages !== undefined ? { live: { messages } } : {}) });
const flag = (name: string, state: FeatureFlag['state'], live = false): FeatureFlag => ({ kind: 'feature_flag', name, state, ...(live ? { live: { stability: 'stable' } } : {}) });
const global = (name: string, value: Json): GlobalParameter => ({ kind: 'global_parameter', name, value });

const actions = (p: ReturnType<typeof planOf>) => p.changes.map((c) => `${c.action} ${c.title}`);
const everything = (p: ReturnType<typeof planOf>) => [renderPlanText(p, { color: false }), renderPlanJson(p), renderPlanMarkdown(p)].join('\n');

describe('planner: runtime parameters', () => {
  it('creates upstreams, shovels, generic and global parameters in dependency order', () => {
    const generic: VhostParameter = { kind: 'parameter', vhost: 'v', component: 'mqtt', name: 'x', value: { a: 1 } };
    const p = planOf([shovel({ 'src-uri': 'amqp://a', 'src-queue': 'q', 'dest-uri': 'amqp://b' }), upstream('amqp://h'), generic, global('cluster_name', 'c'), vhost('v')], []);
    assert.deepEqual(actions(p), ['create vhost v', 'create global_parameter cluster_name', 'create parameter v/mqtt/x', 'create federation_upstream v/origin', 'create shovel v/move']);
  });

  it('finds a changed URI password but never shows it: the diff names uri_credentials only', () => {
    const p = planOf([upstream('amqp://fed:new-secret-pw@host/v')], [upstream('amqp://fed:old-secret-pw@host/v')]);
    assert.deepEqual(actions(p), ['update federation_upstream v/origin']);
    assert.deepEqual(p.changes[0]?.fields, [{ field: 'uri_credentials', before: null, after: null, sensitive: true }]);
    const shown = everything(p);
    assert.doesNotMatch(shown, /secret-pw/);
    assert.match(shown, /uri_credentials/);
  });

  it('shows other changes of a value with the credentials masked on both sides', () => {
    const p = planOf([upstream('amqp://fed:pw-one@other-host/v')], [upstream('amqp://fed:pw-one@host/v')]);
    assert.deepEqual(p.changes[0]?.fields, [{ field: 'value', before: { uri: 'amqp://(sensitive)@host/v', 'ack-mode': 'on-confirm' }, after: { uri: 'amqp://(sensitive)@other-host/v', 'ack-mode': 'on-confirm' } }]);
  });

  it('a created upstream with a password shows the URI masked in every format', () => {
    const p = planOf([upstream('amqp://fed:created-secret@host/v')], []);
    const shown = everything(p);
    assert.doesNotMatch(shown, /created-secret/);
    assert.match(shown, /amqp:\/\/\(sensitive\)@host\/v/);
  });

  it('a shovel whose state changes (running -> terminated) plans nothing, with a warning that says why', () => {
    const value = { 'src-uri': 'amqp://a', 'src-queue': 'q', 'dest-uri': 'amqp://b' };
    const running = planOf([shovel(value)], [shovel(value, { state: 'running' })]);
    assert.deepEqual(running.changes, []);
    assert.deepEqual(running.diagnostics, []);
    const terminated = planOf([shovel(value)], [shovel(value, { state: 'terminated', reason: 'connection refused to amqp://u:pw-in-reason@b' })]);
    assert.deepEqual(terminated.changes, []);
    assert.equal(terminated.diagnostics[0]?.code, 'W_SHOVEL');
    assert.match(terminated.diagnostics[0]?.message ?? '', /shovel v\/move is terminated: connection refused/);
  });

  it('shows a changed shovel beside its live state, the reason masked', () => {
    const p = planOf([shovel({ 'src-uri': 'amqp://a', 'src-queue': 'q2', 'dest-uri': 'amqp://b' })], [shovel({ 'src-uri': 'amqp://a', 'src-queue': 'q', 'dest-uri': 'amqp://b' }, { state: 'terminated', reason: 'failed at amqp://u:pw-in-reason@b' })]);
    const text = renderPlanText(p, { color: false });
    assert.match(text, /~ shovel v\/move\n\s+# live state: terminated: failed at amqp:\/\/\(sensitive\)@b/);
    assert.match(renderPlanJson(p), /"live_state": "terminated: failed at amqp:\/\/\(sensitive\)@b"/);
    assert.doesNotMatch(everything(p), /pw-in-reason/);
  });
});

describe('planner: super streams', () => {
  it('grows by adding partitions at the end, in place', () => {
    const p = planOf([superStream(['0', '1', '2', '3', '4'])], [superStream(['0', '1', '2'])]);
    assert.deepEqual(actions(p), ['update super_stream v/invoices']);
    assert.deepEqual(p.changes[0]?.fields, [{ field: 'partitions', before: ['0', '1', '2'], after: ['0', '1', '2', '3', '4'] }]);
  });

  it('refuses to shrink, naming the partition and why', () => {
    const p = planOf([superStream(['0', '1'])], [superStream(['0', '1', '2'])]);
    assert.deepEqual(p.changes, []);
    assert.equal(p.diagnostics[0]?.code, 'E_SUPER_STREAM');
    assert.match(p.diagnostics[0]?.message ?? '', /would remove partition 2 \(each partition is a stream: removing one drops its messages/);
  });

  it('refuses to reorder', () => {
    const p = planOf([superStream(['b', 'a'])], [superStream(['a', 'b'])]);
    assert.equal(p.diagnostics[0]?.code, 'E_SUPER_STREAM');
    assert.match(p.diagnostics[0]?.message ?? '', /reorder partitions/);
  });

  it('replaces on changed stream arguments, and counts that as data loss', () => {
    const p = planOf([superStream(['0'], { 'x-max-age': '1D' })], [superStream(['0'], {}, 12)]);
    assert.deepEqual(actions(p), ['replace super_stream v/invoices']);
    assert.deepEqual(p.changes[0]?.dataLoss, { messages: 12 });
  });
});

describe('planner: feature flags', () => {
  it('enables a disabled flag as an update, and warns that it cannot be undone', () => {
    const p = planOf([flag('stream_queue', 'enabled')], [flag('stream_queue', 'disabled', true)]);
    assert.deepEqual(actions(p), ['update feature_flag stream_queue']);
    assert.deepEqual(p.changes[0]?.fields, [{ field: 'state', before: 'disabled', after: 'enabled' }]);
    assert.match(p.diagnostics[0]?.message ?? '', /cannot be disabled again/);
  });

  it('an unknown flag is an error naming the version', () => {
    const p = planOf([flag('khepri_db', 'enabled')], [flag('quorum_queue', 'enabled', true)], { brokerVersion: '3.10.8' });
    assert.deepEqual(p.changes, []);
    assert.equal(p.diagnostics[0]?.code, 'E_FEATURE_FLAG');
    assert.match(p.diagnostics[0]?.message ?? '', /RabbitMQ 3\.10\.8\) has no such feature flag/);
  });

  it('a live source without flags (a definitions file) warns instead of guessing', () => {
    const p = planOf([flag('quorum_queue', 'enabled')], []);
    assert.deepEqual(p.changes, []);
    assert.equal(p.diagnostics[0]?.code, 'W_FEATURE_FLAG');
  });

  it('never disables a flag, whatever the prune mode and ownership', () => {
    const live = flag('stream_queue', 'enabled', true);
    const p = planOf([], [live], { prune: 'all', ownership: new Map([['orders', new Set(['feature_flag:["stream_queue"]'])]]) });
    assert.deepEqual(p.changes, []);
  });
});
