// A small client for RabbitMQ's management HTTP API over Node's fetch: basic auth, JSON, a timeout
// per request, and every failure mapped to a WarrenError that names the endpoint.
// Paths are given as segments and each one is encoded here, so a name can never escape its segment
// (vhost "/" becomes %2F; `#`, `?`, `%`, spaces, unicode and `__proto__` stay names).
import { WarrenError } from '../errors.js';
import type { Json } from '../model/types.js';
import type { Secret } from '../model/secret.js';

/** The transport: Node's fetch by default. A later TLS option wraps it to add its dispatcher. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface ManagementClientOptions {
  /** http(s)://host:port, with or without a path prefix (a management path_prefix); no trailing /api. */
  baseUrl: string;
  username: string;
  password: Secret | string;
  /** Per request; default 30 s. */
  timeoutMs?: number | undefined;
  fetch?: FetchLike | undefined;
}

export type Query = Record<string, string | number | boolean | undefined>;

const DEFAULT_TIMEOUT_MS = 30_000;

export class ManagementClient {
  /** The base URL without credentials: what errors and LiveState.source show. */
  readonly endpoint: string;
  readonly #api: string;
  readonly #authorization: string;
  readonly #timeoutMs: number;
  readonly #fetch: FetchLike;

  constructor(options: ManagementClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new WarrenError('E_TARGET', `management URL is not a URL: ${JSON.stringify(redactUrl(options.baseUrl))}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new WarrenError('E_TARGET', `management URL must start with http:// or https://, got ${url.protocol}//`);
    }
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    this.endpoint = url.toString().replace(/\/+$/, '');
    this.#api = `${this.endpoint}/api`;
    const password = typeof options.password === 'string' ? options.password : options.password.reveal();
    this.#authorization = `Basic ${Buffer.from(`${options.username}:${password}`, 'utf8').toString('base64')}`;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#fetch = options.fetch ?? ((u, init) => fetch(u, init));
  }

  /** GET: the decoded JSON body. */
  async get(segments: readonly string[], query?: Query): Promise<unknown> {
    const res = await this.#request('GET', segments, query, undefined);
    return res.body;
  }

  async put(segments: readonly string[], body: Json): Promise<void> {
    await this.#request('PUT', segments, undefined, body);
  }

  async post(segments: readonly string[], body: Json): Promise<void> {
    await this.#request('POST', segments, undefined, body);
  }

  /** DELETE. Returns false when the object was already gone (404), which callers treat as success. */
  async delete(segments: readonly string[]): Promise<boolean> {
    const res = await this.#request('DELETE', segments, undefined, undefined, true);
    return res.status !== 404;
  }

  /** The full URL of a path: exported for messages and tests. */
  url(segments: readonly string[], query?: Query): string {
    const path = segments.map((s) => encodeURIComponent(s)).join('/');
    const qs = query ? queryString(query) : '';
    return `${this.#api}/${path}${qs}`;
  }

  async #request(method: string, segments: readonly string[], query: Query | undefined, body: Json | undefined, notFoundOk = false): Promise<{ status: number; body: unknown }> {
    const url = this.url(segments, query);
    const what = `${method} /api/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
    // No Accept header: some endpoints (PUT /api/vhost-limits/..., /api/user-limits/...) declare no
    // content types, and cowboy then answers 406 to `Accept: application/json`.
    const headers: Record<string, string> = { authorization: this.#authorization };
    const init: RequestInit = { method, headers, signal: AbortSignal.timeout(this.#timeoutMs) };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(url, init);
      text = await res.text();
    } catch (e) {
      throw this.#transportError(e, what);
    }
    if (res.ok) return { status: res.status, body: parseJson(text) };
    if (res.status === 404 && notFoundOk) return { status: 404, body: undefined };
    throw this.#httpError(res.status, text, what);
  }

  #transportError(e: unknown, what: string): WarrenError {
    if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
      return new WarrenError('E_CONNECT', `${this.endpoint} did not answer ${what} within ${this.#timeoutMs} ms`, { endpoint: this.endpoint });
    }
    const code = causeCode(e);
    if (code && /^(ERR_SSL|ERR_TLS|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH|ERR_OSSL)/.test(code)) {
      return new WarrenError('E_TLS', `TLS handshake with ${this.endpoint} failed: ${code}`, { endpoint: this.endpoint });
    }
    const detail = code ?? (e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e));
    return new WarrenError('E_CONNECT', `cannot reach the management API at ${this.endpoint}: ${detail}`, { endpoint: this.endpoint });
  }

  #httpError(status: number, text: string, what: string): WarrenError {
    const parsed = parseJson(text);
    const error = isRecord(parsed) && typeof parsed['error'] === 'string' ? parsed['error'] : undefined;
    const reason = isRecord(parsed) ? formatReason(parsed['reason']) : text.trim();
    const detail = reason || error || (text.trim() === '' ? 'empty response body' : text.trim().slice(0, 500));
    // 401 `not_authorized` is a failed login; `not_authorised` (British) is a refusal of an
    // authenticated user: missing administrator tag, or a reserved name such as amq.*.
    if (status === 401 && (error !== 'not_authorised' || /^Not (administrator|management) user/.test(reason))) {
      return new WarrenError('E_AUTH', `${this.endpoint} refused the credentials for ${what}: ${detail}`, { endpoint: this.endpoint });
    }
    return new WarrenError('E_BROKER', `${what} failed with HTTP ${status}: ${detail}`, { endpoint: this.endpoint });
  }
}

function queryString(query: Query): string {
  const parts = Object.entries(query)
    .filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function causeCode(e: unknown): string | undefined {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function redactUrl(s: string): string {
  return s.replace(/\/\/[^/@]*@/, '//');
}

/**
 * The broker's `reason` as text. HTTP 400 bodies encode Erlang strings (charlists) as arrays of
 * integers, and Erlang tuples as arrays: ["amqp_error","precondition_failed",[105,110,...],"none"].
 */
export function formatReason(reason: unknown): string {
  if (reason === undefined || reason === null) return '';
  if (typeof reason === 'string') return reason;
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
