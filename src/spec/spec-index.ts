// The whole spec after its files are merged: every declaration by identity, each still holding
// its tree node so that rules can point at the exact value they object to.
import type { Origin } from '../errors.js';
import type { Binding } from '../model/types.js';
import type { Entry, MapNode, PathSegment, SpecNode } from './tree.js';

/** A declaration keyed by name (exchange, queue, policy, target, permission...). */
export interface Declared {
  name: string;
  /** Where the name is written. */
  origin: Origin;
  node: MapNode;
  /** Where it sits in its file, for messages: ['vhosts', 'orders', 'queues', 'q1']. */
  path: PathSegment[];
  file: string;
}

/** A declaration whose value may be any node (a parameter's value, an upstream set's list). */
export interface DeclaredValue {
  name: string;
  origin: Origin;
  value: SpecNode;
  path: PathSegment[];
}

/** A generic runtime parameter: `vhosts.<v>.parameters.<component>.<name>`. */
export interface ParameterDecl extends DeclaredValue {
  component: string;
}

export interface BindingDecl {
  vhost: string;
  node: MapNode;
  origin: Origin;
  path: PathSegment[];
  /** resourceKey of `resource`, for duplicate detection. */
  identity: string;
  /** The model's binding, defaults filled: identity needs it, so merging builds it once. */
  resource: Binding;
}

export interface TopicPermissionDecl {
  vhost: string;
  exchange: string;
  node: MapNode;
  origin: Origin;
  path: PathSegment[];
}

/** Scalar settings of a vhost or user, each from whichever file states it (only one may). */
export interface Fields {
  entries: Map<string, Entry>;
  paths: Map<string, PathSegment[]>;
}

export interface VhostDecl {
  name: string;
  origin: Origin; // its first declaration
  fields: Fields; // description, tags, default_queue_type, limits
  exchanges: Map<string, Declared>;
  queues: Map<string, Declared>;
  bindings: BindingDecl[];
  policies: Map<string, Declared>;
  operator_policies: Map<string, Declared>;
  federation_upstreams: Map<string, Declared>;
  federation_upstream_sets: Map<string, DeclaredValue>;
  shovels: Map<string, Declared>;
  super_streams: Map<string, Declared>;
  /** By JSON.stringify([component, name]). */
  parameters: Map<string, ParameterDecl>;
}

export interface UserDecl {
  name: string;
  origin: Origin;
  fields: Fields; // auth, password, password_hash, hashing_algorithm, tags, limits
  /** By vhost name. */
  permissions: Map<string, Declared>;
  topic_permissions: TopicPermissionDecl[];
}

export interface SpecIndex {
  files: string[];
  stack?: { value: string; origin: Origin } | undefined;
  targets: Map<string, Declared>;
  vhosts: Map<string, VhostDecl>;
  users: Map<string, UserDecl>;
  globalParameters: Map<string, DeclaredValue>;
  /** Required feature flags, by name, where each is first listed. */
  featureFlags: Map<string, Origin>;
}

export function field(fields: Fields, name: string): Entry | undefined {
  return fields.entries.get(name);
}

export function fieldPath(fields: Fields, name: string): PathSegment[] {
  return fields.paths.get(name) ?? [name];
}
