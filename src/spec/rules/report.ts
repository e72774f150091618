// What every rule gets: the merged spec and a place to put what it finds. Rules never stop at
// the first problem and never throw for a user's mistake.
import type { Code, Diagnostic, Origin } from '../../errors.js';
import type { SpecIndex } from '../spec-index.js';

export interface Report {
  error(code: Code, origin: Origin, message: string): void;
  warn(code: Code, origin: Origin, message: string): void;
}

export type Rule = (spec: SpecIndex, report: Report) => void;

export function reportInto(diagnostics: Diagnostic[]): Report {
  return {
    error: (code, origin, message) => diagnostics.push({ severity: 'error', code, message, origin }),
    warn: (code, origin, message) => diagnostics.push({ severity: 'warning', code, message, origin }),
  };
}
