// A saved plan's JSON -> SavedPlan, checked field by field: apply executes what it reads, so a
// file that was cut short, edited by hand into nonsense or written by another version is refused
// (E_PLAN_FILE) before anything is sent to a broker.
import { statSync } from 'node:fs';
import { parseJsonText } from '../files/json-input.js';
import { checkJsonShape, isRecord } from '../model/json.js';
import { readInputFile } from '../files/read-input.js';
import { decodeUtf8 } from '../files/text-encoding.js';
import { WarrenError } from '../errors.js';
import { resourceKey } from '../model/keys.js';
import type { Json, Kind, Resource } from '../model/types.js';
import { KIND_ORDER, QUEUE_TYPES } from '../model/types.js';
import { originalOfHolding } from '../plan/migration.js';
import type { Action, Change, FieldDiff, Migration, Plan, PruneMode } from '../plan/types.js';
import { PLAN_FILE_VERSION, looksLikePlanFile, type SavedPlan, type SavedTarget } from './format.js';

type Obj = Record<string, unknown>;
type FieldType = 'string' | 'boolean' | 'number' | 'tags' | 'map' | 'json' | 'queue_type' | 'apply_to' | 'destination_type' | 'flag_state' | '?string' | '?queue_type' | '?tags' | '?map';

const PARAMETER_FIELDS: Record<string, FieldType> = { vhost: 'string', component: 'string', name: 'string', value: 'json' };

const FIELDS: Record<Kind, Record<string, FieldType>> = {
  vhost: { name: 'string', description: '?string', tags: '?tags', default_queue_type: '?queue_type', limits: '?map' },
  user: { name: 'string', tags: 'tags', password_hash: '?string', hashing_algorithm: '?string', limits: 'map' },
  permission: { vhost: 'string', user: 'string', configure: 'string', write: 'string', read: 'string' },
  topic_permission: { vhost: 'string', user: 'string', exchange: 'string', write: 'string', read: 'string' },
  exchange: { vhost: 'string', name: 'string', type: 'string', durable: 'boolean', auto_delete: 'boolean', internal: 'boolean', arguments: 'map' },
  queue: { vhost: 'string', name: 'string', type: 'queue_type', durable: 'boolean', auto_delete: 'boolean', arguments: 'map' },
  binding: { vhost: 'string', source: 'string', destination_type: 'destination_type', destination: 'string', routing_key: 'string', arguments: 'map' },
  policy: { vhost: 'string', name: 'string', pattern: 'string', apply_to: 'apply_to', priority: 'number', definition: 'map' },
  operator_policy: { vhost: 'string', name: 'string', pattern: 'string', apply_to: 'apply_to', priority: 'number', definition: 'map' },
  parameter: PARAMETER_FIELDS,
  federation_upstream: PARAMETER_FIELDS,
  federation_upstream_set: PARAMETER_FIELDS,
  shovel: PARAMETER_FIELDS,
  global_parameter: { name: 'string', value: 'json' },
  super_stream: { vhost: 'string', name: 'string', partitions: 'tags', arguments: 'map' },
  feature_flag: { name: 'string', state: 'flag_state' },
};
const ACTIONS: readonly Action[] = ['create', 'update', 'replace', 'delete'];
const PRUNE: readonly PruneMode[] = ['none', 'managed', 'all'];

/**
 * `apply PATH`: is PATH a saved plan rather than a spec? Only a single file can be. A .yaml/.yml
 * file never is; a file whose JSON holds "warren_plan" (any version) is; a .json file that is not
 * even JSON is read as a plan too, so a cut-off plan is refused as one (E_PLAN_FILE).
 */
export function planFileArgument(paths: readonly string[]): string | undefined {
  const path = paths.length === 1 ? paths[0] : undefined;
  if (path === undefined || /\.ya?ml$/i.test(path)) return undefined;
  try {
    if (!statSync(path).isFile()) return undefined;
  } catch {
    return undefined; // the spec loader says what is wrong with the path
  }
  const read = readInputFile(path);
  if (!read.ok) return /\.json$/i.test(path) ? path : undefined;
  const text = read.bytes.toString('utf8');
  if (!text.trimStart().startsWith('{')) return undefined;
  const parsed = parseJsonText(text);
  if (!parsed.ok) return /\.json$/i.test(path) ? path : undefined;
  return looksLikePlanFile(parsed.json) ? path : undefined;
}

export function readPlanFile(file: string): SavedPlan {
  const read = readInputFile(file);
  if (!read.ok) throw new WarrenError('E_PLAN_FILE', `${file}: cannot read: ${read.reason}`);
  const decoded = decodeUtf8(read.bytes, 'the plan file');
  const parsed = decoded.ok ? parseJsonText(decoded.text) : decoded;
  if (!parsed.ok) throw new WarrenError('E_PLAN_FILE', `not a saved plan: ${parsed.message}`, { origin: { file, line: parsed.line, col: parsed.col } });
  checkJsonShape(parsed.json, (path, why) => {
    throw new WarrenError('E_PLAN_FILE', `${file}: ${path}: ${why}; make a new plan with \`warren plan -o\``);
  });
  return parsePlanFile(parsed.json, file);
}

