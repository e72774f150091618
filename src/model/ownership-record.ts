// Which objects each stack owns, kept in the broker itself as one global parameter per stack:
// `warren.stack.<stack>` = {version: 2, stack, count, encoding: "gzip+base64", resources: "..."},
// the resources being the sorted resource keys as a JSON list, gzipped. Compressed because every
// plan reads every stack's record: at 31,000 objects the plain list (version 1, still read) is
// 1.8 MB that the broker spends half a second formatting; gzipped it is about a tenth.
import { gunzipSync, gzipSync } from 'node:zlib';
import { WarrenError } from '../errors.js';
import type { Json, JsonMap } from './types.js';
import { OWNERSHIP_PREFIX, stackNameProblem } from './stack-name.js';
import { toJsonMap } from './json.js';

export { OWNERSHIP_PREFIX };
export const OWNERSHIP_VERSION = 2;
const ENCODING = 'gzip+base64';

export function ownershipParameterName(stack: string): string {
  const problem = stackNameProblem(stack);
  if (problem) throw new WarrenError('E_NAME', problem);
  return `${OWNERSHIP_PREFIX}${stack}`;
}

export function ownershipValue(stack: string, keys: Iterable<string>): JsonMap {
  const resources = sortedDistinct(keys);
  const data = gzipSync(JSON.stringify(resources)).toString('base64');
  return { version: OWNERSHIP_VERSION, stack, count: resources.length, encoding: ENCODING, resources: data };
}

/** The keys sorted, each once; without a set of them all (93,000 keys at the bench's factor 3). */
function sortedDistinct(keys: Iterable<string>): string[] {
  const sorted = [...keys].sort();
  let kept = 0;
  for (const key of sorted) {
    if (kept === 0 || sorted[kept - 1] !== key) sorted[kept++] = key;
  }
  sorted.length = kept;
  return sorted;
}

/** The keys of a record of either version; undefined when they are not there or do not decode. */
function recordedKeys(value: JsonMap): unknown {
  if (value['version'] === 1) return value['resources'];
  if (value['encoding'] !== ENCODING || typeof value['resources'] !== 'string') return undefined;
  let inflated: Buffer;
  try {
    inflated = gunzipSync(Buffer.from(value['resources'], 'base64'), { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return TOO_LARGE;
    return undefined;
  }
  try {
    return JSON.parse(inflated.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Whoever can write a global parameter could store a gzip bomb (1.5 GB of keys in a few MB); the
 * inflated list is bounded instead. 31,000 keys inflate to about 2 MB, so this allows about a million.
 */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;
const TOO_LARGE = Symbol('too large');

/**
 * stack -> owned keys, from every `warren.stack.*` global parameter. The value may come as an
 * object (HTTP API) or as a list of pairs (rabbitmqctl export_definitions). A malformed record is
 * an error rather than "owns nothing": guessing would let prune skip, or another stack claim, objects.
 */
export function readOwnership(globalParams: ReadonlyMap<string, Json>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [name, raw] of globalParams) {
    if (!name.startsWith(OWNERSHIP_PREFIX)) continue;
    const stack = name.slice(OWNERSHIP_PREFIX.length);
    const bad = (why: string): never => {
      throw new WarrenError('E_OWNERSHIP', `global parameter ${name} is not a warren ownership record: ${why}`);
    };
    const value = toJsonMap(raw) ?? bad('its value is not an object');
    if (value['version'] !== 1 && value['version'] !== OWNERSHIP_VERSION) bad(`version ${JSON.stringify(value['version'])} is not 1 or ${OWNERSHIP_VERSION} (written by a newer warren?)`);
    if (value['stack'] !== stack) bad(`it names stack ${JSON.stringify(value['stack'])}`);
    const resources = recordedKeys(value);
    if (resources === TOO_LARGE) bad(`its key list inflates past ${MAX_INFLATED_BYTES / 1024 / 1024} MB, far more than any stack owns`);
    if (!Array.isArray(resources) || !resources.every((k): k is string => typeof k === 'string')) bad('resources is not a list of strings');
    out.set(stack, new Set(resources as string[]));
  }
  return out;
}
