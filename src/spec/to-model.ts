// Stage 6: the merged spec -> the desired Model, with every default filled in, so a spec that
// states a default and one that leaves it out give equal models (and plan to no changes).
import type { Origin } from '../errors.js';
import { numberedPartitions } from '../model/super-stream.js';
import type { Exchange, HashingAlgorithm, Model, ParameterKind, Policy, Queue, Resource, SuperStream, User, Vhost, VhostParameter } from '../model/types.js';
import { DEFAULT_HASHING_ALGORITHM, PARAMETER_COMPONENTS, emptyModel } from '../model/types.js';
import { resourceKey } from '../model/keys.js';
import { withoutKey } from '../model/json.js';
import { toJson, toJsonMap } from './json.js';
import { asQueueType, queueTypeOf } from './queue-type.js';
import { field, type Declared, type SpecIndex, type UserDecl, type VhostDecl } from './spec-index.js';
import { booleanOf, child, itemsOf, numberOf, secretOf, stringOf, type SpecNode } from './tree.js';

export function toModel(spec: SpecIndex): Model {
  const model = emptyModel();
  const add = (r: Resource): void => {
    model.resources.set(resourceKey(r), r);
  };
  for (const vhost of spec.vhosts.values()) {
    add(vhostOf(vhost));
    for (const e of vhost.exchanges.values()) add(exchangeOf(vhost.name, e));
    for (const q of vhost.queues.values()) add(queueOf(vhost, q));
    // Built once, with its key, when merging checked duplicates: a binding's key serialises its arguments.
    for (const b of vhost.bindings) model.resources.set(b.identity, b.resource);
    for (const p of vhost.policies.values()) add(policyOf('policy', vhost.name, p));
    for (const p of vhost.operator_policies.values()) add(policyOf('operator_policy', vhost.name, p));
    for (const u of vhost.federation_upstreams.values()) add(parameterOf('federation_upstream', vhost.name, PARAMETER_COMPONENTS.federation_upstream, u.name, u.node, u.origin));
    for (const u of vhost.federation_upstream_sets.values()) add(parameterOf('federation_upstream_set', vhost.name, PARAMETER_COMPONENTS.federation_upstream_set, u.name, u.value, u.origin));
    for (const sh of vhost.shovels.values()) add(parameterOf('shovel', vhost.name, PARAMETER_COMPONENTS.shovel, sh.name, sh.node, sh.origin));
    for (const p of vhost.parameters.values()) add(parameterOf('parameter', vhost.name, p.component, p.name, p.value, p.origin));
    for (const ss of vhost.super_streams.values()) add(superStreamOf(vhost.name, ss));
  }
  for (const g of spec.globalParameters.values()) add({ kind: 'global_parameter', name: g.name, value: toJson(g.value), origin: g.origin });
  for (const [name, origin] of spec.featureFlags) add({ kind: 'feature_flag', name, state: 'enabled', origin });
  for (const user of spec.users.values()) {
    add(userOf(user));
    for (const p of user.permissions.values()) {
      const s = (k: string): string => stringOf(child(p.node, k)) ?? ''; // left out: no access
      add({ kind: 'permission', vhost: p.name, user: user.name, configure: s('configure'), write: s('write'), read: s('read'), origin: p.origin });
    }
    for (const tp of user.topic_permissions) {
      const s = (k: string): string => stringOf(child(tp.node, k)) ?? '';
      add({ kind: 'topic_permission', vhost: tp.vhost, user: user.name, exchange: tp.exchange, write: s('write'), read: s('read'), origin: tp.origin });
    }
  }
  return model;
}

/** Tags are a set: sorted and without repeats, so order in the file never shows as a change. */
function tagsOf(node: SpecNode | undefined): string[] {
  const tags = itemsOf(node).flatMap((n) => {
    const s = stringOf(n);
    return s === undefined ? [] : [s];
  });
  return [...new Set(tags)].sort();
}

