// A small client for RabbitMQ's management HTTP API over Node's fetch: basic auth, JSON, a timeout
// per request, and every failure mapped to a WarrenError that names the endpoint.
// Paths are given as segments and each one is encoded here, so a name can never escape its segment
// (vhost "/" becomes %2F; `#`, `?`, `%`, spaces, unicode and `__proto__` stay names).
//
// Several base URLs are one cluster's nodes. Requests go to the current one (the first at start);
// when it cannot be reached (refused, reset, DNS, no answer in time: E_CONNECT) the client moves
// on to the next and stays there. The failed request is sent again on the new node when that is
// safe: GET reads; PUT and DELETE are idempotent in this API (a PUT states the whole object, a
// DELETE of what is gone is a 404 the caller treats as done); a POST only when the caller says it
// is idempotent (a binding POST is: the same binding twice is one binding). A write may have been
// applied by a node that then died, which is why only writes safe to repeat are repeated.
// TLS failures, refused credentials and HTTP errors are answers, not outages: they never move on,
// because every node would say the same and moving on would hide the real cause.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { redactUrl } from '../model/url-credentials.js';
import { checkJsonShape, isRecord } from '../model/json.js';
import { WarrenError } from '../errors.js';
import type { Json } from '../model/types.js';
import type { Secret } from '../model/secret.js';
import { errorCode, tlsFailure, type TlsErrorContext } from './tls-errors.js';
import { JsonArrayReader, NotJson, type StreamedJson } from './json-array-stream.js';

/** The transport: Node's fetch by default; https-transport.ts adds TLS client settings. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface FailoverEvent {
  from: string;
  to: string;
  /** Why `from` was given up, e.g. "connection refused (ECONNREFUSED)". */
  reason: string;
  /** Whether the request that failed is being sent again on `to`. */
  retried: boolean;
}

export interface ManagementClientOptions {
  /**
   * http(s)://host:port, with or without a path prefix (a management path_prefix); no trailing /api.
   * Several: the nodes of one cluster, tried in order.
   */
  baseUrl: string | readonly string[];
  username: string;
  password: Secret | string;
  /** Per request; default 30 s. */
  timeoutMs?: number | undefined;
  /** The user set the deadline (WARREN_BROKER_TIMEOUT_MS): it holds for every call, even the big listings that may otherwise take longer. */
  firmDeadline?: boolean | undefined;
  fetch?: FetchLike | undefined;
  /** TLS settings in use, so TLS failures can name the setting to fix. */
  tls?: Omit<TlsErrorContext, 'host'> | undefined;
  /** Told each time requests move to another endpoint. */
  onFailover?: ((event: FailoverEvent) => void) | undefined;
  /** Aborting it ends every request of this client at once, with no failover (a read nobody wants any more). */
  signal?: AbortSignal | undefined;
}

export type Query = Record<string, string | number | boolean | undefined>;

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

interface RequestOptions {
  retry: boolean;
  notFoundOk?: boolean;
  timeoutMs?: number | undefined;
  /** Reads a successful answer's body (default: the whole text, parsed as JSON). */
  read?: ((res: Response, what: string, endpoint: string) => Promise<unknown>) | undefined;
}

/** A transport failure worth trying the next endpoint for. */
class Unreachable extends Error {
  constructor(
    readonly error: WarrenError,
    readonly reason: string,
    /** The connection was closed or reset by the other side: a reused keep-alive socket may just have been closed under the request. */
    readonly dropped = false,
  ) {
    super(error.message);
  }
}

/** Transport codes of a connection the other side closed or reset (not refused, not timed out). */
const DROPPED = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

export class ManagementClient {
  /** Base URLs without credentials, in the order given. */
  readonly endpoints: readonly string[];
  readonly #authorization: string;
  readonly #username: string;
  readonly #timeoutMs: number;
  /** A deadline the user set (WARREN_BROKER_TIMEOUT_MS) holds for every call, big listings included. */
  readonly #deadlineSet: boolean;
  readonly #fetch: FetchLike;
  readonly #tls: Omit<TlsErrorContext, 'host'> | undefined;
  readonly #onFailover: ((event: FailoverEvent) => void) | undefined;
  /** Endpoints on this machine: asked for uncompressed answers (see isLoopback). */
  readonly #loopback: ReadonlySet<string>;
  readonly #signal: AbortSignal | undefined;
  #current = 0;

