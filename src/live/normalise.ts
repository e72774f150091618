// Raw broker JSON (a management API listing or a definitions file entry) -> model objects, in the
// normalised form a spec that says the same thing also has: sorted tags, x-queue-type folded into
// `type`, broker defaults filled in. Both live readers go through this one builder, so an HTTP read
// and a definitions file of the same broker give equal models.
import type { Code, Diagnostic } from '../errors.js';
import { WarrenError } from '../errors.js';
import { resourceKey } from '../model/keys.js';
import type { ApplyTo, Binding, Exchange, HashingAlgorithm, Json, JsonMap, Model, Policy, Queue, QueueType, Resource } from '../model/types.js';
import { APPLY_TO, DEFAULT_HASHING_ALGORITHM, HASHING_ALGORITHMS, QUEUE_TYPES } from '../model/types.js';
import { EMPTY_MAP, isRecord, sharedIfEmpty, toJsonMap, withoutKey } from '../model/json.js';
import { readOwnership } from '../model/ownership-record.js';
import { addGlobalParameterObject, foldSuperStreams } from './parameters.js';
import type { LiveState } from './types.js';


/** Where the raw JSON came from: errors name it with a path into the JSON (`queues[3].name`). */
export interface RawSource {
  source: string;
  /** E_BROKER for an API answer, E_LIVE_FILE for a file. */
  code: Code;
  /** Whether errors carry `source` as an endpoint (broker) or in the message (file). */
  isEndpoint: boolean;
}

type Obj = Record<string, unknown>;

/** Builds a LiveState; the first object with a given key wins, as on the broker's own import. */
export class LiveBuilder {
  readonly model: Model = { resources: new Map() };
  readonly unmanaged = new Map<string, string>();
  readonly warnings: Diagnostic[] = [];
  readonly globalParameters = new Map<string, Json>();
  /** vhost -> its default queue type, for queues that carry neither `type` nor x-queue-type. */
  readonly #defaultQueueType = new Map<string, QueueType>();

  constructor(readonly raw: RawSource) {}

  fail(path: string, message: string): never {
    const text = this.raw.isEndpoint ? `unexpected answer: ${path}: ${message}` : `${this.raw.source}: ${path}: ${message}`;
    throw new WarrenError(this.raw.code, text, this.raw.isEndpoint ? { endpoint: this.raw.source } : {});
  }

  warn(message: string): void {
    this.warnings.push({ severity: 'warning', code: 'W_VERSION', message, endpoint: this.raw.isEndpoint ? this.raw.source : undefined });
  }

  /** Something the broker holds that warren does not manage: plan warns, export names it. */
  warnUnmanaged(message: string): void {
    this.warnings.push({ severity: 'warning', code: 'W_UNMANAGED', message, endpoint: this.raw.isEndpoint ? this.raw.source : undefined });
  }

  add(r: Resource, unmanagedReason?: string): void {
    const key = resourceKey(r);
    if (this.model.resources.has(key)) return;
    this.model.resources.set(key, r);
    if (unmanagedReason) this.unmanaged.set(key, unmanagedReason);
  }

  // Field readers: `path` is where the object sits in the JSON, for messages.
  str(o: Obj, field: string, path: string, fallback?: string): string {
    const v = o[field];
    if (typeof v === 'string') return v;
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    return this.fail(`${path}.${field}`, v === undefined ? 'missing' : `expected a string, got ${JSON.stringify(v)}`);
  }

  bool(o: Obj, field: string, path: string, fallback: boolean): boolean {
    const v = o[field];
    if (typeof v === 'boolean') return v;
    if (v === undefined || v === null) return fallback;
    // Very old exports wrote booleans as strings.
    if (v === 'true' || v === 'false') return v === 'true';
    return this.fail(`${path}.${field}`, `expected true or false, got ${JSON.stringify(v)}`);
  }

  /** A JSON object; `[]` and lists of pairs (what rabbitmqctl exports for Erlang proplists) count too. */
  map(o: Obj, field: string, path: string): JsonMap {
    const v = o[field];
    if (v === undefined || v === null) return EMPTY_MAP;
    const m = toJsonMap(v);
    return m ? sharedIfEmpty(m) : this.fail(`${path}.${field}`, `expected an object, got ${JSON.stringify(v)}`);
  }

  list(v: unknown, path: string): Obj[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return this.fail(path, 'expected a list');
    return v.map((item, i) => (isRecord(item) ? item : this.fail(`${path}[${i}]`, 'expected an object')));
  }

  /** Tags as a list of strings or one comma string; anything else (an object, `{"toString":1}`) is refused. */
  tags(v: unknown, path: string): string[] {
    if (v === undefined || v === null || typeof v === 'string') return normaliseTags(v);
    if (!Array.isArray(v)) return this.fail(path, 'expected a list of strings or a comma-separated string');
    const bad = v.findIndex((t) => typeof t !== 'string');
    if (bad >= 0) return this.fail(`${path}[${bad}]`, 'expected a string');
    return normaliseTags(v);
  }

