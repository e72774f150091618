// The executor's own rules (ordering, stopping, the data-loss refusal) with a recording target.
// Real broker behaviour is covered by the integration tests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { planChanges, type Change } from '../../src/plan/index.js';
import { WarrenError } from '../../src/errors.js';
import { binding, exchange, keysOf, modelOf, queue, vhost, withMessages } from '../support/build.js';
import type { Resource } from '../../src/model/types.js';

function planOf(desired: Resource[], live: Resource[], owned: Resource[] = []) {
  return planChanges({ stack: 's', desired: modelOf(...desired), live: modelOf(...live), ownership: new Map([['s', keysOf(...owned)]]), prune: 'managed', specVhosts: new Set(['v']) });
}

function recorder(failOn?: string) {
  const log: string[] = [];
  const inFlight = new Set<string>();
  return {
    log,
    target: {
      async execute(c: Change) {
        // A binding may only start once no queue or exchange write is still in flight.
        if (c.kind === 'binding') assert.ok(![...inFlight].some((k) => k.startsWith('queue') || k.startsWith('exchange')));
        inFlight.add(c.key);
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        inFlight.delete(c.key);
        if (c.title === failOn) throw new Error('broker said no');
        log.push(`${c.action} ${c.title}`);
      },
      async recordOwnership(stack: string, keys: readonly string[]) {
        log.push(`own ${stack} ${keys.length}`);
      },
    },
  };
}

describe('apply executor', () => {
  const desired = [vhost('v'), exchange('v', 'x'), ...Array.from({ length: 20 }, (_, i) => queue('v', `q${i}`)), ...Array.from({ length: 20 }, (_, i) => binding('v', 'x', `q${i}`))];

  it('runs phases in order with bounded concurrency and records ownership', async () => {
    const { log, target } = recorder();
    const report = await applyPlan(planOf(desired, []), target, { allowDataLoss: false, concurrency: 8 });
    assert.equal(report.applied, 42);
    assert.equal(log[0], 'own s 42');
    assert.equal(log.at(-1), 'own s 42');
    assert.equal(log[1], 'create vhost v');
  });

  it('asks a limit function for each phase and keeps to its answer', async () => {
    let inFlight = 0;
    let peak = 0;
    const peaks = new Map<string, number>();
    const target = {
      async execute(c: Change) {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        peaks.set(c.kind, Math.max(peaks.get(c.kind) ?? 0, peak));
      },
      async recordOwnership() {},
    };
    const asked: string[] = [];
    const limit = (phase: readonly Change[]): number => {
      asked.push(`${phase[0]?.kind} ${phase.length}`);
      peak = 0;
      return phase[0]?.kind === 'queue' ? 5 : 2;
    };
    await applyPlan(planOf(desired, []), target, { allowDataLoss: false, concurrency: limit });
    assert.deepEqual(asked, ['vhost 1', 'exchange 1', 'queue 20', 'binding 20']);
    assert.equal(peaks.get('queue'), 5);
    assert.equal(peaks.get('binding'), 2);
  });

  it('stops at the first failure and says what was and was not done', async () => {
    const { log, target } = recorder('queue v/q3');
    await assert.rejects(applyPlan(planOf(desired, []), target, { allowDataLoss: false, concurrency: 1 }), (err: unknown) => {
      // Queues run in key order (q0, q1, q10 … q19, q2, q3): 1 vhost + 1 exchange + 13 queues precede q3.
      assert.ok(err instanceof WarrenError);
      assert.equal(err.code, 'E_APPLY');
      assert.match(err.message, /apply stopped at create queue v\/q3: broker said no/);
      assert.match(err.message, /15 of 42 changes were applied; 27 were not/);
      return true;
    });
    assert.ok(!log.some((l) => l.startsWith('create binding')));
    assert.equal(log.filter((l) => l.startsWith('own')).length, 1);
  });

  it('refuses a plan that loses messages before touching anything', async () => {
    const { log, target } = recorder();
    const q = withMessages(queue('v', 'full'), 12);
    const plan = planOf([vhost('v')], [vhost('v'), q], [q]);
    await assert.rejects(applyPlan(plan, target, { allowDataLoss: false, concurrency: 4 }), /would lose messages; nothing was changed[\s\S]*delete queue v\/full: 12 messages/);
    assert.equal(log.length, 0);
    await applyPlan(plan, target, { allowDataLoss: true, concurrency: 4 });
    assert.ok(log.includes('delete queue v/full'));
  });

  it('stops before the next change once the lock is lost for good, with E_LOCKED and what was done', async () => {
    const { log, target } = recorder();
    let asked = 0;
    const stillLocked = async (): Promise<void> => {
      if (++asked > 5) throw new WarrenError('E_LOCKED', 'the lock of stack s was lost and could not be taken again: gone');
    };
    await assert.rejects(applyPlan(planOf(desired, []), target, { allowDataLoss: false, concurrency: 1, stillLocked }), (err: unknown) => {
      assert.ok(err instanceof WarrenError);
      assert.equal(err.code, 'E_LOCKED');
      assert.match(err.message, /^apply stopped before create queue v\/q11: the lock of stack s was lost and could not be taken again: gone\n  5 of 42 changes were applied/);
      return true;
    });
    assert.equal(log.filter((l) => l.startsWith('create')).length, 5);
    assert.ok(!log.includes('own s 42') || log.indexOf('own s 42') === 0, 'the final ownership record is not written');
  });

  it('asks about the lock once more before the final ownership record', async () => {
    const { log, target } = recorder();
    let asked = 0;
    const stillLocked = async (): Promise<void> => {
      if (++asked > 42) throw new WarrenError('E_LOCKED', 'lost at the end');
    };
    await assert.rejects(applyPlan(planOf(desired, []), target, { allowDataLoss: false, concurrency: 4, stillLocked }), /apply stopped before writing the ownership record: lost at the end\n  42 of 42 changes were applied/);
    assert.equal(log.filter((l) => l.startsWith('own')).length, 1);
  });
});
