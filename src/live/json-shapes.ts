// Shapes the broker's JSON comes in, beside plain objects.
import type { Json, JsonMap } from '../model/types.js';

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object, or the shapes rabbitmqctl writes for Erlang proplists: `[]` and `[[key, value], ...]`. */
export function toJsonMap(v: unknown): JsonMap | undefined {
  if (isObj(v)) return { ...(v as JsonMap) };
  if (Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string')) {
    // fromEntries defines properties, so a key named __proto__ stays a key.
    return Object.fromEntries(v as [string, Json][]) as JsonMap;
  }
  return undefined;
}
