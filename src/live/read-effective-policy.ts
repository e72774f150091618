// What the broker itself says applies to one queue or exchange: the names of the user and operator
// policies it picked and, for queues, the merged definition (`effective_policy_definition`).
// `explain` compares these with its own reckoning.
import { WarrenError } from '../errors.js';
import type { JsonMap } from '../model/types.js';
import { isRecord as isObj } from '../model/json.js';
import type { ManagementClient } from './management-client.js';

export interface BrokerEffectivePolicy {
  policy: string | undefined;
  operatorPolicy: string | undefined;
  /** Queues only; undefined for exchanges, which the API does not report it for. */
  definition: JsonMap | undefined;
}

/**
 * A queue's policy fields come from its statistics, which the management plugin collects every
 * few seconds (collect_statistics_interval, 5 s by default): a queue declared a moment ago has none
 * yet. Until they appear (the `policy` field, "" when no policy applies) the read is repeated.
 */
export async function readEffectivePolicy(client: ManagementClient, kind: 'queue' | 'exchange', vhost: string, name: string, waitMs = 15_000): Promise<BrokerEffectivePolicy> {
  const path = [kind === 'queue' ? 'queues' : 'exchanges', vhost, name];
  const deadline = Date.now() + waitMs;
  let row = await client.get(path);
  while (kind === 'queue' && isObj(row) && !('policy' in row) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    row = await client.get(path);
  }
  const obj = isObj(row) ? row : {};
  if (kind === 'queue' && !('policy' in obj)) throw new WarrenError('E_BROKER', `queue ${vhost}/${name}: the broker has not reported its policy within ${waitMs / 1000} s (its statistics are not collected yet); try again`, { endpoint: client.endpoint });
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const def = obj['effective_policy_definition'];
  return {
    policy: str(obj['policy']),
    operatorPolicy: str(obj['operator_policy']),
    // An empty definition is an empty list in some versions' JSON.
    definition: isObj(def) ? (def as JsonMap) : Array.isArray(def) ? {} : undefined,
  };
}