  constructor(options: ManagementClientOptions) {
    const urls = typeof options.baseUrl === 'string' ? [options.baseUrl] : [...options.baseUrl];
    if (urls.length === 0) throw new WarrenError('E_TARGET', 'no management URL given');
    this.endpoints = urls.map(cleanBaseUrl);
    this.#loopback = new Set(this.endpoints.filter(isLoopback));
    const password = typeof options.password === 'string' ? options.password : options.password.reveal();
    this.#username = options.username;
    this.#authorization = `Basic ${Buffer.from(`${options.username}:${password}`, 'utf8').toString('base64')}`;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#deadlineSet = options.firmDeadline === true;
    this.#fetch = options.fetch ?? ((u, init) => fetch(u, init));
    this.#tls = options.tls;
    this.#onFailover = options.onFailover;
    this.#signal = options.signal;
  }

  /** The base URL requests go to now, without credentials: what errors and LiveState.source show. */
  get endpoint(): string {
    return this.endpoints[this.#current] as string;
  }

  /**
   * GET: the decoded JSON body. `timeoutMs` overrides the client's for this request: listings whose
   * size grows with the topology take longer than a node that stopped answering would.
   */
  async get(segments: readonly string[], query?: Query, options: { timeoutMs?: number | undefined } = {}): Promise<unknown> {
    const res = await this.#request('GET', segments, query, undefined, { retry: true, timeoutMs: options.timeoutMs });
    return res.body;
  }

  /**
   * GET of a listing, read while it arrives (json-array-stream.ts): `each` makes what is kept of
   * every row, so neither the answer's text nor its parsed rows are held whole. An answer that is
   * not a JSON array comes back as `other` (undefined for an empty body), for the caller to judge.
   * A read that fails half way and is sent again to another node starts over with fresh items.
   */
  async list<T>(segments: readonly string[], query: Query | undefined, each: (row: unknown, index: number) => T | undefined, options: { timeoutMs?: number | undefined } = {}): Promise<StreamedJson<T>> {
    const res = await this.#request('GET', segments, query, undefined, { retry: true, timeoutMs: options.timeoutMs, read: (r, what, base) => readListing(r, each, what, base) });
    return res.body as StreamedJson<T>;
  }

  async put(segments: readonly string[], body: Json): Promise<void> {
    await this.#request('PUT', segments, undefined, body, { retry: true });
  }

  /** POST. Sent again on another node after a connection failure only when `idempotent` says it is safe. */
  async post(segments: readonly string[], body: Json, options: { idempotent?: boolean } = {}): Promise<void> {
    await this.#request('POST', segments, undefined, body, { retry: options.idempotent === true });
  }

  /** DELETE. Returns false when the object was already gone (404), which callers treat as success. */
  async delete(segments: readonly string[]): Promise<boolean> {
    const res = await this.#request('DELETE', segments, undefined, undefined, { retry: true, notFoundOk: true });
    return res.status !== 404;
  }

  /** The full URL of a path on the current endpoint: exported for messages and tests. */
  url(segments: readonly string[], query?: Query): string {
    return this.#url(this.endpoint, segments, query);
  }

  #url(base: string, segments: readonly string[], query?: Query): string {
    const path = segments.map((s) => encodeURIComponent(s)).join('/');
    const qs = query ? queryString(query) : '';
    return `${base}/api/${path}${qs}`;
  }

