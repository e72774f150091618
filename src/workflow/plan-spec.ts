// Plan a spec: the I/O glue around the pure planner. Load the spec, read the live side (a broker or
// a definitions file), adapt to the broker's version, resolve passwords to hashes, plan. `plan`,
// `apply` and the library all start here.
import { WarrenError, errorsOf, formatDiagnostic, type Diagnostic } from '../errors.js';
import { amqpOptionsFor, connectManagement } from '../live/connect-target.js';
import type { ManagementClient } from '../live/management-client.js';
import { readBroker } from '../live/read-broker.js';
import { fillBlindSpots } from '../live/blind-spots.js';
import { withHalfMadeQueues, type QueueRef } from '../live/half-made-queues.js';
import type { LiveState } from '../live/types.js';
import { adaptToVersion } from '../model/compat.js';
import type { UpgradeOptions } from '../model/upgrade.js';
import { resolveCredentials } from '../model/credentials.js';
import type { Target } from '../model/target.js';
import { vhostNameOf } from '../model/keys.js';
import type { Resource } from '../model/types.js';
import { needsQueueFacts, planChanges, type Plan, type PruneMode } from '../plan/index.js';
import { assertValidSpec, loadSpec, type LoadedSpec } from '../spec/index.js';
import { assertVariablesSet } from '../spec/variables.js';
import { collectAfterLoad } from '../spec/collect-garbage.js';
import { startEarlyRead, type EarlyRead } from './early-read.js';
import { versionRefusals } from './version-refusals.js';
import { chooseSpecTarget, overriddenFields, resolveTarget, type ConnectionFlags, type Env } from './resolve-target.js';

export interface PlanRequest {
  paths: readonly string[];
  env: Env;
  connection: ConnectionFlags;
  /** Plan against an exported definitions file instead of a broker. */
  liveFile?: string | undefined;
  prune: PruneMode;
  /** Rewrite what the target's version refuses (a 3.x spec against 4.x) instead of refusing it. */
  upgrade?: UpgradeOptions | undefined;
  /** A spec already loaded and valid (a plan of several targets loads it once); else `paths` is loaded. */
  spec?: LoadedSpec | undefined;
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
  // A plan of one broker sends its reads before the spec loads (early-read.ts): the broker formats
  // its listings while the loader holds the event loop. Not apply: it reads only once it holds the
  // stack's lock. Not a plan of several targets: their spec is loaded already.
  const early = request.spec === undefined && request.liveFile === undefined && request.beforeRead === undefined ? startEarlyRead(request) : undefined;
  try {
    if (early) await early.underway;
    return await planLoadedSpec(request, progress, early);
  } finally {
    early?.drop(); // unless it was used: a spec with errors, or another target, wants none of it
  }
}

