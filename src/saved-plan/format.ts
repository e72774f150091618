// A saved plan (`warren plan -o FILE`): what `warren apply FILE` executes. Versioned JSON:
//
//   warren_plan      1; apply refuses any other number (E_PLAN_FILE)
//   stack, prune     as planned
//   target           where it was planned: management and AMQP URLs (no credentials), user name,
//                    TLS settings (file paths; never the key's passphrase)
//   source           what was read (endpoint or definitions file) and its RabbitMQ version
//   spec_vhosts      the spec's vhosts (apply picks the lock's vhost among them)
//   ownership        {changed, owned: [keys], fingerprint}: the record apply writes, and a
//                    fingerprint of the record as it was
//   changes          in execution order, each with the full objects apply needs and the
//                    fingerprint of the live object (or its absence) it was planned against
//
// No password is ever in it. Users that apply creates or whose password changes carry the new
// salted hash in `after` (apply writes that hash); other hashes are left out, and field diffs of
// a hash hold only a mask.
import { isRecord } from '../model/json.js';
import type { TlsSettings } from '../model/target.js';
import type { Plan } from '../plan/types.js';

export const PLAN_FILE_VERSION = 1;

export interface SavedTarget {
  name: string;
  management: string[];
  amqp: string[];
  username?: string | undefined;
  /** The target's TLS settings without the key's passphrase (a secret: never saved). */
  tls?: Omit<TlsSettings, 'passphrase'> | undefined;
}

export interface SavedPlan {
  plan: Plan;
  warrenVersion: string;
  createdAt: string;
  target?: SavedTarget | undefined;
  source: { endpoint: string; rabbitmqVersion: string };
  specVhosts: string[];
  /** change key -> fingerprint of the live object it was planned against. */
  fingerprints: Map<string, string>;
  ownershipFingerprint: string;
}

/** Is this parsed JSON meant to be a saved plan (whatever its version)? */
export function looksLikePlanFile(json: unknown): boolean {
  return isRecord(json) && Object.hasOwn(json, 'warren_plan');
}
