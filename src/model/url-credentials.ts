// Credentials inside a broker URL (`http://user:pass@host`). They work wherever a URL is taken,
// but the URL itself must stay printable: every message, plan file and log that names a URL goes
// through this file. One implementation, because five slightly different ones leaked in the past
// (a password holding `/` defeated a regex that stopped at the first slash).
import { Secret, SECRET_MASK } from './secret.js';

/**
 * A URL fit for messages: everything between `://` and the last `@` is masked, user name
 * included. The last `@`, not the first, and no stop at `/`: a password may hold either, and a
 * URL that does not parse is exactly the one an error message quotes.
 */
export function redactUrl(raw: string): string {
  const at = raw.lastIndexOf('@');
  if (at < 0) return raw;
  const scheme = raw.indexOf('://');
  const start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
  return `${raw.slice(0, start)}${SECRET_MASK}${raw.slice(at)}`;
}

export interface SplitUrl {
  /** The URL without user info: safe to print. */
  uri: string;
  username?: string | undefined;
  password?: Secret | undefined;
  /** The password as written in the URL, percent-encoded: also a secret, for scrubbing. */
  encodedPassword?: string | undefined;
}

const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;

/** Moves `user:pass@` out of a URL, so the URL itself is safe to show. Undefined if it does not parse. */
export function splitUrlCredentials(raw: string): SplitUrl | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.username === '' && url.password === '') return { uri: raw };
  const username = url.username === '' ? undefined : decode(url.username);
  const password = url.password === '' ? undefined : new Secret(decode(url.password));
  // Cut the user info out of the text rather than re-serialising the URL, which would add a
  // trailing slash and make two spellings of one endpoint.
  return { uri: raw.replace(USER_INFO, '$1'), username, password, encodedPassword: url.password || undefined };
}

/** The URL without its credentials, or masked where it does not parse. */
export function withoutCredentials(raw: string): string {
  return splitUrlCredentials(raw)?.uri ?? redactUrl(raw);
}

/** A stray `%` (a password of "100%") is taken literally rather than failing the whole load. */
function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
