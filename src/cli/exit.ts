// The one place that turns outcomes into exit codes and prints failures (DESIGN.md: 0, 1, 2).
import { WarrenError, formatDiagnostic } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_CHANGES = 2;

/**
 * What a command reports back; the CLI decides the exit code from it and nothing else. `failed`:
 * the command has already reported its errors (one target of several failed) and must exit 1.
 */
export type Outcome = { kind: 'ok' } | { kind: 'changes-pending'; detailedExitCode: boolean } | { kind: 'failed' };

export function exitCodeFor(outcome: Outcome): number {
  if (outcome.kind === 'failed') return EXIT_ERROR;
  if (outcome.kind === 'changes-pending' && outcome.detailedExitCode) return EXIT_CHANGES;
  return EXIT_OK;
}

/** Several targets: the worst of their outcomes (an error, then changes pending, then ok). */
export function worstOutcome(outcomes: readonly Outcome[]): Outcome {
  return outcomes.find((o) => o.kind === 'failed') ?? outcomes.find((o) => o.kind === 'changes-pending') ?? { kind: 'ok' };
}

/** Prints an error the way users should see it: no stack trace unless it is warren's own bug. */
export function reportFailure(err: unknown, stderr: (line: string) => void): number {
  if (err instanceof WarrenError) {
    for (const d of err.diagnostics) stderr(formatDiagnostic(d));
    if (err.internal && err.stack) stderr(err.stack);
    return EXIT_ERROR;
  }
  if (err && typeof err === 'object' && 'code' in err && (err as { code: unknown }).code === 'commander.helpDisplayed') return EXIT_OK;
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  stderr(`error E_INTERNAL: unexpected failure, please report it:\n${detail}`);
  return EXIT_ERROR;
}
