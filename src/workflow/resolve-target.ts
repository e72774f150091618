// Where to connect: flags over environment over the spec's `targets` (DESIGN.md, "Commands").
// A password never comes from a flag: only the environment or the spec (which reads the environment).
import { WarrenError } from '../errors.js';
import { Secret } from '../model/secret.js';
import type { Target } from '../model/target.js';
import { redactUrl, splitUrlCredentials } from '../model/url-credentials.js';
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

function chooseSpecTarget(targets: readonly Target[], name: string | undefined): Target | undefined {
  if (name === undefined) return targets[0];
  const found = targets.find((t) => t.name === name);
  if (!found) {
    const known = targets.length ? targets.map((t) => t.name).join(', ') : 'none';
    throw new WarrenError('E_TARGET', `--target ${name}: the spec has no such target (known: ${known})`);
  }
  return found;
}

/** `a,b` in one environment variable or flag means a cluster's endpoints. */
function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** `http://user:pass@host` works, but the credentials move out of the URL so it can be printed. */
function moveUrlCredentials(target: Target): Target {
  let { username, password } = target;
  const management = target.management.map((raw) => {
    const split = splitUrlCredentials(raw);
    if (!split) throw new WarrenError('E_TARGET', `management endpoint is not a URL: ${redactUrl(raw)}`, { origin: target.origin });
    username ??= split.username;
    password ??= split.password;
    return new URL(split.uri).toString().replace(/\/$/, '');
  });
  return { ...target, management, username: username ?? 'guest', password: password ?? new Secret('guest') };
}
