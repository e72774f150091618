// Half-made quorum queues and streams. When a node dies while it declares one, RabbitMQ 3.10 can
// keep the queue's record without ever forming its Raft group: no leader, no members online, no
// messages (nothing could ever be written to it). The counted queue listing leaves it out (it asks
// each queue for its totals and skips the ones that cannot answer), so a plan proposed to create
// it on every run, and a declare then answered "exists" without repairing it.
// A declared queue that a plan would create is looked up by name, only when the plan creates quorum
// queues or streams in a vhost that exists; one found is put back into the live model, marked, for
// the planner to replace (plan/half-made.ts).
// How it is looked up: `GET /api/queues/VHOST/NAME?disable_stats=true` reads the record, not the
// queue process, and names the leader and the members online; a queue that is not there is a 404.
// Measured on real 3.10.8 and 4.0.5 nodes (one made half made the way faults.test.ts does):
//   half made   3.10: "leader": null, "online": []      4.0: "leader": "gone@…", "online": [running nodes]
//   working     both: "leader" is one of "online"
//   3.10 streams carry neither field (only "node"): found by name, they count as half made, as
//   they did when this read the definitions.
// Beyond LOOKUPS_PER_VHOST names in one vhost, one read of that vhost's definitions (records too)
// replaces the lookups: the definitions of a vhost of 10,000 queues and 20,000 bindings cost the
// broker about 1.6 s of CPU and warren a 4 MB parse, so a plan that adds one quorum queue there
// should not read them, while one that creates thousands should not send thousands of requests.
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

/** Up to this many names to check in one vhost, each is looked up on its own; beyond it, the vhost's definitions are read once. */
export const LOOKUPS_PER_VHOST = 50;
/** Lookups in flight at once: each is a record read, small for the broker. */
const LOOKUP_CONCURRENCY = 8;
const LOOKUP_QUERY = { disable_stats: 'true', columns: 'name,type,durable,auto_delete,exclusive,arguments,leader,online' };
// The vhost went away meanwhile: 3.10 answers a definitions read 400 vhost_not_found, a queue lookup 404.
const GONE = / HTTP (404|400: vhost_not_found)/;

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
    const records = names.size <= LOOKUPS_PER_VHOST ? await lookUpEach(client, vhost, [...names]) : await readFromDefinitions(client, vhost, names);
    for (const q of records) {
      if (q.type !== 'classic') found.push({ ...q, live: { messages: 0, exclusive: false, server_named: false, half_made: true } });
    }
  }
  if (found.length === 0) return { live, found };
  const resources = new Map<string, Resource>(live.model.resources);
  for (const q of found) resources.set(resourceKey(q), q);
  return { live: { ...live, model: { resources } }, found };
}

/** The queues of `names` whose record exists without a working leader, one lookup each. */
async function lookUpEach(client: ManagementClient, vhost: string, names: readonly string[]): Promise<Queue[]> {
  const b = new LiveBuilder({ source: client.endpoint, code: 'E_BROKER', isEndpoint: true });
  const rows = await mapConcurrently(names, LOOKUP_CONCURRENCY, (name) => client.get(['queues', vhost, name], LOOKUP_QUERY).catch(unlessGone));
  return rows.flatMap((row, i) => (isRecord(row) && !hasWorkingLeader(row) ? [b.queueOf(row, `queues/${vhost}/${names[i] ?? ''}`, vhost, 0)] : []));
}

/**
 * A queue the listing missed that is not half made: declared after the listing was read, or
 * skipped by it for a moment (a leader being elected). Left out, the plan creates it and the
 * declare answers "exists"; marked half made, apply would delete a working queue.
 */
function hasWorkingLeader(row: Record<string, unknown>): boolean {
  const leader = row['leader'];
  const online = row['online'];
  return typeof leader === 'string' && Array.isArray(online) && online.includes(leader);
}

/** The queues of `names` that have a record in the vhost's definitions (which hold records only). */
async function readFromDefinitions(client: ManagementClient, vhost: string, names: ReadonlySet<string>): Promise<Queue[]> {
  const b = new LiveBuilder({ source: client.endpoint, code: 'E_BROKER', isEndpoint: true });
  const definitions = await client.get(['definitions', vhost]).catch(unlessGone);
  const rows = isRecord(definitions) && Array.isArray(definitions['queues']) ? definitions['queues'] : [];
  const queues: Queue[] = [];
  rows.forEach((row, i) => {
    if (isRecord(row) && typeof row['name'] === 'string' && names.has(row['name'])) queues.push(b.queueOf({ ...row, exclusive: false }, `definitions/${vhost}.queues[${i}]`, vhost, 0));
  });
  return queues;
}

function unlessGone(e: unknown): undefined {
  if (e instanceof WarrenError && GONE.test(e.message)) return undefined;
  throw e;
}

/** `f` over `items` with at most `limit` calls in flight, results in the order of `items`; the first failure ends it. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await f(items[i] as T);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
