// What a lint rule is and what it finds. Rule ids are stable: specs switch rules off by id, SARIF
// and CI annotations carry them, so an id is never renamed or reused.
import type { Origin } from '../../errors.js';
import type { Model } from '../../model/types.js';

export type LintSeverity = 'error' | 'warning' | 'note';

export interface LintRule {
  id: string;
  severity: LintSeverity;
  /** One line: what the rule looks for. */
  title: string;
  /** One line: why it matters. */
  why: string;
  /** One line: what to do instead. */
  fix: string;
  check(input: LintInput, report: (f: RawFinding) => void): void;
}

/** What a rule reports; the runner adds the rule's id, severity, why and fix. */
export interface RawFinding {
  /** `queue orders/orders.created`, as describeResource() prints it: what a per-object ignore names. */
  object: string;
  message: string;
  origin?: Origin | undefined;
  /** The setting the finding is about, e.g. `arguments.x-message-ttl`: its place in the file, when known, replaces `origin`. */
  field?: string | undefined;
  /** Overrides the rule's severity (a removed setting is an error on the version that removed it). */
  severity?: LintSeverity | undefined;
}

export interface Finding extends RawFinding {
  rule: string;
  severity: LintSeverity;
  why: string;
  fix: string;
}

/** A password written straight into a file rather than through `${VAR}` or as a hash. */
export interface ClearTextSecret {
  object: string;
  field: string;
  /** "is written in the file", or "has a default written in the file". */
  how: string;
  origin: Origin;
}

export interface LintInput {
  model: Model;
  /** The broker version linted against ("4.0.5"); undefined on a spec alone: the newest rules apply. */
  brokerVersion?: string | undefined;
  /** Found by the spec reader; empty when linting a live broker. */
  clearTextSecrets: readonly ClearTextSecret[];
  /** `object\u0000field` -> where that setting is written (see spec-source.ts). */
  places?: ReadonlyMap<string, Origin> | undefined;
}

export interface LintSettings {
  /** Rule ids switched off everywhere. */
  disable: ReadonlySet<string>;
  /** Rule id -> objects it is switched off for. */
  ignore: ReadonlyMap<string, ReadonlySet<string>>;
}
