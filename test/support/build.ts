// Literal model builders for planner and renderer tests: defaults filled as the normaliser does.
import { resourceKey } from '../../src/model/keys.js';
import { planChanges, type Plan, type PlanInput } from '../../src/plan/index.js';
import type { Binding, Exchange, Permission, Policy, Queue, Resource, User, Vhost } from '../../src/model/types.js';

export const vhost = (name: string, extra: Partial<Vhost> = {}): Vhost => ({ kind: 'vhost', name, description: '', tags: [], limits: {}, ...extra });

export const user = (name: string, extra: Partial<User> = {}): User => ({
  kind: 'user',
  name,
  tags: [],
  password_hash: 'aGFzaA==',
  hashing_algorithm: 'rabbit_password_hashing_sha256',
  limits: {},
  ...extra,
});

export const permission = (vhostName: string, userName: string, extra: Partial<Permission> = {}): Permission => ({
  kind: 'permission',
  vhost: vhostName,
  user: userName,
  configure: '.*',
  write: '.*',
  read: '.*',
  ...extra,
});

export const exchange = (vhostName: string, name: string, extra: Partial<Exchange> = {}): Exchange => ({
  kind: 'exchange',
  vhost: vhostName,
  name,
  type: 'direct',
  durable: true,
  auto_delete: false,
  internal: false,
  arguments: {},
  ...extra,
});

export const queue = (vhostName: string, name: string, extra: Partial<Queue> = {}): Queue => ({
  kind: 'queue',
  vhost: vhostName,
  name,
  type: 'classic',
  durable: true,
  auto_delete: false,
  arguments: {},
  ...extra,
});

export const binding = (vhostName: string, source: string, destination: string, extra: Partial<Binding> = {}): Binding => ({
  kind: 'binding',
  vhost: vhostName,
  source,
  destination_type: 'queue',
  destination,
  routing_key: '',
  arguments: {},
  ...extra,
});

export const policy = (vhostName: string, name: string, extra: Partial<Policy> = {}): Policy => ({
  kind: 'policy',
  vhost: vhostName,
  name,
  pattern: '.*',
  apply_to: 'all',
  priority: 0,
  definition: {},
  ...extra,
});

export function modelOf(...resources: Resource[]): Map<string, Resource> {
  return new Map(resources.map((r) => [resourceKey(r), r]));
}

export function keysOf(...resources: Resource[]): Set<string> {
  return new Set(resources.map(resourceKey));
}

/** A live queue with messages in it. */
export function withMessages(q: Queue, messages: number): Queue {
  return { ...q, live: { messages, exclusive: false, server_named: false } };
}

/** The planner over literal models: stack `orders`, --prune managed, the desired vhosts as the spec's. */
export function planOf(desired: Resource[], live: Resource[], extra: Partial<PlanInput> = {}): Plan {
  return planChanges({
    stack: 'orders',
    desired: modelOf(...desired),
    live: modelOf(...live),
    ownership: new Map(),
    prune: 'managed',
    specVhosts: new Set(desired.flatMap((r) => (r.kind === 'vhost' ? [r.name] : []))),
    ...extra,
  });
}
