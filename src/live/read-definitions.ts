// The same LiveState as readBroker, from an exported definitions file (`plan --live FILE`).
// Reads every shape the broker writes or accepts (see shared/corpus/definitions/SOURCES.md):
// rabbitmqctl and HTTP exports, 3.6 to 4.x, whole-broker and single-vhost files.
import { DEFAULT_HASHING_ALGORITHM } from '../model/types.js';
import { createHash } from 'node:crypto';
import { WarrenError } from '../errors.js';
import { parseJsonText } from '../files/json-input.js';
import { readInputFile } from '../files/read-input.js';
import { decodeUtf8 } from '../files/text-encoding.js';
import type { JsonMap } from '../model/types.js';
import { hashPassword } from '../model/passwords.js';
import { checkJsonShape, isRecord, toJsonMap } from '../model/json.js';
import { blindSpotsOf } from './blind-spots.js';
import { LiveBuilder } from './normalise.js';
import { addVhostParameter } from './parameters.js';
import type { LiveState } from './types.js';

export interface ReadDefinitionsOptions {
  /** The vhost of objects without a `vhost` field (single-vhost exports); default: the file's original_vhost_name, else "/". */
  vhost?: string | undefined;
}

export async function readDefinitionsFile(file: string, options: ReadDefinitionsOptions = {}): Promise<LiveState> {
  const read = readInputFile(file);
  if (!read.ok) throw new WarrenError('E_LIVE_FILE', `${file}: cannot read: ${read.reason}`);
  const decoded = decodeUtf8(read.bytes, 'the definitions file');
  const parsed = decoded.ok ? parseJsonText(decoded.text) : decoded;
  if (!parsed.ok) throw new WarrenError('E_LIVE_FILE', parsed.message, { origin: { file, line: parsed.line, col: parsed.col } });
  return readDefinitions(parsed.json, file, options);
}

