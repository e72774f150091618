// What an apply asks of its caller (the CLI, or a program using the library): where progress and
// warnings go, how the plan is shown, and whether to go ahead. The workflow decides everything else.
import type { Plan } from '../plan/index.js';
import type { PlanSummary } from '../plan/index.js';

export interface ApplyHooks {
  /** Progress and warnings, one line each (the CLI writes them to stderr). */
  progress(line: string): void;
  /** Shows the plan before anything is written; `preface` says where a saved plan came from. */
  show(plan: Plan, preface?: string): void;
  /** Asks whether to apply; throws (E_ABORTED) to stop with nothing written. Not called for saved plans. */
  confirm(plan: Plan, endpoint: string): Promise<void>;
  /** Called as changes complete. */
  onApplied?: ((done: number, total: number) => void) | undefined;
}

export interface ApplyOptions {
  allowDataLoss: boolean;
  /** false (--no-migrate): queue replaces are not migrated, so they drop (--allow-data-loss) or are refused. Default true. */
  migrate?: boolean | undefined;
  autoApprove: boolean;
  /** Requests in flight at once within a phase; by default 128 over AMQP, 32 over the management API (execute-plan.ts). */
  concurrency?: number | undefined;
}

/** How an apply ended: changes written, only the ownership record written, or nothing to do. */
export type ApplyResult =
  | ({ kind: 'applied'; stack: string } & Applied)
  | { kind: 'adopted'; stack: string; owned: number }
  | { kind: 'unchanged'; stack: string }
  /** A saved plan whose changes are all on the broker already: nothing was written. */
  | { kind: 'already-applied'; stack: string; file: string };

export interface Applied {
  summary: PlanSummary;
  seconds: number;
}
