// Users: one way to state a password (E_CONFLICT), none for a certificate user, and a password
// hash that fits its algorithm.
// The password itself is never read here beyond its presence.
import { DEFAULT_HASHING_ALGORITHM, type HashingAlgorithm } from '../../model/types.js';
import { field, fieldPath, type UserDecl } from '../spec-index.js';
import { displayPath, stringOf } from '../tree.js';
import type { Report, Rule } from './report.js';


/** A broker hash is base64 of a 4-byte salt followed by the digest. */
const HASH_BYTES: Record<HashingAlgorithm, number> = {
  rabbit_password_hashing_sha256: 4 + 32,
  rabbit_password_hashing_sha512: 4 + 64,
  rabbit_password_hashing_md5: 4 + 16,
};

export const userRules: Rule = (spec, report) => {
  for (const user of spec.users.values()) {
    const password = field(user.fields, 'password');
    const hash = field(user.fields, 'password_hash');
    const algorithm = field(user.fields, 'hashing_algorithm');
    const auth = field(user.fields, 'auth');
    if (auth && stringOf(auth.value) === 'certificate') {
      for (const name of ['password', 'password_hash', 'hashing_algorithm']) {
        const e = field(user.fields, name);
        if (e) report.error('E_CONFLICT', e.keyOrigin, `${where(user, name)}: a user with \`auth: certificate\` has no password; remove \`${name}\` or the \`auth\` line`);
      }
      continue;
    }
    if (password && hash) {
      report.error('E_CONFLICT', hash.keyOrigin, `${where(user, 'password_hash')}: give \`password\` or \`password_hash\`, not both`);
    }
    if (algorithm && !hash) {
      report.error('E_CONFLICT', algorithm.keyOrigin, `${where(user, 'hashing_algorithm')}: only means something with \`password_hash\` (a \`password\` is hashed the way the broker is configured to)`);
    }
    if (hash) checkHashLength(user, stringOf(hash.value) ?? '', (stringOf(algorithm?.value) as HashingAlgorithm | undefined) ?? DEFAULT_HASHING_ALGORITHM, report);
  }
};

function where(user: UserDecl, name: string): string {
  return displayPath(fieldPath(user.fields, name));
}

function checkHashLength(user: UserDecl, hash: string, algorithm: HashingAlgorithm, report: Report): void {
  if (hash === '') return; // no password at all: certificate or external login
  const expected = HASH_BYTES[algorithm];
  if (expected === undefined) return; // the schema already refused the algorithm
  const bytes = Buffer.from(hash, 'base64').length;
  if (bytes !== expected) {
    const origin = field(user.fields, 'password_hash')?.value.origin ?? user.origin;
    report.error('E_CONFLICT', origin, `${where(user, 'password_hash')}: a ${algorithm} hash is ${expected} bytes of base64 (salt and digest); this one is ${bytes}`);
  }
}
