// The topology as a graph: exchanges and queues as nodes; bindings, exchange-to-exchange bindings,
// dead-letter and alternate-exchange links as edges; the policy that applies to each node and the
// users of each vhost as annotations. Every renderer (mermaid, dot, html) draws this one structure.
import { effectiveSettings } from '../../analyse/effective.js';
import { winnerOf } from '../../analyse/policy-match.js';
import type { JsonMap, Model, Permission, Policy } from '../../model/types.js';

export interface GraphNode {
  id: string;
  vhost: string;
  kind: 'exchange' | 'queue';
  name: string;
  /** Exchange type (topic, fanout, ...) or queue type (classic, quorum, stream). */
  type: string;
  arguments: JsonMap;
  policy?: string | undefined;
  operatorPolicy?: string | undefined;
  /** True for an exchange or queue a link names but nobody declares: drawn apart, so the gap shows. */
  missing?: boolean | undefined;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: 'binding' | 'exchange-binding' | 'dead-letter' | 'alternate';
  /** Binding key, headers arguments, or the dead-letter routing key. */
  label: string;
  routingKey?: string | undefined;
  arguments?: JsonMap | undefined;
}

export interface GraphVhost {
  name: string;
  users: { name: string; configure: string; write: string; read: string }[];
  policies: { name: string; kind: 'policy' | 'operator_policy'; pattern: string; apply_to: string; priority: number; definition: JsonMap }[];
}

export interface TopologyGraph {
  vhosts: GraphVhost[];
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function nodeId(vhost: string, kind: 'exchange' | 'queue', name: string): string {
  return `${kind === 'exchange' ? 'x' : 'q'}:${JSON.stringify([vhost, name])}`;
}

export function buildGraph(model: Model, onlyVhosts?: ReadonlySet<string>, brokerVersion?: string): TopologyGraph {
  const keep = (vhost: string): boolean => !onlyVhosts || onlyVhosts.has(vhost);
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const vhosts = new Map<string, GraphVhost>();
  const vh = (name: string): GraphVhost => {
    let v = vhosts.get(name);
    if (!v) vhosts.set(name, (v = { name, users: [], policies: [] }));
    return v;
  };
  const policiesByVhost = new Map<string, Policy[]>();
  for (const r of model.resources.values()) {
    if (r.kind === 'vhost') {
      if (keep(r.name)) vh(r.name);
    } else if (r.kind === 'policy' || r.kind === 'operator_policy') {
      if (!keep(r.vhost)) continue;
      const list = policiesByVhost.get(r.vhost) ?? [];
      list.push(r);
      policiesByVhost.set(r.vhost, list);
      vh(r.vhost).policies.push({ name: r.name, kind: r.kind, pattern: r.pattern, apply_to: r.apply_to, priority: r.priority, definition: r.definition });
    } else if (r.kind === 'permission') {
      if (keep(r.vhost)) vh(r.vhost).users.push(userLine(r));
    }
  }
  const ensure = (vhost: string, kind: 'exchange' | 'queue', name: string): string => {
    const id = nodeId(vhost, kind, name);
    if (!nodes.has(id)) nodes.set(id, { id, vhost, kind, name, type: kind === 'exchange' ? builtInType(name) : 'classic', arguments: {}, missing: builtInType(name) === '?' || kind === 'queue' ? true : undefined });
    return id;
  };
  for (const r of model.resources.values()) {
    if ((r.kind !== 'exchange' && r.kind !== 'queue') || !keep(r.vhost)) continue;
    const e = effectiveSettings(r, policiesByVhost.get(r.vhost) ?? [], brokerVersion);
    const id = nodeId(r.vhost, r.kind, r.name);
    nodes.set(id, { id, vhost: r.vhost, kind: r.kind, name: r.name, type: r.type, arguments: r.arguments, policy: winnerOf(e.policies)?.policy.name, operatorPolicy: winnerOf(e.operatorPolicies)?.policy.name });
    vh(r.vhost);
    for (const s of e.settings) {
      if (s.ignored || typeof s.value !== 'string') continue;
      if (r.kind === 'queue' && s.key === 'dead-letter-exchange') {
        const dlrk = e.settings.find((x) => x.key === 'dead-letter-routing-key')?.value;
        edges.push({ from: id, to: ensure(r.vhost, 'exchange', s.value), kind: 'dead-letter', label: typeof dlrk === 'string' ? `dead-letter, key ${dlrk}` : 'dead-letter', ...(typeof dlrk === 'string' ? { routingKey: dlrk } : {}) });
      }
      if (r.kind === 'exchange' && s.key === 'alternate-exchange') edges.push({ from: id, to: ensure(r.vhost, 'exchange', s.value), kind: 'alternate', label: 'alternate' });
    }
  }
  for (const r of model.resources.values()) {
    if (r.kind !== 'binding' || !keep(r.vhost)) continue;
    const from = ensure(r.vhost, 'exchange', r.source);
    const to = ensure(r.vhost, r.destination_type, r.destination);
    edges.push({ from, to, kind: r.destination_type === 'exchange' ? 'exchange-binding' : 'binding', label: bindingLabel(r.routing_key, r.arguments), routingKey: r.routing_key, arguments: r.arguments });
  }
  const sortedNodes = [...nodes.values()].sort((a, b) => a.vhost.localeCompare(b.vhost) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  return { vhosts: [...vhosts.values()].sort((a, b) => a.name.localeCompare(b.name)), nodes: sortedNodes, edges };
}

const BUILT_IN: Record<string, string> = { '': 'direct', 'amq.direct': 'direct', 'amq.fanout': 'fanout', 'amq.topic': 'topic', 'amq.headers': 'headers', 'amq.match': 'headers', 'amq.rabbitmq.trace': 'topic' };

function builtInType(name: string): string {
  return BUILT_IN[name] ?? '?';
}

function userLine(p: Permission): GraphVhost['users'][number] {
  return { name: p.user, configure: p.configure, write: p.write, read: p.read };
}

/** `order.created`, or for headers bindings `all: method=card` (x-match first, then the headers). */
function bindingLabel(key: string, args: JsonMap): string {
  const entries = Object.entries(args);
  if (entries.length === 0) return key;
  const mode = typeof args['x-match'] === 'string' ? `${args['x-match']}: ` : '';
  const rest = entries.filter(([k]) => k !== 'x-match').map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  return `${key === '' ? '' : `${key} `}${mode}${rest}`;
}
