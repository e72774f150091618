// Where a message goes: the walk of match.ts (rabbit_exchange:route/2) over a topology model, with
// each exchange's alternate exchange from its argument or policy. Then, for each queue reached,
// the dead-letter path: the queue's effective
// dead-letter exchange and routing key (arguments and policies merged as the broker does), routed
// again from there, as a rejected or expired message would be.
import type { Binding, Exchange, Model, Policy, Queue } from '../model/types.js';
import { effectiveSettings } from './effective.js';
import { walkRoute, type HeaderValue, type WalkWorld } from './match.js';

export interface Message {
  vhost: string;
  exchange: string;
  routingKey: string;
  headers: Record<string, HeaderValue>;
}

export type Hop =
  | { kind: 'binding'; from: string; to: string; destinationType: 'queue' | 'exchange'; bindingKey: string; arguments: Record<string, unknown> }
  | { kind: 'default'; to: string }
  | { kind: 'alternate'; from: string; to: string };

export interface RouteResult {
  /** Queues that get a copy, sorted. */
  queues: string[];
  /** How each exchange and queue was reached, in the order the walk found them. */
  hops: Hop[];
  /** Exchanges the message passed through (the first one included). */
  exchanges: string[];
  /** Problems on the way: an exchange that does not exist, an alternate exchange that is missing. */
  notes: string[];
}

export interface DeadLetterPath {
  queue: string;
  exchange: string;
  routingKey: string;
  /** Where the dead-lettered message then lands; undefined when the exchange is not declared. */
  route: RouteResult;
}

export interface Topology {
  exchanges: Map<string, Exchange>;
  queues: Map<string, Queue>;
  /** By source exchange. */
  bindings: Map<string, Binding[]>;
  policies: Policy[];
  /** Decides which policy keys a queue type refuses; none: the newest RabbitMQ. */
  brokerVersion?: string | undefined;
}

/** One vhost's objects, indexed for routing. */
export function topologyOf(model: Model, vhost: string, brokerVersion?: string): Topology {
  const t: Topology = { exchanges: new Map(), queues: new Map(), bindings: new Map(), policies: [], brokerVersion };
  for (const r of model.resources.values()) {
    if (!('vhost' in r) || r.vhost !== vhost) continue;
    if (r.kind === 'exchange') t.exchanges.set(r.name, r);
    else if (r.kind === 'queue') t.queues.set(r.name, r);
    else if (r.kind === 'binding') {
      const list = t.bindings.get(r.source) ?? [];
      list.push(r);
      t.bindings.set(r.source, list);
    } else if (r.kind === 'policy' || r.kind === 'operator_policy') t.policies.push(r);
  }
  return t;
}

/** The broker's own exchanges, which exist in every vhost whether a spec declares them or not. */
const BUILT_IN: Record<string, string> = { 'amq.direct': 'direct', 'amq.fanout': 'fanout', 'amq.topic': 'topic', 'amq.headers': 'headers', 'amq.match': 'headers', 'amq.rabbitmq.trace': 'topic' };

export function exchangeType(t: Topology, name: string): string | undefined {
  if (name === '') return 'direct';
  return t.exchanges.get(name)?.type ?? BUILT_IN[name];
}

export function alternateExchangeOf(t: Topology, exchange: string): string | undefined {
  const x = t.exchanges.get(exchange);
  if (!x) return undefined;
  const ae = effectiveSettings(x, t.policies, t.brokerVersion).settings.find((s) => s.key === 'alternate-exchange' && !s.ignored);
  return typeof ae?.value === 'string' ? ae.value : undefined;
}

export function routeMessage(t: Topology, m: Message): RouteResult {
  const world: WalkWorld = {
    typeOf: (x) => exchangeType(t, x),
    bindingsOf: (x) => (t.bindings.get(x) ?? []).map((b) => ({ destination: b.destination, destinationType: b.destination_type, routingKey: b.routing_key, arguments: b.arguments })),
    alternateOf: (x) => alternateExchangeOf(t, x),
    queueExists: (q) => t.queues.has(q),
  };
  const walk = walkRoute(m.exchange, m.routingKey, m.headers, world);
  const result: RouteResult = { queues: walk.queues, hops: [], exchanges: walk.exchanges, notes: [] };
  for (const s of walk.steps) {
    switch (s.kind) {
      case 'binding':
        result.hops.push({ kind: 'binding', from: s.from, to: s.binding.destination, destinationType: s.binding.destinationType, bindingKey: s.binding.routingKey, arguments: s.binding.arguments });
        break;
      case 'default':
        result.hops.push({ kind: 'default', to: s.to });
        break;
      case 'alternate':
        result.hops.push({ kind: 'alternate', from: s.from, to: s.to });
        break;
      case 'missing-exchange':
        result.notes.push(`exchange ${JSON.stringify(s.exchange)} is not declared: the broker refuses a publish to it (404) and drops an exchange-to-exchange copy`);
        break;
      case 'missing-queue':
        result.notes.push(`queue ${JSON.stringify(s.queue)} (bound from ${JSON.stringify(s.from)}) is not declared`);
        break;
    }
  }
  return result;
}

/** For each queue a message reached: where it goes when rejected or expired. One level deep. */
export function deadLetterPaths(t: Topology, m: Message, reached: readonly string[]): DeadLetterPath[] {
  const out: DeadLetterPath[] = [];
  for (const name of reached) {
    const q = t.queues.get(name);
    if (!q) continue;
    const settings = effectiveSettings(q, t.policies, t.brokerVersion).settings;
    const dlx = settings.find((s) => s.key === 'dead-letter-exchange' && !s.ignored)?.value;
    if (typeof dlx !== 'string') continue;
    const dlrk = settings.find((s) => s.key === 'dead-letter-routing-key' && !s.ignored)?.value;
    const routingKey = typeof dlrk === 'string' ? dlrk : m.routingKey;
    out.push({ queue: name, exchange: dlx, routingKey, route: routeMessage(t, { ...m, exchange: dlx, routingKey }) });
  }
  return out;
}
