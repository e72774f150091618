// One spec, three targets: three single real nodes (not a cluster), the third one down (started,
// then killed). `--target all` plans the two that answer concurrently and reports the third's
// error, the exit code is the worst of them; an apply that fails on one target part way (a vhost
// limit the broker enforces) and cannot reach another says what happened on each and leaves the
// third fully applied: its next plan is empty.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { planTargetsCommand, applyTargetsCommand } from '../../src/cli/commands/targets.js';
import type { PruneMode } from '../../src/plan/index.js';
import { skipUnlessBroker, startBroker, type BrokerHandle } from '../harness/broker.js';
import { api } from '../support/management.js';
import { runInProcess, type RunResult } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

describe('several targets at once, one of them down', { skip }, () => {
  let eu: BrokerHandle;
  let us: BrokerHandle;
  let ap: BrokerHandle;
  let dir: string;

  before(async () => {
    // The down node first, so that no more than two of this file's nodes ever run at once.
    ap = await startBroker();
    await ap.kill();
    [eu, us] = await Promise.all([startBroker(), startBroker()]);
    dir = mkdtempSync(join(tmpdir(), 'warren-multi-'));
    writeSpec(['q1', 'q2', 'q3']);
  });

  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await Promise.all([eu?.stop(), us?.stop(), ap?.stop()]);
  });

  function target(b: BrokerHandle): string {
    return [`    management: ${b.managementUrl}`, `    amqp: ${b.amqpUrl.replace(/\/\/[^@/]*@/, '//')}`, '    username: guest', '    password: guest'].join('\n');
  }

  function writeSpec(queues: string[]): void {
    const lines = ['version: 1', 'stack: multi', 'targets:', '  eu:', target(eu), '  us:', target(us), '  ap:', target(ap), 'vhosts:', '  multi:', '    exchanges:', '      events: { type: topic }', '    queues:'];
    for (const q of queues) lines.push(`      ${q}: { type: classic }`);
    lines.push('    bindings:');
    for (const q of queues) lines.push(`      - { source: events, queue: ${q}, routing_key: ${q}.# }`);
    writeFileSync(join(dir, 'spec.yaml'), `${lines.join('\n')}\n`);
  }

  const plan = (targets: string, opts: { format?: 'text' | 'json'; prune?: PruneMode } = {}): Promise<RunResult> =>
    runInProcess((io) => planTargetsCommand({ paths: [dir], env: {}, connection: {}, prune: opts.prune ?? 'managed', targets, format: opts.format ?? 'text', detailedExitCode: true }, io));
  const apply = (targets: string): Promise<RunResult> =>
    runInProcess((io) => applyTargetsCommand({ paths: [dir], env: {}, connection: {}, prune: 'managed', targets, autoApprove: true, allowDataLoss: false, concurrency: 8 }, io));

  test('plan --target all: each target apart, the down one as an error, one summary, exit 1', async () => {
    const r = await plan('all');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const sections = r.stdout.split(/^=== target (\S+) ===$/m);
    assert.deepEqual([sections[1], sections[3], sections[5]], ['eu', 'us', 'ap'], r.stdout);
    assert.match(sections[2] ?? '', /Plan: 8 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged\./);
    assert.match(sections[4] ?? '', /Plan: 8 to create/);
    assert.match(sections[6] ?? '', new RegExp(`${ap.managementUrl}: error E_CONNECT: `));
    assert.match(r.stdout, /^Summary of 3 targets \(1 failed\):\n {2}eu: 8 to create, .*\n {2}us: 8 to create, .*\n {2}ap: failed \(E_CONNECT\)\n$/m);
    assert.match(r.stderr, /^\[eu\] Read /m);
    assert.match(r.stderr, /^\[us\] Read /m);
  });

  test('--target eu,us: changes pending on either makes --detailed-exitcode 2; JSON holds each plan', async () => {
    const r = await plan('eu,us', { format: 'json' });
    assert.equal(r.code, 2, r.stderr);
    const doc = JSON.parse(r.stdout) as { format_version: string; targets: { target: string; plan?: { summary: { create: number } } }[] };
    assert.equal(doc.format_version, '1');
    assert.deepEqual(doc.targets.map((t) => [t.target, t.plan?.summary.create]), [['eu', 8], ['us', 8]]);
  });

  test('a name the spec lacks, or WARREN_MANAGEMENT_URL, is an error before any broker is read', async () => {
    const unknown = await plan('eu,mars');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /error E_TARGET: --target eu,mars: the spec has no target mars \(known: eu, us, ap\)/);
    const env = await runInProcess((io) =>
      planTargetsCommand({ paths: [dir], env: { WARREN_MANAGEMENT_URL: eu.managementUrl }, connection: {}, prune: 'managed', targets: 'all', format: 'text', detailedExitCode: true }, io),
    );
    assert.equal(env.code, 1);
    assert.match(env.stderr, /E_TARGET: --target all: WARREN_MANAGEMENT_URL would send every target to one broker/);
    assert.doesNotMatch(env.stderr, /Read \d+ objects/);
  });

  test('apply --target all: eu applied in full, us stopped part way by its vhost limit, ap unreachable; each said; eu consistent', async () => {
    // us already has the vhost, limited to one queue: its second queue declare is refused mid-apply.
    const usApi = api(us);
    await usApi.put(['vhosts', 'multi'], {});
    await usApi.put(['vhost-limits', 'multi', 'max-queues'], { value: 1 });
    const r = await apply('all');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^Summary of 3 targets \(2 failed\):$/m);
    assert.match(r.stdout, /^ {2}eu: applied: 8 created, 0 updated, 0 replaced, 0 deleted in [\d.]+ s$/m);
    assert.match(r.stdout, /^ {2}us: failed \(E_APPLY\): apply stopped at create queue multi\/q\d: .*queue limit in vhost 'multi' \(1\) is reached"$/m);
    assert.match(r.stdout, /^ {2}ap: failed \(E_CONNECT\): /m);
    assert.match(r.stderr, /^\[us\] error E_APPLY: /m);
    // Every lock was released, on the target that failed too.
    assert.match(r.stderr, /^\[eu\] Locked stack multi/m);
    assert.match(r.stderr, /^\[us\] Locked stack multi/m);
    const euQueues = (await api(eu).get(['queues', 'multi'])) as { name: string }[];
    assert.deepEqual(euQueues.map((q) => q.name).sort(), ['q1', 'q2', 'q3']);
    const usQueues = (await usApi.get(['queues', 'multi'])) as { name: string }[];
    assert.equal(usQueues.length, 1);

    const afterwards = await plan('eu,us');
    assert.equal(afterwards.code, 2, afterwards.stdout + afterwards.stderr);
    assert.match(afterwards.stdout, /^ {2}eu: no changes$/m);
    assert.match(afterwards.stdout, /^ {2}us: [1-9]\d* to create/m);

    // Once the limit is lifted, applying both converges and the plan is empty on both.
    await usApi.del(['vhost-limits', 'multi', 'max-queues']);
    const again = await apply('eu,us');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /^ {2}eu: no changes$/m);
    assert.match(again.stdout, /^ {2}us: applied: /m);
    const empty = await plan('eu,us');
    assert.equal(empty.code, 0, empty.stdout + empty.stderr);
  });
});
