// `warren explain VHOST/NAME [PATH...]`: one queue's or exchange's effective settings and where each
// comes from; against a broker (--target, --management, --live), also what the broker reports.
import { effectiveSettings } from '../../analyse/effective.js';
import { WarrenError } from '../../errors.js';
import { readEffectivePolicy } from '../../live/read-effective-policy.js';
import type { Exchange, Model, Policy, Queue } from '../../model/types.js';
import { useColor } from '../../render/color.js';
import { compareWithBroker, renderExplainJson, renderExplainText, type Comparison } from '../../render/explain.js';
import type { Outcome } from '../exit.js';
import { processIo, type CommandIo } from '../io.js';
import { loadTopology, type TopologyRequest } from '../load-topology.js';

export interface ExplainOptions extends TopologyRequest {
  object: string;
  kind?: 'queue' | 'exchange' | undefined;
  format: 'text' | 'json';
}

/** `orders/orders.created`; vhost `/` is written `//name`. A vhost may hold `/`, so every split is tried. */
export function findObject(model: Model, ref: string, kind?: 'queue' | 'exchange'): Queue | Exchange {
  const kinds = kind ? [kind] : (['queue', 'exchange'] as const);
  for (let i = ref.indexOf('/'); i >= 0; i = ref.indexOf('/', i + 1)) {
    const vhost = i === 0 ? '/' : ref.slice(0, i);
    const name = i === 0 ? ref.slice(2) : ref.slice(i + 1);
    if (i === 0 && ref[1] !== '/') continue;
    for (const k of kinds) {
      const r = model.resources.get(`${k}:${JSON.stringify([vhost, name])}`);
      if (r && (r.kind === 'queue' || r.kind === 'exchange')) return r;
    }
  }
  throw new WarrenError('E_USAGE', `${ref}: no ${kind ?? 'queue or exchange'} of that name; write VHOST/NAME (vhost "/" as //NAME)`);
}

export async function explainCommand(options: ExplainOptions, io: CommandIo = processIo()): Promise<Outcome> {
  const topology = await loadTopology(options, (line) => io.progress(line));
  const target = findObject(topology.model, options.object, options.kind);
  const policies = [...topology.model.resources.values()].filter((r): r is Policy => r.kind === 'policy' || r.kind === 'operator_policy');
  const effective = effectiveSettings(target, policies);
  let comparison: Comparison | undefined;
  if (topology.client) {
    const broker = await readEffectivePolicy(topology.client, target.kind, target.vhost, target.name);
    comparison = compareWithBroker(effective, broker);
  }
  io.stdout.write(options.format === 'json' ? renderExplainJson(effective, comparison) : renderExplainText(effective, comparison, useColor(io.stdout, io.env)));
  return { kind: 'ok' };
}
