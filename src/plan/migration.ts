// Which queue replaces keep their messages (a migration), and what a migration costs. Pure: the
// planner calls markMigrations() on its changes; apply calls resolveMigrations() with its flags.
//
// A replace of a classic or quorum queue that holds messages (or whose count is unknown) becomes
// a migration: the messages move to a holding queue named `warren.migrate.<name>` in the same
// vhost, which takes over the bindings; the queue is declared anew and they move back (the
// procedure is in src/apply/migrate/). A holding queue found on the broker means a migration an
// earlier apply did not finish: the plan says so and apply finishes it.
// A stream cannot be drained (reading does not remove its messages): its replace stays data loss.
import { HOLDING_QUEUE_PREFIX, holdingQueueName, originalOfHolding } from '../model/holding-queue.js';
import type { Diagnostic } from '../errors.js';
import { describeResource, resourceKey } from '../model/keys.js';
import type { Binding, Json, Policy, Queue, Resource } from '../model/types.js';
import type { Change, Migration, PlanInput } from './types.js';

export { HOLDING_QUEUE_PREFIX, holdingQueueName, originalOfHolding };

/**
 * Policy keys that would limit or expire what the holding queue holds. A policy matching the
 * holding queue with one of these would drop messages in the middle of a migration, so the
 * migration is refused before anything changes.
 */
const LIMITING_POLICY_KEYS = ['max-length', 'max-length-bytes', 'message-ttl', 'expires', 'delivery-limit', 'max-age'];

export interface Marked {
  changes: Change[];
  /** Queues counted as unchanged that now carry a change (a migration to finish). */
  fromUnchanged: number;
  /** Holding queues whose queue the spec no longer declares: nothing finishes them. */
  warnings: Diagnostic[];
}

/**
 * Turns queue replaces that would lose messages into migrations, adds the migrations a holding
 * queue shows to be in progress, and marks what a migration would still lose on the way back.
 */
export function markMigrations(changes: readonly Change[], input: PlanInput): Marked {
  const out = changes.map((c) => (c.kind === 'queue' && c.action === 'replace' ? replaceVerdict(c, input) : c));
  let fromUnchanged = 0;
  const warnings: Diagnostic[] = [];
  for (const [, r] of input.live) {
    if (r.kind !== 'queue') continue;
    const original = originalOfHolding(r.name);
    if (original === undefined) continue;
    const key = resourceKey({ kind: 'queue', vhost: r.vhost, name: original } as Queue);
    const desired = input.desired.get(key);
    if (desired?.kind !== 'queue') {
      const held = r.live?.messages ?? 0;
      warnings.push({
        severity: 'warning',
        code: 'W_MIGRATION',
        message: `queue ${r.vhost}/${r.name} holds ${Number.isFinite(held) ? held : 'an unknown number of'} messages of a migration of queue ${original} that did not finish, and the spec no longer declares ${original}: declare it again and apply to finish the migration, or move or delete the holding queue by hand`,
      });
      continue;
    }
    const at = out.findIndex((c) => c.key === key);
    const held = r.live?.messages ?? 0;
    if (at >= 0) {
      const c = out[at] as Change;
      const messages = c.action === 'create' ? 0 : queueMessages(c.before);
      const migration = migrationOf(c.action === 'create' ? desired : (c.before as Queue), messages, held, true, input, r.name);
      out[at] = withReturnLoss({ ...c, dataLoss: undefined, migration }, c.before, desired);
      continue;
    }
    const live = input.live.get(key);
    if (live?.kind !== 'queue') continue;
    fromUnchanged++;
    const migration = migrationOf(live, queueMessages(live), held, true, input, r.name);
    out.push(withReturnLoss({ action: 'update', key, kind: 'queue', title: describeResource(desired), before: live, after: desired, fields: [], forcedBy: [], reason: 'finish the migration: move the held messages back', migration }, live, desired));
  }
  return { changes: out, fromUnchanged, warnings };
}

function replaceVerdict(c: Change, input: PlanInput): Change {
  const before = c.before;
  if (before?.kind !== 'queue') return c;
  const messages = queueMessages(before);
  if (messages <= 0) return c;
  if (before.type === 'stream') {
    return { ...c, dataLoss: { messages, reason: 'a stream cannot be migrated: reading it does not remove its messages, so it cannot be drained; replacing it drops them' } };
  }
  const holding = holdingQueueName(before.name);
  if (holding === undefined) {
    return { ...c, dataLoss: { messages, reason: `cannot migrate: the holding queue's name (${HOLDING_QUEUE_PREFIX}<name>) would be longer than 255 bytes` } };
  }
  const migration = migrationOf(before, messages, 0, false, input, holding);
  return withReturnLoss({ ...c, migration }, before, c.after);
}

function migrationOf(original: Queue, messages: number, held: number, inProgress: boolean, input: PlanInput, holdingQueue: string): Migration {
  const bindings: string[] = [];
  const holdingName = holdingQueue;
  for (const r of input.live.values()) {
    if (r.kind !== 'binding' || r.vhost !== original.vhost || r.destination_type !== 'queue') continue;
    // Bindings the holding queue has taken over belong to the original: shown under its name.
    if (r.destination === original.name || r.destination === holdingName) bindings.push(describeResource({ ...r, destination: original.name }));
  }
  const blocked = policyConflict(original.vhost, holdingName, input);
  return {
    messages,
    held,
    holdingQueue: holdingName,
    consumers: original.live ? original.live.consumers : 0, // a queue not there yet has none
    bindings: [...new Set(bindings)].sort(),
    inProgress,
    ...(blocked !== undefined ? { blocked } : {}),
  };
}

