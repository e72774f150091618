// Test certificates made with the openssl command line at test time, in a temp dir: two CAs (the
// broker's and an unrelated one), a server certificate, and client certificates, some expired or
// about to expire. EC P-256 keys: fast to generate, and both Erlang and Node speak them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LeafOptions {
  cn: string;
  /** Negative: already expired (notAfter before now). */
  days: number;
  /** subjectAltName entries, e.g. ['DNS:localhost']; a client certificate needs none. */
  san?: string[];
  /** Encrypt the private key (PKCS#8, AES-256) with this passphrase. */
  passphrase?: string;
  /** Which CA signs it; default the broker's CA. */
  ca?: 'ca' | 'other-ca';
}

export interface CertFiles {
  cert: string;
  key: string;
}

export class TestPki {
  readonly dir: string;
  #serial = 1;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'warren-pki-'));
    this.#ca('ca', 'warren test CA');
    this.#ca('other-ca', 'some other CA');
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** A certificate signed by one of the CAs; files are `<name>.pem` and `<name>.key`. */
  leaf(name: string, o: LeafOptions): CertFiles {
    const key = this.path(`${name}.key`);
    const csr = this.path(`${name}.csr`);
    const cert = this.path(`${name}.pem`);
    const ext = this.path(`${name}.ext`);
    const ca = o.ca ?? 'ca';
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${o.cn}`]);
    const lines = ['[ext]', 'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature, keyEncipherment', 'extendedKeyUsage = serverAuth, clientAuth'];
    if (o.san?.length) lines.push(`subjectAltName = ${o.san.join(', ')}`);
    writeFileSync(ext, `${lines.join('\n')}\n`);
    // `-days -1` gives notAfter = yesterday: how OpenSSL 3.0 (which has no -not_after) makes an expired certificate.
    openssl(['x509', '-req', '-in', csr, '-CA', this.path(`${ca}.pem`), '-CAkey', this.path(`${ca}.key`), '-set_serial', String(++this.#serial), '-days', String(o.days), '-extfile', ext, '-extensions', 'ext', '-out', cert]);
    if (o.passphrase !== undefined) {
      openssl(['pkcs8', '-topk8', '-in', key, '-out', `${key}.enc`, '-v2', 'aes-256-cbc', '-passout', `pass:${o.passphrase}`]);
      openssl(['pkey', '-in', `${key}.enc`, '-passin', `pass:${o.passphrase}`, '-noout']); // it really decrypts
      execFileSync('mv', [`${key}.enc`, key]);
    }
    return { cert, key };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  #ca(name: string, cn: string): void {
    openssl([
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '365', '-subj', `/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', this.path(`${name}.key`), '-out', this.path(`${name}.pem`),
    ]);
  }
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
