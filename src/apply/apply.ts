// Executes a plan through an ApplyTarget (broker-target.ts and its writers in this folder). It refuses the
// whole plan before touching anything when a change would lose messages, runs the plan's phases in
// order with bounded concurrency, and on failure stops and says what was and was not done.
// Every step is safe to repeat, so rerunning plan + apply after a failure converges.
import { WarrenError } from '../errors.js';
import { blockedMigrations } from '../plan/migration.js';
import { appliesLast } from '../plan/order.js';
import type { Change, Plan } from '../plan/types.js';
import { splitIntoPhases } from './phases.js';
import { runPool } from './pool.js';

export interface ApplyOptions {
  allowDataLoss: boolean;
  /** Requests in flight at once within a phase; a function decides it for each phase. */
  concurrency: number | ((phase: readonly Change[]) => number);
  onProgress?: ((done: number, total: number) => void) | undefined;
  /**
   * Resolves while the stack's lock is held, throws (E_LOCKED) once it is lost for good. Asked
   * before every change and before the ownership record: an apply that lost its lock stops.
   */
  stillLocked?: (() => Promise<void>) | undefined;
  /** The user warren connects as: an update of it runs after everything else (plan/order.ts says why). */
  connectingUser?: string | undefined;
}

export interface ApplyTarget {
  execute(change: Change): Promise<void>;
  /** Writes the stack's ownership record (the keys it owns). */
  recordOwnership(stack: string, keys: readonly string[]): Promise<void>;
}

export interface ApplyReport {
  applied: number;
}

export function refuseDataLoss(plan: Plan, allowDataLoss: boolean): void {
  const losing = plan.changes.filter((c) => c.dataLoss);
  if (losing.length === 0 || allowDataLoss) return;
  const lines = losing.map((c) => `  ${c.action} ${c.title}: ${plural(c.dataLoss?.messages ?? 0)}${c.dataLoss?.reason !== undefined ? ` (${c.dataLoss.reason})` : ''}`);
  throw new WarrenError('E_DATA_LOSS', `the plan would lose messages; nothing was changed. Rerun with --allow-data-loss to accept:\n${lines.join('\n')}`);
}

/** A migration a policy would break is refused before anything changes (see plan/migration.ts). */
export function refuseBlockedMigrations(plan: Plan): void {
  const blocked = blockedMigrations(plan.changes);
  if (blocked.length === 0) return;
  const lines = blocked.map((c) => `  ${c.title}: ${c.migration?.blocked ?? ''}`);
  throw new WarrenError('E_MIGRATION', `a queue cannot be migrated without losing messages; nothing was changed. Fix the policy, or rerun with --allow-data-loss to drop the messages instead:\n${lines.join('\n')}`);
}

function plural(n: number): string {
  return Number.isFinite(n) ? `${n} message${n === 1 ? '' : 's'}` : 'an unknown number of messages';
}

export async function applyPlan(plan: Plan, target: ApplyTarget, options: ApplyOptions): Promise<ApplyReport> {
  refuseDataLoss(plan, options.allowDataLoss);
  refuseBlockedMigrations(plan);
  const total = plan.changes.length;
  let applied = 0;
  // Record ownership of what is about to be created first, so objects made by an apply that
  // crashes half way are still this stack's on the next run; the exact record is written last.
  if (plan.ownershipChanged || total > 0) await target.recordOwnership(plan.stack, plan.owned.concat(plan.changes.filter((c) => c.action === 'delete').map((c) => c.key)).sort());
  const locked = options.stillLocked ?? (async () => undefined);
  // Decided here again, not only by the plan's order: a saved plan may be applied as another user.
  const last = plan.changes.filter((c) => appliesLast(c, options.connectingUser));
  for (const phase of splitIntoPhases(plan.changes.filter((c) => !last.includes(c)))) {
    const limit = typeof options.concurrency === 'number' ? options.concurrency : options.concurrency(phase);
    const result = await runPool(phase, limit, async (c) => {
      await locked();
      await target.execute(c);
    }, () => {
      applied++;
      options.onProgress?.(applied, total);
    });
    const failure = result.failed[0];
    if (failure) throw applyFailure(failure.item, failure.error, applied, total);
  }
  await locked().catch((error: unknown) => {
    throw applyFailure(undefined, error, applied, total);
  });
  await target.recordOwnership(plan.stack, plan.owned);
  for (const change of last) {
    try {
      await locked();
      await target.execute(change);
    } catch (error) {
      throw applyFailure(change, error, applied, total);
    }
    applied++;
    options.onProgress?.(applied, total);
  }
  return { applied };
}

function applyFailure(change: Change | undefined, error: unknown, applied: number, total: number): WarrenError {
  const cause = error instanceof Error ? error.message : String(error);
  // A lost lock stops the apply between changes, not in one: it keeps its own code.
  const lockLost = error instanceof WarrenError && error.code === 'E_LOCKED';
  const where = change === undefined ? 'before writing the ownership record' : `${lockLost ? 'before' : 'at'} ${change.action} ${change.title}`;
  const message =
    `apply stopped ${where}: ${cause}\n` +
    `  ${applied} of ${total} changes were applied; ${total - applied} were not. ` +
    'Every change is safe to repeat: fix the cause and run apply again to finish.';
  return new WarrenError(lockLost ? 'E_LOCKED' : 'E_APPLY', message, { endpoint: error instanceof WarrenError ? error.endpoint : undefined });
}