  async #request(method: string, segments: readonly string[], query: Query | undefined, body: Json | undefined, o: RequestOptions): Promise<{ status: number; body: unknown }> {
    const tried = new Set<number>();
    const failures: string[] = [];
    let resent = false;
    for (;;) {
      const index = this.#current;
      tried.add(index);
      try {
        return await this.#send(this.endpoints[index] as string, method, segments, query, body, o, this.#deadlineSet ? this.#timeoutMs : (o.timeoutMs ?? this.#timeoutMs));
      } catch (e) {
        if (this.#signal?.aborted) throw new WarrenError('E_ABORTED', `${describe(method, segments)} was dropped: its answer is no longer wanted`, { endpoint: this.endpoints[index] });
        if (!(e instanceof Unreachable)) throw e;
        // A keep-alive connection the broker closed as the request went out on it (its idle or
        // request-count limit) fails the request though the node is fine: a request safe to repeat
        // is sent once more to the same node (on another connection) before it counts as down.
        if (e.dropped && o.retry && !resent) {
          resent = true;
          continue;
        }
        failures.push(`${this.endpoints[index]}: ${e.reason}`);
        // Another request may already have moved on: follow it rather than skip a node.
        const next = this.#current !== index && !tried.has(this.#current) ? this.#current : this.#nextUntried(index, tried);
        if (next === undefined) {
          if (this.endpoints.length === 1) throw e.error;
          throw new WarrenError('E_CONNECT', `no management endpoint answered ${describe(method, segments)}: ${failures.join('; ')}${allTimedOut(failures) ? FROZEN_MEMBER_HINT : ''}`, { endpoint: this.endpoints[0] });
        }
        if (this.#current === index) {
          this.#current = next;
          this.#onFailover?.({ from: this.endpoints[index] as string, to: this.endpoints[next] as string, reason: e.reason, retried: o.retry });
        }
        if (!o.retry) {
          throw new WarrenError('E_CONNECT', `${e.error.message}; ${method} is not sent twice (it may have been applied), later requests go to ${this.endpoints[next]}`, { endpoint: e.error.endpoint });
        }
      }
    }
  }

