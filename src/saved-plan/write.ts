// Plan + what it was planned against -> the saved plan's JSON text (see format.ts).
import { withoutCredentials } from '../model/url-credentials.js';
import { WarrenError } from '../errors.js';
import type { LiveState } from '../live/types.js';
import { SECRET_MASK, Secret } from '../model/secret.js';
import { hasUriCredentials, redactJson } from '../model/redact.js';
import { describeResource } from '../model/keys.js';
import type { Json, JsonMap, Resource } from '../model/types.js';
import type { Target } from '../model/target.js';
import type { Change, FieldDiff, Plan } from '../plan/types.js';
import { WARREN_VERSION } from '../version.js';
import { objectFingerprint, ownershipFingerprint, ownersOf, stateOf } from './fingerprint.js';
import { PLAN_FILE_VERSION, type SavedTarget } from './format.js';

export interface PlanFileInput {
  plan: Plan;
  live: LiveState;
  target?: Target | undefined;
  specVhosts: readonly string[];
  now?: Date | undefined;
}

export function planFileText(input: PlanFileInput): string {
  const { plan, live } = input;
  const owners = ownersOf(live.ownership);
  const doc = {
    warren_plan: PLAN_FILE_VERSION,
    warren_version: WARREN_VERSION,
    created_at: (input.now ?? new Date()).toISOString(),
    stack: plan.stack,
    prune: plan.prune,
    ...(input.target ? { target: savedTarget(input.target) } : {}),
    source: { endpoint: live.source, rabbitmq_version: live.brokerVersion },
    spec_vhosts: [...input.specVhosts].sort(),
    summary: plan.summary,
    ownership: { changed: plan.ownershipChanged, owned: plan.owned, adopting: plan.adopting, fingerprint: ownershipFingerprint(live.ownership.get(plan.stack)) },
    ignored: plan.ignored,
    changes: plan.changes.map((c) => changeJson(c, objectFingerprint(live.model.resources.get(c.key), owners.get(c.key)))),
  };
  return `${JSON.stringify(doc, refuseSecrets, 2)}\n`;
}

/** URLs without credentials: the password comes from the environment when the plan is applied. */
function savedTarget(t: Target): SavedTarget {
  const out: SavedTarget = { name: t.name, management: t.management.map(withoutCredentials), amqp: t.amqp.map(withoutCredentials) };
  if (t.username !== undefined) out.username = t.username;
  if (t.tls) {
    const { passphrase: _secret, ...tls } = t.tls;
    out.tls = tls;
  }
  return out;
}

function changeJson(c: Change, fingerprint: string): Record<string, unknown> {
  return {
    action: c.action,
    key: c.key,
    kind: c.kind,
    title: c.title,
    ...(c.before ? { before: resourceJson(c.before, false) } : {}),
    ...(c.after ? { after: resourceJson(c.after, true) } : {}),
    fields: c.fields.map(fieldJson),
    forced_by: c.forcedBy,
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
    ...(c.dataLoss ? { data_loss: c.dataLoss } : {}),
    ...(c.migration ? { migration: c.migration } : {}),
    fingerprint,
  };
}

/**
 * The whole object, as apply needs it. A user's hash stays only where apply writes it (`after`);
 * the old one (`before`) is not needed to delete or update a user, so it is not written.
 */
function resourceJson(r: Resource, keepHash: boolean): JsonMap {
  const out = stateOf(r);
  if (hasUriCredentials(out)) {
    // What apply writes (`after`) cannot go without its password, and the password cannot go into the file.
    if (keepHash) throw new WarrenError('E_SECRET', `${describeResource(r)}: its URI holds a password, which never goes into a saved plan; apply the spec directly (warren apply SPEC) instead of a saved plan`);
    return { ...(redactJson(out) as JsonMap), ...(r.origin ? { origin: { file: r.origin.file, line: r.origin.line, col: r.origin.col } } : {}) };
  }
  if (r.kind === 'user' && !keepHash) delete out['password_hash'];
  if (r.origin) out['origin'] = { file: r.origin.file, line: r.origin.line, col: r.origin.col };
  return out;
}

function fieldJson(d: FieldDiff): Record<string, unknown> {
  const mask = (v: Json | undefined): Json | undefined => (v === undefined ? undefined : d.sensitive ? SECRET_MASK : v);
  const before = mask(d.before);
  const after = mask(d.after);
  return { field: d.field, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}), ...(d.sensitive ? { sensitive: true } : {}) };
}

/** A Secret reaching the file is a bug: fail loudly rather than write its mask (or worse). */
function refuseSecrets(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // JSON.stringify calls toJSON (which masks a Secret) before the replacer: look at the holder.
  if (this[key] instanceof Secret || value instanceof Secret) throw new WarrenError('E_INTERNAL', 'a secret reached the saved plan; nothing was written');
  return value;
}
