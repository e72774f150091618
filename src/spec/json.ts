// Tree nodes -> the model's Json values (arguments, definition, limits). Keys are set as own
// properties, so an argument called `__proto__` stays data and never changes an object's prototype.
import type { Json, JsonMap } from '../model/types.js';
import { EMPTY_MAP, sharedIfEmpty } from '../model/json.js';
import { Secret } from '../model/secret.js';
import type { SpecNode } from './tree.js';

export function setOwn(map: JsonMap, key: string, value: Json): void {
  Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
}

export function toJson(node: SpecNode): Json {
  switch (node.kind) {
    case 'map': {
      const out: JsonMap = {};
      for (const [key, e] of node.entries) setOwn(out, key, toJson(e.value));
      return out;
    }
    case 'seq':
      return node.items.map(toJson);
    case 'scalar':
      // Secrets only sit at password paths, never inside a broker-defined map; mask if one does.
      return node.value instanceof Secret ? node.value.toString() : node.value;
  }
}

export function toJsonMap(node: SpecNode | undefined): JsonMap {
  if (node?.kind !== 'map') return EMPTY_MAP;
  return sharedIfEmpty(toJson(node) as JsonMap);
}
