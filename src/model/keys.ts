// Identity: one composite string key per object, as DESIGN.md's "Plan semantics" defines it.
// JSON arrays keep the parts unambiguous whatever characters names contain.
import { unreachable } from '../errors.js';
import { isVhostNamed, type Json, type JsonMap, type Resource } from './types.js';

export function resourceKey(r: Resource): string {
  if (isVhostNamed(r)) return key(r.kind, r.vhost, r.name);
  switch (r.kind) {
    case 'vhost':
    case 'user':
    case 'global_parameter':
    case 'feature_flag':
      return key(r.kind, r.name);
    case 'permission':
      return key(r.kind, r.vhost, r.user);
    case 'topic_permission':
      return key(r.kind, r.vhost, r.user, r.exchange);
    case 'binding':
      return key(r.kind, r.vhost, r.source, r.destination_type, r.destination, r.routing_key, canonicalJson(r.arguments));
    case 'parameter':
      return key(r.kind, r.vhost, r.component, r.name);
    default:
      return unreachable(r, 'kind');
  }
}

/** The vhost an object lives in: a vhost's own name, '' for broker-wide kinds (users, global parameters, flags). */
export function vhostNameOf(r: Resource): string {
  if (r.kind === 'vhost') return r.name;
  return 'vhost' in r ? r.vhost : '';
}

/**
 * Joined rather than concatenated: `${kind}:${json}` is a V8 cons string (and JSON.stringify's
 * own result is pieces past 32 characters), some 210 bytes a binding key where the flat string
 * join makes is 80. A plan holds two keys per object (spec and broker), so that is 7 MB at 31,000.
 */
function key(kind: string, ...parts: string[]): string {
  return [kind, JSON.stringify(parts)].join(':');
}

/** Deterministic JSON: object keys sorted, so equal maps give equal strings. */
export function canonicalJson(value: Json | undefined): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const map = value as JsonMap;
  const entries = Object.keys(map)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(map[k])}`);
  return `{${entries.join(',')}}`;
}

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  // Fast paths first: the planner compares every field of every object, and most are scalars.
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** The fields that make up an object's identity; everything else is an attribute the planner compares. */
export const IDENTITY_FIELDS: Record<Resource['kind'], readonly string[]> = {
  vhost: ['name'],
  user: ['name'],
  permission: ['vhost', 'user'],
  topic_permission: ['vhost', 'user', 'exchange'],
  exchange: ['vhost', 'name'],
  queue: ['vhost', 'name'],
  binding: ['vhost', 'source', 'destination_type', 'destination', 'routing_key', 'arguments'],
  policy: ['vhost', 'name'],
  operator_policy: ['vhost', 'name'],
  parameter: ['vhost', 'component', 'name'],
  federation_upstream: ['vhost', 'component', 'name'],
  federation_upstream_set: ['vhost', 'component', 'name'],
  shovel: ['vhost', 'component', 'name'],
  global_parameter: ['name'],
  super_stream: ['vhost', 'name'],
  feature_flag: ['name'],
};

/**
 * A short human name for plans and errors: `queue orders/orders.created`. Joined, not written as a
 * template: V8 makes a template of several parts a tree of cons strings (about 250 bytes for a
 * binding's title against 70 as one flat string), and a plan keeps every change's title for the
 * whole apply (93,000 of them at the bench's factor 3).
 */
export function describeResource(r: Resource): string {
  switch (r.kind) {
    case 'vhost':
    case 'user':
      return joined(r.kind, ' ', r.name);
    case 'permission':
      return joined('permission ', r.user, '@', r.vhost);
    case 'topic_permission':
      return joined('topic_permission ', r.user, '@', r.vhost, ' on ', r.exchange);
    case 'exchange':
    case 'queue':
    case 'policy':
    case 'operator_policy':
      return joined(r.kind, ' ', r.vhost, '/', r.name);
    case 'binding': {
      const args = Object.keys(r.arguments).length ? ` ${canonicalJson(r.arguments)}` : '';
      return joined('binding ', r.vhost, '/', r.source, ' -> ', r.destination_type, ' ', r.destination, ' [', r.routing_key, ']', args);
    }
    case 'parameter':
      return joined('parameter ', r.vhost, '/', r.component, '/', r.name);
    case 'federation_upstream':
    case 'federation_upstream_set':
    case 'shovel':
    case 'super_stream':
      return joined(r.kind, ' ', r.vhost, '/', r.name);
    case 'global_parameter':
    case 'feature_flag':
      return joined(r.kind, ' ', r.name);
    default:
      return unreachable(r, 'kind');
  }
}

/** One flat string (Array.prototype.join builds it in one piece; see describeResource). */
function joined(...parts: string[]): string {
  return parts.join('');
}
