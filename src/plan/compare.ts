// Attribute comparison of one object's live and desired forms. Both sides arrive normalised
// (defaults filled, tags sorted, x-queue-type folded into `type`), so equality here is plain
// canonical-JSON equality.
import { isJsonMap } from '../model/json.js';
import { IDENTITY_FIELDS, canonicalJson, jsonEqual } from '../model/keys.js';
import type { Json, Kind, Resource } from '../model/types.js';
import type { FieldDiff } from './types.js';
import { redactJson, uriCredentials } from '../model/redact.js';

/** Fields never compared: identity, bookkeeping, and the live-only facts. */
const NOT_ATTRIBUTES = new Set(['kind', 'origin', 'live', 'password']);

/** What the broker cannot change in place (DESIGN.md, "Plan semantics"). */
const NOTHING: ReadonlySet<string> = new Set();
const REPLACE_ON: Record<Kind, ReadonlySet<string>> = {
  exchange: new Set(['type', 'durable', 'auto_delete', 'internal', 'arguments']),
  queue: new Set(['type', 'durable', 'auto_delete', 'arguments']),
  // A binding's attributes are all identity: it changes by delete + create, never in place.
  binding: NOTHING,
  vhost: NOTHING,
  user: NOTHING,
  permission: NOTHING,
  topic_permission: NOTHING,
  policy: NOTHING,
  operator_policy: NOTHING,
  parameter: NOTHING,
  federation_upstream: NOTHING,
  federation_upstream_set: NOTHING,
  shovel: NOTHING,
  global_parameter: NOTHING,
  feature_flag: NOTHING,
  // A stream's arguments are fixed when it is declared, so are those of every partition.
  super_stream: new Set(['arguments']),
};

/** Kinds whose `value` may hold URIs with credentials: compared whole, shown redacted (valueDiffs). */
const VALUE_KINDS: ReadonlySet<Kind> = new Set(['parameter', 'federation_upstream', 'federation_upstream_set', 'shovel', 'global_parameter']);

const SENSITIVE = new Set(['password_hash']);

export interface Comparison {
  fields: FieldDiff[];
  forcedBy: string[];
}

export function compareResources(live: Resource, desired: Resource): Comparison {
  const identity = IDENTITY_SETS[desired.kind];
  const replaceOn = REPLACE_ON[desired.kind];
  const fields: FieldDiff[] = [];
  const forcedBy: string[] = [];
  // Only the desired side's fields: one the spec leaves out (undefined) is not compared anyway.
  for (const field of Object.keys(desired)) {
    if (identity.has(field) || NOT_ATTRIBUTES.has(field)) continue;
    const after = fieldOf(desired, field);
    // An attribute the spec leaves out is not managed: the broker's value stays.
    if (after === undefined) continue;
    const before = fieldOf(live, field);
    if (jsonEqual(before, after)) continue;
    if (field === 'value' && VALUE_KINDS.has(desired.kind)) {
      fields.push(...valueDiffs(before ?? null, after));
      continue;
    }
    fields.push(SENSITIVE.has(field) ? { field, before, after, sensitive: true } : { field, before, after });
    if (replaceOn.has(field)) forcedBy.push(...forcingPaths(field, before, after));
  }
  // Sorted here, not before the loop: most objects have no differing field at all.
  if (fields.length > 1) fields.sort((x, y) => (x.field < y.field ? -1 : x.field > y.field ? 1 : 0));
  return { fields, forcedBy: forcedBy.sort() };
}

const IDENTITY_SETS = Object.fromEntries(Object.entries(IDENTITY_FIELDS).map(([kind, fields]) => [kind, new Set(fields)])) as unknown as Record<Kind, ReadonlySet<string>>;

/**
 * A parameter's value with URI credentials masked on both sides, plus a sensitive `uri_credentials`
 * entry when they differ: the diff shows that a password changed, never what it is.
 */
function valueDiffs(before: Json, after: Json): FieldDiff[] {
  const out: FieldDiff[] = [];
  const shownBefore = redactJson(before);
  const shownAfter = redactJson(after);
  if (!jsonEqual(shownBefore, shownAfter)) out.push({ field: 'value', before: shownBefore, after: shownAfter });
  if (!jsonEqual(uriCredentials(before), uriCredentials(after))) out.push({ field: 'uri_credentials', before: null, after: null, sensitive: true });
  return out;
}

function fieldOf(r: Resource, field: string): Json | undefined {
  return (r as unknown as Record<string, Json | undefined>)[field];
}

/** For a map, name the keys that differ (`arguments.x-max-length`) so a reviewer sees the cause. */
function forcingPaths(field: string, before: Json | undefined, after: Json | undefined): string[] {
  if (!isJsonMap(before) || !isJsonMap(after)) return [field];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = keys.filter((k) => canonicalJson(before[k]) !== canonicalJson(after[k]));
  return changed.map((k) => `${field}.${k}`);
}

