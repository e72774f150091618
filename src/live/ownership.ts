// Which objects each stack owns, kept in the broker itself as one global parameter per stack:
// `warren.stack.<stack>` = {version: 1, stack, resources: [resource keys, sorted]}.
import { WarrenError } from '../errors.js';
import type { Json, JsonMap } from '../model/types.js';
import { toJsonMap } from './json-shapes.js';

export const OWNERSHIP_PREFIX = 'warren.stack.';
export const OWNERSHIP_VERSION = 1;

/** The broker stores a global parameter's name as an Erlang atom: at most 255 characters. */
const MAX_NAME = 255;

export function ownershipParameterName(stack: string): string {
  const name = `${OWNERSHIP_PREFIX}${stack}`;
  if (stack === '' || [...name].length > MAX_NAME) {
    throw new WarrenError('E_NAME', `stack name must be 1 to ${MAX_NAME - OWNERSHIP_PREFIX.length} characters long (it names the global parameter ${OWNERSHIP_PREFIX}<stack>)`);
  }
  return name;
}

export function ownershipValue(stack: string, keys: Iterable<string>): JsonMap {
  return { version: OWNERSHIP_VERSION, stack, resources: [...new Set(keys)].sort() };
}

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
    if (value['version'] !== OWNERSHIP_VERSION) bad(`version ${JSON.stringify(value['version'])} is not ${OWNERSHIP_VERSION} (written by another warren version?)`);
    if (value['stack'] !== stack) bad(`it names stack ${JSON.stringify(value['stack'])}`);
    const resources = value['resources'];
    if (!Array.isArray(resources) || !resources.every((k): k is string => typeof k === 'string')) bad('resources is not a list of strings');
    out.set(stack, new Set(resources as string[]));
  }
  return out;
}
