// warren against a real three-node cluster, and broker faults (issue 9): quorum queues get members
// on every node; a node frozen (SIGSTOP) while plan reads and while apply writes, a node killed
// mid-apply and mid-plan, a memory alarm raised mid-apply, every
// connection reset mid-apply, two applies at once, and a half-made quorum queue. Each run ends with
// success or one clear error (a WarrenError, never E_INTERNAL) and never hangs: broker calls have a
// 10 s deadline here (WARREN_BROKER_TIMEOUT_MS), and each test's own timeout catches a hang. After
// each fault the cluster is made whole again, apply converges and the plan is empty.
// One cluster serves every scenario; the outcomes are printed at the end (README, "Broker faults").
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { applyCommand } from '../../src/cli/commands/apply.js';
import { planCommand } from '../../src/cli/commands/plan.js';
import type { CommandIo } from '../../src/cli/io.js';
import { WarrenError } from '../../src/errors.js';
import { withHalfMadeQueues } from '../../src/live/half-made-queues.js';
import { ManagementClient } from '../../src/live/management-client.js';
import { readBroker } from '../../src/live/read-broker.js';
import { resourceKey } from '../../src/model/keys.js';
import type { Resource } from '../../src/model/types.js';
import { planChanges } from '../../src/plan/index.js';
import { loadSpec } from '../../src/spec/index.js';
import { executePlan } from '../../src/workflow/execute-plan.js';
import { createdReplicatedQueues, loadValidSpec } from '../../src/workflow/plan-spec.js';
import { resolveTarget } from '../../src/workflow/resolve-target.js';
import { skipUnlessBroker, type BrokerHandle } from '../harness/broker.js';
import { brokerInstall } from '../harness/versions.js';
import { startCluster, waitForRunningNodes, type ClusterHandle } from '../harness/cluster.js';
import { makeHalfMadeQueue } from '../support/half-made.js';
import { api } from '../support/management.js';
import { runWatching, strikeOnce } from '../support/run-watching.js';
import { SpecStack, type RunResult } from '../support/warren-stack.js';

const skip = skipUnlessBroker();
// Short enough that a frozen node costs seconds, long enough for what a cluster with a node down
// legitimately takes (a quorum queue delete or declare then waits several seconds for Raft).
const DEADLINE_MS = '10000';
/** A hang guard, not a timing assertion: far above what any scenario needs with 2 s deadlines. */
const HANG_GUARD = { timeout: 150_000 };

