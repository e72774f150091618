// Plan rules for the kinds whose changes the broker limits beyond "in place or replace":
// a super stream only grows, a feature flag is only ever enabled (and must exist on the target),
// and a shovel's live state is reported, never compared.
import type { Diagnostic } from '../errors.js';
import { redactText } from '../model/redact.js';
import type { FeatureFlag, Resource, SuperStream, VhostParameter } from '../model/types.js';

/**
 * Partitions may only be added at the end. Removing one would drop its stream (and its messages)
 * and re-route its keys; reordering changes which partition order a key gets, and so which
 * partition a hash-routing producer picks for every key.
 */
export function superStreamProblem(live: SuperStream, desired: SuperStream): Diagnostic | undefined {
  const kept = live.partitions.every((key, i) => desired.partitions[i] === key);
  if (kept) return undefined;
  const missing = live.partitions.filter((k) => !desired.partitions.includes(k));
  const why =
    missing.length > 0
      ? `it would remove partition${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (each partition is a stream: removing one drops its messages and re-routes its keys)`
      : 'it would reorder partitions (the order decides which partition each key hashes to)';
  return {
    severity: 'error',
    code: 'E_SUPER_STREAM',
    message: `super_stream ${desired.vhost}/${desired.name}: partitions can only be added at the end; live [${live.partitions.join(', ')}], spec [${desired.partitions.join(', ')}]: ${why}. Delete the super stream and declare it anew to start over.`,
    origin: desired.origin,
  };
}

/**
 * A required flag: unknown on the target is an error; disabled is an update (enable) that cannot be
 * undone, said as a warning. A live source without feature flags (a definitions file) cannot tell.
 */
export function featureFlagProblem(desired: FeatureFlag, live: Resource | undefined, liveListsFlags: boolean, version: string | undefined): Diagnostic | undefined {
  if (live === undefined) {
    if (!liveListsFlags) {
      return { severity: 'warning', code: 'W_FEATURE_FLAG', message: `feature_flag ${desired.name}: the live source does not list feature flags, so it is not checked`, origin: desired.origin };
    }
    return {
      severity: 'error',
      code: 'E_FEATURE_FLAG',
      message: `feature_flag ${desired.name}: the target${version ? ` (RabbitMQ ${version})` : ''} has no such feature flag; check its name, or the version it needs`,
      origin: desired.origin,
    };
  }
  if (live.kind === 'feature_flag' && live.state !== 'enabled') {
    return { severity: 'warning', code: 'W_FEATURE_FLAG', message: `feature_flag ${desired.name} is disabled; apply enables it, and a feature flag cannot be disabled again`, origin: desired.origin };
  }
  return undefined;
}

/** A declared shovel that is not moving messages: its state and reason, beside the plan. */
export function shovelWarning(desired: VhostParameter, live: Resource | undefined): Diagnostic | undefined {
  if (live?.kind !== 'shovel' || !live.live) return undefined;
  const { state, reason } = live.live;
  if (state === 'running') return undefined;
  return { severity: 'warning', code: 'W_SHOVEL', message: `shovel ${desired.vhost}/${desired.name} is ${state}${reason ? `: ${redactText(reason)}` : ''}`, origin: desired.origin };
}
