import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adaptToVersion, parseVersion } from '../../src/model/compat.js';
import type { Resource } from '../../src/model/types.js';
import { mirroredQueues, upgradeTopology } from '../../src/model/upgrade.js';
import { exchange, modelOf, policy, queue, vhost } from '../support/build.js';

describe('adaptToVersion', () => {
  const desired = modelOf(vhost('v', { default_queue_type: 'quorum' }));

  it('keeps default_queue_type for a new vhost on 3.10', () => {
    const out = adaptToVersion(desired, new Map(), '3.10.8');
    assert.equal(out.diagnostics.length, 0);
    assert.equal([...out.desired.values()][0]?.kind === 'vhost' && [...out.desired.values()][0], [...desired.values()][0]);
  });

  it('warns, naming the version, and drops a change 3.10 cannot make to an existing vhost', () => {
    const out = adaptToVersion(desired, modelOf(vhost('v', { default_queue_type: 'classic' })), '3.10.8');
    assert.match(out.diagnostics[0]?.message ?? '', /RabbitMQ 3\.10\.8 sets default_queue_type only when a vhost is created/);
    const v = [...out.desired.values()][0];
    assert.equal(v?.kind === 'vhost' ? v.default_queue_type : 'x', undefined);
  });

  it('lets 3.11.17 and later change it', () => {
    assert.equal(adaptToVersion(desired, modelOf(vhost('v')), '3.12.1').diagnostics.length, 0);
  });

  it('drops it on brokers older than 3.10', () => {
    assert.match(adaptToVersion(desired, new Map(), '3.9.29').diagnostics[0]?.message ?? '', /RabbitMQ 3\.9\.29 has no per-vhost default_queue_type/);
  });

  it('changes nothing when the version is unknown', () => {
    assert.equal(parseVersion('unknown'), undefined);
    assert.equal(adaptToVersion(desired, modelOf(vhost('v')), 'unknown').diagnostics.length, 0);
  });
});

describe('the version rules against 4.x and 3.x targets', () => {
  const mirroring = policy('v', 'ha-all', { pattern: '^orders\\.', apply_to: 'queues', definition: { 'ha-mode': 'all', 'ha-sync-mode': 'automatic', 'message-ttl': 60000 } });
  const errors = (out: ReturnType<typeof adaptToVersion>) => out.diagnostics.filter((d) => d.severity === 'error');

  it('refuses ha-* policy keys against 4.0.5, naming the version and the replacement', () => {
    const out = adaptToVersion(modelOf(mirroring), new Map(), '4.0.5');
    assert.deepEqual(
      errors(out).map((d) => d.code),
      ['E_VERSION', 'E_VERSION'],
    );
    assert.match(errors(out)[0]?.message ?? '', /^vhosts\.v\.policies\.ha-all\.definition\.ha-mode: RabbitMQ 4\.0\.5 removed classic queue mirroring in 4\.0 .*instead: replicate with quorum queues/);
  });

  it('takes them on 3.10 without a word', () => {
    assert.deepEqual(adaptToVersion(modelOf(mirroring), new Map(), '3.10.8').diagnostics, []);
  });

  it('warns about queue-mode and x-queue-mode against 4.x only, and keeps them (4.0.5 stores what it ignores)', () => {
    const lazy = modelOf(policy('v', 'lazy', { definition: { 'queue-mode': 'lazy' } }), queue('v', 'q', { arguments: { 'x-queue-mode': 'lazy' } }));
    const out = adaptToVersion(lazy, new Map(), '4.1.0');
    assert.deepEqual(
      out.diagnostics.map((d) => `${d.code} ${d.message.split(':')[0]}`),
      ['W_VERSION vhosts.v.policies.lazy.definition.queue-mode', 'W_VERSION vhosts.v.queues.q.arguments.x-queue-mode'],
    );
    assert.deepEqual([...out.desired.values()], [...lazy.values()]);
    assert.deepEqual(adaptToVersion(lazy, new Map(), '3.12.14').diagnostics, []);
  });

  it('refuses the x-local-random exchange type before 4.0', () => {
    const local = modelOf(exchange('v', 'local', { type: 'x-local-random' }));
    assert.match(errors(adaptToVersion(local, new Map(), '3.10.8'))[0]?.message ?? '', /exchanges\.local\.type: RabbitMQ 3\.10\.8 has no x-local-random exchange type/);
    assert.deepEqual(adaptToVersion(local, new Map(), '4.0.5').diagnostics, []);
  });

  it('drops stream filtering before 3.13 with a warning, so it never plans as a change', () => {
    const out = adaptToVersion(modelOf(queue('v', 's', { type: 'stream', arguments: { 'x-stream-filter-size-bytes': 32, 'x-max-age': '7D' } })), new Map(), '3.10.8');
    assert.deepEqual(out.diagnostics.map((d) => d.code), ['W_VERSION']);
    const s = [...out.desired.values()][0];
    assert.deepEqual(s?.kind === 'queue' ? s.arguments : undefined, { 'x-max-age': '7D' });
  });

  it('warns about deprecated features the spec would use on 4.x: transient non-exclusive queues, the master locator', () => {
    const spec = modelOf(queue('v', 'transient', { durable: false }), queue('v', 'located', { arguments: { 'x-queue-master-locator': 'min-masters' } }));
    const on4 = adaptToVersion(spec, new Map(), '4.0.5').diagnostics;
    assert.deepEqual(on4.map((d) => [d.severity, d.code]), [['warning', 'W_DEPRECATED'], ['warning', 'W_DEPRECATED']]);
    assert.match(on4.map((d) => d.message).join('\n'), /queues\.transient\.durable: .*deprecated feature transient_nonexcl_queues/);
    assert.match(on4.map((d) => d.message).join('\n'), /x-queue-master-locator: .*deprecated feature queue_master_locator.*x-queue-leader-locator/);
    assert.deepEqual(adaptToVersion(spec, new Map(), '3.10.8').diagnostics, []);
  });
});

