// A fingerprint of what a saved plan saw: one per object it touches (the object and its owning
// stack, or their absence) and one of the stack's ownership record. Apply recomputes them from a
// fresh read; any difference means the plan no longer describes the broker. Live facts (message
// counts) are left out on purpose: they change all the time, and the data-loss check re-reads them.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../model/keys.js';
import type { Json, JsonMap, Resource } from '../model/types.js';
import { redactJson } from '../model/redact.js';

/** Fields that are not part of an object as the broker holds it. */
const NOT_STATE = new Set(['origin', 'live', 'password']);

/** URI passwords are masked first: a digest of a short password is a guessable digest, and it goes into the file. */
export function objectFingerprint(r: Resource | undefined, owner: string | undefined): string {
  return digest({ object: r === undefined ? null : redactJson(stateOf(r)), owner: owner ?? null });
}

export function ownershipFingerprint(owned: ReadonlySet<string> | undefined): string {
  return digest({ owned: owned === undefined ? null : [...owned].sort() });
}

export function stateOf(r: Resource): JsonMap {
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(r)) if (!NOT_STATE.has(k) && v !== undefined) out[k] = v as Json;
  return out;
}

function digest(value: Json): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')}`;
}

/** resource key -> the stack that owns it, from the broker's ownership records. */
export function ownersOf(ownership: ReadonlyMap<string, ReadonlySet<string>>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [stack, keys] of ownership) for (const k of keys) owners.set(k, stack);
  return owners;
}
