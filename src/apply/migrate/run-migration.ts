// Carries out one queue migration (see next-step.ts for the procedure): observe the broker, do
// the step it calls for, observe again, until the new queue holds the messages and the holding
// queue is gone. Every step is safe to repeat: declares and binds are idempotent, unbinds of what
// is gone succeed, moves ack only what the destination confirmed, and a queue is deleted only
// once it is empty, with warren's consumer still on it (see mover.ts).
import type { ChannelModel } from 'amqplib';
import { WarrenError } from '../../errors.js';
import { BrokerWriter } from '../broker-writer.js';
import type { ManagementClient } from '../../live/management-client.js';
import { LiveBuilder } from '../../live/normalise.js';
import type { Binding, Queue } from '../../model/types.js';
import { compareResources } from '../../plan/compare.js';
import type { Change } from '../../plan/types.js';
import { crashHook } from './crash-hook.js';
import { moveMessages } from './mover.js';
import { nextStep, type BindingEnd, type Observed, type QueueState } from './next-step.js';

export interface MigrationContext {
  client: ManagementClient;
  /** An AMQP connection to the vhost, for moving messages and if-empty deletes; closed by the caller of runMigration. */
  connect(vhost: string): Promise<ChannelModel>;
  progress(line: string): void;
  /** --allow-data-loss: what the new queue refuses on the way back is dropped (the plan counted it). */
  allowDrops: boolean;
}

/** More rounds than any migration needs; only a queue that is refilled faster than it drains gets here. */
const MAX_ROUNDS = 200;

export async function runMigration(change: Change, ctx: MigrationContext): Promise<void> {
  const desired = change.after;
  const m = change.migration;
  if (desired?.kind !== 'queue' || !m) throw new WarrenError('E_INTERNAL', `${change.title}: not a queue migration`);
  if (m.blocked !== undefined) throw new WarrenError('E_APPLY', `cannot migrate ${change.title}: ${m.blocked}`);
  const wanted: Queue = desired; // narrowed, for the functions below
  const { vhost, name } = wanted;
  const holding = m.holdingQueue;
  const http = new BrokerWriter(ctx.client);
  const before = change.before?.kind === 'queue' ? change.before : undefined;
  // The holding queue is as safe as the original: classic for classic (fast), quorum for quorum
  // (replicated, and it keeps transient messages over a node restart as the original did).
  const holdingType = before?.type === 'quorum' ? 'quorum' : 'classic';
  const connection = await ctx.connect(vhost);
  connection.on('error', () => undefined);
  const publishing = await ctx.connect(vhost);
  publishing.on('error', () => undefined);
  // A connection that dies takes its pending calls with it, and some never answer: the
  // migration stops as soon as either connection closes, and the next apply resumes it.
  let lost: ((e: Error) => void) | undefined;
  const connectionLost = new Promise<never>((_, reject) => (lost = reject));
  connectionLost.catch(() => undefined);
  let closing = false;
  for (const c of [connection, publishing]) c.on('close', () => closing || lost?.(new WarrenError('E_APPLY', `${change.title}: the AMQP connection closed during the migration; run apply again to resume it`)));
  const moved = { out: 0, back: 0 };
  const say = (line: string): void => ctx.progress(`Migrating queue ${vhost}/${name}: ${line}`);
  try {
    await Promise.race([rounds(), connectionLost]);
  } finally {
    closing = true;
    await connection.close().catch(() => undefined);
    await publishing.close().catch(() => undefined);
  }

  async function rounds(): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const observed: Observed = await observe(ctx.client, vhost, name, holding, wanted);
      const step = nextStep(observed);
      switch (step.step) {
        case 'done':
          say(`done (${moved.out} messages moved out, ${moved.back} moved back)`);
          return;
        case 'declare-holding':
          say(`declaring the holding queue ${holding} (${holdingType})`);
          await http.putQueue({ kind: 'queue', vhost, name: holding, type: holdingType, durable: true, auto_delete: false, arguments: {} });
          crashHook('declare-holding');
          break;
        case 'declare-new':
          say('declaring the new queue');
          await http.putQueue(wanted);
          crashHook('declare-new');
          break;
        case 'switch-bindings': {
          const [from, to] = ends(step.direction, name, holding);
          await move(step.direction, from, to, undefined, true);
          say(`binding ${to} with the ${step.bindings.length} bindings of ${from}, then unbinding ${from}`);
          for (const b of step.bindings) await http.createBinding(bindingTo(vhost, to, b));
          crashHook(step.direction === 'out' ? 'bind-holding' : 'bind-new');
          for (const b of step.bindings) await http.deleteBinding(bindingTo(vhost, from, b));
          crashHook(step.direction === 'out' ? 'unbind-original' : 'unbind-holding');
          break;
        }
        case 'unbind': {
          const [from] = ends(step.direction, name, holding);
          for (const b of step.bindings) await http.deleteBinding(bindingTo(vhost, from, b));
          crashHook(step.direction === 'out' ? 'unbind-original' : 'unbind-holding');
          break;
        }
        case 'drain-and-delete': {
          const [from, to] = ends(step.direction, name, holding);
          const fromType = step.direction === 'out' ? observed.original.type : observed.holding.type;
          await move(step.direction, from, to, fromType === 'quorum' ? 'plain' : 'if-empty');
          say(`deleted ${from === name ? 'the original queue' : `the holding queue ${holding}`}`);
          crashHook(step.direction === 'out' ? 'delete-original' : 'delete-holding');
          break;
        }
      }
    }
    throw new WarrenError('E_APPLY', `${change.title}: the migration did not finish after ${MAX_ROUNDS} rounds (is something publishing straight to ${name} faster than it can be moved?); run apply again to continue it`);
  }

  async function move(direction: 'out' | 'back', from: string, to: string, deleteSource?: 'if-empty' | 'plain', untilCaughtUp = false): Promise<void> {
    const probe = await connection.createChannel();
    probe.on('error', () => undefined);
    const total = (await probe.checkQueue(from)).messageCount;
    await probe.close().catch(() => undefined);
    const started = Date.now();
    const report = (n: number, dropped: number): void => {
      const rate = Math.round(n / Math.max(0.001, (Date.now() - started) / 1000));
      const drops = dropped > 0 ? `, ${dropped} refused by ${to} and dropped` : '';
      say(`moved ${n} of ${Math.max(total, n)} messages from ${from} to ${to} (${rate} msg/s${drops})`);
    };
    const result = await moveMessages(connection, from, to, { allowDrops: ctx.allowDrops, onProgress: report, phase: `move-${direction}`, movedBefore: moved[direction], deleteSource, untilCaughtUp }, publishing);
    moved[direction] += result.moved;
  }
}

