// Credentials inside URIs that parameter values carry (federation upstream `uri`, shovel
// `src-uri`/`dest-uri`, or any component's string that is a URI with user info). The model keeps
// them whole, because the planner must compare them and apply must write them; everything that
// leaves the process (plan text, JSON, markdown, saved plans, exports, rendered files, errors)
// goes through these functions first. The masking itself is redactUrl's, the one implementation.
import { redactUrl } from './url-credentials.js';
import type { Json, JsonMap } from './types.js';

/** scheme://...@: a URI with user info, the only strings that are masked. */
const WITH_USER_INFO = /^[a-z][a-z0-9+.-]*:\/\/[^\s]*@/i;

/** Every string in a JSON value that is a URI with user info, masked. The input is not changed. */
export function redactJson(value: Json): Json {
  if (typeof value === 'string') return WITH_USER_INFO.test(value) ? redactUrl(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(redactJson);
  const out: JsonMap = {};
  // defineProperty: a key named __proto__ is data here, never the object's prototype.
  for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: redactJson(v), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Free text (a shovel's failure reason) with every URI in it that carries user info masked. */
export function redactText(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"',]*@[^\s"',]*/gi, (uri) => redactUrl(uri));
}

/**
 * The user info (user:password) of every URI in a JSON value, in a fixed order: what drift in
 * credentials compares. Never shown; compared only.
 */
export function uriCredentials(value: Json): string[] {
  if (typeof value === 'string') {
    if (!WITH_USER_INFO.test(value)) return [];
    return [value.slice(value.indexOf('://') + 3, value.lastIndexOf('@'))];
  }
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(uriCredentials);
  return Object.keys(value)
    .sort()
    .flatMap((k) => uriCredentials(value[k] ?? null));
}

/** Whether a JSON value holds any URI with user info (a saved plan or a rendered file must not carry it). */
export function hasUriCredentials(value: Json): boolean {
  return uriCredentials(value).length > 0;
}
