// What the broker itself says applies to one queue or exchange: the names of the user and operator
// policies it picked and, for queues, the merged definition (`effective_policy_definition`).
// `explain` compares these with its own reckoning.
import type { JsonMap } from '../model/types.js';
import { isObj } from './json-shapes.js';
import type { ManagementClient } from './management-client.js';

export interface BrokerEffectivePolicy {
  policy: string | undefined;
  operatorPolicy: string | undefined;
  /** Queues only; undefined for exchanges, which the API does not report it for. */
  definition: JsonMap | undefined;
}

export async function readEffectivePolicy(client: ManagementClient, kind: 'queue' | 'exchange', vhost: string, name: string): Promise<BrokerEffectivePolicy> {
  const row = await client.get([kind === 'queue' ? 'queues' : 'exchanges', vhost, name]);
  const obj = isObj(row) ? row : {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const def = obj['effective_policy_definition'];
  return {
    policy: str(obj['policy']),
    operatorPolicy: str(obj['operator_policy']),
    // An empty definition is an empty list in some versions' JSON.
    definition: isObj(def) ? (def as JsonMap) : Array.isArray(def) ? {} : undefined,
  };
}
