// Policy and operator policy definitions: every key one the broker knows, with a value it takes
// (E_ARGUMENT, with a did-you-mean for a misspelt key), so a typo such as `mesage-ttl` fails
// `validate` instead of failing apply half way with the broker's HTTP 400.
import { closest } from '../suggest.js';
import type { Declared } from '../spec-index.js';
import { child, displayPath, entriesOf, entry, plainScalarOf } from '../tree.js';
import { FEDERATION_KEYS, OPERATOR_POLICY_KEYS, POLICY_KEYS } from './policy-key-table.js';
import type { Report, Rule } from './report.js';

export const policyRules: Rule = (spec, report) => {
  for (const vhost of spec.vhosts.values()) {
    for (const policy of vhost.policies.values()) checkDefinition(policy, false, report);
    for (const policy of vhost.operator_policies.values()) checkDefinition(policy, true, report);
  }
};

function checkDefinition(policy: Declared, operator: boolean, report: Report): void {
  const definition = child(policy.node, 'definition');
  const known = operator ? [...OPERATOR_POLICY_KEYS] : [...POLICY_KEYS.keys()];
  const at = (key: string): string => displayPath([...policy.path, 'definition', key]);
  for (const [key, e] of entriesOf(definition)) {
    const rule = POLICY_KEYS.get(key);
    if (!rule || (operator && !OPERATOR_POLICY_KEYS.has(key))) {
      report.error('E_ARGUMENT', e.keyOrigin, `${at(key)}: ${unknownKey(key, known, operator, rule !== undefined)}`);
      continue;
    }
    const problem = rule.check(plainScalarOf(e.value), 'classic');
    if (problem) report.error('E_ARGUMENT', e.value.origin, `${at(key)}: ${problem}`);
    if (rule.needs !== undefined && !entry(definition, rule.needs)) {
      report.error('E_ARGUMENT', e.keyOrigin, `${at(key)}: needs \`${rule.needs}\` beside it (the broker refuses it alone)`);
    }
  }
  const federation = FEDERATION_KEYS.filter((k) => entry(definition, k));
  if (federation.length > 1) {
    const second = entry(definition, federation[1] as string);
    if (second) report.error('E_CONFLICT', second.keyOrigin, `${at(federation[1] as string)}: give one of ${FEDERATION_KEYS.map((k) => `\`${k}\``).join(', ')}, not ${federation.length} (the broker refuses them together)`);
  }
}

function unknownKey(key: string, known: readonly string[], operator: boolean, policyOnly: boolean): string {
  if (operator && policyOnly) return `operator policies cannot set \`${key}\` (they take only ${known.map((k) => `\`${k}\``).join(', ')}); use a policy`;
  const bare = key.startsWith('x-') ? key.slice(2) : undefined;
  const hint = bare !== undefined && known.includes(bare) ? `\`${bare}\` (policy keys have no \`x-\`)` : closest(key, known);
  const suggestion = hint === undefined ? '' : `; did you mean ${hint.startsWith('`') ? hint : `\`${hint}\``}?`;
  return `unknown ${operator ? 'operator policy' : 'policy'} key \`${key}\`: the broker refuses a definition with it${suggestion}`;
}
