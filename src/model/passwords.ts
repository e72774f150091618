// RabbitMQ's stored password: base64(salt ++ H(salt ++ utf8(password))) with a 4-byte random salt
// and H from the user's hashing_algorithm (rabbit_password, rabbit_password_hashing_*).
// warren hashes a spec's password with the live salt to tell whether it changed, so it never has
// to store or print the password itself.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HashingAlgorithm } from './types.js';

const DIGEST: Record<HashingAlgorithm, string> = {
  rabbit_password_hashing_sha256: 'sha256',
  rabbit_password_hashing_sha512: 'sha512',
  rabbit_password_hashing_md5: 'md5',
};

export const SALT_BYTES = 4;

/** The broker's hash of `password`; a fresh random salt unless one is given (4 bytes). */
export function hashPassword(password: string, algorithm: HashingAlgorithm, salt?: Uint8Array): string {
  const s = salt ? Buffer.from(salt) : randomBytes(SALT_BYTES);
  const digest = createHash(DIGEST[algorithm]).update(s).update(password, 'utf8').digest();
  return Buffer.concat([s, digest]).toString('base64');
}

/** The salt of a stored hash, or undefined when the hash is not one (empty: no password). */
export function saltOf(hash: string): Buffer | undefined {
  const bytes = Buffer.from(hash, 'base64');
  return bytes.length > SALT_BYTES ? bytes.subarray(0, SALT_BYTES) : undefined;
}

/** Does `password` hash to the stored `hash` under its own salt? Constant-time on the digest. */
export function passwordMatches(password: string, hash: string, algorithm: HashingAlgorithm): boolean {
  const salt = saltOf(hash);
  if (!salt) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = Buffer.from(hashPassword(password, algorithm, salt), 'base64');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
