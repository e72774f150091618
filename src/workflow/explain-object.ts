// `explain` as a workflow: load the topology, work out one object's effective settings and, when a
// broker was read, ask it what it applies, to compare the two.
import { effectiveSettings, type Effective } from '../analyse/effective.js';
import { WarrenError } from '../errors.js';
import { readEffectivePolicy, type BrokerEffectivePolicy } from '../live/read-effective-policy.js';
import type { Exchange, Model, Policy, Queue } from '../model/types.js';
import { loadTopology, type TopologyRequest } from './load-topology.js';

export interface ExplainRequest extends TopologyRequest {
  /** VHOST/NAME; vhost `/` is written `//NAME`. */
  object: string;
  kind?: 'queue' | 'exchange' | undefined;
}

export interface Explained {
  effective: Effective;
  /** What the broker reports; undefined on a spec or a definitions file alone. */
  broker?: BrokerEffectivePolicy | undefined;
}

/** A vhost may hold `/`, so every split of the reference is tried. */
export function findObject(model: Model, ref: string, kind?: 'queue' | 'exchange'): Queue | Exchange {
  const kinds = kind ? [kind] : (['queue', 'exchange'] as const);
  for (let i = ref.indexOf('/'); i >= 0; i = ref.indexOf('/', i + 1)) {
    if (i === 0 && ref[1] !== '/') continue;
    const vhost = i === 0 ? '/' : ref.slice(0, i);
    const name = i === 0 ? ref.slice(2) : ref.slice(i + 1);
    for (const k of kinds) {
      const r = model.resources.get(`${k}:${JSON.stringify([vhost, name])}`);
      if (r && (r.kind === 'queue' || r.kind === 'exchange')) return r;
    }
  }
  throw new WarrenError('E_USAGE', `${ref}: no ${kind ?? 'queue or exchange'} of that name; write VHOST/NAME (vhost "/" as //NAME)`);
}

export async function explainObject(request: ExplainRequest, progress: (line: string) => void): Promise<Explained> {
  const topology = await loadTopology(request, progress);
  const target = findObject(topology.model, request.object, request.kind);
  const policies = [...topology.model.resources.values()].filter((r): r is Policy => r.kind === 'policy' || r.kind === 'operator_policy');
  const effective = effectiveSettings(target, policies, topology.brokerVersion);
  const broker = topology.client ? await readEffectivePolicy(topology.client, target.kind, target.vhost, target.name) : undefined;
  return { effective, broker };
}
