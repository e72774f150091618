// Lint: best-practice and security rules over a topology model (a spec's, or a live broker's).
// Each rule has a stable id; the spec's `lint:` section switches rules off, everywhere or per object.
import { clearTextPassword, adminEverywhere, guestUser } from './rules-users.js';
import { missingAlternateExchange, missingBindingEnd, missingDeadLetterExchange } from './rules-references.js';
import { priorityTie, unusedPolicy } from './rules-policies.js';
import { autoDelete, immutableArgument, policyKeyUnsupported, removedSetting } from './rules-queues.js';
import type { Finding, LintInput, LintRule, LintSettings } from './types.js';

export type { Finding, LintInput, LintRule, LintSettings, LintSeverity, ClearTextSecret } from './types.js';
export { readSpecLintSource, type SpecText } from './spec-source.js';

export const LINT_RULES: readonly LintRule[] = [
  immutableArgument,
  priorityTie,
  unusedPolicy,
  removedSetting,
  policyKeyUnsupported,
  missingDeadLetterExchange,
  missingAlternateExchange,
  missingBindingEnd,
  adminEverywhere,
  guestUser,
  clearTextPassword,
  autoDelete,
];

export const NO_SETTINGS: LintSettings = { disable: new Set(), ignore: new Map() };

export interface LintResult {
  findings: Finding[];
  /** Findings a `lint:` setting switched off, counted so the summary can say so. */
  suppressed: number;
  /** Ids named in `lint:` that no rule has: a typo there would otherwise switch nothing off. */
  unknownRules: string[];
}

export function runLint(input: LintInput, settings: LintSettings = NO_SETTINGS): LintResult {
  const findings: Finding[] = [];
  let suppressed = 0;
  for (const rule of LINT_RULES) {
    rule.check(input, (f) => {
      if (settings.disable.has(rule.id) || settings.ignore.get(rule.id)?.has(f.object)) {
        suppressed++;
        return;
      }
      const place = f.field === undefined ? undefined : input.places?.get(`${f.object}\u0000${f.field}`);
      findings.push({ ...f, origin: place ?? f.origin, rule: rule.id, severity: f.severity ?? rule.severity, why: rule.why, fix: rule.fix });
    });
  }
  const known = new Set(LINT_RULES.map((r) => r.id));
  const unknownRules = [...settings.disable, ...settings.ignore.keys()].filter((id) => !known.has(id));
  findings.sort((a, b) => (a.origin?.file ?? '').localeCompare(b.origin?.file ?? '') || (a.origin?.line ?? 0) - (b.origin?.line ?? 0) || (a.origin?.col ?? 0) - (b.origin?.col ?? 0) || a.rule.localeCompare(b.rule));
  return { findings, suppressed, unknownRules };
}
