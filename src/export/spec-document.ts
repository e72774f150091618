// Kept live objects -> the spec's shape: vhosts with their exchanges, queues, bindings and
// policies; users with their credentials and grants. Only what differs from the spec's defaults
// is written (durable true, auto_delete false, priority 0, apply_to all, empty maps...), so an
// export reads like a spec someone wrote. Names are sorted in code-point order, the broker's maps
// by key, so the same broker always exports to the same bytes.
import { unreachable } from '../errors.js';
import { DEFAULT_HASHING_ALGORITHM } from '../model/types.js';
import { canonicalJson } from '../model/keys.js';
import type { Binding, Exchange, FeatureFlag, GlobalParameter, JsonMap, Permission, Policy, Queue, Resource, SuperStream, TopicPermission, User, Vhost, VhostParameter } from '../model/types.js';
import { StreamedList, StreamedMap, jsonToDoc, type DocMap, type DocValue } from './doc-value.js';
import { featureFlagsDoc, globalParametersDoc, parameterValueDoc, superStreamDoc, uriPasswordVariables, type UriPassword } from './runtime-documents.js';

export type { DocMap, DocValue } from './doc-value.js';

export interface SpecDocuments {
  /** vhost name -> its body under `vhosts:`. */
  vhosts: Map<string, DocMap>;
  /** user name -> its body under `users:`, made as it is written. */
  users: StreamedMap;
  /** Broker-wide sections: `global_parameters`, `feature_flags`. */
  broker: DocMap;
  /** The `${VARIABLE}`s that stand for URI passwords, sorted: the user must set them. */
  variables: string[];
}

interface VhostParts {
  vhost: Vhost;
  exchanges: Exchange[];
  queues: Queue[];
  bindings: Binding[];
  policies: Policy[];
  operatorPolicies: Policy[];
  parameters: VhostParameter[];
  superStreams: SuperStream[];
}

interface UserParts {
  user: User;
  permissions: Permission[];
  topicPermissions: TopicPermission[];
}

export function specDocuments(kept: ReadonlyMap<string, Resource>): SpecDocuments {
  const vhosts = new Map<string, VhostParts>();
  const users = new Map<string, UserParts>();
  const globals: GlobalParameter[] = [];
  const flags: FeatureFlag[] = [];
  const vhostParts = (name: string): VhostParts | undefined => vhosts.get(name);
  for (const r of kept.values()) {
    if (r.kind === 'vhost') vhosts.set(r.name, { vhost: r, exchanges: [], queues: [], bindings: [], policies: [], operatorPolicies: [], parameters: [], superStreams: [] });
    if (r.kind === 'user') users.set(r.name, { user: r, permissions: [], topicPermissions: [] });
  }
  const listOf = (r: Resource): Resource[] | undefined => {
    switch (r.kind) {
      case 'exchange': return vhostParts(r.vhost)?.exchanges;
      case 'queue': return vhostParts(r.vhost)?.queues;
      case 'binding': return vhostParts(r.vhost)?.bindings;
      case 'policy': return vhostParts(r.vhost)?.policies;
      case 'operator_policy': return vhostParts(r.vhost)?.operatorPolicies;
      case 'permission': return users.get(r.user)?.permissions;
      case 'topic_permission': return users.get(r.user)?.topicPermissions;
      case 'parameter':
      case 'federation_upstream':
      case 'federation_upstream_set':
      case 'shovel':
        return vhostParts(r.vhost)?.parameters;
      case 'super_stream': return vhostParts(r.vhost)?.superStreams;
      case 'global_parameter': return globals;
      case 'feature_flag': return flags;
      case 'vhost':
      case 'user':
        return undefined; // indexed above
      default:
        return unreachable(r, 'kind');
    }
  };
  for (const r of kept.values()) listOf(r)?.push(r);
  const passwords = uriPasswordVariables([...vhosts.values()].flatMap((p) => p.parameters));
  const broker: DocMap = new Map();
  if (globals.length > 0) broker.set('global_parameters', globalParametersDoc(globals));
  const required = featureFlagsDoc(flags);
  if (required.length > 0) broker.set('feature_flags', required);
  return {
    vhosts: new Map(sortedBy([...vhosts.values()], (p) => p.vhost.name).map((p) => [p.vhost.name, vhostDoc(p, passwords)])),
    users: namedMap([...users.values()], (p) => p.user.name, userDoc),
    broker,
    variables: [...passwords.values()].flatMap((m) => [...m.values()].map((v) => v.variable)).sort(),
  };
}

