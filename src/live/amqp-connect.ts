// One AMQP connection to one vhost of a target: its URLs tried in order (a cluster's nodes), with
// the target's TLS settings and either a password (PLAIN) or the client certificate (EXTERNAL).
// The same rule as the management client decides when to try the next node: only when this one
// cannot be reached (refused, reset, timed out, closed during the opening handshake). Refused
// credentials, a missing vhost and TLS failures end the attempt: every node would say the same.
import amqp from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { WarrenError } from '../errors.js';
import type { Secret } from '../model/secret.js';
import { connectionFailure } from './management-client.js';
import { tlsFailure, type TlsErrorContext } from './tls-errors.js';
import { peerCertInfo, type CertInfo } from './tls-material.js';

export interface AmqpConnectOptions {
  /** amqp:// or amqps:// base URLs (no vhost), tried in order. */
  urls: readonly string[];
  username: string;
  password: Secret;
  /** 'certificate': SASL EXTERNAL; the broker takes the user from the TLS client certificate. */
  login?: 'password' | 'certificate' | undefined;
  /** node:tls options (CA, client certificate, servername...), passed to amqplib as they are. */
  socketOptions?: Record<string, unknown> | undefined;
  /** TLS settings in use, so TLS failures can name the setting to fix. */
  tls?: Omit<TlsErrorContext, 'host'> | undefined;
  /** Per endpoint, until the connection is open; default 15 s. */
  connectTimeoutMs?: number | undefined;
  /** Per AMQP operation (channel open, declare, bind, delete) once connected; default 30 s. */
  operationTimeoutMs?: number | undefined;
  /**
   * AMQP heartbeat in seconds (0: none, unset: the broker's 60 s). A connection that only waits
   * (the lock's) notices a frozen node after two missed heartbeats.
   */
  heartbeatSeconds?: number | undefined;
  /** Told when an endpoint is skipped or chosen among several, for a progress line. */
  onEvent?: ((line: string) => void) | undefined;
}

export interface AmqpConnection {
  connection: ChannelModel;
  /** The base URL it connected to. */
  endpoint: string;
  /** Its position in `urls`. */
  index: number;
  /** The server's certificate, over amqps. */
  peerCertificate?: CertInfo | undefined;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
export const DEFAULT_OPERATION_TIMEOUT_MS = 30_000;
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Connects to `vhost` on the first URL that answers, starting at `startAt` and wrapping around. */
export async function connectAmqp(options: AmqpConnectOptions, vhost: string, startAt = 0): Promise<AmqpConnection> {
  const { urls } = options;
  if (urls.length === 0) throw new WarrenError('E_TARGET', 'no AMQP URL given');
  const credentials = options.login === 'certificate' ? amqp.credentials.external() : amqp.credentials.plain(options.username, options.password.reveal());
  const failures: string[] = [];
  for (let step = 0; step < urls.length; step++) {
    const index = (startAt + step) % urls.length;
    const base = (urls[index] as string).replace(/\/+$/, '');
    try {
      const heartbeat = options.heartbeatSeconds !== undefined ? `?heartbeat=${options.heartbeatSeconds}` : '';
      const connection = await amqp.connect(`${base}/${encodeURIComponent(vhost)}${heartbeat}`, {
        ...options.socketOptions,
        timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        credentials,
      });
      connection.on('error', () => undefined); // surfaced through the failing call, or the 'close' event
      if (urls.length > 1) options.onEvent?.(`AMQP: vhost ${vhost} on ${base}`);
      return { connection, endpoint: base, index, peerCertificate: peerOf(connection) };
    } catch (err) {
      const reason = unreachable(err);
      if (reason === undefined) throw connectError(err, options, base, vhost);
      failures.push(`${base}: ${reason}`);
      if (step + 1 < urls.length) options.onEvent?.(`AMQP: ${base} cannot be reached (${reason}); trying ${(urls[(index + 1) % urls.length] as string).replace(/\/+$/, '')}`);
    }
  }
  throw new WarrenError('E_CONNECT', `AMQP connection to vhost ${vhost} failed: ${failures.join('; ')}`, { endpoint: urls[startAt % urls.length] });
}

/** Why an endpoint cannot be reached, or undefined when the failure is an answer (not worth another node). */
function unreachable(err: unknown): string | undefined {
  if (tlsFailure(err, { host: '' }) !== undefined) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return connectionFailure(err);
  const message = err instanceof Error ? err.message : String(err);
  if (/connect ETIMEDOUT/.test(message)) return 'no answer in time (ETIMEDOUT)';
  // A node that is stopping or starting closes the socket in the middle of the AMQP handshake.
  if (/Socket closed abruptly|Unexpected close|CONNECTION[-_]FORCED/i.test(message)) return message.split('\n')[0];
  return undefined;
}

function connectError(err: unknown, options: AmqpConnectOptions, endpoint: string, vhost: string): WarrenError {
  const tls = tlsFailure(err, { ...options.tls, host: hostOf(endpoint) });
  if (tls !== undefined) return new WarrenError('E_TLS', tls, { endpoint });
  const message = err instanceof Error ? err.message : String(err);
  if (/\b403\b|ACCESS[-_]REFUSED/.test(message)) {
    const how = options.login === 'certificate' ? 'the client certificate (EXTERNAL): is its user known to the broker, and is rabbitmq_auth_mechanism_ssl enabled?' : `user ${options.username}`;
    return new WarrenError('E_AUTH', `${endpoint} refused the AMQP login with ${how} (${brokerPart(message)})`, { endpoint });
  }
  if (/\b530\b|NOT[-_]ALLOWED/.test(message)) {
    return new WarrenError('E_BROKER', `${endpoint} refused access to vhost ${vhost}: ${brokerPart(message)}`, { endpoint });
  }
  return new WarrenError('E_CONNECT', `AMQP connection to vhost ${vhost} on ${endpoint} failed: ${message.split('\n')[0]}`, { endpoint });
}

/** "Handshake terminated by server: 403 (ACCESS-REFUSED) with message "..."" -> the broker's words. */
function brokerPart(message: string): string {
  const m = /(\d{3} \([A-Z-]+\)(?: with message "[^"]*")?)/.exec(message);
  return m?.[1] ?? message.split('\n')[0] ?? message;
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return endpoint;
  }
}

/**
 * Ends a connection at once, without the closing handshake a frozen node would never answer:
 * amqplib then fails every call in flight on it and emits 'close' with `reason`.
 */
export function destroyConnection(model: ChannelModel, reason: string): void {
  const stream = (model as unknown as { connection?: { stream?: { destroy?: (err?: Error) => void } } }).connection?.stream;
  stream?.destroy?.(new Error(reason));
}

/** amqplib keeps the socket at connection.connection.stream; over amqps it is a TLSSocket. */
function peerOf(model: ChannelModel): CertInfo | undefined {
  const stream = (model as unknown as { connection?: { stream?: { getPeerCertificate?: () => unknown } } }).connection?.stream;
  return typeof stream?.getPeerCertificate === 'function' ? peerCertInfo(stream.getPeerCertificate()) : undefined;
}
