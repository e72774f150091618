// Runtime parameters, shovel status, feature flags and super streams as the broker reports them,
// into the model. Components the model holds elsewhere (vhost limits, operator policies, policies)
// are not read again here; RabbitMQ's internal global parameters and warren's ownership records
// never become objects.
import type { Json, JsonMap, Model, ParameterKind, Resource, SuperStream } from '../model/types.js';
import { PARAMETER_COMPONENTS } from '../model/types.js';
import { resourceKey } from '../model/keys.js';
import { PARTITION_ORDER_ARG, SUPER_STREAM_ARG, partitionStreamName } from '../model/super-stream.js';
import { internalGlobalParameter } from '../model/internal-parameters.js';

/** Components that are read into other kinds (vhost limits, operator policies) or that the API lists apart (policies). */
const MODELLED_ELSEWHERE = new Set(['vhost-limits', 'operator_policy', 'policy']);

const KIND_OF_COMPONENT = new Map<string, ParameterKind>(Object.entries(PARAMETER_COMPONENTS).map(([kind, component]) => [component, kind as ParameterKind]));

type Obj = Record<string, unknown>;

/** What these readers need of the LiveBuilder (normalise.ts), which calls them in turn. */
export interface ModelSink {
  readonly model: Model;
  str(o: Obj, field: string, path: string): string;
  add(r: Resource): void;
  warnUnmanaged(message: string): void;
}

/** One row of GET /api/parameters or of a definitions file's `parameters`. */
export function addVhostParameter(b: ModelSink, o: Obj, path: string, vhost: string): void {
  const component = b.str(o, 'component', path);
  if (MODELLED_ELSEWHERE.has(component)) return;
  const kind = KIND_OF_COMPONENT.get(component) ?? 'parameter';
  const value = (o['value'] ?? null) as Json;
  b.add({ kind, vhost, component, name: b.str(o, 'name', path), value });
}

/** A global parameter as an object, unless it is RabbitMQ's or warren's own. */
export function addGlobalParameterObject(b: ModelSink, name: string, value: Json): void {
  if (internalGlobalParameter(name) === undefined) b.add({ kind: 'global_parameter', name, value });
}

/**
 * GET /api/shovels: each dynamic shovel's worker state, onto the shovel objects. A shovel the
 * listing does not name (its worker not started yet) reads as `unknown`. The state is a live fact:
 * the planner never compares it, so a shovel going from running to terminated plans no change.
 */
export function addShovelStatus(b: ModelSink, rows: Obj[]): void {
  const state = new Map<string, { state: string; reason?: string }>();
  for (const row of rows) {
    // Static shovels live in the broker's configuration file, out of any API's reach.
    if (row['type'] === 'static') b.warnUnmanaged(`static shovel ${String(row['name'])} comes from the broker's configuration file: warren does not manage it`);
    if (row['type'] !== 'dynamic' || typeof row['vhost'] !== 'string' || typeof row['name'] !== 'string') continue;
    const reason = typeof row['reason'] === 'string' ? row['reason'] : undefined;
    state.set(JSON.stringify([row['vhost'], row['name']]), { state: typeof row['state'] === 'string' ? row['state'] : 'unknown', ...(reason !== undefined ? { reason } : {}) });
  }
  for (const [key, r] of b.model.resources) {
    if (r.kind !== 'shovel') continue;
    b.model.resources.set(key, { ...r, live: state.get(JSON.stringify([r.vhost, r.name])) ?? { state: 'unknown' } });
  }
}

/** One row of GET /api/feature-flags. */
export function addFeatureFlag(b: ModelSink, o: Obj, path: string): void {
  const state = o['state'] === 'enabled' ? 'enabled' : 'disabled'; // `state_changing` counts as not yet enabled
  b.add({ kind: 'feature_flag', name: b.str(o, 'name', path), state, live: { stability: typeof o['stability'] === 'string' ? o['stability'] : 'unknown' } });
}