describe('broker faults on a three-node cluster', { skip }, () => {
  let cluster: ClusterHandle;
  let nodes: BrokerHandle[];
  const stacks: SpecStack[] = [];
  const outcomes: string[] = [];

  before(async () => {
    cluster = await startCluster(3);
    nodes = cluster.nodes;
  });

  after(async () => {
    for (const n of nodes ?? []) n.thaw();
    for (const s of stacks) s.remove();
    await cluster?.stop();
    console.log(`fault outcomes:\n${outcomes.map((o) => `  ${o}`).join('\n')}`);
  });

  const amqpOf = (n: BrokerHandle): string => n.amqpUrl.replace(/\/\/[^@/]*@/, '//');

  /** A stack over every node (the first node first) with `queues` quorum queues, each bound. */
  /** `deadline` null: the default deadline. */
  function faultStack(name: string, queues = 60, deadline: string | null = DEADLINE_MS): SpecStack {
    const stack = new SpecStack(nodes[0] as BrokerHandle, name, deadline === null ? {} : { WARREN_BROKER_TIMEOUT_MS: deadline });
    for (const k of Object.keys(stack.env)) if (k.startsWith('WARREN_') && k !== 'WARREN_BROKER_TIMEOUT_MS') delete stack.env[k];
    stacks.push(stack);
    const target = { management: nodes.map((n) => n.managementUrl), amqp: nodes.map(amqpOf), username: 'guest', password: 'guest' };
    const q: Record<string, unknown> = {};
    const bindings: unknown[] = [];
    for (let i = 0; i < queues; i++) {
      q[`work.${i}`] = { type: 'quorum' };
      bindings.push({ source: 'work', queue: `work.${i}`, routing_key: `w.${i}` });
    }
    stack.write({ targets: { cluster: target }, vhosts: { [name]: { exchanges: { work: { type: 'direct' } }, queues: q, bindings } } });
    return stack;
  }

  const applyIo = (stack: SpecStack, autoApprove = true, concurrency = 4) => (io: CommandIo) =>
    applyCommand({ paths: [stack.dir], env: stack.env, connection: {}, prune: 'managed', autoApprove, allowDataLoss: false, concurrency }, io);
  // The spec given loaded: these scenarios strike when "Reading ..." shows, so the reads must go out
  // after it. (A plan of one broker otherwise sends them while the spec loads and shows the line
  // when it uses them: workflow/early-read.ts.)
  const planIo = (stack: SpecStack) => (io: CommandIo) =>
    planCommand({ paths: [stack.dir], spec: loadValidSpec({ paths: [stack.dir], env: stack.env }), env: stack.env, connection: {}, prune: 'managed', format: 'text', detailedExitCode: true }, io);

  /** Success, or one WarrenError with one of `codes`: never a crash, never a stack trace. */
  function assertClearEnd(r: RunResult, codes: string[], fault: string): string {
    assert.doesNotMatch(r.stderr, /E_INTERNAL|\n\s+at /, `${fault}: a crash\n${r.stderr}`);
    if (r.code === 0) return 'success';
    assert.equal(r.code, 1, `${fault}: exit ${r.code}\n${r.stderr}`);
    assert.ok(r.error instanceof WarrenError, `${fault}: not a WarrenError: ${String(r.error)}`);
    assert.ok(codes.includes(r.error.code), `${fault}: ${r.error.code}, expected one of ${codes.join(', ')}:\n${r.stderr}`);
    return `${r.error.code}: ${r.error.message.split('\n')[0]}`;
  }

  /** The cluster whole again, then the scenario's last word: apply converges, the plan is empty. */
  async function converge(stack: SpecStack): Promise<void> {
    await Promise.all(nodes.map((n) => waitForRunningNodes(n, 3, 90_000)));
    await settled(nodes[1] as BrokerHandle, stack.stack);
    const r = await stack.apply({ concurrency: 8 });
    assert.equal(r.code, 0, `apply after the fault failed:\n${r.stdout}\n${r.stderr}`);
    await stack.assertPlanEmpty();
  }

  const firstApplyLine = (line: string): boolean => /^Applying: \d+\/\d+ \(([2-9]\d)%\)/.test(line);

  test('two applies at once: the second stops at once naming the first; the first completes', HANG_GUARD, async () => {
    const stack = faultStack('twice', 4);
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    let answer!: (a: string) => void;
    const approved = new Promise<string>((r) => (answer = r));
    // The first apply takes the lock, plans, and waits at its confirmation prompt.
    const first = runWatching(applyIo(stack, false), (line) => line.startsWith('Locked stack twice') && locked(), () => approved);
    await lockTaken;
    const second = await stack.apply();
    assert.equal(assertClearEnd(second, ['E_LOCKED'], 'second apply').startsWith('E_LOCKED'), true);
    assert.match(second.stderr, new RegExp(`stack twice is locked by host .* pid ${process.pid} since `));
    answer('yes');
    const r = await first;
    outcomes.push(`two applies at once: first ${assertClearEnd(r, [], 'first apply')}; second ${second.stderr.split('\n').find((l) => l.includes('E_LOCKED'))}`);
    await converge(stack);
  });

  test('every connection reset mid-apply: the writers reconnect and resend, the lock is taken again, the apply completes', HANG_GUARD, async () => {
    const stack = faultStack('reset', 40);
    const [c1] = nodes as [BrokerHandle];
    let reset: SpawnSyncReturns<string> | undefined;
    const r = await runWatching(applyIo(stack), (line) => {
      // Synchronously: the apply (same process) stands still, its connections open and calls in
      // flight, while rabbitmqctl closes every connection of the node; it resumes to find them closed.
      if (reset === undefined && firstApplyLine(line)) {
        reset = spawnSync(brokerInstall('3.10').ctl, ['-n', c1.nodeName, 'close_all_connections', '--global', 'fault test: reset'], { env: { ...process.env, HOME: c1.dir }, encoding: 'utf8' });
      }
    });
    assert.equal(reset?.status, 0, `${reset?.stderr ?? ''}\n${r.stderr}`);
    outcomes.push(`connections reset mid-apply: ${assertClearEnd(r, [], 'reset')}`);
    assert.match(r.stderr, /AMQP: connection to .* \(vhost reset\) lost: .*CONNECTION_FORCED.*; reconnecting/);
    assert.match(r.stderr, /Lock: the connection holding the lock of stack reset to .* was lost \(.*CONNECTION_FORCED.*\); took the lock again on amqp:/);
    assert.doesNotMatch(r.stderr, /was lost during apply/);
    await converge(stack);
  });

  test('a memory alarm raised mid-apply: declares are not publishes, the apply completes', HANG_GUARD, async () => {
    const stack = faultStack('alarm', 20);
    const [c1] = nodes as [BrokerHandle];
    try {
      // Raised at the confirmation prompt: after the plan, before the first write.
      const r = await runWatching(applyIo(stack, false), () => undefined, async () => {
        const set = await c1.rabbitmqctl(['set_vm_memory_high_watermark', '0.0001']);
        assert.equal(set.code, 0, set.stderr);
        await waitForAlarm(c1, true);
        return 'yes';
      });
      outcomes.push(`memory alarm mid-apply: ${assertClearEnd(r, ['E_APPLY', 'E_CONNECT'], 'memory alarm')}`);
    } finally {
      await c1.rabbitmqctl(['set_vm_memory_high_watermark', '0.4']);
      await waitForAlarm(c1, false);
    }
    await converge(stack);
  });

  test('the first node frozen (SIGSTOP) while plan reads: reads move to the next node after the deadline, or one clear error', HANG_GUARD, async () => {
    // 3 s: each of the three endpoints is given up in turn.
    const stack = faultStack('frozen-plan', 10, '3000');
    const [c1] = nodes as [BrokerHandle];
    const freeze = strikeOnce((line) => line.startsWith(`Reading ${c1.managementUrl} (node`), () => c1.freeze());
    try {
      const r = await runWatching(planIo(stack), freeze.watch);
      assert.ok(freeze.struck, r.stderr);
      outcomes.push(`first node frozen mid-plan: ${assertClearEnd(r, ['E_CONNECT'], 'frozen mid-plan')}${r.code === 0 ? ` (${/Management API at .* cannot be reached \((.*?)\); using/.exec(r.stderr)?.[1] ?? ''})` : ''}`);
      if (r.code === 0) assert.match(r.stderr, new RegExp(`Management API at ${c1.managementUrl} cannot be reached \\(no answer within 3000 ms\\); using`));
      // 3.10's other nodes wait for a frozen member on GET /api/vhosts and /api/overview: then the error says so.
      else assert.match(r.stderr, /Every node ran out of time: when one cluster member is frozen/);
    } finally {
      c1.thaw();
    }
    await converge(stack);
  });

  test('the first node frozen (SIGSTOP) mid-apply: calls to it run out of time and fail over; the apply completes or stops with one clear error', HANG_GUARD, async () => {
    const stack = faultStack('frozen-apply', 40, '5000');
    const [c1] = nodes as [BrokerHandle];
    const freeze = strikeOnce(firstApplyLine, () => c1.freeze());
    try {
      const r = await runWatching(applyIo(stack), freeze.watch);
      assert.ok(freeze.struck, r.stderr);
      outcomes.push(`first node frozen mid-apply: ${assertClearEnd(r, ['E_APPLY', 'E_LOCKED', 'E_CONNECT'], 'frozen mid-apply')}`);
      assert.match(r.stderr, /no answer to .* within 5000 ms|Heartbeat timeout/);
    } finally {
      c1.thaw();
    }
    await converge(stack);
  });

  test('quorum queues get members on all three nodes; the output names the node used', HANG_GUARD, async () => {
    const stack = faultStack('q3', 2);
    const [c1] = nodes as [BrokerHandle];
    const r = await stack.applyOk();
    assert.match(r.stderr, new RegExp(`Reading ${c1.managementUrl} \\(node ${c1.nodeName}\\)`));
    assert.match(r.stderr, new RegExp(`AMQP: vhost q3 on ${amqpOf(c1)}`));
    for (const q of ['work.0', 'work.1']) {
      const info = await api(c1).get<{ members?: string[]; type: string }>(['queues', 'q3', q]);
      assert.equal(info?.type, 'quorum');
      assert.deepEqual([...(info?.members ?? [])].sort(), nodes.map((n) => n.nodeName).sort(), `members of ${q}`);
    }
    await stack.assertPlanEmpty();
  });

  test('the first node killed mid-apply: management, the writers and the lock move to the next node, the apply completes; a plan with it still down is empty', HANG_GUARD, async () => {
    // The default deadline (30 s): with a member just dead, 3.10 takes 10-30 s to delete or declare
    // a quorum queue (seen here), and a shorter deadline turns that wait into a failed apply.
    const stack = faultStack('killed', 60, null);
    const [c1, c2] = nodes as [BrokerHandle, BrokerHandle];
    const kill = strikeOnce(firstApplyLine, () => void c1.kill()); // kill -9 happens at once, before kill() returns
    try {
      const r = await runWatching(applyIo(stack, true, 8), kill.watch);
      assert.ok(kill.struck, r.stderr);
      outcomes.push(`first node killed mid-apply: ${assertClearEnd(r, [], 'killed mid-apply')}`);
      assert.match(r.stdout, /Apply complete: 122 created/);
      assert.match(r.stderr, new RegExp(`AMQP: connection to ${amqpOf(c1)} \\(vhost killed\\) lost: .*; reconnecting`));
      assert.match(r.stderr, new RegExp(`AMQP: vhost killed on ${amqpOf(c2)}`));
      assert.match(r.stderr, new RegExp(`Management API at ${c1.managementUrl} cannot be reached \\(connection refused \\(ECONNREFUSED\\)\\); using ${c2.managementUrl}`));
      assert.match(r.stderr, new RegExp(`Lock: the connection holding the lock of stack killed to ${amqpOf(c1)} was lost \\(.*\\); took the lock again on ${amqpOf(c2)} \\(queue warren.lock.killed in vhost /\\)`));
      assert.doesNotMatch(r.stderr, /was lost during apply/);
      // Plan again with the first node still down: it says so, reads through the second, finds nothing to do.
      const plan = await stack.plan({ detailedExitCode: true });
      assert.equal(plan.code, 0, `${plan.stdout}\n${plan.stderr}`);
      assert.match(plan.stderr, new RegExp(`Management API at ${c1.managementUrl} cannot be reached .*; using ${c2.managementUrl}`));
      assert.match(plan.stderr, new RegExp(`Reading ${c2.managementUrl} \\(node ${c2.nodeName}\\)`));
    } finally {
      if (kill.struck) await c1.restart();
    }
    await converge(stack);
  });

  test('the first node killed while plan reads: the reads move to the second node, which the output names', HANG_GUARD, async () => {
    const stack = faultStack('killed-plan', 4);
    await converge(stack);
    const [c1, c2] = nodes as [BrokerHandle, BrokerHandle];
    // The first endpoint answered; its node dies as the reads go out.
    const kill = strikeOnce((line) => line.startsWith(`Reading ${c1.managementUrl} (node ${c1.nodeName})`), () => void c1.kill());
    try {
      const r = await runWatching(planIo(stack), kill.watch);
      assert.ok(kill.struck, r.stderr);
      outcomes.push(`first node killed mid-plan: ${assertClearEnd(r, [], 'killed mid-plan')}`);
      assert.match(r.stderr, new RegExp(`Management API at ${c1.managementUrl} cannot be reached \\(.*\\); using ${c2.managementUrl}\n`));
      assert.match(r.stderr, new RegExp(`Read \\d+ objects from ${c2.managementUrl} `));
    } finally {
      if (kill.struck) await c1.restart();
    }
    await converge(stack);
  });

  test('a half-made quorum queue (record, no Raft group) missing from the counted listing: found, replaced, and it works again', HANG_GUARD, async () => {
    const stack = faultStack('half', 2);
    await converge(stack);
    const [c1] = nodes as [BrokerHandle];
    // What a node dying mid-declare leaves: the record, its leader on a node that is gone, no Raft servers.
    await api(c1).del(['queues', 'half', 'work.1']);
    await makeHalfMadeQueue(c1, 'half', 'work.1');
    const key = resourceKey({ kind: 'queue', vhost: 'half', name: 'work.1', type: 'quorum', durable: true, auto_delete: false, arguments: {} });
    const client = new ManagementClient({ baseUrl: nodes.map((n) => n.managementUrl), username: 'guest', password: 'guest' });
    // The read with message counts (apply PLAN's, export's, the library's default) does not list it:
    // planned on that alone, the queue is proposed for creation again and again.
    const counted = await readBroker(client);
    assert.equal(counted.model.resources.has(key), false, 'the broker leaves the half-made queue out of the counted listing');
    const desired = loadSpec([stack.dir], stack.env).model.resources;
    const planOn = (resources: ReadonlyMap<string, Resource>) =>
      planChanges({ stack: 'half', desired, live: resources, ownership: counted.ownership, prune: 'managed', specVhosts: new Set(['half']) });
    const binding = 'create binding half/work -> queue work.1 [w.1]';
    assert.deepEqual(planOn(counted.model.resources).changes.map((c) => `${c.action} ${c.title}`), ['create queue half/work.1', binding]);

    const { live, found } = await withHalfMadeQueues(client, counted, createdReplicatedQueues(planOn(counted.model.resources)));
    assert.deepEqual(found.map((q) => q.name), ['work.1']);
    const plan = planOn(live.model.resources);
    assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.title}`), ['replace queue half/work.1', binding]);
    assert.deepEqual(plan.diagnostics.map((d) => d.code), ['W_HALF_MADE']);
    const target = resolveTarget([], {}, { WARREN_MANAGEMENT_URL: nodes.map((n) => n.managementUrl).join(','), WARREN_AMQP_URL: nodes.map(amqpOf).join(','), WARREN_BROKER_TIMEOUT_MS: DEADLINE_MS });
    await executePlan(plan, target, client, { allowDataLoss: false, concurrency: 2, progress: () => undefined });

    const info = await api(c1).get<{ leader?: string | null; members?: string[] }>(['queues', 'half', 'work.1']);
    assert.ok(typeof info?.leader === 'string' && info.leader !== '', `the queue has a leader again: ${JSON.stringify(info)}`);
    assert.equal((await readBroker(client)).model.resources.has(key), true, 'listed again');
    outcomes.push('half-made quorum queue: W_HALF_MADE, replaced by apply (delete + declare), leader elected');
    await converge(stack);
  });
});

/**
 * Waits until a node thawed or restarted has finished what it was doing: the vhost's queue list
 * reads the same twice, a second apart (a thawed node completes or rolls back the declares it was
 * frozen in, and an apply that read the broker just before would meet a queue that then vanishes).
 */
async function settled(node: BrokerHandle, vhost: string): Promise<void> {
  let last = '';
  for (let i = 0; i < 30; i++) {
    // A vhost not made yet (404) has no queues; an error means the node is not answering yet.
    const rows = await api(node).get<{ name: string }[]>(['queues', vhost], 'disable_stats=true&columns=name').then(
      (r) => r ?? [],
      () => undefined,
    );
    const now = JSON.stringify((rows ?? []).map((q) => q.name).sort());
    if (rows !== undefined && now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function waitForAlarm(node: BrokerHandle, on: boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const rows = (await api(node).get<{ name: string; mem_alarm?: boolean }[]>(['nodes'], 'columns=name,mem_alarm')) ?? [];
    if (rows.find((n) => n.name === node.nodeName)?.mem_alarm === on) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the memory alarm of ${node.nodeName} did not turn ${on ? 'on' : 'off'}`);
}
