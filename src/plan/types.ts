// The change union the planner returns. Modelled on Terraform's plans: a small closed set of
// actions, each change carrying before/after, the fields that differ and, for a replace, the
// fields that forced it. `reason` is for display only; no code decides on it.
import type { Diagnostic } from '../errors.js';
import type { Json, Kind, Resource } from '../model/types.js';

export type Action = 'create' | 'update' | 'replace' | 'delete';
export const ACTIONS: readonly Action[] = ['create', 'update', 'replace', 'delete'];

/** What every change carries, whatever its action. */
interface ChangeCommon {
  key: string;
  kind: Kind;
  /** `queue orders/orders.created`, for people. */
  title: string;
  fields: FieldDiff[];
  /** replace only: the field paths the broker cannot change in place, e.g. `arguments.x-max-length`. */
  forcedBy: string[];
  reason?: string | undefined;
  /** Set when applying this change would drop messages; apply refuses it without --allow-data-loss. */
  dataLoss?: { messages: number; reason?: string | undefined } | undefined;
  /** A queue replace that keeps its messages (see migration.ts); absent when the messages are dropped. */
  migration?: Migration | undefined;
}

/**
 * A queue the broker cannot change in place, replaced without losing its messages: they move to
 * a holding queue that takes over the bindings, the queue is declared anew, and they move back.
 */
export interface Migration {
  /** Messages the original queue holds now (Infinity when the broker did not say). */
  messages: number;
  /** Messages already in the holding queue: a migration that an earlier apply did not finish. */
  held: number;
  holdingQueue: string;
  /** Consumers of the original, cancelled by the broker when it is deleted (undefined: not read). */
  consumers?: number | undefined;
  /** The bindings the holding queue takes over and the new queue gets back, as titles. */
  bindings: string[];
  inProgress: boolean;
  /** Why this migration cannot run (a policy would limit the holding queue): apply refuses it before any change. */
  blocked?: string | undefined;
}

/**
 * A change, discriminated on `action`, so that `before` and `after` exist exactly where they mean
 * something and a switch over the action is checked for exhaustiveness:
 *
 * | action  | before         | after          |
 * |---------|----------------|----------------|
 * | create  | (none)         | desired object |
 * | update  | live object    | desired object |
 * | replace | live object    | desired object |
 * | delete  | live object    | (none)         |
 */
export type Change =
  | (ChangeCommon & { action: 'create'; before?: undefined; after: Resource })
  | (ChangeCommon & { action: 'update' | 'replace'; before: Resource; after: Resource })
  | (ChangeCommon & { action: 'delete'; before: Resource; after?: undefined });

export interface FieldDiff {
  field: string;
  before?: Json | undefined;
  after?: Json | undefined;
  /** Password hashes: rendered as "(sensitive)", never as values. */
  sensitive?: boolean | undefined;
}

export interface Ignored {
  count: number;
  /** Up to three titles, sorted, for the plan's one line about them. */
  examples: string[];
}

export type PruneMode = 'none' | 'managed' | 'all';

export interface PlanSummary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  unchanged: number;
}

export interface Plan {
  stack: string;
  prune: PruneMode;
  /** In execution order: creates and updates in dependency order, then deletes in reverse. */
  changes: Change[];
  summary: PlanSummary;
  /** The keys this stack owns once the plan is applied: the ownership record apply writes. */
  owned: string[];
  /** Whether the recorded ownership differs from `owned`: apply writes the record (a pending change for --detailed-exitcode). */
  ownershipChanged: boolean;
  /** Declared objects the broker already has and the stack does not own yet: apply records them (adoption). */
  adopting: number;
  /**
   * Live objects in the spec's vhosts that nobody declares or owns: only `--prune all` would
   * delete them, so a plan right after `export` would otherwise say nothing about them.
   */
  ignored: Ignored;
  diagnostics: Diagnostic[];
}

export interface PlanInput {
  stack: string;
  desired: ReadonlyMap<string, Resource>;
  live: ReadonlyMap<string, Resource>;
  /** stack name -> keys it owns, as recorded in the broker. */
  ownership: ReadonlyMap<string, ReadonlySet<string>>;
  prune: PruneMode;
  /** The vhosts the spec declares: `--prune all` only deletes inside these. */
  specVhosts: ReadonlySet<string>;
  /** The live broker's version, for messages ("unknown feature flag on 3.10.8"). */
  brokerVersion?: string | undefined;
  /** The user warren connects as: prune never removes its permissions (that would lock warren out). */
  connectingUser?: string | undefined;
}

/** key -> the stacks that own it (several only for a vhost that stacks share as a container). */
export interface Owners {
  get(key: string): readonly string[] | undefined;
}
