// What a renderer may show of an object: its attributes (identity lives in the title or the
// address), with every sensitive value replaced by a flag before any renderer sees it.
import { IDENTITY_FIELDS } from '../model/keys.js';
import { Secret } from '../model/secret.js';
import type { Json, Resource } from '../model/types.js';
import type { Change, FieldDiff } from '../plan/types.js';
import { redactJson, redactText } from '../model/redact.js';

/** Bookkeeping, not attributes: `origin` is shown as a source location, `live` as data loss. */
const NOT_SHOWN = new Set(['kind', 'origin', 'live']);

/**
 * Never printed whatever the planner says: a hash is as good as a password to an attacker with
 * time, so it is masked even where FieldDiff.sensitive was not set. hashing_algorithm is shown:
 * it names a function, not a value, and a reviewer should see md5 being replaced.
 */
const SENSITIVE_FIELDS = new Set(['password', 'password_hash']);

export type Attribute = { field: string; sensitive: true } | { field: string; sensitive: false; value: Json };

/** Non-identity attributes, sorted by name; attributes the object leaves unset are skipped. */
export function attributesOf(r: Resource): Attribute[] {
  const identity = new Set(IDENTITY_FIELDS[r.kind]);
  const fields = Object.entries(r as unknown as Record<string, unknown>)
    .filter(([field, value]) => !NOT_SHOWN.has(field) && !identity.has(field) && value !== undefined)
    .sort(([a], [b]) => compareText(a, b));
  // URI passwords inside parameter values are masked here, before any renderer sees the value.
  return fields.map(([field, value]) => (isSensitive(field, value) ? { field, sensitive: true } : { field, sensitive: false, value: redactJson(value as Json) }));
}

/** A shovel's worker state as the broker reported it (`running`, `terminated: reason`), for display beside its change. */
export function liveStateOf(c: Change): string | undefined {
  const r = c.before;
  if (r?.kind !== 'shovel' || !r.live) return undefined;
  return r.live.reason ? `${r.live.state}: ${redactText(r.live.reason)}` : r.live.state;
}

/** The identity fields in their documented order: what a JSON consumer addresses the object by. */
export function identityOf(r: Resource): Array<[string, Json]> {
  const record = r as unknown as Record<string, Json>;
  return IDENTITY_FIELDS[r.kind].map((field): [string, Json] => [field, record[field] ?? null]);
}

export function isSensitiveDiff(d: FieldDiff): boolean {
  return d.sensitive === true || isSensitive(d.field, d.before) || isSensitive(d.field, d.after);
}

function isSensitive(field: string, value: unknown): boolean {
  return SENSITIVE_FIELDS.has(field) || value instanceof Secret;
}


/** Code-point order, not locale order, so output is the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
