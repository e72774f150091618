// Where to connect: flags over environment over the spec's `targets` (DESIGN.md, "Commands").
// A password never comes from a flag: only the environment or the spec (which reads the environment).
import { WarrenError } from '../errors.js';
import { Secret } from '../model/secret.js';
import type { Target } from '../model/target.js';
import { endpointUrlProblem } from '../model/endpoint-url.js';
import { redactUrl, splitUrlCredentials } from '../model/url-credentials.js';
import type { OverridableField } from '../spec/variables.js';
import { brokerTimeoutFrom } from './broker-timeout.js';

export interface ConnectionFlags {
  target?: string | undefined;
  management?: string | undefined;
  amqp?: string | undefined;
  username?: string | undefined;
}

export type Env = Record<string, string | undefined>;

export function resolveTarget(specTargets: readonly Target[], flags: ConnectionFlags, env: Env): Target {
  const base = chooseSpecTarget(specTargets, flags.target);
  const management = flags.management ?? env.WARREN_MANAGEMENT_URL;
  const amqp = flags.amqp ?? env.WARREN_AMQP_URL;
  const target: Target = {
    ...base,
    name: base?.name ?? 'command line',
    management: management ? splitList(management) : (base?.management ?? []),
    amqp: amqp ? splitList(amqp) : (base?.amqp ?? []),
    username: flags.username ?? env.WARREN_USERNAME ?? base?.username,
    password: env.WARREN_PASSWORD !== undefined ? new Secret(env.WARREN_PASSWORD) : base?.password,
    timeoutMs: brokerTimeoutFrom(env) ?? base?.timeoutMs,
  };
  if (target.management.length === 0) {
    throw new WarrenError('E_TARGET', 'no broker to talk to: give --management URL, set WARREN_MANAGEMENT_URL, or add a `targets:` entry to the spec', { origin: base?.origin });
  }
  return moveUrlCredentials(target);
}

/** The spec target a command uses: the one --target names, else the first. */
export function chooseSpecTarget(targets: readonly Target[], name: string | undefined): Target | undefined {
  if (name === undefined) return targets[0];
  const found = targets.find((t) => t.name === name);
  if (!found) {
    const known = targets.length ? targets.map((t) => t.name).join(', ') : 'none';
    throw new WarrenError('E_TARGET', `--target ${name}: the spec has no such target (known: ${known})`);
  }
  return found;
}

/** The target settings flags or the environment give, so the spec's values (and variables) are not read. */
export function overriddenFields(flags: ConnectionFlags, env: Env): Set<OverridableField> {
  const out = new Set<OverridableField>();
  if ((flags.management ?? env.WARREN_MANAGEMENT_URL) !== undefined) out.add('management');
  if ((flags.amqp ?? env.WARREN_AMQP_URL) !== undefined) out.add('amqp');
  if ((flags.username ?? env.WARREN_USERNAME) !== undefined) out.add('username');
  if (env.WARREN_PASSWORD !== undefined) out.add('password');
  return out;
}

/** `a,b` in one environment variable or flag means a cluster's endpoints. */
function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * `http://user:pass@host` works, but the credentials move out of the URL so it can be printed. AMQP
 * URLs too (from --amqp or WARREN_AMQP_URL): their endpoint is named in every AMQP error, and the
 * connection logs in with the target's user anyway.
 */
function moveUrlCredentials(target: Target): Target {
  let { username, password } = target;
  const split = (raw: string, what: 'management' | 'amqp') => {
    const parts = splitUrlCredentials(raw);
    const problem = endpointUrlProblem(parts?.uri ?? redactUrl(raw), what);
    const label = what === 'management' ? 'management URL' : 'AMQP URL';
    if (!parts || problem !== undefined) throw new WarrenError('E_TARGET', `${label} ${problem ?? `${redactUrl(raw)} is not a URL`}`, { origin: target.origin });
    username ??= parts.username;
    password ??= parts.password;
    return parts.uri;
  };
  const management = target.management.map((raw) => new URL(split(raw, 'management')).toString().replace(/\/$/, ''));
  const amqp = target.amqp.map((raw) => split(raw, 'amqp'));
  return { ...target, management, amqp, ...credentialsOf(target, username, password) };
}

/**
 * Without a user, RabbitMQ's own default (guest/guest, which works from localhost only). A user
 * without a password is refused rather than tried with guest's: that login would fail, or worse,
 * succeed as someone the user did not mean.
 */
function credentialsOf(target: Target, username: string | undefined, password: Secret | undefined): { username: string; password: Secret } {
  if (username === undefined && password === undefined) return { username: 'guest', password: new Secret('guest') };
  if (password === undefined) {
    const inSpec = target.origin !== undefined ? `, or \`password:\` in target ${target.name}` : '';
    throw new WarrenError('E_TARGET', `user ${username ?? ''} has no password: set WARREN_PASSWORD${inSpec} (warren does not fall back to guest's password)`, { origin: target.origin });
  }
  return { username: username ?? 'guest', password };
}
