// The whole topology of a live broker in one round of concurrent list calls (about fifteen,
// whatever the number of objects), mapped into the model by the shared LiveBuilder.
import { WarrenError } from '../errors.js';
import type { JsonMap, Queue } from '../model/types.js';
import { isRecord } from '../model/json.js';
import type { ManagementClient } from './management-client.js';
import type { StreamedJson } from './json-array-stream.js';
import { halfMadeSuspect, markHalfMade, type Suspect } from './listed-half-made.js';
import { LiveBuilder } from './normalise.js';
import { addFeatureFlag, addShovelStatus, addVhostParameter } from './parameters.js';
import type { LiveState } from './types.js';

/**
 * `sort=` (empty): RabbitMQ 3.x then sends a listing in table order instead of sorting it by its
 * default keys, which it extracts from every row, each time converting the row's field names
 * (rabbit_mgmt_util:sort_list). warren orders what it shows itself. At the bench's factor 1, no-op
 * plan against 3.10.8, 6 alternating runs each: broker CPU 1.32 -> 1.11 s, wall 1.60 -> 1.48 s. 4.x reads
 * an empty `sort` as none given and sorts as before, so the answer is the same rows either way.
 */
export const UNSORTED = { sort: '' } as const;
// Columns keep 10,000-queue answers small; disable_stats + enable_queue_totals (3.8+) skip the
// stats database and report message totals straight from the queues, without the 5 s stats lag.
const QUEUE_QUERY = { ...UNSORTED, disable_stats: 'true', enable_queue_totals: 'true', columns: 'name,vhost,type,durable,auto_delete,exclusive,arguments,messages' };
// Without totals the broker does not ask every queue for its length: half the time at 10,000 queues.
// A quorum queue's members and the ones whose Raft server runs show a half-made one (listed-half-made.ts).
const QUEUE_QUERY_NO_COUNTS = { ...UNSORTED, disable_stats: 'true', columns: 'name,vhost,type,durable,auto_delete,exclusive,arguments,members,online' };

export interface ReadOptions {
  /**
   * false: skip message counts; every queue reads as holding an unknown number (Infinity), which
   * the planner treats as data loss. For callers that then ask readMessageCounts() about the few
   * queues a plan would delete or replace.
   */
  messageCounts?: boolean;
  /**
   * Called once every request of the read has been handed to the transport (the per-vhost listings
   * wait for the vhost list), or the vhost list failed: a caller about to hold the event loop can
   * let them go out first, so the broker works meanwhile (workflow/early-read.ts).
   */
  onRequested?: (() => void) | undefined;
  /**
   * The broker's GET /api/overview with OVERVIEW_COLUMNS, when the caller has it (connectManagement
   * asks for them): not asked again. Formatting the overview costs RabbitMQ ~5 ms of CPU each time.
   */
  overview?: unknown;
}

/** The overview columns that name the broker's version. */
export const OVERVIEW_COLUMNS = 'rabbitmq_version,product_version,management_version';
// Bindings without properties_key: the broker skips formatting it (a fifth of the bytes at 20,000 bindings).
const BINDING_QUERY = { ...UNSORTED, columns: 'source,vhost,destination,destination_type,routing_key,arguments' };
const EXCHANGE_QUERY = { ...UNSORTED, disable_stats: 'true', columns: 'name,vhost,type,durable,auto_delete,internal,arguments' };
const BINDING_HINT =
  'RabbitMQ answers HTTP 500 to every binding listing (and to GET /api/definitions) while a binding exists whose routing key contains "~" ' +
  'and that has arguments (a bug in its management plugin). Find it with `rabbitmqctl list_bindings` and remove it.';

/**
 * Listings whose size grows with the topology may take minutes: a 30,000-queue listing took more
 * than the client's 30 s on a loaded 2-core machine (bench/apply-bench.ts, factor 3). A node that
 * stopped answering is still found within the client's own timeout by the small requests.
 */
export const LISTING_TIMEOUT_MS = 600_000;

