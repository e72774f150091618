// Before anything is written: policy keys the target's RabbitMQ version does not know (newer keys,
// or mirroring keys 4.0 removed), and values it refuses (a negative delivery limit before 4.0), are errors at plan time, so an apply never fails half way on the
// broker's "are not recognised policy settings". The keys and their versions: spec/rules/policy-key-table.ts.
import type { Diagnostic } from '../errors.js';
import { parseVersion } from '../model/compat.js';
import type { Resource } from '../model/types.js';
import { POLICY_KEYS } from '../spec/rules/policy-key-table.js';

export function versionRefusals(desired: ReadonlyMap<string, Resource>, version: string): Diagnostic[] {
  const at = parseVersion(version);
  if (!at) return []; // a definitions file that does not say its version
  const problems: Diagnostic[] = [];
  for (const r of desired.values()) {
    if (r.kind === 'queue') {
      const limit = r.arguments['x-delivery-limit'];
      if (typeof limit === 'number' && limit < 0 && compare(at, UNLIMITED_DELIVERY_SINCE) < 0) problems.push(negativeLimit(`vhosts.${r.vhost}.queues.${r.name}.arguments.x-delivery-limit`, version, r.origin));
      continue;
    }
    if (r.kind !== 'policy') continue;
    const limit = r.definition['delivery-limit'];
    if (typeof limit === 'number' && limit < 0 && compare(at, UNLIMITED_DELIVERY_SINCE) < 0) problems.push(negativeLimit(`vhosts.${r.vhost}.policies.${r.name}.definition.delivery-limit`, version, r.origin));
    for (const key of Object.keys(r.definition)) {
      const rule = POLICY_KEYS.get(key);
      const since = rule?.since !== undefined ? parseVersion(rule.since) : undefined;
      const until = rule?.until !== undefined ? parseVersion(rule.until) : undefined;
      let why: string | undefined;
      if (since && compare(at, since) < 0) why = `RabbitMQ ${version} does not know it (it came in ${rule?.since ?? ''})`;
      else if (until && compare(at, until) >= 0) why = `RabbitMQ ${version} refuses it (removed in ${rule?.until ?? ''})`;
      if (why === undefined) continue;
      problems.push({ severity: 'error', code: 'E_VERSION', message: `vhosts.${r.vhost}.policies.${r.name}.definition.${key}: ${why}`, origin: r.origin });
    }
  }
  return problems;
}

/** A negative delivery limit means "unlimited" from 4.0; 3.x refuses it ("-1 is not a valid delivery limit"). */
const UNLIMITED_DELIVERY_SINCE = [4, 0, 0];

function negativeLimit(path: string, version: string, origin: Diagnostic['origin']): Diagnostic {
  return { severity: 'error', code: 'E_VERSION', message: `${path}: RabbitMQ ${version} refuses a negative delivery limit (it means "unlimited" from 4.0); leave it out for no limit`, origin };
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