  vhostDefaultQueueType(vhost: string): QueueType | undefined {
    return this.#defaultQueueType.get(vhost);
  }

  // --- one method per kind -------------------------------------------------------------------

  /** `metadata` (3.8+) and top-level fields (4.x, /api/vhosts) both hold description and tags. */
  addVhost(o: Obj, path: string, limits: JsonMap): void {
    const name = this.str(o, 'name', path);
    const meta = isRecord(o['metadata']) ? o['metadata'] : {};
    const description = typeof o['description'] === 'string' ? o['description'] : typeof meta['description'] === 'string' ? meta['description'] : '';
    const tags = o['tags'] !== undefined ? this.tags(o['tags'], `${path}.tags`) : this.tags(meta['tags'], `${path}.metadata.tags`);
    const dqt = queueTypeOrUndefined(meta['default_queue_type'] ?? o['default_queue_type']);
    if (dqt) this.#defaultQueueType.set(name, dqt);
    this.add(dqt ? { kind: 'vhost', name, description, tags, default_queue_type: dqt, limits } : { kind: 'vhost', name, description, tags, limits });
  }

  addUser(o: Obj, path: string, limits: JsonMap, plaintextHash?: (password: string) => string): void {
    const name = this.str(o, 'name', path);
    let hash = o['password_hash'];
    let algorithm = o['hashing_algorithm'];
    if (typeof hash !== 'string' && typeof o['password'] === 'string' && plaintextHash) {
      // Definitions written by hand may hold a plain password; hash it as the broker would on import.
      hash = plaintextHash(o['password']);
      algorithm = DEFAULT_HASHING_ALGORITHM;
    }
    const user: Resource = { kind: 'user', name, tags: this.tags(o['tags'], `${path}.tags`), limits: { ...this.map(o, 'limits', path), ...limits } };
    if (typeof hash === 'string') user.password_hash = hash;
    if (algorithm === undefined && typeof hash === 'string') algorithm = DEFAULT_HASHING_ALGORITHM;
    if (typeof algorithm === 'string') {
      if ((HASHING_ALGORITHMS as readonly string[]).includes(algorithm)) user.hashing_algorithm = algorithm as HashingAlgorithm;
      else this.warn(`user ${name}: unknown hashing algorithm ${algorithm}; its password cannot be compared`);
    }
    this.add(user);
  }

  addPermission(o: Obj, path: string, vhost: string): void {
    this.add({
      kind: 'permission',
      vhost,
      user: this.str(o, 'user', path),
      configure: this.str(o, 'configure', path),
      write: this.str(o, 'write', path),
      read: this.str(o, 'read', path),
    });
  }

  addTopicPermission(o: Obj, path: string, vhost: string): void {
    this.add({
      kind: 'topic_permission',
      vhost,
      user: this.str(o, 'user', path),
      exchange: this.str(o, 'exchange', path),
      write: this.str(o, 'write', path),
      read: this.str(o, 'read', path),
    });
  }

  /**
   * A listing's exchanges, queues and bindings are made while the listing streams in (see
   * read-broker.ts) and added afterwards in the usual order: `xOf` makes one, `addRow` adds it.
   */
  addRow(r: Exchange | Queue | Binding | undefined): void {
    if (r) this.add(r, r.kind === 'binding' ? undefined : unmanagedReason(r));
  }

  addExchange(o: Obj, path: string, vhost: string): void {
    this.addRow(this.exchangeOf(o, path, vhost));
  }

  addQueue(o: Obj, path: string, vhost: string, messages: number): void {
    this.addRow(this.queueOf(o, path, vhost, messages));
  }

  addBinding(o: Obj, path: string, vhost: string): void {
    this.addRow(this.bindingOf(o, path, vhost));
  }

  /** Undefined for the default exchange "": it is implicit in every vhost. amq.* stay (unmanaged). */
  exchangeOf(o: Obj, path: string, vhost: string): Exchange | undefined {
    const name = this.str(o, 'name', path);
    if (name === '') return undefined;
    return {
      kind: 'exchange',
      vhost,
      name,
      type: this.str(o, 'type', path),
      durable: this.bool(o, 'durable', path, true),
      auto_delete: this.bool(o, 'auto_delete', path, false),
      internal: this.bool(o, 'internal', path, false),
      arguments: this.map(o, 'arguments', path),
    };
  }

