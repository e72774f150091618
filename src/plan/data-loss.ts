// Which changes lose messages. One rule, used by the planner and again when a saved plan is
// re-checked against today's message counts, so the two can never disagree.
import type { Resource } from '../model/types.js';
import type { Change } from './types.js';

/**
 * Marks each change that would drop messages, counted from `live` (the broker as it is now):
 * deleting or replacing a queue (or a super stream) with messages, or deleting a vhost that holds such queues. A queue
 * the plan deletes or replaces carries its own mark, so a vhost counts only the others: each
 * message is counted once. Marks already on the changes are replaced.
 */
export function markDataLoss(changes: readonly Change[], live: ReadonlyMap<string, Resource>): Change[] {
  // Counted only when a vhost is deleted: a walk over every live object a plan can do without.
  const messagesByVhost = changes.some((c) => c.kind === 'vhost' && c.action === 'delete') ? vhostMessages(changes, live) : new Map<string, number>();
  return changes.map((c): Change => {
    // A migration keeps its messages: its count is refreshed, and its mark (what the new arguments
    // lose on the way back, see migration.ts) stays.
    if (c.migration) {
      const current = live.get(c.key);
      return current?.kind === 'queue' && current.live ? { ...c, migration: { ...c.migration, messages: current.live.messages } } : c;
    }
    const { dataLoss: _previous, ...change } = c;
    if (c.action !== 'delete' && c.action !== 'replace') return c.dataLoss ? (change as Change) : c;
    const current = live.get(c.key);
    let messages = 0;
    // A super stream's partitions are streams: deleting or replacing it drops what they hold.
    if (current?.kind === 'queue' || current?.kind === 'super_stream') messages = current.live?.messages ?? 0;
    if (current?.kind === 'vhost' && c.action === 'delete') messages = messagesByVhost.get(current.name) ?? 0;
    // A reason (a stream cannot be migrated) stays with the mark.
    const reason = c.dataLoss?.reason;
    return messages > 0 ? { ...(change as Change), dataLoss: { messages, ...(reason !== undefined ? { reason } : {}) } } : (change as Change);
  });
}

/** Messages per vhost, of the queues that carry no mark of their own. */
function vhostMessages(changes: readonly Change[], live: ReadonlyMap<string, Resource>): Map<string, number> {
  const markedOnTheirOwn = new Set(changes.filter((c) => (c.kind === 'queue' || c.kind === 'super_stream') && (c.action === 'delete' || c.action === 'replace')).map((c) => c.key));
  const messagesByVhost = new Map<string, number>();
  for (const [key, r] of live) {
    if ((r.kind === 'queue' || r.kind === 'super_stream') && r.live && r.live.messages > 0 && !markedOnTheirOwn.has(key)) {
      messagesByVhost.set(r.vhost, (messagesByVhost.get(r.vhost) ?? 0) + r.live.messages);
    }
  }
  return messagesByVhost;
}
