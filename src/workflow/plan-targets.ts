// Plan one spec against several targets at once (`--target all`, `--target eu,us`): the spec is
// loaded once, then every target is read and planned concurrently. A target that fails (down,
// refused credentials, an ownership conflict) fails alone: the others are still planned, and the
// caller reports each one and exits with the worst outcome.
import { WarrenError } from '../errors.js';
import { planSpec, loadValidSpec, type PlanRequest, type PreparedPlan } from './plan-spec.js';
import { selectTargets } from './select-targets.js';

/** How one target's part of a multi-target run ended. */
export type TargetOutcome<T> = { target: string; ok: true; value: T } | { target: string; ok: false; error: unknown };

export type MultiPlanRequest = Omit<PlanRequest, 'liveFile' | 'spec'> & { targets: string };

export async function planTargets(request: MultiPlanRequest, progress: (line: string) => void): Promise<TargetOutcome<PreparedPlan>[]> {
  const spec = loadValidSpec(request);
  const names = selectTargets(request.targets, spec.targets, request.connection, request.env);
  return forEachTarget(names, (name) =>
    planSpec({ ...request, spec, connection: { ...request.connection, target: name } }, prefixed(name, progress)),
  );
}

/** Runs `work` for every target at once; one target's failure is its outcome, not everyone's. */
export async function forEachTarget<T>(names: readonly string[], work: (name: string) => Promise<T>): Promise<TargetOutcome<T>[]> {
  const settled = await Promise.allSettled(names.map((name) => work(name)));
  return settled.map((s, i) => {
    const target = names[i] as string;
    return s.status === 'fulfilled' ? { target, ok: true, value: s.value } : { target, ok: false, error: s.reason };
  });
}

/** Progress lines of concurrent targets interleave: each says whose it is. */
export function prefixed(target: string, progress: (line: string) => void): (line: string) => void {
  return (line) => progress(`[${target}] ${line}`);
}

/** The error a failed target reports, as a WarrenError (unexpected failures are warren's bugs). */
export function targetError(error: unknown): WarrenError {
  if (error instanceof WarrenError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const wrapped = new WarrenError('E_INTERNAL', `unexpected failure, please report it: ${detail}`);
  if (error instanceof Error && error.stack) wrapped.stack = error.stack;
  return wrapped;
}
