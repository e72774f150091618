// warren export and warren render through the spawned CLI, against a broker a stack applied:
// the flags (-o file or folder, --vhost, --stack, stdout), the ownership warning, validate and
// an empty plan on the export, and render's JSON accepted by POST /api/definitions.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { type BrokerHandle, skipUnlessBroker, startBroker } from '../harness/broker.js';
import { api, type Api } from '../support/management.js';
import { SpecStack } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

describe('export and render from the command line', { skip }, () => {
  let broker: BrokerHandle;
  let a: Api;
  let stack: SpecStack;
  let out: string;

  before(async () => {
    broker = await startBroker();
    a = api(broker);
    out = mkdtempSync(join(tmpdir(), 'warren-export-'));
    stack = new SpecStack(broker, 'shop');
    stack.write({
      vhosts: {
        shop: {
          default_queue_type: 'quorum',
          exchanges: { orders: { type: 'topic' }, 'yes': { type: 'fanout', durable: false } },
          queues: { 'orders.created': {}, '#': { type: 'classic', arguments: { 'x-max-priority': 5 } } },
          bindings: [{ source: 'orders', queue: 'orders.created', routing_key: 'order.*' }, { source: 'yes', queue: '#' }],
          policies: { ttl: { pattern: '^orders', apply_to: 'queues', definition: { 'message-ttl': 1000 } } },
        },
        other: { queues: { q: {} } },
      },
      users: { 'shop-svc': { password: 'export-test-password', tags: ['monitoring'], permissions: { shop: { read: '.*' } } } },
    });
    await stack.applyOk();
  });
  after(async () => {
    stack?.remove();
    rmSync(out ?? '', { recursive: true, force: true });
    await broker?.stop();
  });

  test('export -o DIR --vhost --stack: a file per vhost and users.yaml that validate and plan to nothing (--prune none: the stack owns another vhost, and the export says so)', async () => {
    const dir = join(out, 'shop');
    const r = await stack.cli(['export', '-o', dir, '--vhost', 'shop', '--stack', 'shop']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: stack shop owns 2 objects this export leaves out: planning it as stack shop with --prune managed \(the default\) deletes them/);
    assert.match(r.stderr, /Exported \d+ objects to .* \(left out: 6 amq\.\* exchanges \(the broker's own\)\)\./);
    assert.deepEqual(readdirSync(dir).sort(), ['users.yaml', 'vhost-shop.yaml']);
    const vhostFile = readFileSync(join(dir, 'vhost-shop.yaml'), 'utf8');
    assert.match(vhostFile, /'yes': \{ type: fanout, durable: false \}/);
    assert.match(vhostFile, /'#':\n {8}type: classic\n {8}arguments: \{ x-max-priority: 5 \}\n/);
    assert.match(vhostFile, /- \{ source: 'yes', queue: '#' \}/);
    assert.match(vhostFile, /orders\.created: \{\}/, 'quorum is the vhost default: no type written');
    assert.doesNotMatch(readFileSync(join(dir, 'users.yaml'), 'utf8'), /export-test-password/);
    assert.equal((await stack.cli(['validate', dir])).code, 0);
    const plan = await stack.cli(['plan', dir, '--detailed-exitcode', '--prune', 'none']);
    // users.yaml holds guest and its grant, which stack shop never owned: adopting them is the only change.
    assert.equal(plan.code, 2, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /^No changes to broker objects; only the ownership record changes\. .*\nAdoption pending: stack shop does not yet own 2 objects /m);
  });

  test('exported under another stack name: a warning names the owner, and planning it is refused', async () => {
    const file = join(out, 'other.yaml');
    const r = await stack.cli(['export', '-o', file, '--vhost', 'shop']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /warning: \d+ exported objects are owned by stack shop: planning this export as stack exported refuses them \(E_OWNERSHIP\)/);
    const plan = await stack.cli(['plan', file]);
    assert.equal(plan.code, 1);
    assert.match(plan.stderr, /E_OWNERSHIP/);
  });

  test('export to stdout: the whole broker as one YAML document', async () => {
    const r = await stack.cli(['export']);
    assert.equal(r.code, 0, r.stderr);
    const doc = parse(r.stdout) as { version: number; stack: string; vhosts: Record<string, unknown>; users: Record<string, unknown> };
    assert.equal(doc.stack, 'exported');
    assert.deepEqual(Object.keys(doc.vhosts).sort(), ['/', 'other', 'shop']);
    assert.ok('guest' in doc.users && 'shop-svc' in doc.users);
    assert.equal(existsSync(join(stack.dir, 'exported.yaml')), false);
  });

  test('render --format definitions: hashed passwords, accepted by POST /api/definitions, plan still empty', async () => {
    const r = await stack.cli(['render', '{dir}', '--format', 'definitions']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /export-test-password/);
    const defs = JSON.parse(r.stdout) as Record<string, unknown>;
    await a.post(['definitions'], defs);
    assert.equal(await a.whoami('shop-svc', 'export-test-password'), 200);
    await stack.assertPlanEmpty();
  });
});
