// Stage 5: semantic rules, each pushing errors and warnings; none stops the others.
import type { Diagnostic } from '../../errors.js';
import type { SpecIndex } from '../spec-index.js';
import { bindingRules } from './bindings.js';
import { exchangeRules } from './exchanges.js';
import { namesRule } from './names.js';
import { parameterRules } from './parameters.js';
import { policyRules } from './policies.js';
import { queueRules } from './queues.js';
import { referenceRules } from './references.js';
import { regexRules } from './regex.js';
import { reportInto, type Rule } from './report.js';
import { targetRules } from './targets.js';
import { userRules } from './users.js';

export const RULES: readonly Rule[] = [namesRule, queueRules, policyRules, exchangeRules, bindingRules, referenceRules, regexRules, userRules, targetRules, parameterRules];

export function runRules(spec: SpecIndex, diagnostics: Diagnostic[]): void {
  const report = reportInto(diagnostics);
  for (const rule of RULES) rule(spec, report);
}