/**
 * Finds the super streams among plain exchanges, queues and bindings and folds each into one
 * object: a direct exchange whose every binding carries x-stream-partition-order and leads to a
 * stream named `<exchange>-<routing key>`, all with the same arguments. Anything else (a partition
 * named otherwise, a binding without an order) stays as the plain objects it is.
 */
export function foldSuperStreams(model: Model): void {
  // Only a binding with a partition order can make its exchange a super stream: without any (the
  // common case) nothing is grouped, keyed or copied.
  let partitioned = false;
  for (const r of model.resources.values()) {
    if (r.kind === 'binding' && Object.hasOwn(r.arguments, PARTITION_ORDER_ARG)) {
      partitioned = true;
      break;
    }
  }
  if (!partitioned) return;
  const bySource = new Map<string, Resource[]>();
  for (const r of model.resources.values()) {
    if (r.kind !== 'binding') continue;
    const k = JSON.stringify([r.vhost, r.source]);
    const list = bySource.get(k);
    if (list) list.push(r);
    else bySource.set(k, [r]);
  }
  // The direct exchanges first: a copy of every entry (31,000 pairs) only to look at a few.
  const direct: [string, Resource & { kind: 'exchange' }][] = [];
  for (const [k, r] of model.resources) if (r.kind === 'exchange' && r.type === 'direct') direct.push([k, r]);
  for (const [k, exchange] of direct) {
    const found = superStreamOf(model, exchange.vhost, exchange.name, exchange.arguments, bySource.get(JSON.stringify([exchange.vhost, exchange.name])) ?? []);
    if (!found) continue;
    model.resources.delete(k);
    for (const key of found.parts) model.resources.delete(key);
    model.resources.set(resourceKey(found.superStream), found.superStream);
  }
}

function superStreamOf(model: Model, vhost: string, name: string, exchangeArgs: JsonMap, bindings: Resource[]): { superStream: SuperStream; parts: string[] } | undefined {
  // Most direct exchanges are not super streams: one look at the first binding says so.
  const first = bindings[0];
  if (first?.kind !== 'binding' || !Object.hasOwn(first.arguments, PARTITION_ORDER_ARG)) return undefined;
  const otherArgs = Object.keys(exchangeArgs).filter((a) => a !== SUPER_STREAM_ARG);
  if (otherArgs.length > 0) return undefined;
  const partitions: { order: number; key: string }[] = [];
  const parts: string[] = [];
  let args: JsonMap | undefined;
  let messages = 0;
  for (const b of bindings) {
    if (b.kind !== 'binding' || b.destination_type !== 'queue') return undefined;
    const order = Number(b.arguments[PARTITION_ORDER_ARG]);
    if (!Number.isInteger(order) || Object.keys(b.arguments).length !== 1) return undefined;
    if (b.destination !== partitionStreamName(name, b.routing_key)) return undefined;
    const streamKey = resourceKey({ kind: 'queue', vhost, name: b.destination, type: 'stream', durable: true, auto_delete: false, arguments: {} });
    const stream = model.resources.get(streamKey);
    if (stream?.kind !== 'queue' || stream.type !== 'stream') return undefined;
    if (args === undefined) args = stream.arguments;
    else if (JSON.stringify(sorted(args)) !== JSON.stringify(sorted(stream.arguments))) return undefined;
    messages += stream.live?.messages ?? 0;
    partitions.push({ order, key: b.routing_key });
    parts.push(resourceKey(b), streamKey);
  }
  partitions.sort((a, b) => a.order - b.order);
  if (partitions.some((p, i) => p.order !== i)) return undefined; // gaps or repeats: not as the tooling makes them
  return { superStream: { kind: 'super_stream', vhost, name, partitions: partitions.map((p) => p.key), arguments: args ?? {}, live: { messages } }, parts };
}

function sorted(m: JsonMap): [string, Json][] {
  return Object.keys(m)
    .sort()
    .map((k) => [k, m[k] ?? null]);
}