export function parsePlanFile(json: unknown, file: string): SavedPlan {
  const bad = (path: string, why: string): never => {
    throw new WarrenError('E_PLAN_FILE', `${file}: ${path}: ${why}; make a new plan with \`warren plan -o\``);
  };
  if (!looksLikePlanFile(json)) return bad('(top level)', 'not a saved plan (no "warren_plan" version)');
  const d = json as Obj;
  if (d['warren_plan'] !== PLAN_FILE_VERSION) {
    throw new WarrenError('E_PLAN_FILE', `${file}: unknown plan version ${JSON.stringify(d['warren_plan'])} (this warren reads version ${PLAN_FILE_VERSION}); make the plan again with this version of warren`);
  }
  const str = (o: Obj, k: string, path: string): string => (typeof o[k] === 'string' ? (o[k] as string) : bad(`${path}.${k}`, 'expected a string'));
  const obj = (v: unknown, path: string): Obj => (isRecord(v) ? v : bad(path, 'expected an object'));
  const strings = (v: unknown, path: string): string[] => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : bad(path, 'expected a list of strings'));

  const stack = str(d, 'stack', '');
  const prune = str(d, 'prune', '') as PruneMode;
  if (!PRUNE.includes(prune)) bad('prune', `unknown mode ${JSON.stringify(prune)}`);
  const source = obj(d['source'], 'source');
  const ownership = obj(d['ownership'], 'ownership');
  if (typeof ownership['changed'] !== 'boolean') bad('ownership.changed', 'expected true or false');
  const fingerprints = new Map<string, string>();
  if (!Array.isArray(d['changes'])) bad('changes', 'expected a list');
  const changes = (d['changes'] as unknown[]).map((raw, i) => {
    const path = `changes[${i}]`;
    const c = obj(raw, path);
    const change = parseChange(c, path, bad, str);
    fingerprints.set(change.key, str(c, 'fingerprint', path));
    return change;
  });
  const summary = { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 };
  const savedSummary = isRecord(d['summary']) ? d['summary'] : {};
  summary.unchanged = typeof savedSummary['unchanged'] === 'number' ? savedSummary['unchanged'] : 0;
  for (const c of changes) summary[c.action]++;
  const plan: Plan = {
    stack,
    prune,
    changes,
    summary,
    owned: strings(ownership['owned'], 'ownership.owned'),
    ownershipChanged: ownership['changed'] as boolean,
    // Both for display only, and absent from plans saved before they existed.
    adopting: typeof ownership['adopting'] === 'number' ? ownership['adopting'] : 0,
    ignored: ignoredOf(d['ignored']),
    diagnostics: [],
  };
  return {
    plan,
    warrenVersion: typeof d['warren_version'] === 'string' ? d['warren_version'] : 'unknown',
    createdAt: typeof d['created_at'] === 'string' ? d['created_at'] : 'unknown',
    target: d['target'] === undefined ? undefined : parseTarget(obj(d['target'], 'target'), str, strings),
    source: { endpoint: str(source, 'endpoint', 'source'), rabbitmqVersion: str(source, 'rabbitmq_version', 'source') },
    specVhosts: strings(d['spec_vhosts'], 'spec_vhosts'),
    fingerprints,
    ownershipFingerprint: str(ownership, 'fingerprint', 'ownership'),
  };
}

function ignoredOf(raw: unknown): Plan['ignored'] {
  if (!isRecord(raw) || typeof raw['count'] !== 'number') return { count: 0, examples: [] };
  const examples = Array.isArray(raw['examples']) ? raw['examples'].filter((e): e is string => typeof e === 'string') : [];
  return { count: raw['count'], examples };
}

type Bad = (path: string, why: string) => never;
type Str = (o: Obj, k: string, path: string) => string;

function parseTarget(t: Obj, str: Str, strings: (v: unknown, path: string) => string[]): SavedTarget {
  return {
    name: str(t, 'name', 'target'),
    management: strings(t['management'], 'target.management'),
    amqp: strings(t['amqp'], 'target.amqp'),
    ...(typeof t['username'] === 'string' ? { username: t['username'] } : {}),
    ...(isRecord(t['tls']) ? { tls: parseTls(t['tls']) } : {}),
  };
}

/** File paths and switches as saved; anything odd is dropped and the defaults apply. */
function parseTls(t: Obj): NonNullable<SavedTarget['tls']> {
  const s = (k: string): string | undefined => (typeof t[k] === 'string' ? (t[k] as string) : undefined);
  const tls: NonNullable<SavedTarget['tls']> = { verify: t['verify'] !== false };
  for (const k of ['ca', 'cert', 'key', 'servername'] as const) {
    const v = s(k);
    if (v !== undefined) tls[k] = v;
  }
  const min = s('min_version');
  if (min === 'TLSv1.2' || min === 'TLSv1.3') tls.min_version = min;
  const login = s('login');
  if (login === 'password' || login === 'certificate') tls.login = login;
  return tls;
}