export async function readBroker(client: ManagementClient, options: ReadOptions = {}): Promise<LiveState> {
  const counted = options.messageCounts !== false;
  const get = (path: string[], query?: Record<string, string>) => client.get(path, query);
  // Rows are made while they stream in, so the builder exists before the reads end; its source is
  // the endpoint that answered, which a failover during the reads changes.
  const b = new LiveBuilder({
    get source() {
      return client.endpoint;
    },
    code: 'E_BROKER',
    isEndpoint: true,
  });
  const vhostList = get(['vhosts']);
  // Queues are made while their listing streams in, and one that names no type takes its vhost's.
  const vhostsKnown = vhostList.then((rows) => {
    b.learnDefaultQueueTypes(rows);
    return rows;
  });
  const perVhost = <T>(kind: 'queues' | 'bindings', query: Record<string, string>, make: (o: Row, path: string, vhost: string) => T | undefined) => listPerVhost(client, vhostsKnown, kind, query, (k, vhost) => rowsOf(b, k, vhost, make));
  // Without a number in the row, a queue's count comes from the stats database (statsCounts).
  const uncounted: Queue[] = [];
  const suspects: Suspect[] = [];
  const reads = allReads([
    options.overview !== undefined ? Promise.resolve(options.overview) : get(['overview'], { columns: OVERVIEW_COLUMNS }),
    vhostList,
    get(['users']),
    get(['permissions']),
    get(['topic-permissions']),
    client.list(['exchanges'], EXCHANGE_QUERY, rowsOf(b, 'exchanges', undefined, (o, path, vhost) => b.exchangeOf(o, path, vhost)), { timeoutMs: LISTING_TIMEOUT_MS }),
    perVhost('queues', counted ? QUEUE_QUERY : QUEUE_QUERY_NO_COUNTS, (o, path, vhost) => {
      const given = typeof o['messages'] === 'number' ? o['messages'] : undefined;
      // Unknown must not read as empty: Infinity makes the planner treat deleting or replacing it
      // as data loss, and the plan then says "an unknown number of messages" (JSON: null).
      const q = b.queueOf(o, path, vhost, given ?? Number.POSITIVE_INFINITY);
      if (counted && given === undefined) uncounted.push(q);
      const members = counted ? undefined : halfMadeSuspect(o);
      if (members) suspects.push({ queue: q, members });
      return q;
    }),
    perVhost('bindings', BINDING_QUERY, (o, path, vhost) => b.bindingOf(o, path, vhost)).catch((e: unknown) => {
      if (e instanceof WarrenError && e.code === 'E_BROKER' && / HTTP 500/.test(e.message)) {
        throw new WarrenError('E_BROKER', `${e.message}\n  ${BINDING_HINT}`, { endpoint: client.endpoint });
      }
      throw e;
    }),
    get(['policies']),
    get(['operator-policies']),
    get(['vhost-limits']),
    get(['user-limits']),
    get(['global-parameters']),
    get(['parameters']),
    // The shovel management plugin may be off: then there are no shovel states to show.
    optional(get(['shovels'])),
    optional(get(['feature-flags'])),
    readDeprecatedFeaturesUsed(client),
  ]);
  // After listPerVhost's own wait on the vhost list (reactions run in order): its requests are made.
  const requested = (): void => options.onRequested?.();
  vhostsKnown.then(requested, requested);
  const [overview, vhosts, users, permissions, topicPermissions, exchanges, queues, bindings, policies, operatorPolicies, vhostLimits, userLimits, globalParameters, parameters, shovels, featureFlags, deprecatedUsed] = await reads;

  const limitsBy = (rows: unknown, field: 'vhost' | 'user', path: string): Map<string, JsonMap> => {
    const out = new Map<string, JsonMap>();
    b.list(rows, path).forEach((row, i) => out.set(b.str(row, field, `${path}[${i}]`), b.map(row, 'value', `${path}[${i}]`)));
    return out;
  };
  const vl = limitsBy(vhostLimits, 'vhost', 'vhost-limits');
  const ul = limitsBy(userLimits, 'user', 'user-limits');

  // Added in the order of a definitions file: vhosts, users, permissions, exchanges, queues...
  b.list(vhosts, 'vhosts').forEach((o, i) => b.addVhost(o, `vhosts[${i}]`, vl.get(String(o['name'])) ?? {}));
  b.list(users, 'users').forEach((o, i) => b.addUser(o, `users[${i}]`, ul.get(String(o['name'])) ?? {}));
  b.list(permissions, 'permissions').forEach((o, i) => b.addPermission(o, `permissions[${i}]`, b.str(o, 'vhost', `permissions[${i}]`)));
  b.list(topicPermissions, 'topic-permissions').forEach((o, i) => b.addTopicPermission(o, `topic-permissions[${i}]`, b.str(o, 'vhost', `topic-permissions[${i}]`)));
  if (exchanges.kind === 'other') b.list(exchanges.value, 'exchanges'); // says what is wrong with an answer that is not a list
  else for (const e of exchanges.items) b.addRow(e);
  if (uncounted.length > 0) {
    const stats = await statsCounts(client);
    for (const q of uncounted) if (q.live) q.live.messages = stats.get(JSON.stringify([q.vhost, q.name])) ?? Number.POSITIVE_INFINITY;
  }
  if (suspects.length > 0) await markHalfMade(client, suspects);
  for (const group of queues) for (const q of group) b.addRow(q);
  for (const group of bindings) for (const binding of group) b.addRow(binding);
  b.list(policies, 'policies').forEach((o, i) => b.addPolicy('policy', o, `policies[${i}]`, b.str(o, 'vhost', `policies[${i}]`), b.str(o, 'name', `policies[${i}]`)));
  b.list(operatorPolicies, 'operator-policies').forEach((o, i) =>
    b.addPolicy('operator_policy', o, `operator-policies[${i}]`, b.str(o, 'vhost', `operator-policies[${i}]`), b.str(o, 'name', `operator-policies[${i}]`)),
  );
  b.list(globalParameters, 'global-parameters').forEach((o, i) => b.addGlobalParameter(o, `global-parameters[${i}]`));
  b.list(parameters, 'parameters').forEach((o, i) => addVhostParameter(b, o, `parameters[${i}]`, b.str(o, 'vhost', `parameters[${i}]`)));
  if (shovels !== undefined) addShovelStatus(b, b.list(shovels, 'shovels'));
  if (featureFlags !== undefined) b.list(featureFlags, 'feature-flags').forEach((o, i) => addFeatureFlag(b, o, `feature-flags[${i}]`));

  const o = isRecord(overview) ? overview : {};
  const version = [o['rabbitmq_version'], o['product_version'], o['management_version']].find((v): v is string => typeof v === 'string') ?? 'unknown';
  const state = b.build(version);
  // The broker's words go to a terminal: control characters are dropped.
  const printable = (v: unknown): string => (typeof v === 'string' ? v.replace(/[\u0000-\u001f\u007f-\u009f]/g, '') : '');
  for (const f of b.list(deprecatedUsed, 'deprecated-features/used')) {
    const name = printable(b.str(f, 'name', 'deprecated-features/used'));
    const phase = printable(f['deprecation_phase']) !== '' ? ` (${printable(f['deprecation_phase']).replaceAll('_', ' ')})` : '';
    const doc = printable(f['doc_url']) !== '' ? `; see ${printable(f['doc_url'])}` : '';
    state.warnings.push({ severity: 'warning', code: 'W_DEPRECATED', message: `RabbitMQ ${version} reports a deprecated feature in use on the broker: ${name}${phase}${doc}`, endpoint: client.endpoint });
  }
  return state;
}