/** A user or operator policy (live, or one this plan writes first) that would limit or expire the holding queue. */
function policyConflict(vhost: string, holding: string, input: PlanInput): string | undefined {
  const seen = new Map<string, Policy>();
  for (const source of [input.live, input.desired]) {
    for (const [key, r] of source) if ((r.kind === 'policy' || r.kind === 'operator_policy') && r.vhost === vhost) seen.set(key, r);
  }
  for (const p of [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (p.apply_to === 'exchanges' || !matches(p.pattern, holding)) continue;
    const keys = LIMITING_POLICY_KEYS.filter((k) => p.definition[k] !== undefined);
    if (keys.length === 0) continue;
    const kind = p.kind === 'policy' ? 'policy' : 'operator policy';
    return `${kind} ${p.name} (pattern ${JSON.stringify(p.pattern)}) would apply to the holding queue ${holding} and limit or expire its messages (${keys.join(', ')}); change its pattern to leave out ${HOLDING_QUEUE_PREFIX}* names`;
  }
  return undefined;
}

function matches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(name);
  } catch {
    return false; // the spec rules report a pattern that does not compile; a live one is the broker's business
  }
}

/** What the new arguments drop or dead-letter when the messages move back into the new queue. */
function withReturnLoss(c: Change, before: Resource | undefined, after: Resource | undefined): Change {
  const m = c.migration;
  if (!m || after?.kind !== 'queue') return c;
  const loss = returnLoss(before?.kind === 'queue' ? before.arguments : {}, after.arguments, m.messages + m.held);
  return loss ? { ...c, dataLoss: loss } : c;
}

export function returnLoss(before: Record<string, Json>, after: Record<string, Json>, total: number): { messages: number; reason: string } | undefined {
  const reasons: string[] = [];
  let lost = 0;
  const dlx = typeof after['x-dead-letter-exchange'] === 'string';
  const maxLength = num(after['x-max-length']);
  if (maxLength !== undefined && total > maxLength) {
    const overflow = typeof after['x-overflow'] === 'string' ? after['x-overflow'] : 'drop-head';
    const how = overflow === 'drop-head' ? (dlx ? 'dead-letters the oldest' : 'drops the oldest') : overflow === 'reject-publish-dlx' ? 'dead-letters the rest' : 'refuses the rest';
    lost = Math.max(lost, total - maxLength);
    reasons.push(`x-max-length ${maxLength} keeps ${maxLength} and ${how} on the way back`);
  }
  const maxBytes = num(after['x-max-length-bytes']);
  const beforeBytes = num(before['x-max-length-bytes']);
  if (maxBytes !== undefined && (beforeBytes === undefined || maxBytes < beforeBytes)) {
    lost = Number.POSITIVE_INFINITY; // the sizes of the messages are not known to the plan
    reasons.push(`x-max-length-bytes ${maxBytes} may drop messages on the way back`);
  }
  const ttl = num(after['x-message-ttl']);
  const beforeTtl = num(before['x-message-ttl']);
  if (ttl !== undefined && (beforeTtl === undefined || ttl < beforeTtl)) {
    lost = Math.max(lost, total);
    reasons.push(`x-message-ttl ${ttl} ms: every moved message ${dlx ? 'is dead-lettered' : 'expires'} ${ttl} ms after the move unless it is consumed`);
  }
  return reasons.length > 0 ? { messages: lost, reason: reasons.join('; ') } : undefined;
}

function num(v: Json | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function queueMessages(r: Resource | undefined): number {
  return r?.kind === 'queue' ? (r.live?.messages ?? 0) : 0;
}

/** Whether the plan needs the message and consumer counts of this change's queue (read lazily). */
export function needsQueueFacts(c: Change): boolean {
  if (c.dataLoss && !Number.isFinite(c.dataLoss.messages)) return true;
  const m = c.migration;
  return m !== undefined && (!Number.isFinite(m.messages) || !Number.isFinite(m.held) || m.consumers === undefined);
}

export interface MigrationFlags {
  allowDataLoss: boolean;
  /** false (--no-migrate): a replace drops its messages (with --allow-data-loss) or is refused, as before migrations. */
  migrate: boolean;
}

/**
 * The plan apply runs, given its flags. --allow-data-loss still means "drop them": a migration
 * becomes a plain replace that loses its messages, except where the plan already says the
 * migration loses some on the way back (the flag then accepts exactly those). --no-migrate turns
 * every migration into the data-loss replace it was before. A migration in progress is always
 * finished: its messages are in the holding queue, which no replace would bring back.
 */
export function resolveMigrations<P extends { changes: Change[] }>(plan: P, flags: MigrationFlags): P {
  const changes = plan.changes.map((c): Change => {
    const m = c.migration;
    if (!m || m.inProgress) return c;
    const drop = !flags.migrate || (flags.allowDataLoss && c.dataLoss === undefined);
    if (!drop) return c;
    const { migration: _kept, ...rest } = c;
    return { ...rest, dataLoss: { messages: m.messages, reason: flags.migrate ? 'dropped: --allow-data-loss replaces without migrating' : 'not migrated (--no-migrate)' } };
  });
  return { ...plan, changes };
}

/** The migrations a policy would break: apply refuses them before changing anything. */
export function blockedMigrations(changes: readonly Change[]): Change[] {
  return changes.filter((c) => c.migration?.blocked !== undefined);
}

export function isHoldingBinding(b: Binding): boolean {
  return b.destination_type === 'queue' && originalOfHolding(b.destination) !== undefined;
}