describe('upgradeTopology: a 3.x topology rewritten for 4.0', () => {
  const mirroring = policy('v', 'ha-all', { pattern: '^orders\\.', apply_to: 'queues', priority: 1, definition: { 'ha-mode': 'all', 'ha-sync-mode': 'automatic', overflow: 'reject-publish-dlx' } });
  const haOnly = policy('v', 'ha-two', { pattern: '^audit\\.', definition: { 'ha-mode': 'exactly', 'ha-params': 2 } });
  const lazy = policy('v', 'lazy', { pattern: '^other\\.', definition: { 'queue-mode': 'lazy', 'max-length': 10 } });
  const input = modelOf(
    mirroring,
    haOnly,
    lazy,
    queue('v', 'orders.created', { arguments: { 'x-max-priority': 10, 'x-queue-master-locator': 'client-local', 'x-overflow': 'reject-publish-dlx', 'x-message-ttl': 1000 } }),
    queue('v', 'orders.transient', { durable: false }),
    queue('v', 'audit.log', { arguments: { 'x-queue-mode': 'lazy' } }),
    queue('v', 'other.q'),
  );
  const find = (m: Map<string, Resource>, kind: string, name: string) => [...m.values()].find((r) => r.kind === kind && 'name' in r && r.name === name);

  it('strips mirroring keys and queue mode, drops policies left empty, and lists every rewrite', () => {
    const out = upgradeTopology(input, [4, 0, 0], { quorumForMirrored: false });
    const p = find(out.resources, 'policy', 'ha-all');
    assert.deepEqual(p?.kind === 'policy' ? p.definition : undefined, { overflow: 'reject-publish-dlx' });
    assert.equal(find(out.resources, 'policy', 'ha-two'), undefined);
    const l = find(out.resources, 'policy', 'lazy');
    assert.deepEqual(l?.kind === 'policy' ? l.definition : undefined, { 'max-length': 10 });
    const a = find(out.resources, 'queue', 'audit.log');
    assert.deepEqual(a?.kind === 'queue' ? [a.type, a.arguments] : undefined, ['classic', {}]);
    assert.deepEqual(out.rewrites.map((r) => r.message), [
      'policy v/ha-all: removed ha-mode, ha-sync-mode (RabbitMQ 4.0 has no classic queue mirroring)',
      'policy v/ha-two: removed ha-mode, ha-params (RabbitMQ 4.0 has no classic queue mirroring)',
      'policy v/ha-two: dropped (nothing was left in its definition)',
      'policy v/lazy: removed queue-mode (RabbitMQ 4.0 has no queue mode)',
      'queue v/orders.created: policy ha-all mirrored it; on RabbitMQ 4.0 it is a classic queue with one replica (--quorum-for-mirrored makes it a quorum queue)',
      'queue v/orders.transient: policy ha-all mirrored it; on RabbitMQ 4.0 it is a classic queue with one replica (--quorum-for-mirrored makes it a quorum queue)',
      'queue v/audit.log: removed x-queue-mode (RabbitMQ 4.0 has no queue mode)',
      'queue v/audit.log: policy ha-two mirrored it; on RabbitMQ 4.0 it is a classic queue with one replica (--quorum-for-mirrored makes it a quorum queue)',
    ]);
  });

  it('turns mirrored classic queues into quorum queues when asked, where quorum queues can be', () => {
    const out = upgradeTopology(input, [4, 0, 0], { quorumForMirrored: true });
    const q = find(out.resources, 'queue', 'orders.created');
    assert.deepEqual(q?.kind === 'queue' ? [q.type, q.arguments] : undefined, ['quorum', { 'x-queue-leader-locator': 'client-local', 'x-overflow': 'reject-publish', 'x-message-ttl': 1000 }]);
    const t = find(out.resources, 'queue', 'orders.transient');
    assert.equal(t?.kind === 'queue' ? t.type : undefined, 'classic');
    const p = find(out.resources, 'policy', 'ha-all');
    assert.deepEqual(p?.kind === 'policy' ? p.definition : undefined, { overflow: 'reject-publish' });
    const messages = out.rewrites.map((r) => r.message).join('\n');
    assert.match(messages, /queue v\/orders\.created: classic -> quorum \(policy ha-all mirrored it\); removed x-max-priority .*; x-queue-master-locator "client-local" -> x-queue-leader-locator "client-local" .*; x-overflow reject-publish-dlx -> reject-publish/);
    assert.match(messages, /queue v\/orders\.transient: left a classic queue although policy ha-all mirrored it: quorum queues must be durable/);
    assert.match(messages, /policy v\/ha-all: overflow reject-publish-dlx -> reject-publish/);
    assert.equal(find(out.resources, 'queue', 'other.q'), find(input, 'queue', 'other.q'));
  });

  it('the policy the broker would pick decides: a higher-priority policy without mirroring wins', () => {
    const plain = policy('v', 'plain', { pattern: '^orders\\.created$', priority: 5, definition: { 'max-length': 5 } });
    assert.deepEqual([...mirroredQueues(modelOf(mirroring, plain, queue('v', 'orders.created'), queue('v', 'orders.other'))).keys()], ['queue:["v","orders.other"]']);
  });

  it('rewrites nothing for a 3.x target, and the rewritten topology passes the 4.0 rules', () => {
    assert.deepEqual(upgradeTopology(input, [3, 13, 7], { quorumForMirrored: true }).rewrites, []);
    const adapted = adaptToVersion(input, new Map(), '4.0.5', { upgrade: { quorumForMirrored: true } });
    assert.deepEqual(adapted.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(adapted.diagnostics.some((d) => d.code === 'W_UPGRADE'));
  });
});

describe('settings 4.0.5 takes and stores but ignores', () => {
  it('classic queue version 1 is a warning on 4.x, kept so that it never plans as a change', () => {
    const v1 = modelOf(queue('v', 'q', { arguments: { 'x-queue-version': 1 } }), policy('v', 'p', { definition: { 'queue-version': 1 } }), queue('v', 'q2', { arguments: { 'x-queue-version': 2 } }));
    const out = adaptToVersion(v1, new Map(), '4.0.5');
    assert.deepEqual(out.diagnostics.map((d) => `${d.severity} ${d.code} ${d.message.split(':')[0]}`), [
      'warning W_VERSION vhosts.v.queues.q.arguments.x-queue-version',
      'warning W_VERSION vhosts.v.policies.p.definition.queue-version',
    ]);
    assert.deepEqual([...out.desired.values()], [...v1.values()]);
  });
});
