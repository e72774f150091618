// The next step of a migration, inferred from what the broker holds now and nothing else: no
// journal, so a crash at any point (of warren or of the node) leaves a state this function reads
// again, and the next apply picks up where the last one stopped. Pure; run-migration.ts observes
// the broker and carries the steps out, each of them safe to repeat.
//
// The procedure, as (original, holding) states:
//   original (old), no holding            -> declare-holding
//   original (old), holding               -> transfer out: original -> holding
//   no original, holding                  -> declare-new
//   original (new), holding               -> transfer back: holding -> original
//   original (new), no holding            -> done
// A transfer from A to B: move A's messages while A is still bound (so the order is kept while
// publishers keep sending), bind B with A's bindings, unbind A (B before A: a routed message
// always has a queue), move what is left, delete A once it is empty.

export interface BindingEnd {
  source: string;
  routing_key: string;
  arguments: Record<string, unknown>;
}

export type QueueState = { exists: false; type?: undefined } | { exists: true; bindings: BindingEnd[]; type?: string | undefined };

export interface Observed {
  original: QueueState & { matchesDesired?: boolean };
  holding: QueueState;
}

export type Step =
  | { step: 'declare-holding' }
  | { step: 'declare-new' }
  /** Move while `from` is bound, then bind `to` with `bindings` and unbind them from `from`. */
  | { step: 'switch-bindings'; direction: 'out' | 'back'; bindings: BindingEnd[] }
  /** `to` has every binding already: remove them from `from`. */
  | { step: 'unbind'; direction: 'out' | 'back'; bindings: BindingEnd[] }
  /** `from` is unbound: move what is left and delete it when empty. */
  | { step: 'drain-and-delete'; direction: 'out' | 'back' }
  | { step: 'done' };

export function nextStep(o: Observed): Step {
  const { original, holding } = o;
  if (!holding.exists) {
    if (!original.exists) return { step: 'declare-new' };
    return original.matchesDesired ? { step: 'done' } : { step: 'declare-holding' };
  }
  if (!original.exists) return { step: 'declare-new' };
  return original.matchesDesired ? transfer('back', holding.bindings, original.bindings) : transfer('out', original.bindings, holding.bindings);
}

function transfer(direction: 'out' | 'back', from: BindingEnd[], to: BindingEnd[]): Step {
  const onTo = new Set(to.map(bindingId));
  const missing = from.filter((b) => !onTo.has(bindingId(b)));
  if (missing.length > 0) return { step: 'switch-bindings', direction, bindings: from };
  if (from.length > 0) return { step: 'unbind', direction, bindings: from };
  return { step: 'drain-and-delete', direction };
}

export function bindingId(b: BindingEnd): string {
  return JSON.stringify([b.source, b.routing_key, sortedJson(b.arguments)]);
}

function sortedJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`).join(',')}}`;
}
