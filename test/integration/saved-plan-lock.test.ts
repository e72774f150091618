// Saved plans and the stack lock against a real broker, through the spawned CLI: plan -o then
// apply FILE; a plan gone stale, or of an unknown version, is refused with nothing changed; a
// held lock stops a second apply at once and names its holder; an apply killed with SIGKILL
// half way leaves no lock behind, and the next apply converges.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { acquireStackLock, type StackLock } from '../../src/apply/lock.js';
import { type BrokerHandle, skipUnlessBroker, startBroker } from '../harness/broker.js';
import { api, connectAmqp, type Api } from '../support/management.js';
import { SpecStack } from '../support/warren-stack.js';

const skip = skipUnlessBroker();
const WARREN_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'warren.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  [k: string]: unknown;
}

describe('saved plans and the stack lock', { skip }, () => {
  let broker: BrokerHandle;
  let a: Api;
  let tmp: string;
  const stacks: SpecStack[] = [];
  const stackOf = (name: string): SpecStack => {
    const s = new SpecStack(broker, name);
    stacks.push(s);
    return s;
  };

  before(async () => {
    broker = await startBroker();
    a = api(broker);
    tmp = mkdtempSync(join(tmpdir(), 'warren-plans-'));
  });
  after(async () => {
    for (const s of stacks) s.remove();
    rmSync(tmp, { recursive: true, force: true });
    await broker?.stop();
  });

  test('plan -o saves the plan without the password; apply FILE runs it; the spec then plans empty', async () => {
    const stack = stackOf('saved');
    stack.write({
      vhosts: { saved: { exchanges: { x: { type: 'topic' } }, queues: { q: { arguments: { 'x-max-length': 10 } } }, bindings: [{ source: 'x', queue: 'q', routing_key: '#' }] } },
      users: { 'saved-svc': { password: 'saved-plan-secret-42', tags: ['monitoring'], permissions: { saved: { read: '.*' } } } },
    });
    const file = join(tmp, 'saved.json');
    const planned = await stack.cli(['plan', '{dir}', '-o', file]);
    assert.equal(planned.code, 0, planned.stderr);
    assert.match(planned.stderr, /Saved the plan to /);
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /saved-plan-secret-42/);
    assert.equal((JSON.parse(text) as { warren_plan: number }).warren_plan, 1);

    const applied = await stack.cli(['apply', file]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /the broker still matches it/);
    assert.match(applied.stdout, /Apply complete: 6 created/);
    assert.equal(await a.whoami('saved-svc', 'saved-plan-secret-42'), 200, 'the saved hash is the password');
    await stack.assertPlanEmpty();
  });

  test('a stale plan is refused: nothing changes, and the message names the object', async () => {
    const stack = stackOf('stale');
    const spec = (len: number) => ({ vhosts: { stale: { queues: { q: { arguments: { 'x-max-length': len } } }, exchanges: { x: { type: 'fanout' } } } } });
    stack.write(spec(10));
    await stack.applyOk();
    stack.write(spec(20));
    const file = join(tmp, 'stale.json');
    assert.equal((await stack.cli(['plan', '{dir}', '-o', file])).code, 0);

    // Someone changes the queue outside warren after the plan was made.
    await a.del(['queues', 'stale', 'q']);
    await a.put(['queues', 'stale', 'q'], { durable: true, arguments: { 'x-max-length': 30 } });
    const refused = await stack.cli(['apply', file]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error E_STALE_PLAN: plan is stale: queue stale\/q changed since the plan was made; nothing was changed/);
    assert.deepEqual((await a.get<Row>(['queues', 'stale', 'q']))?.['arguments'], { 'x-max-length': 30 });
    assert.equal(await a.get(['queues', '/', 'warren.lock.stale']), undefined, 'the lock is released');

    // A new plan of the same spec is current again.
    assert.equal((await stack.cli(['plan', '{dir}', '-o', file])).code, 0);
    assert.equal((await stack.cli(['apply', file])).code, 0);
    await stack.assertPlanEmpty();
  });

  test('an unknown plan version is refused with E_PLAN_FILE before anything is read or written', async () => {
    const stack = stackOf('version');
    stack.write({ vhosts: { version: { queues: { q: {} } } } });
    const file = join(tmp, 'version.json');
    assert.equal((await stack.cli(['plan', '{dir}', '-o', file])).code, 0);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...doc, warren_plan: 99 }));
    const refused = await stack.cli(['apply', file]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error E_PLAN_FILE: .*version\.json: unknown plan version 99 \(this warren reads version 1\)/);
    assert.equal(await a.get(['vhosts', 'version']), undefined);
  });

  test('a held lock stops a second apply within seconds, naming host, pid and since; the lock queue never shows in a plan', async () => {
    const stack = stackOf('locked');
    stack.write({ vhosts: { '/': {}, locked: { queues: { q: {} } } } });
    const file = join(tmp, 'locked.json');
    assert.equal((await stack.cli(['plan', '{dir}', '-o', file])).code, 0);

    const holder = { stack: 'locked', host: 'build-7.ci', pid: 4242, since: '2026-11-27T10:00:00.000Z', version: '0.1.0', user: 'guest' };
    const lock: StackLock = await acquireStackLock('/', holder, {
      connect: async (vhost) => ({ connection: await connectAmqp(broker, vhost), endpoint: broker.amqpUrl, index: 0 }),
      queueArguments: async () => undefined,
    });
    try {
      for (const args of [['apply', '{dir}', '--auto-approve'], ['apply', file]]) {
        const started = Date.now();
        const r = await stack.cli(args);
        assert.equal(r.code, 1, r.stdout);
        assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
        assert.match(r.stderr, /error E_LOCKED: stack locked is locked by host build-7\.ci pid 4242 since 2026-11-27T10:00:00\.000Z \(warren 0\.1\.0, user guest\)/);
      }
      assert.equal(await a.get(['vhosts', 'locked']), undefined, 'nothing was written');
      // The lock queue is exclusive: even --prune all over "/" leaves it alone and does not show it.
      const plan = await stack.plan({ prune: 'all' });
      assert.doesNotMatch(plan.stdout, /warren\.lock/);
    } finally {
      await lock.release();
    }
    assert.equal((await stack.cli(['apply', '{dir}', '--auto-approve'])).code, 0);
    await stack.assertPlanEmpty();
  });

  test('an apply killed half way (SIGKILL) leaves no lock; the next apply converges and the plan is empty', async () => {
    const stack = stackOf('crash');
    const queues: Record<string, object> = {};
    for (let i = 0; i < 2000; i++) queues[`q.${String(i).padStart(4, '0')}`] = {};
    const exchanges: Record<string, object> = {};
    for (let i = 0; i < 200; i++) exchanges[`x.${i}`] = { type: 'fanout' };
    stack.write({ vhosts: { crash: { exchanges, queues } } });

    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('WARREN_')) env[k] = v;
    Object.assign(env, stack.env, { NO_COLOR: '1' });
    // RabbitMQ 3.10 can answer HTTP 500 for an exclusive queue while its connection is going away:
    // that is "still there", and the next poll asks again.
    const lockQueue = async (): Promise<unknown> => {
      try {
        return await a.get(['queues', '/', 'warren.lock.crash']);
      } catch (e) {
        if (/HTTP 500/.test(String(e))) return 'going away';
        throw e;
      }
    };
    const child = spawn(process.execPath, [WARREN_BIN, 'apply', stack.dir, '--auto-approve', '--concurrency', '2'], { env, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      // Wait until it holds the lock and has written part of the plan.
      const deadline = Date.now() + 60_000;
      let written = 0;
      while (Date.now() < deadline) {
        const lock = await lockQueue();
        written = ((await a.get<Row[]>(['queues', 'crash'], 'columns=name')) ?? []).length;
        if (lock !== undefined && written >= 200) break;
        await sleep(50);
      }
      assert.ok(written >= 200 && written < 2000, `expected a partial apply, saw ${written} queues`);
    } finally {
      child.kill('SIGKILL');
    }
    await exited;

    // The broker drops the exclusive queue with the dead connection.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await lockQueue()) !== undefined) await sleep(100);
    assert.equal(await lockQueue(), undefined, 'the lock outlived the killed apply');

    const rerun = await stack.cli(['apply', '{dir}', '--auto-approve']);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(((await a.get<Row[]>(['queues', 'crash'], 'columns=name')) ?? []).length, 2000);
    await stack.assertPlanEmpty();
  });
});