function vhostOf(decl: VhostDecl): Vhost {
  const f = (name: string): SpecNode | undefined => field(decl.fields, name)?.value;
  return {
    kind: 'vhost',
    name: decl.name,
    // Left out: not managed (see Vhost). Stated, even as "" or {}: managed.
    description: stringOf(f('description')),
    tags: f('tags') === undefined ? undefined : tagsOf(f('tags')),
    default_queue_type: asQueueType(stringOf(f('default_queue_type'))),
    limits: f('limits') === undefined ? undefined : toJsonMap(f('limits')),
    origin: decl.origin,
  };
}

function exchangeOf(vhost: string, d: Declared): Exchange {
  return {
    kind: 'exchange',
    vhost,
    name: d.name,
    type: stringOf(child(d.node, 'type')) ?? 'direct',
    durable: booleanOf(child(d.node, 'durable')) ?? true,
    auto_delete: booleanOf(child(d.node, 'auto_delete')) ?? false,
    internal: booleanOf(child(d.node, 'internal')) ?? false,
    arguments: toJsonMap(child(d.node, 'arguments')),
    origin: d.origin,
  };
}

function queueOf(vhost: VhostDecl, d: Declared): Queue {
  // The type lives in `type`; keeping x-queue-type too would make two sources of one truth.
  const args = withoutKey(toJsonMap(child(d.node, 'arguments')), 'x-queue-type');
  return {
    kind: 'queue',
    vhost: vhost.name,
    name: d.name,
    type: queueTypeOf(d.node, vhost),
    durable: booleanOf(child(d.node, 'durable')) ?? true,
    auto_delete: booleanOf(child(d.node, 'auto_delete')) ?? false,
    arguments: args,
    origin: d.origin,
  };
}

function policyOf(kind: Policy['kind'], vhost: string, d: Declared): Policy {
  const applyTo = stringOf(child(d.node, 'apply_to'));
  return {
    kind,
    vhost,
    name: d.name,
    pattern: stringOf(child(d.node, 'pattern')) ?? '',
    apply_to: applyTo === 'queues' || applyTo === 'exchanges' ? applyTo : 'all',
    priority: numberOf(child(d.node, 'priority')) ?? 0,
    definition: toJsonMap(child(d.node, 'definition')),
    origin: d.origin,
  };
}

function parameterOf(kind: ParameterKind, vhost: string, component: string, name: string, node: SpecNode, origin: Origin): VhostParameter {
  return { kind, vhost, component, name, value: toJson(node), origin };
}

function superStreamOf(vhost: string, d: Declared): SuperStream {
  const count = numberOf(child(d.node, 'partitions'));
  const keys = itemsOf(child(d.node, 'binding_keys')).flatMap((n) => {
    const s = stringOf(n);
    return s === undefined ? [] : [s];
  });
  const args = withoutKey(toJsonMap(child(d.node, 'arguments')), 'x-queue-type'); // always stream
  return { kind: 'super_stream', vhost, name: d.name, partitions: count !== undefined ? numberedPartitions(count) : keys, arguments: args, origin: d.origin };
}

function userOf(decl: UserDecl): User {
  const f = (name: string): SpecNode | undefined => field(decl.fields, name)?.value;
  const user: User = { kind: 'user', name: decl.name, tags: tagsOf(f('tags')), limits: toJsonMap(f('limits')), origin: decl.origin };
  // A certificate user has no password at all: '' is "no password" to the broker (see credentials.ts).
  if (stringOf(f('auth')) === 'certificate') {
    user.password_hash = '';
    return user;
  }
  const password = secretOf(f('password'));
  if (password) user.password = password;
  const hash = stringOf(f('password_hash'));
  if (hash !== undefined) {
    user.password_hash = hash;
    user.hashing_algorithm = (stringOf(f('hashing_algorithm')) as HashingAlgorithm | undefined) ?? DEFAULT_HASHING_ALGORITHM;
  }
  return user;
}
