// Which values are secrets, and keeping them out of every message. A password, a passphrase and
// the credentials inside a broker URI must never reach output, not even inside an error.
import { SECRET_MASK } from '../model/secret.js';
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

/**
 * `targets.<t>.management` or `.amqp`, a federation upstream's `uri`, a shovel's `src-uri` or
 * `dest-uri`: as one string or as an item of a list.
 */
export function isUriPath(path: readonly PathSegment[]): boolean {
  if (path[0] === 'targets') return (path.length === 3 || path.length === 4) && (path[2] === 'management' || path[2] === 'amqp');
  if (path[0] !== 'vhosts' || (path.length !== 5 && path.length !== 6)) return false;
  if (path.length === 6 && typeof path[5] !== 'number') return false;
  if (path[2] === 'federation_upstreams') return path[4] === 'uri';
  if (path[2] === 'shovels') return path[4] === 'src-uri' || path[4] === 'dest-uri';
  return false;
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
