// Takes and releases the stack's lock for an apply (the lock itself: apply/lock.ts): picks the
// vhost that holds it, and connects over AMQP as the target's user.
//
// Which vhost: see chooseLockVhost. On a broker without any vhost, the spec's first is created
// now with the spec's settings, and the plan then finds it in place.
// AMQP endpoint: the target's (TLS, login and failover as apply's writer uses them); without one,
// the management URL's host on the AMQP default port (amqp://host:5672, or amqps://host:5671 for
// https), said on stderr. If no connection can be made, apply stops before reading anything.
import { WarrenError } from '../errors.js';
import { acquireStackLock, chooseLockVhost, currentHolder, lockQueueName, type LockConnection, type StackLock } from '../apply/lock.js';
import { DEFAULT_OPERATION_TIMEOUT_MS } from '../live/amqp-connect.js';
import { BrokerWriter } from '../apply/broker-writer.js';
import { connectAmqpToTarget } from '../live/connect-target.js';
import type { ManagementClient } from '../live/management-client.js';
import { isRecord } from '../model/json.js';
import { resourceKey } from '../model/keys.js';
import type { Target } from '../model/target.js';
import type { Vhost } from '../model/types.js';

export interface LockRequest {
  stack: string;
  target: Target;
  client: ManagementClient;
  /** The spec's vhosts (a saved plan records them). */
  specVhosts: readonly string[];
  /** The spec's settings for a vhost, used if the lock has to create it. */
  desiredVhost?: ((name: string) => Vhost | undefined) | undefined;
  progress: (line: string) => void;
}

export interface TakenLock {
  lock: StackLock;
  /** The resource key of a vhost created to hold the lock, if one was. */
  created?: string | undefined;
}

export async function lockStack(request: LockRequest): Promise<TakenLock> {
  const { client, target, stack } = request;
  const choice = chooseLockVhost(await vhostNames(client), request.specVhosts);
  if (choice === undefined) throw new WarrenError('E_TARGET', `cannot lock stack ${stack}: the broker has no vhost to hold the lock and the spec declares none`, { endpoint: client.endpoint });
  const { vhost } = choice;
  let created: string | undefined;
  if (choice.create) {
    const v: Vhost = request.desiredVhost?.(vhost) ?? { kind: 'vhost', name: vhost };
    await new BrokerWriter(client).putVhost(v);
    created = resourceKey(v);
    request.progress(`Created vhost ${vhost} to hold the lock (the broker had none).`);
  }
  const amqpTarget = withAmqp(target, request.progress);
  const deadlineMs = target.timeoutMs;
  const lock = await acquireStackLock(vhost, currentHolder(stack, target.username ?? 'guest'), {
    connect: (v, startAt) => connect(amqpTarget, v, request.progress, startAt),
    deadlineMs,
    onEvent: request.progress,
    queueArguments: async (v, queue) => {
      const q = await client.get(['queues', v, queue]);
      const args = isRecord(q) ? q['arguments'] : undefined;
      return isRecord(args) ? args : undefined;
    },
  });
  request.progress(`Locked stack ${stack} (queue ${lockQueueName(stack)} in vhost ${vhost}, over ${lock.endpoint}).`);
  return { lock, created };
}

/** Frees the lock. Returns a warning when it was lost part way (another apply could have run). */
export async function releaseLock(taken: TakenLock | undefined): Promise<string | undefined> {
  if (!taken) return undefined;
  const lost = taken.lock.lost;
  await taken.lock.release();
  if (lost === undefined) return undefined;
  return `the lock of stack ${taken.lock.stack} was lost during apply (${lost}); another apply may have run at the same time: plan again to check`;
}

async function vhostNames(client: ManagementClient): Promise<Set<string>> {
  const rows = await client.get(['vhosts'], { columns: 'name' });
  const names = new Set<string>();
  for (const row of Array.isArray(rows) ? rows : []) {
    const name = isRecord(row) ? row['name'] : undefined;
    if (typeof name === 'string') names.add(name);
  }
  return names;
}

/** The target's AMQP URLs, or ones derived from its management URLs when it has none. */
function withAmqp(target: Target, progress: (line: string) => void): Target {
  if (target.amqp.length > 0) return target;
  const amqp = target.management.map((m) => {
    const url = new URL(m);
    const tls = url.protocol === 'https:';
    return `${tls ? 'amqps' : 'amqp'}://${url.host.replace(/:\d+$/, '')}:${tls ? 5671 : 5672}`;
  });
  progress(`No AMQP URL given: taking the lock over ${amqp[0] ?? '(none)'} (give --amqp or WARREN_AMQP_URL to choose).`);
  return { ...target, amqp };
}

/**
 * The lock's connection heartbeats at half the call deadline: it only waits, so a frozen node is
 * noticed by two missed heartbeats, not by a call that runs out of time.
 */
function heartbeatFor(deadlineMs: number | undefined): number {
  return Math.max(1, Math.round((deadlineMs ?? DEFAULT_OPERATION_TIMEOUT_MS) / 2000));
}

async function connect(target: Target, vhost: string, progress: (line: string) => void, startAt = 0): Promise<LockConnection> {
  try {
    const { connection, endpoint, index } = await connectAmqpToTarget(target, vhost, { progress, startAt, heartbeatSeconds: heartbeatFor(target.timeoutMs) });
    return { connection, endpoint, index };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // Not E_LOCKED: nobody holds the lock, and CI retries E_LOCKED. The connection's own code
    // (E_CONNECT, E_AUTH, E_TLS) says what to fix.
    throw new WarrenError(
      err instanceof WarrenError ? err.code : 'E_CONNECT',
      `could not take the lock of the stack: no AMQP connection to vhost ${vhost} (${reason}). apply takes its lock over AMQP as the target's user: give --amqp or WARREN_AMQP_URL, and let the user connect to vhost ${vhost}`,
      { endpoint: target.amqp[0] },
    );
  }
}
