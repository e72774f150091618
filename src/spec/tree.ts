// The spec as read from YAML: every value keeps where it came from, and every map is a Map,
// because keys are user data (a vhost may be called `__proto__` or `constructor`).
// Later stages read this tree, never the yaml package's own nodes.
import type { Origin } from '../errors.js';
import { Secret } from '../model/secret.js';

export type ScalarValue = string | number | boolean | null;

export interface MapNode {
  kind: 'map';
  origin: Origin;
  entries: ReadonlyMap<string, Entry>;
}

export interface Entry {
  /** Where the key is written: the place to point at for a name or an unknown key. */
  keyOrigin: Origin;
  value: SpecNode;
}

export interface SeqNode {
  kind: 'seq';
  origin: Origin;
  items: SpecNode[];
}

export interface ScalarNode {
  kind: 'scalar';
  origin: Origin;
  /** A Secret where the value reaches a password, a passphrase or a URI's credentials. */
  value: ScalarValue | Secret;
  /**
   * Variables it references that the environment does not set: the value is incomplete, and
   * checks of its content are skipped. Only an error where the value is needed (see variables.ts).
   */
  unresolved?: readonly string[] | undefined;
}

export type SpecNode = MapNode | SeqNode | ScalarNode;

/** One segment of a path into the tree: a map key or a list index. */
export type PathSegment = string | number;

export function entry(node: SpecNode | undefined, key: string): Entry | undefined {
  return node?.kind === 'map' ? node.entries.get(key) : undefined;
}

export function child(node: SpecNode | undefined, key: string): SpecNode | undefined {
  return entry(node, key)?.value;
}

/** Map entries in document order; empty for anything that is not a map. */
export function entriesOf(node: SpecNode | undefined): Iterable<[string, Entry]> {
  return node?.kind === 'map' ? node.entries : [];
}

export function itemsOf(node: SpecNode | undefined): SpecNode[] {
  return node?.kind === 'seq' ? node.items : [];
}

export function scalarOf(node: SpecNode | undefined): ScalarValue | Secret | undefined {
  return node?.kind === 'scalar' ? node.value : undefined;
}

/** True for a value whose `${VAR}` is not set (see ScalarNode.unresolved): do not judge its content. */
export function isUnresolved(node: SpecNode | undefined): boolean {
  return node?.kind === 'scalar' && node.unresolved !== undefined && node.unresolved.length > 0;
}

/** A scalar's value, or undefined for collections and secrets. */
export function plainScalarOf(node: SpecNode | undefined): ScalarValue | undefined {
  const v = scalarOf(node);
  return v instanceof Secret ? undefined : v;
}

export function stringOf(node: SpecNode | undefined): string | undefined {
  const v = scalarOf(node);
  return typeof v === 'string' ? v : undefined;
}

export function booleanOf(node: SpecNode | undefined): boolean | undefined {
  const v = scalarOf(node);
  return typeof v === 'boolean' ? v : undefined;
}

export function numberOf(node: SpecNode | undefined): number | undefined {
  const v = scalarOf(node);
  return typeof v === 'number' ? v : undefined;
}

export function secretOf(node: SpecNode | undefined): Secret | undefined {
  const v = scalarOf(node);
  return v instanceof Secret ? v : undefined;
}

/** Follows a path; for a map key it can return the key's own place instead of the value's. */
export function locate(root: SpecNode, path: readonly PathSegment[], at: 'value' | 'key' = 'value'): Origin {
  let node: SpecNode = root;
  let keyOrigin: Origin | undefined;
  for (const seg of path) {
    if (node.kind === 'map' && typeof seg === 'string') {
      const e = node.entries.get(seg);
      if (!e) break;
      keyOrigin = e.keyOrigin;
      node = e.value;
    } else if (node.kind === 'seq' && typeof seg === 'number' && node.items[seg]) {
      keyOrigin = undefined;
      node = node.items[seg];
    } else {
      break;
    }
  }
  return at === 'key' && keyOrigin ? keyOrigin : node.origin;
}

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `vhosts.orders.queues["orders.created"].durable`: readable, and unambiguous for odd names. */
export function displayPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(top level)' : out;
}
