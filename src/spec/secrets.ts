// Which values are secrets, and keeping them out of every message. A password, a passphrase and
// the credentials inside a broker URI must never reach output, not even inside an error.
import { Secret, SECRET_MASK } from '../model/secret.js';
import type { Diagnostic } from '../errors.js';
import type { PathSegment } from './tree.js';

/** `targets.<t>.password`, `targets.<t>.tls.passphrase` and `users.<u>.password`. */
export function isSecretPath(path: readonly PathSegment[]): boolean {
  const [top, , field, sub] = path;
  if (top === 'users') return path.length === 3 && field === 'password';
  if (top === 'targets') {
    if (path.length === 3) return field === 'password';
    if (path.length === 4) return field === 'tls' && sub === 'passphrase';
  }
  return false;
}

/** `targets.<t>.management` or `.amqp`, as one string or as an item of a list. */
export function isUriPath(path: readonly PathSegment[]): boolean {
  return path[0] === 'targets' && (path.length === 3 || path.length === 4) && (path[2] === 'management' || path[2] === 'amqp');
}

export interface SplitUri {
  /** The URI without user info: safe to print. */
  uri: string;
  username?: string | undefined;
  password?: Secret | undefined;
  /** The password as written in the URI, percent-encoded: also a secret, for scrubbing. */
  encodedPassword?: string | undefined;
}

const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;

/** Moves `user:pass@` out of a URI, so the URI itself is safe to show. Undefined if it does not parse. */
export function splitUriCredentials(raw: string): SplitUri | undefined {
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

/** A stray `%` (a password of "100%") is taken literally rather than failing the whole load. */
function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A URI with its password masked, for the rare message that must name a URI that did not parse. */
export function maskUri(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@]*)@/i, (_m, scheme: string, info: string) => {
    const colon = info.indexOf(':');
    return colon < 0 ? `${scheme}${info}@` : `${scheme}${info.slice(0, colon)}:${SECRET_MASK}@`;
  });
}

/**
 * Defence in depth: whatever a rule wrote, no message leaves the loader containing a secret's value.
 * Very short secrets are skipped: masking every "a" in a message would mangle it and reveal more.
 */
export function scrubDiagnostics(diagnostics: Diagnostic[], secrets: Iterable<string>): Diagnostic[] {
  const values = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  if (values.length === 0) return diagnostics;
  return diagnostics.map((d) => {
    let message = d.message;
    for (const v of values) if (message.includes(v)) message = message.split(v).join(SECRET_MASK);
    return message === d.message ? d : { ...d, message };
  });
}
