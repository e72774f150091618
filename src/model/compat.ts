// What the target's RabbitMQ version can do. A setting it cannot apply becomes a warning that names
// the version, and leaves the desired model, so it never shows as a diff that survives an apply.
import type { Diagnostic } from '../errors.js';
import type { Resource, Vhost } from './types.js';

export interface Adapted {
  desired: Map<string, Resource>;
  diagnostics: Diagnostic[];
}

/** Per-vhost default queue type exists from 3.10 (set at creation); the HTTP API updates it from 3.11.17. */
const DQT_SINCE = [3, 10, 0];
const DQT_UPDATE_SINCE = [3, 11, 17];

export function adaptToVersion(desired: ReadonlyMap<string, Resource>, live: ReadonlyMap<string, Resource>, version: string): Adapted {
  const parsed = parseVersion(version);
  const diagnostics: Diagnostic[] = [];
  const out = new Map<string, Resource>();
  for (const [key, r] of desired) {
    out.set(key, parsed && r.kind === 'vhost' ? adaptVhost(r, live.get(key), version, parsed, diagnostics) : r);
  }
  return { desired: out, diagnostics };
}

function adaptVhost(v: Vhost, live: Resource | undefined, version: string, parsed: number[], diagnostics: Diagnostic[]): Vhost {
  if (v.default_queue_type === undefined) return v;
  const current = live?.kind === 'vhost' ? live : undefined;
  let why: string | undefined;
  if (older(parsed, DQT_SINCE)) {
    why = `RabbitMQ ${version} has no per-vhost default_queue_type (it came in 3.10)`;
  } else if (current && current.default_queue_type !== v.default_queue_type && older(parsed, DQT_UPDATE_SINCE)) {
    why = `RabbitMQ ${version} sets default_queue_type only when a vhost is created (changing it needs 3.11.17); vhost ${v.name} keeps ${current.default_queue_type ?? 'the node default'}`;
  }
  if (why === undefined) return v;
  diagnostics.push({ severity: 'warning', code: 'W_VERSION', message: `vhosts.${v.name}.default_queue_type: ${why}`, origin: v.origin });
  return { ...v, default_queue_type: undefined };
}

/** "3.10.8" -> [3, 10, 8]; undefined when the version is unknown (a definitions file may not say). */
export function parseVersion(version: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function older(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}
