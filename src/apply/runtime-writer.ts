// Broker writes for runtime parameters (federation upstreams and sets, shovels, any component),
// global parameters, feature flags and super streams. Each is safe to repeat: parameter PUTs
// replace the whole value, enabling an enabled flag changes nothing, and a super stream's parts
// are declared with PUTs and idempotent binding POSTs.
import type { ManagementClient } from '../live/management-client.js';
import { WarrenError, unreachable } from '../errors.js';
import { redactText, uriCredentials } from '../model/redact.js';
import { SECRET_MASK } from '../model/secret.js';
import { superStreamParts } from '../model/super-stream.js';
import type { FeatureFlag, GlobalParameter, Kind, ParameterKind, Resource, SuperStream, VhostParameter } from '../model/types.js';
import type { Change } from '../plan/types.js';
import type { BrokerWriter } from './broker-writer.js';

/**
 * The broker quotes a value it refuses (`"amqp://u:pw@h" not a valid URI`): its URIs are masked,
 * and the exact credentials too, wherever else they appear, before the error goes anywhere.
 */
function withoutCredentials(e: unknown, p: VhostParameter): unknown {
  if (!(e instanceof WarrenError)) return e;
  let message = redactText(e.message);
  for (const userInfo of uriCredentials(p.value)) {
    const password = userInfo.slice(userInfo.indexOf(':') + 1);
    for (const secret of [userInfo, password, safeDecode(password)]) if (secret.length >= 4) message = message.split(secret).join(SECRET_MASK);
  }
  return message === e.message ? e : new WarrenError(e.code, message, { endpoint: e.endpoint });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The kinds written as runtime parameters and their kin (feature flags, super streams), by this writer. */
const RUNTIME_KINDS = { parameter: true, federation_upstream: true, federation_upstream_set: true, shovel: true, global_parameter: true, feature_flag: true, super_stream: true } as const satisfies Partial<Record<Kind, true>>;
export type RuntimeResource = Extract<Resource, { kind: keyof typeof RUNTIME_KINDS }>;

const PARAMETER_KINDS = { parameter: true, federation_upstream: true, federation_upstream_set: true, shovel: true } as const satisfies Record<ParameterKind, true>;

function isVhostParameter(r: Resource): r is VhostParameter {
  return Object.hasOwn(PARAMETER_KINDS, r.kind);
}

export function isRuntimeResource(r: Resource): r is RuntimeResource {
  return Object.hasOwn(RUNTIME_KINDS, r.kind);
}

export class RuntimeWriter {
  readonly #client: ManagementClient;
  readonly #http: BrokerWriter;

  constructor(http: BrokerWriter) {
    this.#http = http;
    this.#client = http.client;
  }

  write(r: RuntimeResource, change: Change): Promise<void> {
    if (isVhostParameter(r)) return this.putParameter(r);
    switch (r.kind) {
      case 'global_parameter':
        return this.putGlobalParameter(r);
      case 'feature_flag':
        return this.enableFeatureFlag(r);
      case 'super_stream':
        // Growing: only the new partitions, so an exchange some other tool declared (without
        // x-super-stream, as older client libraries do) is left as it is.
        return this.putSuperStream(r, change.action === 'update' && change.before.kind === 'super_stream' ? change.before.partitions.length : 0);
      default:
        return unreachable(r, 'kind');
    }
  }

  async remove(r: RuntimeResource): Promise<void> {
    if (isVhostParameter(r)) return this.deleteParameter(r);
    switch (r.kind) {
      case 'global_parameter':
        return this.deleteGlobalParameter(r);
      case 'feature_flag':
        // Prune never deletes a flag (prune.ts) and a flag has no replace: reaching here is a bug.
        throw new WarrenError('E_FEATURE_FLAG', `feature_flag ${r.name}: warren never disables a feature flag`);
      case 'super_stream':
        return this.deleteSuperStream(r);
      default:
        return unreachable(r, 'kind');
    }
  }

  /** PUT /api/parameters/{component}/{vhost}/{name}: the broker validates the value (unknown keys are refused). */
  async putParameter(p: VhostParameter): Promise<void> {
    try {
      await this.#client.put(['parameters', p.component, p.vhost, p.name], { component: p.component, vhost: p.vhost, name: p.name, value: p.value });
    } catch (e) {
      throw withoutCredentials(e, p);
    }
  }

  async deleteParameter(p: VhostParameter): Promise<void> {
    await this.#client.delete(['parameters', p.component, p.vhost, p.name]);
  }

  async putGlobalParameter(g: GlobalParameter): Promise<void> {
    await this.#http.putGlobalParameter(g.name, g.value);
  }

  async deleteGlobalParameter(g: GlobalParameter): Promise<void> {
    await this.#http.deleteGlobalParameter(g.name);
  }

  /** PUT /api/feature-flags/{name}/enable. There is no way back, and warren never asks for one. */
  async enableFeatureFlag(f: FeatureFlag): Promise<void> {
    await this.#client.put(['feature-flags', f.name, 'enable'], {});
  }

  /**
   * The exchange, then each partition's stream, then the bindings in partition order (as
   * rabbit_stream_manager does it). `existing` partitions (a super stream that grows) are left
   * alone: only the streams and bindings after them are declared.
   */
  async putSuperStream(s: SuperStream, existing = 0): Promise<void> {
    const parts = superStreamParts(s);
    if (existing === 0) await this.#http.putExchange(parts.exchange);
    for (const q of parts.streams.slice(existing)) await this.#http.putQueue(q);
    for (const b of parts.bindings.slice(existing)) await this.#http.createBinding(b);
  }

  /** The exchange first (producers stop routing to it), then the streams, which takes their bindings. */
  async deleteSuperStream(s: SuperStream): Promise<void> {
    const parts = superStreamParts(s);
    await this.#http.deleteExchange(s.vhost, s.name);
    for (const q of parts.streams) await this.#http.deleteQueue(q.vhost, q.name);
  }
}