/**
 * What the broker says is in use of its deprecated features (GET /api/deprecated-features/used,
 * 3.13 and later); brokers without the endpoint (3.10 answers 404) report nothing.
 */
async function readDeprecatedFeaturesUsed(client: ManagementClient): Promise<unknown> {
  try {
    return await client.get(['deprecated-features', 'used']);
  } catch (e) {
    if (e instanceof WarrenError && / HTTP 404/.test(e.message)) return [];
    throw e;
  }
}

/**
 * Every read, or the most telling of their failures: they run at once, and which one fails first
 * is chance. A user without the administrator tag is refused several listings, and only the
 * refusal of GET /api/users says which tag is missing, so E_AUTH is preferred to the others.
 */
async function allReads<T extends readonly unknown[]>(reads: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const settled = await Promise.allSettled(reads);
  const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) throw failures.find((e) => e instanceof WarrenError && e.code === 'E_AUTH') ?? failures[0];
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** A listing a plugin provides: undefined (not there) when the plugin is off and the API answers 404. */
async function optional(request: Promise<unknown>): Promise<unknown> {
  try {
    return await request;
  } catch (e) {
    if (e instanceof WarrenError && / HTTP 404/.test(e.message)) return undefined;
    throw e;
  }
}

/** Above this many vhosts, one broker-wide listing beats a request per vhost. */
const PER_VHOST_UP_TO = 16;

