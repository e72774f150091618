// Execution order: creates, updates and replaces in dependency order (a vhost before what lives
// in it, an exchange before its bindings), then deletes in reverse (bindings before their
// queues, a vhost last). Within a kind, keys sort so output is deterministic.
import { KIND_ORDER } from '../model/types.js';
import type { Change } from './types.js';

const RANK = new Map(KIND_ORDER.map((kind, i) => [kind, i]));

export function orderChanges(changes: readonly Change[]): Change[] {
  const forward = changes.filter((c) => c.action !== 'delete').sort((a, b) => rank(a) - rank(b) || compareKeys(a, b));
  const deletes = changes.filter((c) => c.action === 'delete').sort((a, b) => rank(b) - rank(a) || compareKeys(a, b));
  return [...forward, ...deletes];
}

function rank(c: Change): number {
  return RANK.get(c.kind) ?? KIND_ORDER.length;
}

function compareKeys(a: Change, b: Change): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