  /**
   * The queue's type: its `type` field (what the broker reports), else x-queue-type, else the
   * vhost's default queue type, else classic. x-queue-type never stays in `arguments`.
   */
  queueOf(o: Obj, path: string, vhost: string, messages: number): Queue {
    const name = this.str(o, 'name', path);
    const given = this.map(o, 'arguments', path);
    const declared = given['x-queue-type'];
    const args = withoutKey(given, 'x-queue-type');
    const field = o['type'];
    const type = field === undefined || field === null ? (queueTypeOrUndefined(declared) ?? this.#defaultQueueType.get(vhost) ?? 'classic') : queueTypeOrUndefined(field);
    if (!type) return this.fail(`${path}.type`, `unknown queue type ${JSON.stringify(field)}`);
    const exclusive = o['exclusive'] === true;
    return {
      kind: 'queue',
      vhost,
      name,
      type,
      durable: this.bool(o, 'durable', path, true),
      auto_delete: this.bool(o, 'auto_delete', path, false),
      arguments: args,
      live: { messages, exclusive, server_named: name.startsWith('amq.gen-') || exclusive },
    };
  }

  /** Undefined for a binding from the default exchange: those are implicit (one per queue). */
  bindingOf(o: Obj, path: string, vhost: string): Binding | undefined {
    const source = this.str(o, 'source', path);
    if (source === '') return undefined;
    const dt = o['destination_type'];
    if (dt !== 'queue' && dt !== 'exchange') return this.fail(`${path}.destination_type`, `expected "queue" or "exchange", got ${JSON.stringify(dt)}`);
    return {
      kind: 'binding',
      vhost,
      source,
      destination_type: dt,
      destination: this.str(o, 'destination', path),
      routing_key: this.str(o, 'routing_key', path, ''),
      arguments: this.map(o, 'arguments', path),
    };
  }

  /**
   * The vhosts' default queue types, before their vhosts are added: queues are made while their
   * listing streams in, and a queue that names no type takes its vhost's. Rows it cannot read are
   * left to addVhost, which says what is wrong with them.
   */
  learnDefaultQueueTypes(rows: unknown): void {
    if (!Array.isArray(rows)) return;
    for (const o of rows) {
      if (!isRecord(o) || typeof o['name'] !== 'string') continue;
      const meta = isRecord(o['metadata']) ? o['metadata'] : {};
      const dqt = queueTypeOrUndefined(meta['default_queue_type'] ?? o['default_queue_type']);
      if (dqt) this.#defaultQueueType.set(o['name'], dqt);
    }
  }

  addPolicy(kind: Policy['kind'], o: Obj, path: string, vhost: string, name: string): void {
    const applyTo = o['apply-to'] ?? 'all';
    if (typeof applyTo !== 'string') return this.fail(`${path}.apply-to`, `expected a string, got ${JSON.stringify(applyTo)}`);
    if (!(APPLY_TO as readonly string[]).includes(applyTo)) this.warn(`${kind} ${vhost}/${name}: apply-to "${applyTo}" is newer than warren's model; kept as it is`);
    const priority = o['priority'] ?? 0;
    if (typeof priority !== 'number') return this.fail(`${path}.priority`, `expected a number, got ${JSON.stringify(priority)}`);
    this.add({
      kind,
      vhost,
      name,
      pattern: this.str(o, 'pattern', path),
      apply_to: applyTo as ApplyTo,
      priority,
      definition: this.map(o, 'definition', path),
    });
  }

  addGlobalParameter(o: Obj, path: string): void {
    const name = this.str(o, 'name', path);
    if (this.globalParameters.has(name)) return;
    this.globalParameters.set(name, (o['value'] ?? null) as Json);
    // rabbitmqctl writes an Erlang map or proplist value as a list of pairs, the HTTP API as an
    // object: both are the one value the broker holds, so they read the same.
    const value = (o['value'] ?? null) as Json;
    const pairs = Array.isArray(value) && value.length > 0 ? toJsonMap(value) : undefined;
    addGlobalParameterObject(this, name, pairs ?? value);
  }

  build(brokerVersion: string): LiveState {
    foldSuperStreams(this.model);
    return {
      model: this.model,
      brokerVersion,
      source: this.raw.source,
      ownership: readOwnership(this.globalParameters),
      globalParameters: this.globalParameters,
      unmanagedReasons: this.unmanaged,
      warnings: this.warnings,
    };
  }
}

/** Tags as a sorted list, whether the broker gives a list or a comma string ("a,b", ""). */
export function normaliseTags(v: unknown): string[] {
  const parts = Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : typeof v === 'string' ? v.split(',') : [];
  return [...new Set(parts.map((t) => t.trim()).filter((t) => t !== ''))].sort();
}

export function queueTypeOrUndefined(v: unknown): QueueType | undefined {
  return typeof v === 'string' && (QUEUE_TYPES as readonly string[]).includes(v) ? (v as QueueType) : undefined;
}

/** Why warren leaves an exchange or queue alone (plan warns, export names it), if it does. */
function unmanagedReason(r: Exchange | Queue): string | undefined {
  if (r.kind === 'exchange') return r.name.startsWith('amq.') ? 'amq.* exchanges belong to the broker' : undefined;
  if (r.live?.exclusive) return 'exclusive queues belong to their connection';
  if (r.live?.server_named) return 'server-named queue';
  return r.name.startsWith('amq.') ? 'amq.* names are reserved' : undefined;
}
