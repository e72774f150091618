// Every write apply makes through the management API, each one safe to repeat: PUTs are
// idempotent, a DELETE of something already gone succeeds, a binding POST that exists changes nothing.
// The broker may apply a write even when the client saw a timeout, so callers re-read after errors.
import { WarrenError } from '../errors.js';
import { canonicalJson } from '../model/keys.js';
import type { Binding, Exchange, Json, JsonMap, Permission, Policy, Queue, TopicPermission, User, Vhost } from '../model/types.js';
import { isRecord } from '../model/json.js';
import type { ManagementClient } from '../live/management-client.js';
import { queueTypeOrUndefined } from '../live/normalise.js';

export class BrokerWriter {
  constructor(readonly client: ManagementClient) {}

  /**
   * Creates or updates a vhost's description and tags. default_queue_type is only taken when the
   * vhost is created (3.10 reads it as `defaultqueuetype`, later versions as `default_queue_type`;
   * both are sent). If it was asked for and the broker kept another one, that is an error, so a
   * plan never claims a change that did not happen. Limits: see putVhostLimits.
   */
  async putVhost(v: Vhost): Promise<void> {
    // A PUT without description clears it: the planner hands over the live value when the spec leaves it out.
    const body: JsonMap = { description: v.description ?? '', tags: (v.tags ?? []).join(',') };
    if (v.default_queue_type) {
      body['default_queue_type'] = v.default_queue_type;
      body['defaultqueuetype'] = v.default_queue_type;
    }
    await this.client.put(['vhosts', v.name], body);
    if (v.default_queue_type) {
      const live = await this.client.get(['vhosts', v.name]);
      const actual = isRecord(live) ? queueTypeOrUndefined(live['default_queue_type']) : undefined;
      if (actual !== v.default_queue_type) {
        throw new WarrenError(
          'E_VERSION',
          `vhost ${v.name}: the broker kept default_queue_type ${actual ?? '(none)'}, not ${v.default_queue_type}: this RabbitMQ version sets it only when the vhost is created`,
          { endpoint: this.client.endpoint },
        );
      }
    }
  }

  async deleteVhost(name: string): Promise<void> {
    await this.client.delete(['vhosts', name]);
  }

  /** Makes the vhost's limits exactly `limits`: sets each one, removes those no longer declared. */
  async putVhostLimits(vhost: string, limits: JsonMap): Promise<void> {
    await this.#syncLimits(['vhost-limits', vhost], limits);
  }

  /** Never without a password_hash: a PUT without one clears the user's password and locks it out. */
  async putUser(u: User): Promise<void> {
    if (u.password_hash === undefined || u.hashing_algorithm === undefined) {
      throw new WarrenError('E_INTERNAL', `user ${u.name}: refusing to write a user without password_hash and hashing_algorithm (the broker would clear its password)`);
    }
    await this.client.put(['users', u.name], { password_hash: u.password_hash, hashing_algorithm: u.hashing_algorithm, tags: u.tags.join(',') });
  }

  async deleteUser(name: string): Promise<void> {
    await this.client.delete(['users', name]);
  }

  /** Makes the user's limits exactly `limits` (max-connections, max-channels). */
  async putUserLimits(user: string, limits: JsonMap): Promise<void> {
    await this.#syncLimits(['user-limits', user], limits);
  }

  async putPermission(p: Permission): Promise<void> {
    await this.client.put(['permissions', p.vhost, p.user], { configure: p.configure, write: p.write, read: p.read });
  }

  async deletePermission(vhost: string, user: string): Promise<void> {
    await this.client.delete(['permissions', vhost, user]);
  }

  /** One (vhost, user, exchange) entry; the user's entries for other exchanges stay. */
  async putTopicPermission(t: TopicPermission): Promise<void> {
    await this.client.put(['topic-permissions', t.vhost, t.user], { exchange: t.exchange, write: t.write, read: t.read });
  }

  /** DELETE /api/topic-permissions/{vhost}/{user}/{exchange} removes one exchange's entry (without it, all). */
  async deleteTopicPermission(vhost: string, user: string, exchange: string): Promise<void> {
    // The API reads the exchange segment "amq.default" as the default exchange "", which has no segment of its own.
    await this.client.delete(['topic-permissions', vhost, user, exchange === '' ? 'amq.default' : exchange]);
  }

  async putExchange(e: Exchange): Promise<void> {
    await this.client.put(['exchanges', e.vhost, e.name], { type: e.type, durable: e.durable, auto_delete: e.auto_delete, internal: e.internal, arguments: e.arguments });
  }

