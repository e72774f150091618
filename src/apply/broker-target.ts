// Turns each planned change into broker writes. Exchanges, queues and bindings go over AMQP when
// the target has an AMQP endpoint (several times faster at scale), everything else, and all of it
// when there is no AMQP endpoint, over the management API. Every write is safe to repeat.
// A vhost that refuses warren's AMQP connection (its max-connections limit is 0 or reached, as a
// spec may well say) is written over the management API instead, which such limits do not apply to.
import { WarrenError, unreachable } from '../errors.js';
import type { AmqpWriter } from './amqp-writer.js';
import type { BrokerWriter } from './broker-writer.js';
import { ownershipParameterName, ownershipValue } from '../model/ownership-record.js';
import type { Binding, Exchange, Queue, Resource } from '../model/types.js';
import type { Change } from '../plan/types.js';
import type { ApplyTarget } from './apply.js';
import { RuntimeWriter, isRuntimeResource } from './runtime-writer.js';

export class BrokerApplyTarget implements ApplyTarget {
  readonly #http: BrokerWriter;
  readonly #amqp: AmqpWriter | undefined;
  /** Vhosts whose AMQP connection was refused: the rest of the apply uses HTTP there. */
  readonly #httpOnly = new Set<string>();

  readonly #runtime: RuntimeWriter;
  /** Runs a queue migration (src/apply/migrate/); without one, a migration is an error, never a silent drop. */
  readonly #migrate: ((change: Change) => Promise<void>) | undefined;

  constructor(http: BrokerWriter, amqp: AmqpWriter | undefined, migrate?: (change: Change) => Promise<void>) {
    this.#http = http;
    this.#amqp = amqp;
    this.#runtime = new RuntimeWriter(http);
    this.#migrate = migrate;
  }

  /**
   * Whether the change is a plain declare, bind or delete that goes over AMQP (an endpoint, a vhost
   * that has not refused warren's connection, no migration): many of those may be in flight at
   * once on the channels of one connection (workflow/execute-plan.ts).
   */
  overAmqp(change: Change): boolean {
    if (!this.#amqp || change.migration) return false;
    const r = change.action === 'delete' ? change.before : change.after;
    return (r.kind === 'exchange' || r.kind === 'queue' || r.kind === 'binding') && !this.#httpOnly.has(r.vhost);
  }

  async recordOwnership(stack: string, keys: readonly string[]): Promise<void> {
    await this.#http.putGlobalParameter(ownershipParameterName(stack), ownershipValue(stack, keys));
  }

  async execute(change: Change): Promise<void> {
    if (change.migration) {
      if (!this.#migrate) throw new WarrenError('E_INTERNAL', `${change.title}: a migration, and no migrator was given`);
      return this.#migrate(change);
    }
    if (change.action === 'delete' || change.action === 'replace') await this.#remove(change.before);
    if (change.action !== 'delete') await this.#write(change.after, change);
  }

  async #write(r: Resource, change: Change): Promise<void> {
    const creating = change.action !== 'update';
    if (isRuntimeResource(r)) return this.#runtime.write(r, change);
    switch (r.kind) {
      case 'vhost': {
        const changed = changedFields(change);
        if (creating || [...changed].some((f) => f !== 'limits')) await this.#http.putVhost(r);
        if (r.limits && (changed.has('limits') || (creating && Object.keys(r.limits).length > 0))) await this.#http.putVhostLimits(r.name, r.limits);
        return;
      }
      case 'user': {
        const changed = changedFields(change);
        // Limits before the user on an update: when it is warren's own user, the PUT of a new
        // password must be the very last call the apply makes (plan/order.ts).
        const limits = changed.has('limits') || (creating && Object.keys(r.limits).length > 0);
        if (!creating && limits) await this.#http.putUserLimits(r.name, r.limits);
        if (creating || [...changed].some((f) => f !== 'limits')) await this.#http.putUser(r);
        if (creating && limits) await this.#http.putUserLimits(r.name, r.limits);
        return;
      }
      case 'permission':
        return this.#http.putPermission(r);
      case 'topic_permission':
        return this.#http.putTopicPermission(r);
      case 'exchange':
        return this.#either(r.vhost, (amqp) => amqp.declareExchange(r), () => this.#http.putExchange(r));
      case 'queue':
        return this.#either(r.vhost, (amqp) => amqp.declareQueue(r), () => this.#http.putQueue(r));
      case 'binding':
        return this.#either(r.vhost, (amqp) => amqp.bind(r), () => this.#http.createBinding(r));
      case 'policy':
        return this.#http.putPolicy(r);
      case 'operator_policy':
        return this.#http.putOperatorPolicy(r);
      default:
        return unreachable(r, 'kind');
    }
  }

  async #remove(r: Resource): Promise<void> {
    if (isRuntimeResource(r)) return this.#runtime.remove(r);
    switch (r.kind) {
      case 'vhost':
        return this.#http.deleteVhost(r.name);
      case 'user':
        return this.#http.deleteUser(r.name);
      case 'permission':
        return this.#http.deletePermission(r.vhost, r.user);
      case 'topic_permission':
        return this.#http.deleteTopicPermission(r.vhost, r.user, r.exchange);
      case 'exchange':
        return this.#removeExchange(r);
      case 'queue':
        return this.#removeQueue(r);
      case 'binding':
        return this.#removeBinding(r);
      case 'policy':
        return this.#http.deletePolicy(r.vhost, r.name);
      case 'operator_policy':
        return this.#http.deleteOperatorPolicy(r.vhost, r.name);
      default:
        return unreachable(r, 'kind');
    }
  }

  #removeExchange(e: Exchange): Promise<void> {
    return this.#either(e.vhost, (amqp) => amqp.deleteExchange(e.vhost, e.name), () => this.#http.deleteExchange(e.vhost, e.name));
  }

  #removeQueue(q: Queue): Promise<void> {
    return this.#either(q.vhost, (amqp) => amqp.deleteQueue(q.vhost, q.name), () => this.#http.deleteQueue(q.vhost, q.name));
  }

  #removeBinding(b: Binding): Promise<void> {
    return this.#either(b.vhost, (amqp) => amqp.unbind(b), () => this.#http.deleteBinding(b));
  }

  /** AMQP when there is an endpoint and the vhost lets warren connect; the management API otherwise. */
  async #either(vhost: string, viaAmqp: (amqp: AmqpWriter) => Promise<void>, viaHttp: () => Promise<void>): Promise<void> {
    if (this.#amqp && !this.#httpOnly.has(vhost)) {
      try {
        return await viaAmqp(this.#amqp);
      } catch (e) {
        // E_CONNECT comes only from opening the connection, so nothing of this write happened yet.
        if (!(e instanceof WarrenError && e.code === 'E_CONNECT')) throw e;
        this.#httpOnly.add(vhost);
      }
    }
    return viaHttp();
  }
}

/** The fields an update changes; asked only by the kinds written in several calls (a set per change costs at 100,000 creates). */
function changedFields(change: Change): Set<string> {
  return new Set(change.fields.map((f) => f.field));
}
