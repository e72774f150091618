// Global parameters that are not the user's to manage: RabbitMQ's own, and warren's ownership
// records. The live reader never turns them into objects, and a spec may not declare them.
import { OWNERSHIP_PREFIX } from './ownership-record.js';

/**
 * internal_cluster_id: made once per cluster. cluster_tags (4.x): written by every node at boot
 * from rabbitmq.conf's `cluster_tags`, `[]` when none are set, so it belongs to the config file,
 * and a wipe or a prune that removed it would be undone at the next boot.
 */
const RABBITMQ_INTERNAL: ReadonlySet<string> = new Set(['internal_cluster_id', 'cluster_tags']);

/** Why a global parameter is internal, or undefined when it is the user's. */
export function internalGlobalParameter(name: string): string | undefined {
  if (RABBITMQ_INTERNAL.has(name)) return "RabbitMQ's internal parameter";
  if (name.startsWith(OWNERSHIP_PREFIX)) return "warren's own ownership record";
  return undefined;
}
