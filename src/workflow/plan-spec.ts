// Plan a spec: the I/O glue around the pure planner. Load the spec, read the live side (a broker or
// a definitions file), adapt to the broker's version, resolve passwords to hashes, plan. `plan`,
// `apply` and the library all start here.
import { WarrenError, errorsOf, formatDiagnostic, type Diagnostic } from '../errors.js';
import { connectManagement } from '../live/connect-target.js';
import type { ManagementClient } from '../live/management-client.js';
import { readBroker, readMessageCounts } from '../live/read-broker.js';
import { readDefinitionsFile } from '../live/read-definitions.js';
import { withHalfMadeQueues, type QueueRef } from '../live/half-made-queues.js';
import type { LiveState } from '../live/types.js';
import { adaptToVersion } from '../model/compat.js';
import { resolveCredentials } from '../model/credentials.js';
import type { Target } from '../model/target.js';
import { vhostNameOf } from '../model/keys.js';
import type { Resource } from '../model/types.js';
import { planChanges, type Plan, type PruneMode } from '../plan/index.js';
import { assertValidSpec, loadSpec, type LoadedSpec } from '../spec/index.js';
import { resolveTarget, type ConnectionFlags, type Env } from './resolve-target.js';

export interface PlanRequest {
  paths: readonly string[];
  env: Env;
  connection: ConnectionFlags;
  /** Plan against an exported definitions file instead of a broker. */
  liveFile?: string | undefined;
  prune: PruneMode;
  /**
   * Called once the spec and the target are known and before the broker is read (apply takes the
   * stack's lock here, so what it plans against cannot change under it).
   */
  beforeRead?: ((stack: string, target: Target, client: ManagementClient, spec: LoadedSpec) => Promise<void>) | undefined;
}

export interface PreparedPlan {
  plan: Plan;
  spec: LoadedSpec;
  live: LiveState;
  /** Absent when planning against a definitions file. */
  target?: Target | undefined;
  client?: ManagementClient | undefined;
}

export async function planSpec(request: PlanRequest, progress: (line: string) => void): Promise<PreparedPlan> {
  // The spec first, then the broker: reading the broker while the spec loads was tried and gained
  // nothing (the loader holds the event loop, so the answers wait in the socket buffers).
  const spec = loadSpec(request.paths.length > 0 ? request.paths : ['.'], request.env);
  assertValidSpec(spec);
  const stack = spec.stack as string; // assertValidSpec guarantees a stack

  let live: LiveState;
  let target: Target | undefined;
  let client: ManagementClient | undefined;
  const started = Date.now();
  if (request.liveFile !== undefined) {
    live = await readDefinitionsFile(request.liveFile);
  } else {
    target = resolveTarget(spec.targets, request.connection, request.env);
    const hook = request.beforeRead;
    const resolved = target;
    ({ client, live } = await readTarget(target, progress, hook && ((c) => hook(stack, resolved, c, spec))));
  }
  progress(`Read ${live.model.resources.size} objects from ${live.source} (RabbitMQ ${live.brokerVersion}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const adapted = adaptToVersion(spec.model.resources, live.model.resources, live.brokerVersion);
  const desired = resolveCredentials(adapted.desired, live.model.resources);
  const planAgainst = (resources: ReadonlyMap<string, Resource>) =>
    planChanges({ stack, desired, live: resources, ownership: live.ownership, prune: request.prune, specVhosts: new Set(spec.vhosts), connectingUser: target?.username });
  let plan = planAgainst(live.model.resources);
  // A quorum queue or stream the plan would create may exist half made, unlisted: look it up.
  if (client) {
    const checked = await withHalfMadeQueues(client, live, createdReplicatedQueues(plan));
    if (checked.found.length > 0) {
      live = checked.live;
      plan = planAgainst(live.model.resources);
    }
  }
  // The broker was read without message counts (asking 10,000 queues their length is half of a
  // read): every queue counted as holding messages. Only the queues this plan deletes or replaces
  // matter, so their vhosts are counted now and the plan made again with the real numbers.
  const uncounted = plan.changes.filter((c) => c.dataLoss && !Number.isFinite(c.dataLoss.messages));
  if (client && uncounted.length > 0) {
    const counts = await readMessageCounts(client, uncounted.flatMap((c) => (c.before ? [vhostNameOf(c.before)] : [])));
    live = { ...live, model: { resources: withMessageCounts(live.model.resources, counts) } };
    plan = planAgainst(live.model.resources);
  }
  const diagnostics: Diagnostic[] = [...spec.diagnostics, ...live.warnings, ...adapted.diagnostics, ...plan.diagnostics];
  const errors = errorsOf(diagnostics);
  if (errors.length > 0) {
    const first = errors[0] as Diagnostic;
    throw new WarrenError(first.code, first.message, { origin: first.origin, diagnostics });
  }
  return { plan: { ...plan, diagnostics }, spec, live, target, client };
}

/** The quorum queues and streams a plan creates or rewrites: the only queues that can be half made. */
export function createdReplicatedQueues(plan: Plan): QueueRef[] {
  return plan.changes.flatMap((c) => (c.action !== 'delete' && c.after.kind === 'queue' && c.after.type !== 'classic' ? [{ vhost: c.after.vhost, name: c.after.name }] : []));
}

function withMessageCounts(resources: ReadonlyMap<string, Resource>, counts: ReadonlyMap<string, number>): Map<string, Resource> {
  const out = new Map(resources);
  for (const [key, messages] of counts) {
    const q = out.get(key);
    if (q?.kind === 'queue' && q.live) out.set(key, { ...q, live: { ...q.live, messages } });
  }
  return out;
}

/** Connects (the first endpoint that answers; TLS warnings on the way) and reads the whole broker. */
async function readTarget(target: Target, progress: (line: string) => void, beforeRead?: (client: ManagementClient) => Promise<void>): Promise<{ client: ManagementClient; live: LiveState }> {
  const connection = await connectManagement(target, { progress, warn: (d) => progress(formatDiagnostic(d)) });
  const { client } = connection;
  await beforeRead?.(client);
  progress(`Reading ${client.endpoint} (node ${connection.node}) ...`);
  return { client, live: await readBroker(client, { messageCounts: false }) };
}

