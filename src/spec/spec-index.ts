// The whole spec after its files are merged: every declaration by identity, each still holding
// its tree node so that rules can point at the exact value they object to.
import type { Origin } from '../errors.js';
import type { Binding } from '../model/types.js';
import type { Entry, MapNode, PathSegment } from './tree.js';

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
}

export function field(fields: Fields, name: string): Entry | undefined {
  return fields.entries.get(name);
}

export function fieldPath(fields: Fields, name: string): PathSegment[] {
  return fields.paths.get(name) ?? [name];
}
