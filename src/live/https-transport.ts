// The management client's transport for https:// endpoints: node:https with one keep-alive agent
// that holds the target's CA, client certificate and key, servername, verification and minimum
// version (Node's fetch cannot take a client certificate without an extra dependency). It also
// remembers each endpoint's server certificate, for the expiry warning. http:// goes to fetch.
import { Agent, request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { FetchLike } from './management-client.js';
import { peerCertInfo, type CertInfo, type TlsOptions } from './tls-material.js';

export interface HttpsTransport {
  fetch: FetchLike;
  /** The server certificate seen on `origin` (scheme://host:port), once a request got through. */
  peerCertificate(origin: string): CertInfo | undefined;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

// Statuses whose Response must have a null body (the Response constructor throws otherwise).
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export function httpsTransport(tls: TlsOptions): HttpsTransport {
  const agent = new Agent({ keepAlive: true, ...tls });
  const peers = new Map<string, CertInfo>();
  const send = (url: string, init: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const origin = new URL(url).origin;
      const headers = (init.headers ?? {}) as Record<string, string>;
      // request() throws synchronously for some TLS option errors: the executor turns that into a rejection.
      const req = request(url, { method: init.method ?? 'GET', headers, agent, signal: init.signal ?? undefined }, (res) => {
        if (!peers.has(origin)) {
          const cert = peerCertInfo((res.socket as TLSSocket).getPeerCertificate?.());
          if (cert) peers.set(origin, cert);
        }
        const status = res.statusCode ?? 500;
        const head = { status, statusText: res.statusMessage ?? '', headers: flatHeaders(res.headers) };
        if (NULL_BODY.has(status)) {
          res.resume();
          resolve(new Response(null, head));
          return;
        }
        // The body as it arrives, as fetch gives it: a big listing is read row by row
        // (management-client.ts), never held whole. A failure on the way errors the stream.
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            res.on('data', (c: Buffer) => controller.enqueue(new Uint8Array(c.buffer, c.byteOffset, c.byteLength)));
            res.on('end', () => controller.close());
            res.on('error', (e) => controller.error(e));
          },
          cancel() {
            res.destroy();
          },
        });
        resolve(new Response(body, head));
      });
      req.on('error', reject);
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
  return {
    fetch: (url, init) => (url.startsWith('https:') ? send(url, init) : fetch(url, init)),
    peerCertificate: (origin) => peers.get(origin),
    close: () => agent.destroy(),
  };
}

function flatHeaders(headers: IncomingHttpHeaders): [string, string][] {
  return Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]]));
}