/** From already parsed JSON; `source` names it in errors and in LiveState.source. */
export function readDefinitions(json: unknown, source: string, options: ReadDefinitionsOptions = {}): LiveState {
  const b = new LiveBuilder({ source, code: 'E_LIVE_FILE', isEndpoint: false });
  checkJsonShape(json, (path, why) => b.fail(path, why));
  if (!isRecord(json)) return b.fail('(top level)', 'a definitions file is a JSON object');
  const d = json;
  const original = typeof d['original_vhost_name'] === 'string' ? d['original_vhost_name'] : undefined;
  const defaultVhost = options.vhost ?? original ?? '/';
  const vhostOf = (o: Record<string, unknown>, path: string) => b.str(o, 'vhost', path, defaultVhost);

  // Parameters: vhost limits and operator policies live here (component vhost-limits / operator_policy).
  const vhostLimits = new Map<string, JsonMap>();
  const operatorPolicies: { o: Record<string, unknown>; path: string; vhost: string; name: string }[] = [];
  const otherParameters: { p: Record<string, unknown>; path: string }[] = [];
  b.list(d['parameters'], 'parameters').forEach((p, i) => {
    const path = `parameters[${i}]`;
    const component = p['component'];
    if (component === 'vhost-limits') {
      const vhost = vhostOf(p, path);
      vhostLimits.set(vhost, { ...vhostLimits.get(vhost), ...b.map(p, 'value', path) });
    } else if (component === 'operator_policy') {
      const value = toJsonMap(p['value']) ?? b.fail(`${path}.value`, 'expected an object');
      operatorPolicies.push({ o: value, path: `${path}.value`, vhost: vhostOf(p, path), name: b.str(p, 'name', path) });
    } else {
      otherParameters.push({ p, path });
    }
  });
  b.list(d['operator_policies'], 'operator_policies').forEach((o, i) => {
    const path = `operator_policies[${i}]`;
    operatorPolicies.push({ o, path, vhost: vhostOf(o, path), name: b.str(o, 'name', path) });
  });

  const vhosts = b.list(d['vhosts'], 'vhosts');
  if (d['vhosts'] === undefined && original !== undefined) {
    // A single-vhost export describes its vhost at the top level.
    vhosts.push({ ...d, name: original });
  }
  vhosts.forEach((o, i) => {
    const path = `vhosts[${i}]`;
    const name = b.str(o, 'name', path);
    b.addVhost(o, path, { ...b.map(o, 'limits', path), ...vhostLimits.get(name) });
  });

  const version = [d['rabbitmq_version'], d['rabbit_version'], d['product_version']].find((v): v is string => typeof v === 'string') ?? 'unknown';
  b.list(d['users'], 'users').forEach((o, i) => {
    const path = `users[${i}]`;
    // Before 3.6 the hash was md5 and exports did not say so (rabbit_auth_backend_internal:hashing_algorithm/2).
    if (o['hashing_algorithm'] === undefined && typeof o['password_hash'] === 'string' && /^3\.[0-5]\./.test(version)) {
      o = { ...o, hashing_algorithm: 'rabbit_password_hashing_md5' };
    }
    b.addUser(o, path, {}, (password) => hashPassword(password, DEFAULT_HASHING_ALGORITHM, stableSalt(b.str(o, 'name', path))));
  });
  b.list(d['permissions'], 'permissions').forEach((o, i) => b.addPermission(o, `permissions[${i}]`, vhostOf(o, `permissions[${i}]`)));
  b.list(d['topic_permissions'], 'topic_permissions').forEach((o, i) => b.addTopicPermission(o, `topic_permissions[${i}]`, vhostOf(o, `topic_permissions[${i}]`)));
  b.list(d['exchanges'], 'exchanges').forEach((o, i) => b.addExchange(o, `exchanges[${i}]`, vhostOf(o, `exchanges[${i}]`)));
  // A file holds no message counts.
  b.list(d['queues'], 'queues').forEach((o, i) => b.addQueue(o, `queues[${i}]`, vhostOf(o, `queues[${i}]`), 0));
  b.list(d['bindings'], 'bindings').forEach((o, i) => b.addBinding(o, `bindings[${i}]`, vhostOf(o, `bindings[${i}]`)));
  b.list(d['policies'], 'policies').forEach((o, i) => {
    const path = `policies[${i}]`;
    b.addPolicy('policy', o, path, vhostOf(o, path), b.str(o, 'name', path));
  });
  for (const p of operatorPolicies) b.addPolicy('operator_policy', p.o, p.path, p.vhost, p.name);
  b.list(d['global_parameters'], 'global_parameters').forEach((o, i) => b.addGlobalParameter(o, `global_parameters[${i}]`));
  // After the vhosts: a parameter's vhost comes from the row, or the file's own for a vhost export.
  for (const { p, path } of otherParameters) addVhostParameter(b, p, path, vhostOf(p, path));
  for (const key of Object.keys(d)) {
    if (!KNOWN_SECTIONS.has(key)) b.warnUnmanaged(`${source}: section "${key}" is not read: warren does not manage it`);
  }
  return { ...b.build(version), blind: blindSpotsOf(d) };
}

/** Top-level keys of definitions files that warren reads (or that only describe the file). */
const KNOWN_SECTIONS = new Set([
  'rabbit_version',
  'rabbitmq_version',
  'product_name',
  'product_version',
  'rabbitmq_definition_format',
  'explanation',
  'original_vhost_name',
  'original_cluster_name',
  'users',
  'vhosts',
  'permissions',
  'topic_permissions',
  'parameters',
  'global_parameters',
  'policies',
  'operator_policies',
  'queues',
  'exchanges',
  'bindings',
  // A single-vhost export describes its vhost at the top level.
  'name',
  'description',
  'tags',
  'metadata',
  'default_queue_type',
  'limits',
]);

/** A fixed salt per user, so that reading the same hand-written file twice gives equal hashes. */
function stableSalt(name: string): Buffer {
  return createHash('sha256').update(name, 'utf8').digest().subarray(0, 4);
}
