// Before planning, each desired user's credentials are turned into what the broker stores (a salted
// hash), so the pure planner only ever compares hashes and a saved plan holds no password:
// - a spec password that matches the live hash (hashed with the live salt and algorithm) takes the
//   live hash: no change;
// - one that does not match gets a fresh salted hash: an update, shown as a sensitive change;
// - a user that states neither password nor hash keeps whatever the broker has; created new, it
//   has no password (certificate login).
import { hashPassword, passwordMatches } from './passwords.js';
import { DEFAULT_HASHING_ALGORITHM, type Resource, type User } from './types.js';
import { withReplaced } from './replaced.js';


/** `desired` with its users resolved; the rest of the entries are not copied (see replaced.ts). */
export function resolveCredentials(desired: ReadonlyMap<string, Resource>, live: ReadonlyMap<string, Resource>): ReadonlyMap<string, Resource> {
  const users = new Map<string, Resource>();
  for (const [key, r] of desired) {
    if (r.kind !== 'user') continue;
    const current = live.get(key);
    users.set(key, resolveUser(r, current?.kind === 'user' ? current : undefined));
  }
  return withReplaced(desired, users);
}

function resolveUser(user: User, live: User | undefined): User {
  const { password, ...rest } = user;
  if (password !== undefined) {
    const algorithm = user.hashing_algorithm ?? live?.hashing_algorithm ?? DEFAULT_HASHING_ALGORITHM;
    const liveHash = live?.hashing_algorithm === algorithm ? live.password_hash : undefined;
    if (liveHash && passwordMatches(password.reveal(), liveHash, algorithm)) {
      return { ...rest, password_hash: liveHash, hashing_algorithm: algorithm };
    }
    return { ...rest, password_hash: hashPassword(password.reveal(), algorithm), hashing_algorithm: algorithm };
  }
  if (user.password_hash !== undefined) {
    return { ...rest, hashing_algorithm: user.hashing_algorithm ?? live?.hashing_algorithm ?? DEFAULT_HASHING_ALGORITHM };
  }
  return { ...rest, password_hash: live?.password_hash ?? '', hashing_algorithm: live?.hashing_algorithm ?? DEFAULT_HASHING_ALGORITHM };
}
