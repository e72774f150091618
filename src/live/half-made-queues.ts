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
//   working     both: "leader" is one of "online"       (see isWorking for a leader being elected)
//   3.10 streams carry neither field (only "node"): found by name, they count as half made, as
//   they did when this read the vhost's definitions.
// Beyond LOOKUPS_PER_VHOST names in one vhost, the vhost's queue listing without stats (records
// too, with the same fields) replaces the lookups, read as it arrives and only the wanted rows kept.
// It used to be the vhost's definitions: for a vhost of 10,000 queues and 20,000 bindings those
// are 3.3 MB and 1.8-2.4 s of broker CPU, where the listing is 1.3 MB and about 0.4 s, and one
// lookup is a few milliseconds; so a plan that adds one quorum queue there reads neither, and one
// that creates thousands does not send thousands of requests.
import { WarrenError } from '../errors.js';
import { resourceKey } from '../model/keys.js';
import { isRecord } from '../model/json.js';
import type { Queue, Resource } from '../model/types.js';
import type { ManagementClient } from './management-client.js';
import { clusterNodes, membersSayHalfMade } from './listed-half-made.js';
import { LiveBuilder } from './normalise.js';
import { LISTING_TIMEOUT_MS, UNSORTED } from './read-broker.js';
import type { LiveState } from './types.js';

export interface QueueRef {
  vhost: string;
  name: string;
}

/** Up to this many names to check in one vhost, each is looked up on its own; beyond it, the vhost's queues are listed once. */
export const LOOKUPS_PER_VHOST = 50;
/** Lookups in flight at once: each is a record read, small for the broker. */
const LOOKUP_CONCURRENCY = 8;
const LOOKUP_QUERY = { disable_stats: 'true', columns: 'name,type,durable,auto_delete,exclusive,arguments,leader,online,members' };
// The vhost went away meanwhile: a lookup or a listing answers 404 (3.10 answers some reads of a
// vhost that is gone 400 vhost_not_found).
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
    const records = names.size <= LOOKUPS_PER_VHOST ? await lookUpEach(client, vhost, [...names]) : await listWanted(client, vhost, names);
    for (const q of records) {
      if (q.type !== 'classic') found.push({ ...q, live: { messages: 0, exclusive: false, server_named: false, half_made: true } });
    }
  }
  if (found.length === 0) return { live, found };
  const resources = new Map<string, Resource>(live.model.resources);
  for (const q of found) resources.set(resourceKey(q), q);
  return { live: { ...live, model: { resources } }, found };
}

/** The queues of `names` that exist as records and do not work (isWorking), one lookup each. */
async function lookUpEach(client: ManagementClient, vhost: string, names: readonly string[]): Promise<Queue[]> {
  const rows = await mapConcurrently(names, LOOKUP_CONCURRENCY, (name) => client.get(['queues', vhost, name], LOOKUP_QUERY).catch(unlessGone));
  return await halfMadeOf(client, vhost, rows);
}

/** The same from one listing of the vhost's queues, of which only the rows of `names` are kept. */
async function listWanted(client: ManagementClient, vhost: string, names: ReadonlySet<string>): Promise<Queue[]> {
  const wanted = (row: unknown): Record<string, unknown> | undefined => (isRecord(row) && typeof row['name'] === 'string' && names.has(row['name']) ? row : undefined);
  const answer = await client.list(['queues', vhost], { ...LOOKUP_QUERY, ...UNSORTED }, wanted, { timeoutMs: LISTING_TIMEOUT_MS }).catch(unlessGone);
  return await halfMadeOf(client, vhost, answer?.kind === 'array' ? answer.items : []);
}

/**
 * The rows that are not working (isWorking) and whose members agree (listed-half-made.ts: every
 * member node runs or left the cluster, one runs), as queues. A queue whose member nodes are down
 * is missing from the counted listing too, and looks the same here: it keeps its messages on their
 * disks, so it is left alone. 3.10 streams name no members: found by name, they count as half made.
 */
async function halfMadeOf(client: ManagementClient, vhost: string, rows: readonly unknown[]): Promise<Queue[]> {
  const b = new LiveBuilder({ source: client.endpoint, code: 'E_BROKER', isEndpoint: true });
  const broken = rows.filter((row): row is Record<string, unknown> => isRecord(row) && !isWorking(row));
  const named = (row: Record<string, unknown>): string[] | undefined => (Array.isArray(row['members']) && row['members'].every((m) => typeof m === 'string') ? (row['members'] as string[]) : undefined);
  const nodes = broken.some((row) => named(row) !== undefined) ? await clusterNodes(client) : new Map<string, boolean>();
  return broken.flatMap((row) => {
    const members = named(row);
    return members === undefined || membersSayHalfMade(members, nodes) ? [b.queueOf(row, `queues/${vhost}/${String(row['name'])}`, vhost, 0)] : [];
  });
}

/**
 * A queue the listing missed that is not half made: declared after the listing was read, or
 * skipped by it for a moment. Left out, the plan creates it and the declare answers "exists";
 * marked half made, apply would delete a working queue, perhaps with messages.
 * `online` is where the queue runs (3.10: members whose Raft server is alive; 4.0: members on
 * running nodes). None online: half made. 3.10 names no leader (null) while one is elected, or
 * while too few members are up to elect one: members run, it holds its messages, it is not half
 * made. A leader named but not online (4.0 keeps the dead declarer there): half made.
 */
function isWorking(row: Record<string, unknown>): boolean {
  const online = row['online'];
  if (!Array.isArray(online) || online.length === 0) return false;
  const leader = row['leader'];
  return typeof leader !== 'string' || leader === '' || online.includes(leader);
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
