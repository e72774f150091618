// A Target (where and how to reach a broker) turned into working connections: the management API
// with TLS and cluster failover, and AMQP connections with the same TLS settings and login.
// The TLS files are read once per target, whichever of the two asks first.
// connectAmqpToTarget is the small entry point for anything else that needs an AMQP connection
// to a target (apply's writer, a lock queue...).
import type { Diagnostic } from '../errors.js';
import type { Target } from '../model/target.js';
import { Secret } from '../model/secret.js';
import type { AmqpConnectOptions, AmqpConnection } from './amqp-connect.js';
import { httpsTransport, type HttpsTransport } from './https-transport.js';
import { isRecord } from '../model/json.js';
import { ManagementClient } from './management-client.js';
import { OVERVIEW_COLUMNS } from './read-broker.js';
import { isoDate } from './tls-errors.js';
import { readTlsMaterial, type CertInfo, type TlsMaterial } from './tls-material.js';

export interface ConnectOptions {
  /** Progress lines (stderr in the CLI): failovers, which node is used. */
  progress?: ((line: string) => void) | undefined;
  /** Warnings found while connecting (TLS verification off, certificates about to expire). */
  warn?: ((warning: Diagnostic) => void) | undefined;
  /** Per management request; default the client's 30 s. */
  timeoutMs?: number | undefined;
  /** Aborting it ends the management requests at once (see ManagementClientOptions.signal). */
  signal?: AbortSignal | undefined;
}

export interface ManagementConnection {
  client: ManagementClient;
  /** The node that answered, e.g. rabbit@rmq-0. */
  node: string;
  /** Its GET /api/overview, with the version columns a read needs (readBroker's `overview`). */
  overview: unknown;
  warnings: Diagnostic[];
  /** Closes idle keep-alive sockets. */
  close(): void;
}

/** Warn this long before a certificate expires. */
export const EXPIRY_WARNING_DAYS = 30;

// Keyed by the TLS settings object, which every copy of a target made by flags or environment
// shares (resolve-target spreads it), so a second caller (the lock, say) reads nothing again.
const materials = new WeakMap<object, TlsMaterial>();

/** The target's TLS files, read and checked once; undefined when it has no TLS endpoint. */
export function tlsMaterialOf(target: Target): TlsMaterial | undefined {
  const endpoint = [...target.management, ...target.amqp].find((u) => /^(https|amqps):/i.test(u));
  if (endpoint === undefined) return undefined;
  const key: object = target.tls ?? target;
  let material = materials.get(key);
  if (!material) {
    material = readTlsMaterial(target.tls, { field: `targets.${target.name}.tls`, origin: target.origin, endpoint: endpoint.replace(/\/+$/, '') });
    materials.set(key, material);
  }
  return material;
}

/** A client over every management endpoint of the target; nothing is sent yet. */
export function managementClientFor(target: Target, options: ConnectOptions = {}): { client: ManagementClient; transport: HttpsTransport | undefined } {
  const material = tlsMaterialOf(target);
  const transport = target.management.some((u) => /^https:/i.test(u)) ? httpsTransport(material?.options ?? { rejectUnauthorized: true }) : undefined;
  const client = new ManagementClient({
    baseUrl: target.management,
    username: target.username ?? 'guest',
    password: target.password ?? 'guest',
    timeoutMs: options.timeoutMs ?? target.timeoutMs,
    firmDeadline: (options.timeoutMs ?? target.timeoutMs) !== undefined,
    fetch: transport?.fetch,
    tls: material ? { settings: material.settings, clientCert: material.clientCert } : undefined,
    signal: options.signal,
    onFailover: (e) => options.progress?.(`Management API at ${e.from} cannot be reached (${e.reason}); using ${e.to}${e.retried ? '' : ' from the next request on'}`),
  });
  return { client, transport };
}

/**
 * The first management endpoint that answers (tried in order), and the node behind it.
 * Warnings are handed to `options.warn` as soon as they are known, so they show even when the
 * connection then fails (an expired client certificate, say).
 */
export async function connectManagement(target: Target, options: ConnectOptions = {}): Promise<ManagementConnection> {
  const warnings: Diagnostic[] = [];
  const warn = (d: Diagnostic): void => {
    warnings.push(d);
    options.warn?.(d);
  };
  const material = tlsMaterialOf(target);
  const field = `targets.${target.name}.tls`;
  if (material && !material.settings.verify) {
    warn({ severity: 'warning', code: 'W_TLS_VERIFY', origin: target.origin, message: `${field}.verify is false: the broker's certificate is not checked, so anyone in the path can read the credentials` });
  }
  if (material?.clientCert) {
    const w = expiryWarning(material.clientCert, `${field}.cert: the client certificate`);
    if (w) warn({ ...w, origin: target.origin });
  }
  const { client, transport } = managementClientFor(target, options);
  const overview = await client.get(['overview'], { columns: `node,${OVERVIEW_COLUMNS}` });
  const node = isRecord(overview) && typeof overview['node'] === 'string' ? overview['node'] : 'an unnamed node';
  const peer = transport?.peerCertificate(new URL(client.endpoint).origin);
  if (peer) {
    const w = expiryWarning(peer, "the server's certificate");
    if (w) warn({ ...w, endpoint: client.endpoint });
  }
  return { client, node, overview, warnings, close: () => transport?.close() };
}

/** How the target's AMQP connections are made: its URLs, TLS settings and login. */
export function amqpOptionsFor(target: Target, options: ConnectOptions = {}): AmqpConnectOptions {
  const material = tlsMaterialOf(target);
  return {
    urls: target.amqp,
    username: target.username ?? 'guest',
    password: target.password ?? new Secret('guest'),
    login: target.tls?.login,
    socketOptions: material ? { ...material.options } : undefined,
    tls: material ? { settings: material.settings, clientCert: material.clientCert } : undefined,
    connectTimeoutMs: target.timeoutMs,
    operationTimeoutMs: target.timeoutMs,
    onEvent: options.progress,
  };
}

/** One AMQP connection to a vhost of the target: TLS, login and failover as apply uses them. Close it when done. */
export async function connectAmqpToTarget(target: Target, vhost: string, options: ConnectOptions & { startAt?: number; heartbeatSeconds?: number } = {}): Promise<AmqpConnection> {
  // Loaded when first needed: amqplib costs plan (which never speaks AMQP) ~60-180 ms of start-up.
  const { connectAmqp } = await import('./amqp-connect.js');
  return connectAmqp({ ...amqpOptionsFor(target, options), heartbeatSeconds: options.heartbeatSeconds }, vhost, options.startAt);
}

/** A W_TLS_EXPIRY warning when `cert` expires within EXPIRY_WARNING_DAYS (or has expired). */
export function expiryWarning(cert: CertInfo, what: string, now: Date = new Date()): Diagnostic | undefined {
  const ms = cert.validTo.getTime() - now.getTime();
  if (Number.isNaN(ms) || ms > EXPIRY_WARNING_DAYS * 86_400_000) return undefined;
  const subject = cert.subject ? ` (${cert.subject})` : '';
  const when = ms <= 0 ? `expired on ${isoDate(cert.validTo)}` : `expires on ${isoDate(cert.validTo)}, in ${plural(Math.ceil(ms / 86_400_000), 'day')}`;
  return { severity: 'warning', code: 'W_TLS_EXPIRY', message: `${what}${subject} ${when}` };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
