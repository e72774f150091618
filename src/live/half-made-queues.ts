// Half-made quorum queues and streams. When a node dies while it declares one, RabbitMQ 3.10 can
// keep the queue's record without ever forming its Raft group: no leader, no members online, no
// messages (nothing could ever be written to it). The queue listing leaves it out (the listing
// asks each queue for its totals and skips the ones that cannot answer), so a plan proposed to
// create it on every run, and a declare then answered "exists" without repairing it.
// The definitions export reads queue records, not queue processes, so it still shows the queue:
// a declared queue that a plan would create is looked up there (one call per vhost, only when the
// plan creates quorum queues or streams), and one found is put back into the live model, marked,
// for the planner to replace (plan/half-made.ts).
import { WarrenError } from '../errors.js';
import { resourceKey } from '../model/keys.js';
import { isRecord } from '../model/json.js';
import type { Queue, Resource } from '../model/types.js';
import type { ManagementClient } from './management-client.js';
import { LiveBuilder } from './normalise.js';
import type { LiveState } from './types.js';

export interface QueueRef {
  vhost: string;
  name: string;
}

/**
 * `live` plus those of `wanted` (queues missing from it) that exist as records only, each marked
 * `live.half_made`. Returns the queues found too, for a progress line.
 */
export async function withHalfMadeQueues(client: ManagementClient, live: LiveState, wanted: readonly QueueRef[]): Promise<{ live: LiveState; found: Queue[] }> {
  // Only in vhosts that exist: a vhost the plan creates holds no queue yet.
  const has = (r: Resource): boolean => live.model.resources.has(resourceKey(r));
  const missing = wanted.filter((q) => has({ kind: 'vhost', name: q.vhost }) && !has({ kind: 'queue', vhost: q.vhost, name: q.name, type: 'classic', durable: true, auto_delete: false, arguments: {} }));
  const byVhost = new Map<string, Set<string>>();
  for (const q of missing) byVhost.set(q.vhost, (byVhost.get(q.vhost) ?? new Set()).add(q.name));
  const found: Queue[] = [];
  for (const [vhost, names] of byVhost) {
    const b = new LiveBuilder({ source: client.endpoint, code: 'E_BROKER', isEndpoint: true });
    const definitions = await client.get(['definitions', vhost]).catch((e: unknown) => {
      // The vhost went away meanwhile (3.10 answers 400 vhost_not_found, others 404).
      if (e instanceof WarrenError && / HTTP (404|400: vhost_not_found)/.test(e.message)) return undefined;
      throw e;
    });
    const rows = isRecord(definitions) && Array.isArray(definitions['queues']) ? definitions['queues'] : [];
    rows.forEach((row, i) => {
      if (!isRecord(row) || typeof row['name'] !== 'string' || !names.has(row['name'])) return;
      b.addQueue({ ...row, exclusive: false }, `definitions/${vhost}.queues[${i}]`, vhost, 0);
    });
    for (const r of b.model.resources.values()) {
      if (r.kind === 'queue' && r.type !== 'classic') found.push({ ...r, live: { messages: 0, exclusive: false, server_named: false, half_made: true } });
    }
  }
  if (found.length === 0) return { live, found };
  const resources = new Map<string, Resource>(live.model.resources);
  for (const q of found) resources.set(resourceKey(q), q);
  return { live: { ...live, model: { resources } }, found };
}
