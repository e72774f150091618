// Half-made quorum queues in the listing a plan reads (live/half-made-queues.ts says what they are).
// The listing without message counts shows them as ordinary queues, so a plan read on it alone
// planned no change for one and left it broken. For a quorum queue the listing also names its
// members and `online`: on RabbitMQ 3.10 the members whose Raft server runs. A queue with members
// and none online is a suspect; so is one whose member nodes are all down, and that one still
// holds its messages on their disks. So a suspect is judged half made only when every member node
// is running (or has left the cluster, and will never bring it back) and at least one runs: its
// Raft servers are missing on nodes that are up. GET /api/nodes says which run, asked only when
// there is a suspect. RabbitMQ 4.0 counts a member online when its node runs, so there a queue
// with members and none online has its nodes down, and is never judged half made here.
import { WarrenError } from '../errors.js';
import { isRecord } from '../model/json.js';
import type { Queue } from '../model/types.js';
import type { ManagementClient } from './management-client.js';

export interface Suspect {
  queue: Queue;
  members: readonly string[];
}

/** The members of a listed quorum queue that names some and has none online; else undefined. */
export function halfMadeSuspect(row: Record<string, unknown>): string[] | undefined {
  if (row['type'] !== 'quorum') return undefined;
  const online = row['online'];
  const members = row['members'];
  if (!Array.isArray(online) || online.length > 0) return undefined;
  if (!Array.isArray(members) || members.length === 0 || !members.every((m): m is string => typeof m === 'string')) return undefined;
  return members;
}

/**
 * Whether a suspect's members say it is half made, given the cluster's nodes (name -> running):
 * every member runs or is no node of the cluster, and one runs.
 */
export function membersSayHalfMade(members: readonly string[], nodes: ReadonlyMap<string, boolean>): boolean {
  return members.some((m) => nodes.get(m) === true) && members.every((m) => nodes.get(m) !== false);
}

/** Marks the suspects that are half made: empty (they cannot hold messages) and `half_made`. */
export async function markHalfMade(client: ManagementClient, suspects: readonly Suspect[]): Promise<void> {
  const nodes = await clusterNodes(client);
  for (const { queue, members } of suspects) {
    if (membersSayHalfMade(members, nodes)) queue.live = { exclusive: false, server_named: false, ...queue.live, messages: 0, half_made: true };
  }
}

/**
 * The cluster's nodes, name -> running (GET /api/nodes lists stopped members too). A user who may
 * not read the node list (it needs the monitoring tag) gets none: then no queue is judged half
 * made, which leaves it as it is rather than fail the plan or replace what may hold messages.
 */
export async function clusterNodes(client: ManagementClient): Promise<Map<string, boolean>> {
  const rows = await client.get(['nodes'], { columns: 'name,running' }).catch((e: unknown) => {
    if (e instanceof WarrenError && (e.code === 'E_AUTH' || / HTTP 40[13]:/.test(e.message))) return [];
    throw e;
  });
  const nodes = new Map<string, boolean>();
  for (const row of Array.isArray(rows) ? rows : []) {
    if (isRecord(row) && typeof row['name'] === 'string') nodes.set(row['name'], row['running'] === true);
  }
  return nodes;
}
