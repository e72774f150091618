// Where to apply: a broker's endpoints, credentials and TLS settings, from the spec's `targets`,
// the environment or the flags (flags over environment over spec).
import type { Origin } from '../errors.js';
import type { Secret } from './secret.js';

export interface TlsSettings {
  /** Absolute paths: the loader resolves them against the spec file's folder. */
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  passphrase?: Secret | undefined;
  servername?: string | undefined;
  verify: boolean; // true unless the spec says false out loud
  min_version?: 'TLSv1.2' | 'TLSv1.3' | undefined;
  /**
   * How AMQP connections log in: 'password' (PLAIN, the default) or 'certificate' (SASL EXTERNAL:
   * the broker takes the user from the client certificate). The management API always uses
   * username and password: RabbitMQ 3.10's HTTP API has no certificate login.
   */
  login?: 'password' | 'certificate' | undefined;
}

export interface Target {
  name: string;
  management: string[]; // several = cluster failover, tried in order
  amqp: string[];
  username?: string | undefined;
  password?: Secret | undefined;
  tls?: TlsSettings | undefined;
  origin?: Origin | undefined;
  /**
   * The deadline of every broker call, in ms: each management request, each AMQP connection's
   * opening and each AMQP operation (declare, bind, delete, channel open). Unset: 30 s for calls,
   * 15 s for opening a connection. From WARREN_BROKER_TIMEOUT_MS (see broker-timeout.ts).
   */
  timeoutMs?: number | undefined;
}
