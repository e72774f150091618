// Run a reviewed plan against a broker: the writers are chosen here (AMQP for exchanges, queues and
// bindings when the target has an AMQP URL, the management API for the rest), apply/ does the work.
import { AmqpWriter } from '../apply/amqp-writer.js';
import { applyPlan } from '../apply/apply.js';
import { BrokerApplyTarget } from '../apply/broker-target.js';
import { BrokerWriter } from '../apply/broker-writer.js';
import { runMigration } from '../apply/migrate/run-migration.js';
import { WarrenError, formatDiagnostic } from '../errors.js';
import { amqpOptionsFor, connectAmqpToTarget, expiryWarning } from '../live/connect-target.js';
import type { ManagementClient } from '../live/management-client.js';
import type { Target } from '../model/target.js';
import type { Change, Plan } from '../plan/index.js';
import type { Applied } from './apply-hooks.js';

/**
 * Requests in flight at once within a phase when the caller does not say (--concurrency): more
 * over AMQP, where each is one frame on one of a connection's channels and more in flight cost the
 * broker less CPU per declare and bind; fewer over the management API, where more gained nothing.
 * Measured with bench/apply-cpu-by-kind.ts, the bench topology at factor 1 on fresh 3.10 nodes
 * (load 1 to 11): over AMQP the broker took a median 24.4 s of CPU at 128 (14 runs, 23.0 to 29.2)
 * against 27.1 s at 32 (16 runs, 24.1 to 29.2), a small gain that single pairs can hide; on a quiet
 * machine 23 against 26 s, and 15.1 and 15.9 s of wall time against 16.8 and 17.2 s. Over HTTP
 * alone the broker took 35 to 42 s at both.
 */
export const AMQP_IN_FLIGHT = 128;
export const HTTP_IN_FLIGHT = 32;

export interface ExecuteOptions {
  allowDataLoss: boolean;
  /** Requests in flight at once within a phase; when undefined, AMQP_IN_FLIGHT or HTTP_IN_FLIGHT by phase. */
  concurrency?: number | undefined;
  progress: (line: string) => void;
  onApplied?: ((done: number, total: number) => void) | undefined;
  /** See apply/apply.ts: the lock is checked before every change. */
  stillLocked?: (() => Promise<void>) | undefined;
}

export async function executePlan(plan: Plan, target: Target, client: ManagementClient, options: ExecuteOptions): Promise<Applied> {
  const { progress } = options;
  const seenCerts = new Set<string>();
  const amqp = target.amqp.length > 0
    ? new AmqpWriter({
        ...amqpOptionsFor(target, { progress }),
        channelsPerVhost: options.concurrency ?? AMQP_IN_FLIGHT,
        onPeerCertificate: (endpoint, cert) => {
          const w = seenCerts.has(cert.fingerprint) ? undefined : expiryWarning(cert, "the server's certificate");
          seenCerts.add(cert.fingerprint);
          if (w) progress(formatDiagnostic({ ...w, endpoint }));
        },
      })
    : undefined;
  const started = Date.now();
  const migrate = (change: Change): Promise<void> => {
    if (target.amqp.length === 0) throw new WarrenError('E_TARGET', `${change.title}: migrating a queue's messages needs AMQP: give --amqp or WARREN_AMQP_URL`);
    return runMigration(change, {
      client,
      connect: async (vhost) => (await connectAmqpToTarget(target, vhost, { progress })).connection,
      progress,
      allowDrops: options.allowDataLoss,
    });
  };
  const applyTarget = new BrokerApplyTarget(new BrokerWriter(client), amqp, migrate);
  // Decided as each phase starts: a vhost that refused AMQP has its later phases over HTTP.
  const inFlight = (phase: readonly Change[]): number => (phase.every((c) => applyTarget.overAmqp(c)) ? AMQP_IN_FLIGHT : HTTP_IN_FLIGHT);
  try {
    await applyPlan(plan, applyTarget, {
      allowDataLoss: options.allowDataLoss,
      concurrency: options.concurrency ?? inFlight,
      onProgress: options.onApplied,
      stillLocked: options.stillLocked,
      connectingUser: target.username,
    });
  } finally {
    await amqp?.close();
  }
  return { summary: plan.summary, seconds: (Date.now() - started) / 1000 };
}

/** A plan with no changes still records what the stack now owns (adopting objects that already match). */
export async function recordOwnership(plan: Plan, client: ManagementClient): Promise<boolean> {
  if (!plan.ownershipChanged) return false;
  await new BrokerApplyTarget(new BrokerWriter(client), undefined).recordOwnership(plan.stack, plan.owned);
  return true;
}