/** What a fresh RabbitMQ gives the vhost "/". */
const DEFAULT_VHOST_DESCRIPTION = 'Default virtual host';

function vhostDoc(p: VhostParts, passwords: ReadonlyMap<string, ReadonlyMap<string, UriPassword>>): DocMap {
  const v = p.vhost;
  const doc: DocMap = new Map();
  // Settings the spec leaves out are not managed. A vhost warren creates starts with an empty
  // description, but "/" already exists with RabbitMQ's own, so there an empty one must be said.
  const said = v.name === '/' ? v.description !== undefined && v.description !== DEFAULT_VHOST_DESCRIPTION : Boolean(v.description);
  if (said && v.description !== undefined) doc.set('description', v.description);
  if (v.tags && v.tags.length > 0) doc.set('tags', [...v.tags]);
  if (v.default_queue_type !== undefined) doc.set('default_queue_type', v.default_queue_type);
  setMap(doc, 'limits', v.limits ?? {});
  const defaultType = v.default_queue_type ?? 'classic';
  setNamed(doc, 'exchanges', p.exchanges, (e) => e.name, exchangeDoc);
  setNamed(doc, 'queues', p.queues, (q) => q.name, (q) => queueDoc(q, defaultType));
  if (p.bindings.length > 0) doc.set('bindings', new StreamedList(p.bindings.length, () => mapped(sortedBy(p.bindings, bindingOrder), bindingDoc)));
  setNamed(doc, 'policies', p.policies, (x) => x.name, policyDoc);
  setNamed(doc, 'operator_policies', p.operatorPolicies, (x) => x.name, policyDoc);
  const value = (x: VhostParameter): DocValue => parameterValueDoc(x, passwords.get(JSON.stringify([x.kind, x.vhost, x.name])));
  for (const [kind, section] of [
    ['federation_upstream', 'federation_upstreams'],
    ['federation_upstream_set', 'federation_upstream_sets'],
    ['shovel', 'shovels'],
  ] as const) {
    const items = sortedBy(p.parameters.filter((x) => x.kind === kind), (x) => x.name);
    if (items.length > 0) doc.set(section, new Map(items.map((x) => [x.name, value(x)])));
  }
  setNamed(doc, 'super_streams', p.superStreams, (x) => x.name, superStreamDoc);
  const generic = sortedBy(p.parameters.filter((x) => x.kind === 'parameter'), (x) => JSON.stringify([x.component, x.name]));
  if (generic.length > 0) {
    const byComponent: DocMap = new Map();
    for (const x of generic) {
      const names = (byComponent.get(x.component) as DocMap | undefined) ?? new Map<string, DocValue>();
      names.set(x.name, value(x));
      byComponent.set(x.component, names);
    }
    doc.set('parameters', byComponent);
  }
  return doc;
}

function exchangeDoc(e: Exchange): DocMap {
  const doc: DocMap = new Map([['type', e.type]]);
  if (!e.durable) doc.set('durable', false);
  if (e.auto_delete) doc.set('auto_delete', true);
  if (e.internal) doc.set('internal', true);
  setMap(doc, 'arguments', e.arguments);
  return doc;
}

