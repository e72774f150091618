// Execution order: creates, updates and replaces in dependency order (a vhost before what lives
// in it, an exchange before its bindings), then deletes in reverse (bindings before their
// queues, a vhost last). Within a kind, keys sort so output is deterministic.
// One exception: an update of the user warren itself connects as (its password, tags or limits)
// goes after everything else. Applied in its place it changes the login under the running apply,
// and every later call is refused (HTTP 401): the apply would stop half way.
import { KIND_ORDER } from '../model/types.js';
import type { Change } from './types.js';

const RANK = new Map(KIND_ORDER.map((kind, i) => [kind, i]));

export function orderChanges(changes: readonly Change[], connectingUser?: string): Change[] {
  // One pass into three lists (a plan from nothing has a change per object: no extra copies of it).
  const forward: Change[] = [];
  const deletes: Change[] = [];
  const last: Change[] = [];
  for (const c of changes) {
    if (appliesLast(c, connectingUser)) last.push(c);
    else if (c.action === 'delete') deletes.push(c);
    else forward.push(c);
  }
  forward.sort((a, b) => rank(a) - rank(b) || compareKeys(a, b));
  deletes.sort((a, b) => rank(b) - rank(a) || compareKeys(a, b));
  for (const c of deletes) forward.push(c);
  for (const c of last) forward.push({ ...c, reason: c.reason ?? CONNECTING_USER_REASON });
  return forward;
}

export const CONNECTING_USER_REASON = 'warren connects as this user: applied last, after every other change and the ownership record';

/** An update of the user warren connects as: apply runs it after everything else, the ownership record included. */
export function appliesLast(c: Change, connectingUser: string | undefined): boolean {
  return connectingUser !== undefined && c.kind === 'user' && c.action === 'update' && c.after.kind === 'user' && c.after.name === connectingUser;
}

function rank(c: Change): number {
  return RANK.get(c.kind) ?? KIND_ORDER.length;
}

function compareKeys(a: Change, b: Change): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
