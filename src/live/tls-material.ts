// A target's TLS settings turned into what node:tls wants (the https transport and amqplib share
// it): the files are read once, the key is decrypted once up front, so a wrong passphrase or a
// missing file is one clear error before any connection is tried, not one per request.
import { readInputFile } from '../files/read-input.js';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { WarrenError, type Origin } from '../errors.js';
import type { TlsSettings } from '../model/target.js';
import type { CertInfo } from './cert-info.js';
import { tlsFailure } from './tls-errors.js';

/** The options node:tls takes (https.Agent, tls.connect, amqplib's socketOptions). */
export interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  passphrase?: string;
  servername?: string;
  rejectUnauthorized: boolean;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** What warnings and messages say about a certificate. */
export type { CertInfo } from './cert-info.js';

export interface TlsMaterial {
  settings: TlsSettings;
  options: TlsOptions;
  /** The client certificate of tls.cert, when there is one. */
  clientCert?: CertInfo | undefined;
}

export interface TlsWhere {
  /** For messages: `targets.prod.tls`. */
  field: string;
  origin?: Origin | undefined;
  /** The endpoint the settings are for (the first one): TLS errors name it. */
  endpoint: string;
}

/** A CA bundle of every public root is about 200 KB. */
const MAX_TLS_FILE_BYTES = 16 * 1024 * 1024;

export function readTlsMaterial(settings: TlsSettings | undefined, where: TlsWhere): TlsMaterial {
  const tls: TlsSettings = settings ?? { verify: true };
  const options: TlsOptions = { rejectUnauthorized: tls.verify };
  const file = (name: 'ca' | 'cert' | 'key'): Buffer | undefined => {
    const path = tls[name];
    if (path === undefined) return undefined;
    const read = readInputFile(path, MAX_TLS_FILE_BYTES);
    if (read.ok) return read.bytes;
    throw new WarrenError('E_IO', `${where.field}.${name}: cannot read ${path}: ${read.reason}`, { origin: where.origin });
  };
  const ca = file('ca');
  const cert = file('cert');
  const key = file('key');
  if (ca) options.ca = ca;
  if (cert) options.cert = cert;
  if (key) options.key = key;
  if (tls.passphrase) options.passphrase = tls.passphrase.reveal();
  if (tls.servername !== undefined) options.servername = tls.servername;
  if (tls.min_version !== undefined) options.minVersion = tls.min_version;

  const material: TlsMaterial = { settings: tls, options };
  const fail = (e: unknown): WarrenError => {
    const cause = tlsFailure(e, { settings: tls, host: '' }) ?? `${where.field}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    return new WarrenError('E_TLS', cause, { endpoint: where.endpoint });
  };
  if (cert) {
    try {
      material.clientCert = certInfo(new X509Certificate(cert));
    } catch {
      throw new WarrenError('E_TLS', `${where.field}.cert: ${tls.cert} holds no PEM certificate`, { endpoint: where.endpoint });
    }
  }
  if (key) {
    try {
      // An empty passphrase rather than none: OpenSSL must never try to prompt for one.
      createPrivateKey({ key, passphrase: options.passphrase ?? '' });
    } catch (e) {
      throw fail(e);
    }
  }
  try {
    createSecureContext(options); // the CA bundle parses, and tls.key belongs to tls.cert
  } catch (e) {
    throw fail(e);
  }
  return material;
}

export function certInfo(x: X509Certificate): CertInfo {
  return { subject: x.subject.split('\n').join(', '), validTo: new Date(x.validTo), fingerprint: x.fingerprint256 };
}

/** From a TLS socket's getPeerCertificate(); undefined when it gave nothing usable. */
export function peerCertInfo(peer: unknown): CertInfo | undefined {
  if (typeof peer !== 'object' || peer === null) return undefined;
  const p = peer as { subject?: Record<string, unknown>; valid_to?: unknown; fingerprint256?: unknown };
  if (typeof p.valid_to !== 'string') return undefined;
  const subject = p.subject ? Object.entries(p.subject).map(([k, v]) => `${k}=${String(v)}`).join(', ') : '';
  return { subject, validTo: new Date(p.valid_to), fingerprint: typeof p.fingerprint256 === 'string' ? p.fingerprint256 : p.valid_to };
}
