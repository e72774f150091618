// RabbitMQ 3.10 and 4.0 side by side (both nodes started here, whatever WARREN_TEST_BROKER says):
// the blue-green upgrade of a 3.10 broker holding mirrored classic queues onto a 4.0.5 node,
// both ways warren offers it (export --for-version 4.0, and plan/apply --upgrade), a spec that
// 4.0 refuses (ha-mode) failing before anything changes, the deprecated features 4.0 reports,
// and a 4.x-only setting refused by 3.10.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type BrokerHandle, skipUnlessBroker, startBroker } from '../harness/broker.js';
import { api, type Api } from '../support/management.js';
import { SpecStack } from '../support/warren-stack.js';

const skip = skipUnlessBroker('3.10') || skipUnlessBroker('4.0');

/** What a 3.10 broker with classic queue mirroring typically holds, set up through its API. */
async function mirroredClassicSetup(a: Api): Promise<void> {
  await a.put(['vhosts', 'shop'], { description: 'the shop' });
  await a.put(['policies', 'shop', 'ha-orders'], {
    pattern: '^orders\\.',
    'apply-to': 'queues',
    priority: 1,
    definition: { 'ha-mode': 'exactly', 'ha-params': 2, 'ha-sync-mode': 'automatic', overflow: 'reject-publish-dlx', 'max-length': 10000 },
  });
  await a.put(['policies', 'shop', 'ha-all'], { pattern: '.*', 'apply-to': 'all', priority: 0, definition: { 'ha-mode': 'all' } });
  // Higher than ha-all, without mirroring: the queues it covers were never mirrored.
  await a.put(['policies', 'shop', 'lazy-audit'], { pattern: '^audit\\.', 'apply-to': 'queues', priority: 2, definition: { 'queue-mode': 'lazy', 'max-length': 1000 } });
  await a.put(['exchanges', 'shop', 'orders'], { type: 'topic', durable: true });
  await a.put(['exchanges', 'shop', 'orders.dlx'], { type: 'fanout', durable: true });
  await a.put(['queues', 'shop', 'orders.created'], { durable: true, arguments: { 'x-max-priority': 10, 'x-message-ttl': 60000, 'x-dead-letter-exchange': 'orders.dlx' } });
  await a.put(['queues', 'shop', 'orders.dead'], { durable: true, arguments: { 'x-queue-mode': 'lazy' } });
  await a.put(['queues', 'shop', 'orders.tmp'], { durable: false, arguments: {} });
  await a.put(['queues', 'shop', 'audit.log'], { durable: true, arguments: {} });
  await a.post(['bindings', 'shop', 'e', 'orders', 'q', 'orders.created'], { routing_key: 'order.created' });
  await a.post(['bindings', 'shop', 'e', 'orders.dlx', 'q', 'orders.dead'], { routing_key: '' });
  await a.post(['bindings', 'shop', 'e', 'orders', 'q', 'audit.log'], { routing_key: '#' });
  await a.put(['users', 'shop-app'], { password: 'shop-app-pw-4411', tags: 'management' });
  await a.put(['permissions', 'shop', 'shop-app'], { configure: '^orders\\.', write: '.*', read: '.*' });
}

const EXPECTED_REWRITES = [
  'policy shop/ha-all: dropped (nothing was left in its definition)',
  'policy shop/ha-all: removed ha-mode (RabbitMQ 4.0 has no classic queue mirroring)',
  'policy shop/ha-orders: overflow reject-publish-dlx -> reject-publish (the queues it mirrored become quorum queues, which do not support reject-publish-dlx)',
  'policy shop/ha-orders: removed ha-mode, ha-params, ha-sync-mode (RabbitMQ 4.0 has no classic queue mirroring)',
  'policy shop/lazy-audit: removed queue-mode (RabbitMQ 4.0 has no queue mode)',
  'queue shop/orders.created: classic -> quorum (policy ha-orders mirrored it); removed x-max-priority (quorum queues have two priorities built in, 5 and above being high)',
  'queue shop/orders.dead: classic -> quorum (policy ha-orders mirrored it)',
  'queue shop/orders.dead: removed x-queue-mode (RabbitMQ 4.0 has no queue mode)',
  'queue shop/orders.tmp: left a classic queue although policy ha-orders mirrored it: quorum queues must be durable and not auto-delete',
];