  #nextUntried(from: number, tried: ReadonlySet<number>): number | undefined {
    for (let step = 1; step < this.endpoints.length; step++) {
      const i = (from + step) % this.endpoints.length;
      if (!tried.has(i)) return i;
    }
    return undefined;
  }

  async #send(base: string, method: string, segments: readonly string[], query: Query | undefined, body: Json | undefined, o: RequestOptions, timeoutMs: number): Promise<{ status: number; body: unknown }> {
    const url = this.#url(base, segments, query);
    const what = describe(method, segments);
    // No Accept header: some endpoints (PUT /api/vhost-limits/..., /api/user-limits/...) declare no
    // content types, and cowboy then answers 406 to `Accept: application/json`.
    const headers: Record<string, string> = { authorization: this.#authorization };
    if (this.#loopback.has(base)) headers['accept-encoding'] = 'identity';
    const deadline = AbortSignal.timeout(timeoutMs);
    const init: RequestInit = { method, headers, signal: this.#signal ? AbortSignal.any([deadline, this.#signal]) : deadline };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await this.#fetch(url, init);
      if (res.ok && o.read) return { status: res.status, body: await o.read(res, what, base) };
    } catch (e) {
      if (e instanceof WarrenError) throw e; // the answer's content, not its transport
      throw this.#transportError(e, what, base, timeoutMs);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      throw this.#transportError(e, what, base, timeoutMs);
    }
    if (res.ok) {
      const answer = parseJson(text);
      // What other clients set (queue arguments, a parameter's value) comes back in answers: as
      // bounded as a definitions file, or recursive code further on would overflow its stack.
      checkJsonShape(answer, (path, why) => {
        throw new WarrenError('E_BROKER', `unexpected answer to ${what}: ${path}: ${why}`, { endpoint: base });
      });
      return { status: res.status, body: answer };
    }
    if (res.status === 404 && o.notFoundOk === true) return { status: 404, body: undefined };
    throw this.#httpError(res.status, text, what, base);
  }

  /** WarrenError for answers that end the request; Unreachable for failures worth another node. */
  #transportError(e: unknown, what: string, endpoint: string, timeoutMs: number): WarrenError | Unreachable {
    if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
      const error = new WarrenError('E_CONNECT', `${endpoint} did not answer ${what} within ${timeoutMs} ms`, { endpoint });
      return new Unreachable(error, `no answer within ${timeoutMs} ms`);
    }
    const tls = tlsFailure(e, { ...this.#tls, host: hostOf(endpoint) });
    if (tls !== undefined) return new WarrenError('E_TLS', tls, { endpoint });
    const reason = connectionFailure(e);
    return new Unreachable(new WarrenError('E_CONNECT', `cannot reach the management API at ${endpoint}: ${reason}`, { endpoint }), reason, DROPPED.has(errorCode(e) ?? ''));
  }

  #httpError(status: number, text: string, what: string, endpoint: string): WarrenError {
    const parsed = parseJson(text);
    const error = isRecord(parsed) && typeof parsed['error'] === 'string' ? parsed['error'] : undefined;
    const reason = isRecord(parsed) ? formatReason(parsed['reason']) : text.trim();
    const detail = reason || error || (text.trim() === '' ? 'empty response body' : text.trim().slice(0, 500));
    // 401 `not_authorized` is a failed login; `not_authorised` (British) is a refusal of an
    // authenticated user: missing administrator tag, or a reserved name such as amq.*.
    if (status === 401 && /^Not (administrator|management) user/.test(reason)) {
      return new WarrenError('E_AUTH', missingTagMessage(this.#username, reason, what), { endpoint });
    }
    if (status === 401 && error !== 'not_authorised') {
      return new WarrenError('E_AUTH', `${endpoint} refused the credentials for ${what}: ${detail}`, { endpoint });
    }
    return new WarrenError('E_BROKER', `${what} failed with HTTP ${status}: ${detail}`, { endpoint });
  }
}

/**
 * Counts the HTTP requests Node's fetch makes from now on, and those whose headers are written:
 * `written()` resolves once every one made so far has gone out (undici's diagnostics channels,
 * which the fetch built into Node publishes on). https requests go through node:https and are not
 * counted. A request that fails before it is written is never counted as written.
 */
export function watchRequestsSent(): { written(): Promise<void>; stop(): void } {
  let made = 0;
  let sent = 0;
  let wake: (() => void) | undefined;
  const onCreate = (): void => void made++;
  const onSend = (): void => {
    sent++;
    if (sent >= made) wake?.();
  };
  subscribe('undici:request:create', onCreate);
  subscribe('undici:client:sendHeaders', onSend);
  return {
    async written() {
      // A fetch's promise chain reaches its request within the turn it was called in: count after it.
      await new Promise((resolve) => setImmediate(resolve));
      if (sent < made) await new Promise<void>((resolve) => (wake = resolve));
    },
    stop() {
      unsubscribe('undici:request:create', onCreate);
      unsubscribe('undici:client:sendHeaders', onSend);
    },
  };
}

/**
 * The login worked; the user's tags do not let it do this. warren reads and writes users,
 * vhosts, permissions, policies and global parameters (its ownership records), which the
 * management API allows only the administrator tag.
 */
function missingTagMessage(user: string, reason: string, what: string): string {
  const tag = reason.startsWith('Not administrator') ? 'administrator' : 'management';
  return (
    `user ${user} logged in, but lacks the ${tag} tag that ${what} needs ("${reason}"). ` +
    'plan, apply and export read every user, vhost, permission and policy, and apply writes them and the ownership records: all need the administrator tag ' +
    `(validate and plan --live need no broker). Give it: rabbitmqctl set_user_tags ${user} administrator (listing its other tags too)`
  );
}

// Measured on 3.10: with one member frozen (SIGSTOP), the others answer most reads at once but
// wait for it on GET /api/overview and /api/vhosts until the cluster declares it down.
const FROZEN_MEMBER_HINT =
  '. Every node ran out of time: when one cluster member is frozen (not dead), the others wait for it on some calls until the cluster declares it down (net_ticktime, about a minute by default); try again then';

function allTimedOut(failures: readonly string[]): boolean {
  return failures.length > 1 && failures.every((f) => / no answer within \d+ ms$/.test(f));
}

const CONNECTION_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  UND_ERR_SOCKET: 'connection closed by the other side',
  // An AMQP listener answers an HTTP request with its protocol header, "AMQP\0\0\9\1".
  HPE_INVALID_CONSTANT: 'the server does not speak HTTP: is this the AMQP port? The management API usually listens on 15672 (15671 with TLS)',
};

/** A transport failure in words, with its code: "connection refused (ECONNREFUSED)". */
export function connectionFailure(e: unknown): string {
  const code = errorCode(e);
  if (code !== undefined) return CONNECTION_WORDS[code] ? `${CONNECTION_WORDS[code]} (${code})` : code;
  if (e instanceof Error) return e.cause instanceof Error ? e.cause.message : e.message;
  return String(e);
}