type Row = Record<string, unknown>;

/**
 * The `each` of a streamed listing (ManagementClient.list): every row must be an object, and is
 * made into a model object at once; `path` names the row in messages (`queues/bench[3]`).
 */
function rowsOf<T>(b: LiveBuilder, kind: string, vhost: string | undefined, make: (o: Row, path: string, vhost: string) => T | undefined): (row: unknown, index: number) => T | undefined {
  return (row, index) => {
    const path = `${kind}${vhost === undefined ? '' : `/${encodeURIComponent(vhost)}`}[${index}]`;
    if (!isRecord(row)) return b.fail(path, 'expected an object');
    return make(row, path, vhost ?? b.str(row, 'vhost', path));
  };
}

/**
 * Queues or bindings, one request per vhost, all at once, without the `vhost` column (the
 * request's vhost stands in): each request is formatted by its own broker process, and the
 * `vhost` column is a fifth of the answer. At 20,000 bindings that takes about a quarter off the
 * slowest call of a read. Each row is made into a model object as it arrives (`rows` names the
 * kind and vhost for messages); the groups come back in vhost order.
 */
async function listPerVhost<T>(
  client: ManagementClient,
  vhostList: Promise<unknown>,
  kind: 'queues' | 'bindings',
  query: Record<string, string>,
  rows: (kind: string, vhost: string | undefined) => (row: unknown, index: number) => T | undefined,
): Promise<T[][]> {
  const listed = await vhostList;
  const vhosts = (Array.isArray(listed) ? listed : []).filter(isRecord).map((v) => v['name']).filter((n): n is string => typeof n === 'string');
  const itemsOf = (answer: StreamedJson<T>): T[] => (answer.kind === 'array' ? answer.items : []);
  if (vhosts.length > PER_VHOST_UP_TO) {
    return [itemsOf(await client.list([kind], query, rows(kind, undefined), { timeoutMs: LISTING_TIMEOUT_MS }))];
  }
  const columns = query['columns']?.split(',').filter((c) => c !== 'vhost').join(',');
  return Promise.all(
    vhosts.map(async (vhost) => {
      try {
        return itemsOf(await client.list([kind, vhost], columns ? { ...query, columns } : query, rows(kind, vhost), { timeoutMs: LISTING_TIMEOUT_MS }));
      } catch (e) {
        if (e instanceof WarrenError && / HTTP 404/.test(e.message)) return []; // the vhost went away meanwhile
        throw e;
      }
    }),
  );
}

/**
 * Message counts of the queues in some vhosts, keyed by resourceKey: one list call per vhost (plus
 * the stats database for what totals cannot count). A queue missing from the answer is not there.
 */
export async function readMessageCounts(client: ManagementClient, vhosts: Iterable<string>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const vhost of new Set(vhosts)) {
    const rows = await client.get(['queues', vhost], { ...QUEUE_QUERY, columns: 'name,vhost,messages' });
    const list = (Array.isArray(rows) ? rows : []).filter(isRecord);
    const stats = list.every((o) => typeof o['messages'] === 'number') ? new Map<string, number>() : await statsCounts(client);
    for (const o of list) {
      const key = JSON.stringify([o['vhost'], o['name']]);
      const messages = typeof o['messages'] === 'number' ? o['messages'] : stats.get(key);
      out.set(`queue:${key}`, messages ?? Number.POSITIVE_INFINITY); // resourceKey's format
    }
  }
  return out;
}

/**
 * Queue totals leave out what they cannot count on 3.10: streams ("totals": null) and queues whose
 * node is down. For those only, one more list call asks the stats database, which knows a queue's
 * count once it has collected it (every 5 s).
 */
async function statsCounts(client: ManagementClient): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const stats = await client.get(['queues'], { ...UNSORTED, columns: 'name,vhost,messages' });
  for (const o of Array.isArray(stats) ? stats : []) {
    if (isRecord(o) && typeof o['messages'] === 'number') out.set(JSON.stringify([o['vhost'], o['name']]), o['messages']);
  }
  return out;
}
