// Replacing an exchange or queue (delete + create) drops every binding that touches it. The
// broker will not bring them back, so the plan recreates them: after apply they exist again,
// whether the spec declares them or they were there before (DESIGN.md: "bindings carried over").
import { describeResource } from '../model/keys.js';
import type { Binding, Resource } from '../model/types.js';
import type { Change, PlanInput } from './types.js';

export interface CarriedOver {
  changes: Change[];
  /** How many of the recreated bindings the planner had counted as unchanged. */
  fromUnchanged: number;
}

export function carryOverBindings(changes: Change[], input: PlanInput): CarriedOver {
  const replaced = new Map<string, string>(); // endpoint id -> title of the replaced object
  const gone = new Set<string>(); // endpoints deleted outright
  const planned = new Set<string>();
  for (const c of changes) {
    planned.add(c.key);
    const r = c.before ?? c.after;
    if (!r || (r.kind !== 'exchange' && r.kind !== 'queue')) continue;
    if (c.action === 'replace') replaced.set(endpointId(r.vhost, r.kind, r.name), describeResource(r));
    if (c.action === 'delete') gone.add(endpointId(r.vhost, r.kind, r.name));
  }
  if (replaced.size === 0) return { changes, fromUnchanged: 0 };

  const extra: Change[] = [];
  let fromUnchanged = 0;
  const consider = (key: string, binding: Binding): void => {
    if (planned.has(key)) return;
    const ends = [endpointId(binding.vhost, 'exchange', binding.source), endpointId(binding.vhost, binding.destination_type, binding.destination)];
    const cause = ends.map((e) => replaced.get(e)).find((t) => t !== undefined);
    if (cause === undefined || ends.some((e) => gone.has(e))) return;
    planned.add(key);
    extra.push({
      action: 'create',
      key,
      kind: 'binding',
      title: describeResource(binding),
      after: binding,
      fields: [],
      forcedBy: [],
      reason: `recreated because ${cause} is replaced`,
    });
    if (input.desired.has(key)) fromUnchanged++;
  };
  for (const [key, r] of input.desired) if (isBinding(r) && input.live.has(key)) consider(key, r);
  for (const [key, r] of input.live) if (isBinding(r)) consider(key, r);
  return { changes: [...changes, ...extra], fromUnchanged };
}

function endpointId(vhost: string, kind: 'exchange' | 'queue', name: string): string {
  return JSON.stringify([vhost, kind, name]);
}

function isBinding(r: Resource): r is Binding {
  return r.kind === 'binding';
}
