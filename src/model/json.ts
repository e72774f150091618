// Telling JSON shapes apart: plain objects, and the shapes rabbitmqctl writes for Erlang proplists.
// One place for these checks, used by every layer that reads JSON (definitions, broker answers,
// saved plans, ownership records).
import type { Json, JsonMap } from './types.js';

/** A plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON value that is an object: the shape of arguments, definitions and limits. */
export function isJsonMap(v: Json | undefined): v is JsonMap {
  return isRecord(v);
}

/** An object, or the shapes rabbitmqctl writes for Erlang proplists: `[]` and `[[key, value], ...]`. */
export function toJsonMap(v: unknown): JsonMap | undefined {
  if (isRecord(v)) return { ...(v as JsonMap) };
  if (Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string')) {
    // fromEntries defines properties, so a key named __proto__ stays a key.
    return Object.fromEntries(v as [string, Json][]) as JsonMap;
  }
  return undefined;
}
