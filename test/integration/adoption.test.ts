// Adopting an existing broker, as a new user does it: a broker made by hand is exported, the
// export committed, a queue removed from it in a pull request, and CI plans with
// --detailed-exitcode and applies on exit 2. The first plan must not say "No changes" and exit 0
// (the stack owns nothing yet, so nothing would ever be deleted): it says loudly what it ignores
// and exits 2; with `export --adopt` it plans the deletion itself.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import type { Api } from '../support/management.js';
import { actionsOf, type SpecStack } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

interface Row {
  [k: string]: unknown;
}

/** The hand-made broker: one vhost, an exchange, three queues, a binding. */
async function handMade(a: Api, vhost: string): Promise<void> {
  await a.put(['vhosts', vhost], { description: 'made by hand' });
  await a.put(['exchanges', vhost, 'orders'], { type: 'topic', durable: true });
  for (const q of ['orders.created', 'orders.old', 'orders.audit']) await a.put(['queues', vhost, q], { durable: true });
  await a.post(['bindings', vhost, 'e', 'orders', 'q', 'orders.created'], { routing_key: 'order.created' });
}

/** The pull request: a queue taken out of the exported vhost file. */
function removeQueue(stack: SpecStack, vhost: string, queue: string): void {
  const file = join(stack.dir, `vhost-${vhost}.yaml`);
  const doc = parse(readFileSync(file, 'utf8')) as { vhosts: Record<string, { queues: Record<string, unknown> }> };
  const queues = doc.vhosts[vhost]?.queues ?? {};
  assert.ok(queue in queues, `${queue} is in the export`);
  delete queues[queue];
  writeFileSync(file, stringify(doc));
}

describe('adoption: export, commit, change, plan in CI', { skip }, () => {
  const suite = new BrokerSuite();
  let a: Api;
  before(() => ({ api: a } = suite));

  test('without --adopt: the first plan says what it ignores and that adoption is pending, and exits 2; after the first apply plans are exact', async () => {
    await handMade(a, 'adopt1');
    const stack = suite.stack('adopt1');
    const exported = await stack.cli(['export', '-o', '{dir}', '--vhost', 'adopt1', '--stack', 'adopt1']);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /Stack adopt1 does not own 8 of them yet: its plans show the adoption as pending, and delete none of them, until an apply records it \(`warren apply` once, or export with --adopt\)\./);
    removeQueue(stack, 'adopt1', 'orders.old');

    const first = await stack.cli(['plan', '{dir}', '--detailed-exitcode']);
    assert.equal(first.code, 2, `a pending adoption is a change:\n${first.stdout}${first.stderr}`);
    assert.equal(
      first.stdout,
      'No changes to broker objects; only the ownership record changes. The broker matches the spec (7 objects).\n' +
        'Adoption pending: stack adopt1 does not yet own 7 objects that the broker already has and the spec declares; apply records them (stack adopt1 will own 7 objects). Until then, removing one of them from the spec deletes nothing.\n' +
        'Ignored: 1 object in the spec\'s vhosts is neither declared nor owned by any stack (queue adopt1/orders.old); stack adopt1 deletes only what it owns. Declare it to manage it, or plan with --prune all to delete it.\n',
    );
    const doc = await stack.planJson();
    assert.deepEqual(doc.ownership, { changed: true, owned_count: 7, adopting: 7 });
    assert.deepEqual(doc.ignored, { count: 1, examples: ['queue adopt1/orders.old'] });

    // CI applies on exit 2: the ownership is recorded, the ignored queue stays (nobody owns it).
    const applied = await stack.applyOk();
    assert.match(applied.stdout, /Stack adopt1 now owns 7 objects \(ownership recorded; nothing else changed\)\./);
    const record = (await a.get<Row>(['global-parameters', 'warren.stack.adopt1'])) ?? {};
    assert.equal((record['value'] as Row)['count'], 7);
    assert.ok(await a.get(['queues', 'adopt1', 'orders.old']), 'a queue nobody owns is never deleted by --prune managed');
    await stack.assertPlanEmpty();

    // Later plans are exact: the next queue removed from the spec is deleted.
    removeQueue(stack, 'adopt1', 'orders.audit');
    assert.deepEqual(actionsOf(await stack.planJson()), ['delete queue adopt1/orders.audit']);
    await stack.applyOk();
    assert.equal(await a.get(['queues', 'adopt1', 'orders.audit']), undefined);
    await stack.assertPlanEmpty();
  });

  test('export --adopt records the ownership as it exports: the first plan shows the deletion, and apply makes it', async () => {
    await handMade(a, 'adopt2');
    const stack = suite.stack('adopt2');
    const exported = await stack.cli(['export', '-o', '{dir}', '--vhost', 'adopt2', '--stack', 'adopt2', '--adopt']);
    assert.equal(exported.code, 0, exported.stderr);
    // The user warren connects as has permissions in the vhost, so users.yaml holds it; the first
    // test's stack owns it already, so it is left out of this stack's record, and of its spec.
    assert.match(exported.stderr, /warning: 1 exported object is owned by stack adopt1: planning this export as stack adopt2 refuses them \(E_OWNERSHIP\)/);
    assert.match(exported.stderr, /Stack adopt2 now owns 7 objects \(ownership recorded\): plans of this export are exact, and removing an object from it deletes it from the broker\./);
    rmSync(join(stack.dir, 'users.yaml'));
    await stack.assertPlanEmpty();
    const vhostFile = readFileSync(join(stack.dir, 'vhost-adopt2.yaml'), 'utf8');
    assert.match(vhostFile, /^# yaml-language-server: \$schema=\S+\/schemas\/warren\.schema\.json\n/);

    removeQueue(stack, 'adopt2', 'orders.old');
    const first = await stack.cli(['plan', '{dir}', '--detailed-exitcode']);
    assert.equal(first.code, 2, first.stdout + first.stderr);
    assert.match(first.stdout, /^ {2}- queue adopt2\/orders\.old\n {6}# stack adopt2 no longer declares it$/m);
    assert.doesNotMatch(first.stdout, /Adoption pending|Ignored/);
    await stack.applyOk();
    assert.equal(await a.get(['queues', 'adopt2', 'orders.old']), undefined);
    await stack.assertPlanEmpty();
  });

  test('export --adopt needs a broker: with --from it is refused before anything is read', async () => {
    const stack = suite.stack('adopt3');
    const r = await stack.cli(['export', '--from', join(stack.dir, 'none.json'), '--adopt']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error E_USAGE: --adopt records ownership in the broker, so it needs a broker: use --management (or WARREN_MANAGEMENT_URL) instead of --from, or drop --adopt and apply the export once\n');
  });
});