describe('RabbitMQ versions: 3.10 -> 4.0 upgrade, 4.0 refusals and deprecations', { skip }, () => {
  let old: BrokerHandle;
  let next: BrokerHandle;
  let a3: Api;
  let a4: Api;
  const stacks: SpecStack[] = [];
  const stackOn = (broker: BrokerHandle, name: string) => {
    const s = new SpecStack(broker, name);
    stacks.push(s);
    return s;
  };

  before(async () => {
    [old, next] = await Promise.all([startBroker({ version: '3.10' }), startBroker({ version: '4.0' })]);
    a3 = api(old);
    a4 = api(next);
    await mirroredClassicSetup(a3);
  });

  after(async () => {
    for (const s of stacks) s.remove();
    await Promise.all([old?.stop(), next?.stop()]);
  });

  test('export --for-version 4.0 --quorum-for-mirrored of the 3.10 broker applies to 4.0.5 and then plans empty; every rewrite is listed', async () => {
    const upgraded = stackOn(next, 'shop');
    const exported = await stackOn(old, 'reader').cli(['export', '--for-version', '4.0', '--quorum-for-mirrored', '--vhost', 'shop', '--stack', 'shop', '-o', upgraded.dir]);
    assert.equal(exported.code, 0, exported.stderr);
    const listed = exported.stderr.split('\n').filter((l) => l.startsWith('rewritten: ')).map((l) => l.slice('rewritten: '.length));
    assert.deepEqual(listed.sort(), EXPECTED_REWRITES);
    assert.match(exported.stderr, /9 rewrites for RabbitMQ 4\.0/);
    assert.equal((await upgraded.cli(['validate', '{dir}'])).code, 0);

    const applied = await upgraded.applyOk();
    // The spec's own deprecated feature, before the queue exists.
    assert.match(applied.stdout + applied.stderr, /W_DEPRECATED.*vhosts\.shop\.queues\.orders\.tmp\.durable: RabbitMQ 4\.0\.5 deprecates non-durable queues/);
    const queues = (await a4.get<{ name: string; type: string; arguments: Record<string, unknown> }[]>(['queues', 'shop'], 'columns=name,type,arguments')) ?? [];
    assert.deepEqual(Object.fromEntries(queues.map((q) => [q.name, q.type])), { 'audit.log': 'classic', 'orders.created': 'quorum', 'orders.dead': 'quorum', 'orders.tmp': 'classic' });
    assert.deepEqual(queues.find((q) => q.name === 'orders.created')?.arguments, { 'x-dead-letter-exchange': 'orders.dlx', 'x-message-ttl': 60000, 'x-queue-type': 'quorum' });
    // 4.x stores x-queue-type: classic on classic queues declared without it; the empty plan below shows it is no diff.
    assert.deepEqual(queues.find((q) => q.name === 'audit.log')?.arguments, { 'x-queue-type': 'classic' });
    const policies = (await a4.get<{ name: string; definition: unknown }[]>(['policies', 'shop'])) ?? [];
    assert.deepEqual(Object.fromEntries(policies.map((p) => [p.name, p.definition])), { 'ha-orders': { overflow: 'reject-publish', 'max-length': 10000 }, 'lazy-audit': { 'max-length': 1000 } });
    const bindings = (await a4.get<{ source: string; destination: string }[]>(['bindings', 'shop'])) ?? [];
    assert.deepEqual(bindings.filter((b) => b.source !== '').map((b) => `${b.source}->${b.destination}`).sort(), ['orders->audit.log', 'orders->orders.created', 'orders.dlx->orders.dead']);
    assert.equal(await a4.whoami('shop-app', 'shop-app-pw-4411'), 200, 'the password hash came over');

    await upgraded.assertPlanEmpty();
    // Once the transient queue exists, 4.0.5 itself reports the deprecated feature in use.
    const plan = await upgraded.plan();
    assert.match(plan.stdout + plan.stderr, /W_DEPRECATED.*RabbitMQ 4\.0\.5 reports a deprecated feature in use on the broker: transient_nonexcl_queues/);
  });

  test('a spec with ha-mode fails against the 4.0 target with the reason, and the broker is left as it was', async () => {
    const raw = stackOn(next, 'shop');
    const exported = await stackOn(old, 'reader').cli(['export', '--vhost', 'shop', '--stack', 'shop', '-o', raw.dir]);
    assert.equal(exported.code, 0, exported.stderr);
    const before = await a4.get(['definitions']);
    for (const run of [() => raw.plan(), () => raw.apply(), () => raw.cli(['apply', '{dir}', '--auto-approve'])]) {
      const r = await run();
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, /E_VERSION.*vhosts\.shop\.policies\.ha-orders\.definition\.ha-mode: RabbitMQ 4\.0\.5 removed classic queue mirroring in 4\.0 .*instead: replicate with quorum queues/);
      assert.match(r.stderr, /W_VERSION.*vhosts\.shop\.queues\.orders\.dead\.arguments\.x-queue-mode: RabbitMQ 4\.0\.5 ignores the queue mode/);
    }
    assert.deepEqual(await a4.get(['definitions']), before);
  });

  test('plan/apply --upgrade --quorum-for-mirrored of the same 3.x spec rewrite it the same way: nothing left to change on 4.0.5', async () => {
    const raw = stackOn(next, 'shop');
    assert.equal((await stackOn(old, 'reader').cli(['export', '--vhost', 'shop', '--stack', 'shop', '-o', raw.dir])).code, 0);
    const plan = await raw.cli(['plan', '{dir}', '--upgrade', '--quorum-for-mirrored', '--detailed-exitcode']);
    assert.equal(plan.code, 0, `${plan.stdout}\n${plan.stderr}`);
    const listed = plan.stdout.split('\n').filter((l) => l.includes('W_UPGRADE')).map((l) => l.replace(/^.*W_UPGRADE:? /, '').replace(/^.*?: (?=(policy|queue) )/, ''));
    // Against the broker the rewrites name its own version.
    assert.deepEqual(listed.sort(), EXPECTED_REWRITES.map((r) => r.replace('RabbitMQ 4.0 ', 'RabbitMQ 4.0.5 ')));
  });

  test('3.10 refuses a 4.x-only setting: the x-local-random exchange type', async () => {
    const s = stackOn(old, 'local');
    s.write({ vhosts: { local: { exchanges: { nearest: { type: 'x-local-random' } } } } });
    const r = await s.plan();
    assert.equal(r.code, 1);
    assert.match(r.stderr, /E_VERSION.*vhosts\.local\.exchanges\.nearest\.type: RabbitMQ 3\.10\.8 has no x-local-random exchange type/);
    assert.equal(await a3.get(['vhosts', 'local']), undefined);
  });
});