function ends(direction: 'out' | 'back', original: string, holding: string): [from: string, to: string] {
  return direction === 'out' ? [original, holding] : [holding, original];
}

function bindingTo(vhost: string, queue: string, b: BindingEnd): Binding {
  return { kind: 'binding', vhost, source: b.source, destination_type: 'queue', destination: queue, routing_key: b.routing_key, arguments: b.arguments as Binding['arguments'] };
}

async function observe(client: ManagementClient, vhost: string, name: string, holding: string, desired: Queue): Promise<Observed> {
  const [original, held] = await Promise.all([queueState(client, vhost, name), queueState(client, vhost, holding)]);
  return { original: original.state.exists ? { ...original.state, matchesDesired: matches(original.row, vhost, desired) } : original.state, holding: held.state };
}

async function queueState(client: ManagementClient, vhost: string, name: string): Promise<{ state: QueueState; row?: Record<string, unknown> }> {
  let row: unknown;
  try {
    row = await client.get(['queues', vhost, name], { disable_stats: 'true' });
  } catch (e) {
    if (e instanceof WarrenError && / HTTP 404/.test(e.message)) return { state: { exists: false } };
    throw e;
  }
  const rows = await client.get(['queues', vhost, name, 'bindings']);
  const bindings: BindingEnd[] = [];
  for (const b of Array.isArray(rows) ? rows : []) {
    if (typeof b !== 'object' || b === null) continue;
    const o = b as Record<string, unknown>;
    if (o['source'] === '' || typeof o['source'] !== 'string') continue; // the default exchange's implicit binding
    bindings.push({ source: o['source'], routing_key: typeof o['routing_key'] === 'string' ? o['routing_key'] : '', arguments: (o['arguments'] ?? {}) as Record<string, unknown> });
  }
  const type = (row as Record<string, unknown> | undefined)?.['type'];
  return { state: { exists: true, bindings, type: typeof type === 'string' ? type : undefined }, row: row as Record<string, unknown> };
}

/** The queue as the broker has it, normalised as the planner reads it, against the spec's: the same unless a field forces a replace. */
function matches(row: Record<string, unknown> | undefined, vhost: string, desired: Queue): boolean {
  if (!row) return false;
  const b = new LiveBuilder({ source: 'migration', code: 'E_BROKER', isEndpoint: true });
  b.addQueue(row, 'queue', vhost, 0);
  const live = [...b.model.resources.values()][0];
  return live !== undefined && compareResources(live, desired).forcedBy.length === 0;
}