function describe(method: string, segments: readonly string[]): string {
  return `${method} /api/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
}

function cleanBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WarrenError('E_TARGET', `management URL is not a URL: ${JSON.stringify(redactUrl(raw))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WarrenError('E_TARGET', `management URL must start with http:// or https://, got ${url.protocol}//`);
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/**
 * fetch asks for gzip by default. A broker on this machine has no network to save: inflating cost
 * the client ~20 ms of CPU per read at 3,100 objects (a gunzip stream per answer; measured with
 * 17 fresh-process reads, 25 runs each: 63-107 ms with gzip, 41-87 ms without) and the broker the
 * same CPU either way. Elsewhere the answers stay compressed: a 300 KB binding listing is ~30 KB
 * on the wire. (https goes through node:https, which never asks for compression.)
 */
function isLoopback(endpoint: string): boolean {
  const host = hostOf(endpoint);
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function hostOf(endpoint: string): string {
  return new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
}

function queryString(query: Query): string {
  const parts = Object.entries(query)
    .filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/**
 * A listing's body, row by row as it arrives (see ManagementClient.list). Each row passes the same
 * shape check as a whole answer does. Failures of the transport are thrown as they come (the
 * caller maps them); what is wrong with the content is a WarrenError.
 */
async function readListing<T>(res: Response, each: (row: unknown, index: number) => T | undefined, what: string, endpoint: string): Promise<StreamedJson<T>> {
  const wrong = (why: string): WarrenError => new WarrenError('E_BROKER', `unexpected answer to ${what}: ${why}`, { endpoint });
  const reader = new JsonArrayReader<T>((row, index) => {
    checkJsonShape(
      row,
      (path, why) => {
        throw wrong(`[${index}]${path === '(top level)' ? '' : path.startsWith('[') ? path : `.${path}`}: ${why}`);
      },
      1,
    );
    return each(row, index);
  });
  try {
    if (res.body) for await (const chunk of res.body) reader.push(chunk);
    return reader.end();
  } catch (e) {
    if (e instanceof NotJson) throw wrong(e.message);
    throw e;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}



/**
 * The broker's `reason` as text. HTTP 400 bodies encode Erlang strings (charlists) as arrays of
 * integers, and Erlang tuples as arrays: ["amqp_error","precondition_failed",[105,110,...],"none"].
 */
export function formatReason(reason: unknown): string {
  if (reason === undefined || reason === null) return '';
  if (typeof reason === 'string') return readableReason(reason);
  if (typeof reason === 'number' || typeof reason === 'boolean') return String(reason);
  if (Array.isArray(reason)) {
    const text = charlistToString(reason);
    if (text !== undefined) return text;
    const parts = reason.map(formatReason);
    if (parts.length === 4 && parts[0] === 'amqp_error') return `${parts[1]}: ${parts[2]}`;
    return parts.join(', ');
  }
  return JSON.stringify(reason);
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Some endpoints (PUT /api/policies) HTML-escape their reasons and spread them over lines:
 * "Validation failed\n\n[{&lt;&lt;\"mesage-ttl\"&gt;&gt;,5}] are not recognised policy settings\n".
 * Shown as one line, unescaped, with Erlang binaries written as strings: `"mesage-ttl"`.
 */
export function readableReason(text: string): string {
  const decoded = text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));/gi, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (dec !== undefined) return String.fromCodePoint(Number(dec));
    if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16));
    return ENTITIES[(name ?? '').toLowerCase()] ?? whole;
  });
  return decoded
    .replace(/<<"((?:[^"\\]|\\.)*)">>/g, '"$1"')
    .trim()
    .replace(/\s*\n\s*\n\s*/, ': ')
    .replace(/\s*\n\s*/g, '; ');
}

function charlistToString(list: unknown[]): string | undefined {
  if (list.length === 0) return undefined;
  const codes: number[] = [];
  for (const c of list) {
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > 0x10ffff) return undefined;
    codes.push(c);
  }
  // Erlang formats binaries into charlists byte by byte, so names arrive as UTF-8 bytes.
  if (codes.every((c) => c < 256) && codes.some((c) => c >= 128)) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(codes));
    } catch {
      /* not UTF-8: they were code points after all */
    }
  }
  return String.fromCodePoint(...codes);
}
