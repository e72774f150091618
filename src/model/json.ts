// Telling JSON shapes apart: plain objects, and the shapes rabbitmqctl writes for Erlang proplists.
// One place for these checks, used by every layer that reads JSON (definitions, broker answers,
// saved plans, ownership records).
import type { Json, JsonMap } from './types.js';

/**
 * The one empty map every model object with no arguments (definition, limits) shares: most have
 * none, and an empty object is 56 bytes, 3 MB of a plan at 31,000 objects. Frozen, so a change
 * to it throws instead of reaching every object; model maps are never changed in place (the
 * adapters copy them).
 */
export const EMPTY_MAP: JsonMap = Object.freeze({}) as JsonMap;

/** The map itself, or the shared EMPTY_MAP when it has no keys. */
export function sharedIfEmpty(map: JsonMap): JsonMap {
  for (const _ in map) return map;
  return Object.getOwnPropertyNames(map).length === 0 ? EMPTY_MAP : map;
}

/**
 * The map without one key: the map itself when it lacks it, else a copy (shared if empty). Not a
 * delete, which turns an object into a dictionary (some 170 bytes more for each of 10,000 queues).
 */
export function withoutKey(map: JsonMap, key: string): JsonMap {
  if (!Object.hasOwn(map, key)) return map;
  return sharedIfEmpty(Object.fromEntries(Object.entries(map).filter(([k]) => k !== key)) as JsonMap);
}

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

/** Deeper than anything RabbitMQ writes (arguments and policy definitions are a level or two), and
 * far from where the recursive code that compares and prints values would overflow its stack. */
export const MAX_JSON_DEPTH = 64;

/**
 * Calls `fail` (which throws) at the first value nested deeper than MAX_JSON_DEPTH or holding a
 * number JSON cannot write back (1e400 parses as Infinity). Iterative: the input may be deep.
 */
export function checkJsonShape(json: unknown, fail: (path: string, why: string) => never, depth = 0): void {
  if (shapeIsFine(json, depth)) return;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: json, path: '', depth }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { value, path, depth } = top;
    if (typeof value === 'number' && !Number.isFinite(value)) fail(path || '(top level)', 'a number too large to be finite');
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) fail(path, `nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        stack.push({ value: (value as Record<string, unknown>)[key], path: jsonPath(path, key), depth: depth + 1 });
      }
    }
  }
}

/**
 * The same check without paths, for the common case of nothing wrong: a broker read checks every
 * value of its answers (30,000 at 3,100 objects), and making each one's path was most of the time.
 */
function shapeIsFine(json: unknown, depth: number): boolean {
  if (typeof json === 'number') return Number.isFinite(json);
  const values: unknown[] = [json];
  const depths: number[] = [depth];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop() as number;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return false;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'number') {
        if (!Number.isFinite(child)) return false;
      } else if (typeof child === 'object' && child !== null) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

/** `queues[3].arguments["x-max-length"]`: dotted where the key is a plain word. */
export function jsonPath(path: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  const quoted = JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);
  return `${path}[${quoted}]`;
}
