// A desired model -> a definitions file that `rabbitmqctl import_definitions` and
// POST /api/definitions accept (checked against RabbitMQ 3.10), for brokers that load their
// topology at boot (`load_definitions`). Passwords arrive here already hashed (salted, as the
// broker stores them), never in clear. Shapes chosen for 3.10's importer:
// - vhost metadata (description, tags, default_queue_type) under `metadata`, which 3.10 reads and
//   applies to existing vhosts too: settings the spec leaves out get a fresh broker's values;
// - vhost limits as `vhost-limits` parameters, which every version since 3.7 reads;
// - operator policies as `operator_policy` parameters: 3.10 has no top-level operator_policies;
// - every queue with an explicit x-queue-type: the importer ignores the `type` field, and
//   without the argument the vhost's default queue type would decide;
// - user tags as a list and user limits in the user entry (3.10 reads both).
// The stack's ownership record goes along as a global parameter, as apply would write it, so a
// plan of the same spec against the imported broker is empty.
import { unreachable } from '../errors.js';
import { DEFAULT_HASHING_ALGORITHM } from '../model/types.js';
import { ownershipParameterName, ownershipValue } from '../model/ownership-record.js';
import { describeResource, resourceKey } from '../model/keys.js';
import { hasUriCredentials, redactJson } from '../model/redact.js';
import { SECRET_MASK } from '../model/secret.js';
import { superStreamParts } from '../model/super-stream.js';
import type { Json, JsonMap, Resource } from '../model/types.js';

/** What a fresh RabbitMQ gives the vhost "/". */
const DEFAULT_VHOST_DESCRIPTION = 'Default virtual host';

export interface DefinitionsOptions {
  stack: string;
  /** What the file cannot carry is said here (URI passwords, feature flags). */
  warnings?: string[] | undefined;
}

export function renderDefinitions(desired: ReadonlyMap<string, Resource>, options: DefinitionsOptions): string {
  const d: Record<string, JsonMap[]> = { users: [], vhosts: [], permissions: [], topic_permissions: [], parameters: [], global_parameters: [], policies: [], queues: [], exchanges: [], bindings: [] };
  const warn = (message: string): void => {
    options.warnings?.push(message);
  };
  const push = (section: string, entry: JsonMap): void => {
    (d[section] as JsonMap[]).push(entry);
  };
  for (const r of [...desired.values()].sort(byKind)) {
    switch (r.kind) {
      case 'vhost': {
        // The importer overwrites an existing vhost's description and tags (3.10 resets them when
        // absent), so settings the spec leaves out render as a fresh broker has them.
        const metadata: JsonMap = { description: r.description ?? (r.name === '/' ? DEFAULT_VHOST_DESCRIPTION : ''), tags: r.tags ?? [] };
        if (r.default_queue_type) metadata['default_queue_type'] = r.default_queue_type;
        push('vhosts', { name: r.name, metadata });
        if (r.limits && Object.keys(r.limits).length > 0) push('parameters', { vhost: r.name, component: 'vhost-limits', name: 'limits', value: r.limits });
        break;
      }
      case 'user':
        push('users', {
          name: r.name,
          password_hash: r.password_hash ?? '',
          hashing_algorithm: r.hashing_algorithm ?? DEFAULT_HASHING_ALGORITHM,
          tags: r.tags,
          limits: r.limits,
        });
        break;
      case 'permission':
        push('permissions', { user: r.user, vhost: r.vhost, configure: r.configure, write: r.write, read: r.read });
        break;
      case 'topic_permission':
        push('topic_permissions', { user: r.user, vhost: r.vhost, exchange: r.exchange, write: r.write, read: r.read });
        break;
      case 'exchange':
        push('exchanges', { name: r.name, vhost: r.vhost, type: r.type, durable: r.durable, auto_delete: r.auto_delete, internal: r.internal, arguments: r.arguments });
        break;
      case 'queue':
        push('queues', { name: r.name, vhost: r.vhost, durable: r.durable, auto_delete: r.auto_delete, arguments: { ...r.arguments, 'x-queue-type': r.type } });
        break;
      case 'binding':
        push('bindings', { source: r.source, vhost: r.vhost, destination: r.destination, destination_type: r.destination_type, routing_key: r.routing_key, arguments: r.arguments });
        break;
      case 'policy':
        push('policies', { vhost: r.vhost, name: r.name, pattern: r.pattern, 'apply-to': r.apply_to, definition: r.definition, priority: r.priority });
        break;
      case 'operator_policy':
        push('parameters', { vhost: r.vhost, component: 'operator_policy', name: r.name, value: { pattern: r.pattern, 'apply-to': r.apply_to, definition: r.definition, priority: r.priority } });
        break;
      case 'parameter':
      case 'federation_upstream':
      case 'federation_upstream_set':
      case 'shovel':
        if (hasUriCredentials(r.value)) warn(`${describeResource(r)}: its URI credentials are written masked, as ${SECRET_MASK} (secrets never go into files); set the real ones on the broker after loading, or apply the spec with warren`);
        push('parameters', { vhost: r.vhost, component: r.component, name: r.name, value: redactJson(r.value) });
        break;
      case 'global_parameter':
        push('global_parameters', { name: r.name, value: redactJson(r.value) });
        break;
      case 'super_stream': {
        // The parts, as rabbitmq-streams add_super_stream makes them: the importer has no super stream section.
        const parts = superStreamParts(r);
        const e = parts.exchange;
        push('exchanges', { name: e.name, vhost: e.vhost, type: e.type, durable: e.durable, auto_delete: e.auto_delete, internal: e.internal, arguments: e.arguments });
        for (const q of parts.streams) push('queues', { name: q.name, vhost: q.vhost, durable: q.durable, auto_delete: q.auto_delete, arguments: { ...q.arguments, 'x-queue-type': q.type } });
        for (const b of parts.bindings) push('bindings', { source: b.source, vhost: b.vhost, destination: b.destination, destination_type: b.destination_type, routing_key: b.routing_key, arguments: b.arguments });
        break;
      }
      case 'feature_flag':
        // Definitions files have no feature flags; a broker that loads them enables flags by its own configuration.
        warn(`feature_flag ${r.name}: definitions files cannot carry feature flags; enable it with \`rabbitmqctl enable_feature_flag ${r.name}\` or the broker's forced_feature_flags_on_init`);
        break;
      default:
        unreachable(r, 'kind');
    }
  }
  const name = ownershipParameterName(options.stack);
  push('global_parameters', { name, value: ownershipValue(options.stack, desired.keys()) });
  return `${JSON.stringify(d as unknown as Json, null, 2)}\n`;
}

/** By kind, then identity: the same spec renders in the same order whatever its file layout. */
function byKind(a: Resource, b: Resource): number {
  const ka = `${a.kind}\u0000${resourceKey(a)}`;
  const kb = `${b.kind}\u0000${resourceKey(b)}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
