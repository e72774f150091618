// The machine plan: versioned and byte-stable (fixed key order for our objects, sorted keys for
// the broker's maps). docs/plan-json.md is its contract; change the two together.
import { formatOrigin, shortened, type Diagnostic } from '../errors.js';
import { SECRET_MASK } from '../model/secret.js';
import type { Json, JsonMap, Resource } from '../model/types.js';
import type { Change, FieldDiff, Migration, Plan } from '../plan/types.js';
import { attributesOf, compareText, identityOf, isSensitiveDiff, liveStateOf } from './attributes.js';

/** Additive changes keep this; removing, renaming or retyping anything bumps it. */
export const PLAN_JSON_FORMAT_VERSION = '1';

export function renderPlanJson(plan: Plan): string {
  const { create, update, replace, delete: del, unchanged } = plan.summary;
  const doc = {
    format_version: PLAN_JSON_FORMAT_VERSION,
    stack: plan.stack,
    prune: plan.prune,
    summary: { create, update, replace, delete: del, unchanged },
    changes: plan.changes.map(changeJson),
    diagnostics: plan.diagnostics.map(diagnosticJson),
    ownership: { changed: plan.ownershipChanged, owned_count: plan.owned.length, adopting: plan.adopting },
    ignored: { count: plan.ignored.count, examples: plan.ignored.examples },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function changeJson(c: Change): Record<string, unknown> {
  const subject = c.after ?? c.before;
  const origin = c.after?.origin ?? c.before?.origin;
  return {
    action: c.action,
    kind: c.kind,
    key: c.key,
    title: c.title,
    address: subject ? fromEntries(identityOf(subject)) : {},
    ...(origin ? { source: formatOrigin(origin) } : {}),
    fields: c.fields.map(fieldJson),
    forced_by: c.forcedBy,
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
    ...(c.dataLoss ? { data_loss: { messages: count(c.dataLoss.messages), ...(c.dataLoss.reason !== undefined ? { reason: c.dataLoss.reason } : {}) } } : {}),
    ...(c.migration ? { migration: migrationJson(c.migration) } : {}),
    ...(liveStateOf(c) !== undefined ? { live_state: liveStateOf(c) } : {}),
    ...(c.before ? { before: attributesJson(c.before) } : {}),
    ...(c.after ? { after: attributesJson(c.after) } : {}),
  };
}

/** Infinity (the broker gave no count) is null, as for data_loss. */
function count(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

function migrationJson(m: Migration): Record<string, unknown> {
  return {
    messages: count(m.messages),
    held: count(m.held),
    in_progress: m.inProgress,
    holding_queue: m.holdingQueue,
    consumers: m.consumers ?? null,
    bindings: m.bindings,
    ...(m.blocked !== undefined ? { blocked: m.blocked } : {}),
  };
}

function fieldJson(d: FieldDiff): Record<string, unknown> {
  const sensitive = isSensitiveDiff(d);
  const shown = (v: Json | undefined): Json | undefined => (v === undefined ? undefined : sensitive ? SECRET_MASK : stable(v));
  const before = shown(d.before);
  const after = shown(d.after);
  return {
    field: d.field,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    ...(sensitive ? { sensitive: true } : {}),
  };
}

function attributesJson(r: Resource): JsonMap {
  return fromEntries(attributesOf(r).map((a): [string, Json] => [a.field, a.sensitive ? SECRET_MASK : a.value]));
}

function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  return {
    severity: d.severity,
    code: d.code,
    message: shortened(d.message),
    ...(d.origin ? { file: d.origin.file, line: d.origin.line, col: d.origin.col } : {}),
    ...(d.endpoint !== undefined ? { endpoint: d.endpoint } : {}),
  };
}

/**
 * Broker maps are user data: keys sorted for byte-stable output, and held in prototype-less
 * objects so a key named `__proto__` stays a key instead of becoming the object's prototype.
 */
function stable(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(stable);
  return fromEntries(
    Object.keys(value)
      .sort(compareText)
      .map((k): [string, Json] => [k, value[k] ?? null]),
  );
}

function fromEntries(entries: Array<[string, Json]>): JsonMap {
  const out = Object.create(null) as JsonMap;
  for (const [k, v] of entries) out[k] = stable(v);
  return out;
}