function parseChange(c: Obj, path: string, bad: Bad, str: Str): Change {
  const action = str(c, 'action', path) as Action;
  if (!ACTIONS.includes(action)) bad(`${path}.action`, `unknown action ${JSON.stringify(action)}`);
  const kind = str(c, 'kind', path) as Kind;
  if (!KIND_ORDER.includes(kind)) bad(`${path}.kind`, `unknown kind ${JSON.stringify(kind)}`);
  const key = str(c, 'key', path);
  const before = c['before'] === undefined ? undefined : parseResource(c['before'], kind, `${path}.before`, bad);
  const after = c['after'] === undefined ? undefined : parseResource(c['after'], kind, `${path}.after`, bad);
  for (const r of [before, after]) if (r && resourceKey(r) !== key) bad(`${path}.key`, 'does not match the object');
  if (!Array.isArray(c['fields'])) bad(`${path}.fields`, 'expected a list');
  const fields = (c['fields'] as unknown[]).map((f, i): FieldDiff => {
    if (!isRecord(f) || typeof f['field'] !== 'string') return bad(`${path}.fields[${i}]`, 'expected {field, before, after}');
    return { field: f['field'], before: f['before'] as Json | undefined, after: f['after'] as Json | undefined, ...(f['sensitive'] === true ? { sensitive: true } : {}) };
  });
  const forcedBy = Array.isArray(c['forced_by']) ? c['forced_by'].filter((s): s is string => typeof s === 'string') : [];
  const common = { key, kind, title: str(c, 'title', path), fields, forcedBy };
  const need = (r: Resource | undefined, side: 'before' | 'after'): Resource => r ?? bad(path, `a ${action} needs "${side}"`);
  const change: Change =
    action === 'create' ? { ...common, action, after: need(after, 'after') }
    : action === 'delete' ? { ...common, action, before: need(before, 'before') }
    : { ...common, action, before: need(before, 'before'), after: need(after, 'after') };
  if (typeof c['reason'] === 'string') change.reason = c['reason'];
  if (isRecord(c['data_loss'])) {
    const messages = c['data_loss']['messages'];
    // JSON has no Infinity: an unknown count was written as null.
    if (typeof messages === 'number' || messages === null) change.dataLoss = { messages: messages ?? Number.POSITIVE_INFINITY, reason: typeof c['data_loss']['reason'] === 'string' ? c['data_loss']['reason'] : undefined };
  }
  if (isRecord(c['migration'])) change.migration = savedMigration(c['migration'], path);
  return change;
}

function parseResource(v: unknown, kind: Kind, path: string, bad: Bad): Resource {
  if (!isRecord(v)) return bad(path, 'expected an object');
  const out: Obj = { kind };
  for (const [field, type] of Object.entries(FIELDS[kind])) {
    const value = v[field];
    if (value === undefined && type.startsWith('?')) continue;
    if (!fits(value, type)) bad(`${path}.${field}`, `expected ${type.replace('?', '')}`);
    out[field] = value;
  }
  const origin = v['origin'];
  if (isRecord(origin) && typeof origin['file'] === 'string' && typeof origin['line'] === 'number' && typeof origin['col'] === 'number') {
    out['origin'] = { file: origin['file'], line: origin['line'], col: origin['col'] };
  }
  return out as unknown as Resource;
}

function fits(value: unknown, type: FieldType): boolean {
  switch (type.replace('?', '')) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number';
    case 'tags':
      return Array.isArray(value) && value.every((t) => typeof t === 'string');
    case 'map':
      return isRecord(value);
    case 'queue_type':
      return (QUEUE_TYPES as readonly unknown[]).includes(value);
    case 'apply_to':
      return typeof value === 'string'; // newer brokers' values pass through, as on read
    case 'destination_type':
      return value === 'queue' || value === 'exchange';
    case 'json':
      return value !== undefined;
    case 'flag_state':
      return value === 'enabled' || value === 'disabled';
    default:
      return false;
  }
}


/** A migration as the plan file holds it; a count written as null (unknown) reads back as Infinity. */
function savedMigration(o: Record<string, unknown>, path: string): Migration {
  const count = (k: string): number => (typeof o[k] === 'number' ? o[k] : Number.POSITIVE_INFINITY);
  const holding = o['holdingQueue'];
  if (typeof holding !== 'string' || originalOfHolding(holding) === undefined) throw new WarrenError('E_PLAN_FILE', `${path}.migration.holdingQueue: expected a holding queue name`);
  return {
    messages: count('messages'),
    held: count('held'),
    holdingQueue: holding,
    consumers: typeof o['consumers'] === 'number' ? o['consumers'] : undefined,
    bindings: Array.isArray(o['bindings']) ? o['bindings'].filter((b): b is string => typeof b === 'string') : [],
    inProgress: o['inProgress'] === true,
    ...(typeof o['blocked'] === 'string' ? { blocked: o['blocked'] } : {}),
  };
}