/** `type` only when it is not what the spec would infer (the vhost's default queue type, else classic). */
function queueDoc(q: Queue, defaultType: string): DocMap {
  const doc: DocMap = new Map();
  if (q.type !== defaultType) doc.set('type', q.type);
  if (!q.durable) doc.set('durable', false);
  if (q.auto_delete) doc.set('auto_delete', true);
  setMap(doc, 'arguments', q.arguments);
  return doc;
}

function bindingDoc(b: Binding): DocMap {
  const doc: DocMap = new Map([
    ['source', b.source],
    [b.destination_type, b.destination],
  ]);
  if (b.routing_key !== '') doc.set('routing_key', b.routing_key);
  setMap(doc, 'arguments', b.arguments);
  return doc;
}

function policyDoc(p: Policy): DocMap {
  const doc: DocMap = new Map([['pattern', p.pattern]]);
  if (p.apply_to !== 'all') doc.set('apply_to', p.apply_to);
  if (p.priority !== 0) doc.set('priority', p.priority);
  setMap(doc, 'definition', p.definition, true);
  return doc;
}

/** Users keep their hash and its algorithm: the export must log them in as before. */
function userDoc(p: UserParts): DocMap {
  const u = p.user;
  const doc: DocMap = new Map();
  if (u.password_hash !== undefined) {
    doc.set('password_hash', u.password_hash);
    doc.set('hashing_algorithm', u.hashing_algorithm ?? DEFAULT_HASHING_ALGORITHM);
  }
  if (u.tags.length > 0) doc.set('tags', [...u.tags]);
  setMap(doc, 'limits', u.limits);
  if (p.permissions.length > 0) {
    const permissions: DocMap = new Map();
    for (const x of sortedBy(p.permissions, (x) => x.vhost)) {
      const grant: DocMap = new Map();
      for (const k of ['configure', 'write', 'read'] as const) if (x[k] !== '') grant.set(k, x[k]);
      permissions.set(x.vhost, grant);
    }
    doc.set('permissions', permissions);
  }
  if (p.topicPermissions.length > 0) {
    const byVhost: DocMap = new Map();
    for (const x of sortedBy(p.topicPermissions, (x) => JSON.stringify([x.vhost, x.exchange]))) {
      const entry: DocMap = new Map([['exchange', x.exchange]]);
      if (x.write !== '') entry.set('write', x.write);
      if (x.read !== '') entry.set('read', x.read);
      const list = byVhost.get(x.vhost);
      if (Array.isArray(list)) list.push(entry);
      else byVhost.set(x.vhost, [entry]);
    }
    doc.set('topic_permissions', byVhost);
  }
  return doc;
}

function setNamed<T>(doc: DocMap, field: string, items: T[], name: (x: T) => string, body: (x: T) => DocMap): void {
  if (items.length > 0) doc.set(field, namedMap(items, name, body));
}

/**
 * Objects by name, each body made when the writer reaches it and dropped once written: the
 * sections of a large broker are never held as documents (doc-value.ts, StreamedMap).
 */
function namedMap<T>(items: readonly T[], name: (x: T) => string, body: (x: T) => DocMap): StreamedMap {
  return new StreamedMap(items.length, () => mapped(sortedBy(items, name), (x) => [name(x), body(x)] as const));
}

function* mapped<T, U>(items: readonly T[], f: (x: T) => U): Generator<U> {
  for (const x of items) yield f(x);
}

/** A broker map, keys sorted; left out when empty unless the format requires it. */
function setMap(doc: DocMap, field: string, map: JsonMap, always = false): void {
  if (Object.keys(map).length === 0 && !always) return;
  doc.set(field, jsonToDoc(map));
}


function bindingOrder(b: Binding): string {
  return JSON.stringify([b.source, b.destination_type, b.destination, b.routing_key, canonicalJson(b.arguments)]);
}

function sortedBy<T>(items: readonly T[], key: (x: T) => string): T[] {
  return [...items].sort((a, b) => compareText(key(a), key(b)));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
