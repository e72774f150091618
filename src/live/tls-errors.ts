// TLS failures in words a user can act on. Node and OpenSSL report them as codes on the error or
// somewhere down its `cause` chain (fetch wraps socket errors): each known code becomes one line
// that names the spec field to fix and ends with the code, for searching.
import type { TlsSettings } from '../model/target.js';
import type { CertInfo } from './cert-info.js';

export interface TlsErrorContext {
  settings?: TlsSettings | undefined;
  clientCert?: CertInfo | undefined;
  /** The host name that was checked against the certificate, for hostname mismatches. */
  host: string;
}

const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|ERR_OSSL_|ERR_MISSING_PASSPHRASE|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH|INVALID_CA|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE)/;

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

const CLIENT_CERT_REFUSED: Record<string, string> = {
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'it is not signed by a CA the server trusts',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the server calls it a bad certificate',
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: 'the server does not support its type',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED: 'it has been revoked',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'the server could not verify it',
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: 'the server denies access to it',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'its signature did not verify',
};

/** The first error code in the chain (the error, its cause, their causes). */
export function errorCode(e: unknown): string | undefined {
  for (let c: unknown = e, depth = 0; c && depth < 6; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The TLS code in the chain, if any: also an OpenSSL message without a code ("bad decrypt"). */
function tlsCode(e: unknown): { code: string; error: Record<string, unknown> } | undefined {
  for (let c: unknown = e, depth = 0; c && depth < 6; c = (c as { cause?: unknown }).cause, depth++) {
    const err = c as Record<string, unknown>;
    if (typeof err['code'] === 'string' && TLS_CODE.test(err['code'])) return { code: err['code'], error: err };
    const message = typeof err['message'] === 'string' ? err['message'] : '';
    if (/bad decrypt/i.test(message)) return { code: 'ERR_OSSL_BAD_DECRYPT', error: err };
    // A TLS record error on a socket write comes as EPROTO with OpenSSL's reason in the message.
    const reason = err['code'] === 'EPROTO' ? /SSL routines:[^:]*:([a-z0-9 ]+)/.exec(message)?.[1] : undefined;
    if (reason !== undefined) return { code: `ERR_SSL_${reason.toUpperCase().replaceAll(' ', '_')}`, error: { ...err, reason } };
  }
  return undefined;
}

/** One line describing a TLS failure, ending with its code; undefined when `e` is not one. */
export function tlsFailure(e: unknown, ctx: TlsErrorContext): string | undefined {
  const found = tlsCode(e);
  if (!found) return undefined;
  return `${describe(found.code, found.error, ctx)} (${found.code})`;
}

function describe(code: string, err: Record<string, unknown>, ctx: TlsErrorContext): string {
  const tls = ctx.settings;
  if (UNTRUSTED.has(code)) {
    return tls?.ca !== undefined
      ? "the server's certificate is not signed by the CA in tls.ca"
      : "the server's certificate is not signed by a CA this machine trusts: set tls.ca to the CA that signed it";
  }
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID': {
      const host = typeof err['host'] === 'string' ? err['host'] : ctx.host;
      const cert = err['cert'] as { subjectaltname?: unknown } | undefined;
      const names = typeof cert?.subjectaltname === 'string' && cert.subjectaltname !== '' ? ` (it names ${cert.subjectaltname})` : '';
      const fix = tls?.servername !== undefined ? 'fix tls.servername' : 'connect by a name it holds, or set tls.servername to one';
      return `the server's certificate is not valid for ${host}${names}: ${fix}`;
    }
    case 'CERT_HAS_EXPIRED':
      return "the server's certificate has expired";
    case 'CERT_NOT_YET_VALID':
      return "the server's certificate is not valid yet (is this machine's clock right?)";
    case 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED':
    case 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE':
      if (tls?.cert === undefined) return 'the server requires a client certificate: set tls.cert and tls.key';
      return code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' ? 'the server did not receive the client certificate in tls.cert' : 'the server ended the handshake (does it accept the client certificate in tls.cert and tls.min_version?)';
    case 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED': {
      const when = ctx.clientCert ? ` on ${isoDate(ctx.clientCert.validTo)}` : '';
      return `the server refused the client certificate in tls.cert: it expired${when}`;
    }
    case 'ERR_OSSL_BAD_DECRYPT':
    case 'ERR_OSSL_EVP_BAD_DECRYPT':
    case 'ERR_MISSING_PASSPHRASE':
    case 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED':
      return tls?.passphrase === undefined ? 'the key in tls.key is encrypted: set tls.passphrase' : 'tls.passphrase does not decrypt the key in tls.key';
    case 'ERR_OSSL_X509_KEY_VALUES_MISMATCH':
      return 'the key in tls.key does not belong to the certificate in tls.cert';
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
    case 'ERR_SSL_HTTP_REQUEST':
      return 'the endpoint does not answer with TLS: is it a plain http:// or amqp:// port?';
    case 'ERR_SSL_UNSUPPORTED_PROTOCOL':
    case 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION':
    case 'ERR_SSL_NO_PROTOCOLS_AVAILABLE':
      return `the server and this client share no TLS version${tls?.min_version ? ` at or above tls.min_version ${tls.min_version}` : ''}`;
  }
  const refused = CLIENT_CERT_REFUSED[code];
  if (refused !== undefined) return `the server refused the client certificate in tls.cert: ${refused}`;
  const reason = typeof err['reason'] === 'string' ? err['reason'] : typeof err['message'] === 'string' ? err['message'].split('\n')[0] : '';
  return `the TLS handshake failed: ${reason}`;
}

export function isoDate(d: Date): string {
  return Number.isNaN(d.getTime()) ? 'an unknown date' : d.toISOString().slice(0, 10);
}
