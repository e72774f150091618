// Helpers for the corpus round trip (test/integration/conformance.test.ts): a fast wipe of a test
// node back to its first state, a broker's topology as comparable strings, and commands run
// in-process with their output captured.
import { canonicalJson } from '../../src/model/keys.js';
import type { Json } from '../../src/model/types.js';
import { redactJson } from '../../src/model/redact.js';
import type { CommandIo } from '../../src/cli/io.js';
import type { Outcome } from '../../src/cli/exit.js';
import { runInProcess } from './warren-stack.js';
import { selectExportable } from '../../src/export/select.js';
import type { LiveState } from '../../src/live/types.js';
import { stateOf } from '../../src/saved-plan/fingerprint.js';
import type { BrokerHandle } from '../harness/broker.js';

/** The administrator the suite connects as: imports may change or demote guest. */
export const ADMIN = { user: 'warren-conformance', password: 'conformance-pw' };

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

async function call(broker: BrokerHandle, method: string, segments: string[], body?: unknown, as = ADMIN): Promise<unknown> {
  const url = `${broker.managementUrl}/api/${segments.map(encodeURIComponent).join('/')}`;
  const headers: Record<string, string> = { authorization: basic(as.user, as.password) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok && !(method === 'DELETE' && res.status === 404)) throw new Error(`${method} ${url}: HTTP ${res.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Adds the suite's administrator (as guest, on a fresh node). */
export async function addAdmin(broker: BrokerHandle): Promise<void> {
  const guest = { user: 'guest', password: 'guest' };
  await call(broker, 'PUT', ['users', ADMIN.user], { password: ADMIN.password, tags: 'administrator' }, guest);
  await call(broker, 'PUT', ['permissions', '/', ADMIN.user], { configure: '.*', write: '.*', read: '.*' }, guest);
}

/**
 * Back to what a fresh node holds, through the management API in well under a second (a
 * `rabbitmqctl reset` costs about six): every vhost deleted (with its queues, exchanges,
 * bindings, policies, parameters and limits) and "/" made again, every user but the suite's
 * administrator deleted and guest made again, global parameters other than the node's own
 * removed. The suite checks once that a wiped node reads the same as a fresh one.
 */
export async function wipe(broker: BrokerHandle): Promise<void> {
  const rows = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
  const vhosts = rows(await call(broker, 'GET', ['vhosts'])).map((v) => String(v['name']));
  await Promise.all(vhosts.map((v) => call(broker, 'DELETE', ['vhosts', v])));
  await call(broker, 'PUT', ['vhosts', '/'], { description: 'Default virtual host', tags: '' });
  const users = rows(await call(broker, 'GET', ['users'])).map((u) => String(u['name']));
  await Promise.all(users.filter((u) => u !== ADMIN.user).map((u) => call(broker, 'DELETE', ['users', u])));
  await call(broker, 'PUT', ['users', 'guest'], { password: 'guest', tags: 'administrator' });
  await call(broker, 'PUT', ['permissions', '/', 'guest'], { configure: '.*', write: '.*', read: '.*' });
  await call(broker, 'PUT', ['permissions', '/', ADMIN.user], { configure: '.*', write: '.*', read: '.*' });
  for (const l of rows(await call(broker, 'GET', ['user-limits']))) {
    for (const name of Object.keys((l['value'] ?? {}) as object)) await call(broker, 'DELETE', ['user-limits', String(l['user']), name]);
  }
  const globals = rows(await call(broker, 'GET', ['global-parameters'])).map((g) => String(g['name']));
  await Promise.all(globals.filter((g) => g !== 'cluster_name' && g !== 'internal_cluster_id').map((g) => call(broker, 'DELETE', ['global-parameters', g])));
}

/**
 * A broker's topology as warren manages it: what an export keeps (the broker's and plugins' own
 * objects left out by the same rules), live facts dropped, the suite's administrator left out.
 * key -> canonical JSON of the object.
 */
export function topology(live: LiveState, options: { hashes: boolean; maskUriCredentials?: boolean } = { hashes: true }): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, r] of selectExportable(live).kept) {
    if ((r.kind === 'user' && r.name === ADMIN.user) || ((r.kind === 'permission' || r.kind === 'topic_permission') && r.user === ADMIN.user)) continue;
    const state = stateOf(r);
    // The same password hashes differently with every salt: compare hashes only where they were copied.
    if (!options.hashes) delete state['password_hash'];
    out.set(key, canonicalJson(options.maskUriCredentials ? redactJson(state as Json) : (state as Json)));
  }
  return out;
}

/** Differences, one line each: `only in source: ...`, `only in target: ...`, `differs: ...`. */
export function differences(source: Map<string, string>, target: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of source) {
    const t = target.get(k);
    if (t === undefined) out.push(`only in source: ${v}`);
    else if (t !== v) out.push(`differs: ${v}\n      target: ${t}`);
  }
  for (const [k, v] of target) if (!source.has(k)) out.push(`only in target: ${v}`);
  return out.sort();
}

/** Loopback AMQP URIs (shovels, federation upstreams) pointed at a port nothing listens on. */
export function withDeadLoopbacks(text: string): string {
  return text.replace(/(amqps?:\/\/(?:[^@"/\s]*@)?)(localhost|127\.0\.0\.1)(:\d+)?/g, '$1$2:1');
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command run in-process, its exit code mapped as the CLI maps it. */
export async function capture(run: (io: CommandIo) => Promise<Outcome>): Promise<Captured> {
  const { code, stdout, stderr } = await runInProcess(run);
  return { code, stdout, stderr };
}