async function planLoadedSpec(request: PlanRequest, progress: (line: string) => void, early: EarlyRead | undefined): Promise<PreparedPlan> {
  const spec = request.spec ?? loadValidSpec(request);
  const stack = spec.stack as string; // assertValidSpec guarantees a stack
  // Only the chosen target's variables, and the objects': another environment's secrets are never needed.
  const connects = request.liveFile === undefined;
  assertVariablesSet(spec, {
    target: connects ? chooseSpecTarget(spec.targets, request.connection.target)?.name : undefined,
    overridden: overriddenFields(request.connection, request.env),
    command: request.beforeRead ? 'apply' : 'plan',
  });

  let live: LiveState;
  let target: Target | undefined;
  let client: ManagementClient | undefined;
  // With an early read, the time after the spec load: what the plan still waited for the broker.
  const started = Date.now();
  if (request.liveFile !== undefined) {
    const { readDefinitionsFile } = await import('../live/read-definitions.js');
    live = await readDefinitionsFile(request.liveFile);
  } else {
    target = resolveTarget(spec.targets, request.connection, request.env);
    const hook = request.beforeRead;
    const resolved = target;
    const taken = early?.take(target, progress);
    ({ client, live } = await (taken ?? readTarget(target, progress, hook && ((c) => hook(stack, resolved, c, spec)))));
  }
  progress(`Read ${live.model.resources.size} objects from ${live.source} (RabbitMQ ${live.brokerVersion}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // A definitions file may lack what the spec states (3.10's vhost metadata, ctl's internal
  // exchanges): the spec's values stand in there, so the plan shows no change that is not real.
  const blind = fillBlindSpots(live, spec.model.resources);
  live = { ...live, model: { resources: blind.resources } };
  const adapted = adaptToVersion(spec.model.resources, live.model.resources, live.brokerVersion, { upgrade: request.upgrade });
  const desired = resolveCredentials(adapted.desired, live.model.resources);
  const planAgainst = (resources: ReadonlyMap<string, Resource>) =>
    planChanges({ stack, desired, live: resources, ownership: live.ownership, prune: request.prune, specVhosts: new Set(spec.vhosts), connectingUser: target?.username, brokerVersion: live.brokerVersion });
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
  // Migrations also need the consumers they cancel, and the holding queue's count (same vhost).
  const uncounted = plan.changes.filter(needsQueueFacts);
  if (client && uncounted.length > 0) {
    const queues = uncounted.flatMap((c) => {
      const r = c.before ?? c.after;
      if (r.kind !== 'queue') return [];
      return [{ vhost: r.vhost, name: r.name }, ...(c.migration ? [{ vhost: r.vhost, name: c.migration.holdingQueue }] : [])];
    });
    const exact = target && target.amqp.length > 0 ? { amqp: amqpOptionsFor(target), queues } : undefined;
    // Loaded here: it brings amqplib, which a plan with nothing to delete never needs.
    const { readQueueFacts, withQueueFacts } = await import('../live/read-queue-facts.js');
    const facts = await readQueueFacts(client, uncounted.map((c) => vhostNameOf(c.before ?? c.after)), exact);
    live = { ...live, model: { resources: withQueueFacts(live.model.resources, facts) } };
    plan = planAgainst(live.model.resources);
  }
  const diagnostics: Diagnostic[] = [...spec.diagnostics, ...live.warnings, ...blind.notes, ...adapted.diagnostics, ...versionRefusals(desired, live.brokerVersion), ...plan.diagnostics];
  const errors = errorsOf(diagnostics);
  if (errors.length > 0) {
    const first = errors[0] as Diagnostic;
    throw new WarrenError(first.code, first.message, { origin: first.origin, diagnostics });
  }
  return { plan: { ...plan, diagnostics }, spec, live, target, client };
}

/** The spec of a plan or apply, loaded and checked: throws a WarrenError carrying every diagnostic. */
export function loadValidSpec(request: Pick<PlanRequest, 'paths' | 'env'>): LoadedSpec {
  const spec = loadSpec(request.paths.length > 0 ? request.paths : ['.'], request.env);
  assertValidSpec(spec);
  collectAfterLoad(spec.model.resources.size);
  return spec;
}

/** The quorum queues and streams a plan creates or rewrites: the only queues that can be half made. */
export function createdReplicatedQueues(plan: Plan): QueueRef[] {
  return plan.changes.flatMap((c) => (c.action !== 'delete' && c.after.kind === 'queue' && c.after.type !== 'classic' ? [{ vhost: c.after.vhost, name: c.after.name }] : []));
}

/** Connects (the first endpoint that answers; TLS warnings on the way) and reads the whole broker. */
async function readTarget(target: Target, progress: (line: string) => void, beforeRead?: (client: ManagementClient) => Promise<void>): Promise<{ client: ManagementClient; live: LiveState }> {
  const connection = await connectManagement(target, { progress, warn: (d) => progress(formatDiagnostic(d)) });
  const { client } = connection;
  await beforeRead?.(client);
  progress(`Reading ${client.endpoint} (node ${connection.node}) ...`);
  return { client, live: await readBroker(client, { messageCounts: false, overview: connection.overview }) };
}