  async deleteExchange(vhost: string, name: string): Promise<void> {
    await this.client.delete(['exchanges', vhost, name]);
  }

  /**
   * x-queue-type always goes out explicitly, or the vhost's default queue type would decide.
   * Re-declaring with other properties is HTTP 400 "inequivalent arg": E_BROKER with that reason.
   */
  async putQueue(q: Queue): Promise<void> {
    await this.client.put(['queues', q.vhost, q.name], { durable: q.durable, auto_delete: q.auto_delete, arguments: { ...q.arguments, 'x-queue-type': q.type } });
  }

  /** Unconditional (no if-empty): the plan decides whether messages may be lost. */
  async deleteQueue(vhost: string, name: string): Promise<void> {
    await this.client.delete(['queues', vhost, name]);
  }

  async createBinding(b: Binding): Promise<void> {
    assertListable(b);
    // Idempotent: the same binding posted twice is one binding, so a failover may send it again.
    await this.client.post(['bindings', b.vhost, 'e', b.source, destType(b), b.destination], { routing_key: b.routing_key, arguments: b.arguments }, { idempotent: true });
  }

  /**
   * A binding is addressed by its properties_key: the quoted routing key, plus "~" and a hash of
   * the arguments (erlang:phash2 of the AMQP table) when there are any. The hash cannot be computed
   * outside Erlang, so the key is read from the broker's list of bindings between the two ends.
   */
  async deleteBinding(b: Binding): Promise<void> {
    let rows: unknown;
    try {
      rows = await this.client.get(['bindings', b.vhost, 'e', b.source, destType(b), b.destination]);
    } catch (e) {
      // Source or destination already gone: so is the binding.
      if (e instanceof WarrenError && e.code === 'E_BROKER' && / HTTP 404/.test(e.message)) return;
      throw e;
    }
    const wanted = canonicalJson(b.arguments);
    for (const row of Array.isArray(rows) ? rows : []) {
      if (!isRecord(row) || row['routing_key'] !== b.routing_key) continue;
      if (canonicalJson((row['arguments'] ?? {}) as Json) !== wanted) continue;
      const key = row['properties_key'];
      if (typeof key !== 'string') continue;
      await this.client.delete(['bindings', b.vhost, 'e', b.source, destType(b), b.destination, key]);
    }
  }

  async putPolicy(p: Policy): Promise<void> {
    await this.client.put([p.kind === 'policy' ? 'policies' : 'operator-policies', p.vhost, p.name], {
      pattern: p.pattern,
      definition: p.definition,
      priority: p.priority,
      'apply-to': p.apply_to,
    });
  }

  async deletePolicy(vhost: string, name: string): Promise<void> {
    await this.client.delete(['policies', vhost, name]);
  }

  async putOperatorPolicy(p: Policy): Promise<void> {
    await this.putPolicy({ ...p, kind: 'operator_policy' });
  }

  async deleteOperatorPolicy(vhost: string, name: string): Promise<void> {
    await this.client.delete(['operator-policies', vhost, name]);
  }

  async putGlobalParameter(name: string, value: Json): Promise<void> {
    await this.client.put(['global-parameters', name], { name, value });
  }

  async deleteGlobalParameter(name: string): Promise<void> {
    await this.client.delete(['global-parameters', name]);
  }

  async #syncLimits(base: ['vhost-limits' | 'user-limits', string], limits: JsonMap): Promise<void> {
    const rows = await this.client.get(base);
    const current = new Set<string>();
    for (const row of Array.isArray(rows) ? rows : []) if (isRecord(row) && isRecord(row['value'])) for (const k of Object.keys(row['value'])) current.add(k);
    for (const [name, value] of Object.entries(limits)) await this.client.put([...base, name], { value });
    for (const name of current) if (!Object.hasOwn(limits, name)) await this.client.delete([...base, name]);
  }
}

function destType(b: Binding): 'q' | 'e' {
  return b.destination_type === 'queue' ? 'q' : 'e';
}

/**
 * RabbitMQ's management plugin (3.10 to 4.x) fails to format a binding whose routing key contains
 * "~" and that has arguments, and from then on answers HTTP 500 to every binding listing and to
 * GET /api/definitions. Refuse to create one rather than break the broker's API.
 */
function assertListable(b: Binding): void {
  if (b.routing_key.includes('~') && Object.keys(b.arguments).length > 0) {
    throw new WarrenError(
      'E_NAME',
      `binding ${b.source} -> ${b.destination}: a routing key with "~" (${JSON.stringify(b.routing_key)}) together with binding arguments breaks RabbitMQ's management API (every binding listing answers HTTP 500)`,
    );
  }
}
