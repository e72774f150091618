// Rules about which policy applies where.
import { describeResource } from '../../model/keys.js';
import type { Policy } from '../../model/types.js';
import { appliesToKind, patternMatches, patternRegExp, policyMatches, type Target } from '../policy-match.js';
import { exchangesOf, queuesOf } from './rules-queues.js';
import type { LintInput, LintRule } from './types.js';

function policiesOf(input: LintInput): Policy[] {
  return [...input.model.resources.values()].filter((r): r is Policy => r.kind === 'policy' || r.kind === 'operator_policy');
}

function targetsOf(input: LintInput): Target[] {
  return [...queuesOf(input), ...exchangesOf(input)];
}

/** A pattern that finds a match in any name (`''`, `.*`, `^`): judged by trying names that share nothing. */
function matchesEverything(pattern: string): boolean {
  const re = patternRegExp(pattern);
  return re !== null && re.test('') && re.test('\u0001zq9') && re.test('a.b-c_d');
}

/** apply_to values that can both cover one object. */
function kindsOverlap(a: Policy, b: Policy): boolean {
  return a.apply_to === 'all' || b.apply_to === 'all' || a.apply_to === b.apply_to;
}

export const priorityTie: LintRule = {
  id: 'policy-priority-tie',
  severity: 'warning',
  title: 'two policies (or two operator policies) of one priority whose patterns can match the same name',
  why: 'the broker sorts matching policies by priority only; between equals it takes whichever its internal listing holds first, so which one applies is unpredictable and may change after a restart',
  fix: 'give one of them a higher priority, or make the patterns exclusive',
  check(input, report) {
    const policies = policiesOf(input).sort((a, b) => a.name.localeCompare(b.name));
    const targets = targetsOf(input);
    for (let i = 0; i < policies.length; i++) {
      for (let j = i + 1; j < policies.length; j++) {
        const a = policies[i] as Policy;
        const b = policies[j] as Policy;
        if (a.vhost !== b.vhost || a.kind !== b.kind || a.priority !== b.priority || !kindsOverlap(a, b)) continue;
        const shared = targets.find((t) => t.vhost === a.vhost && policyMatches(a, t, input.brokerVersion) && policyMatches(b, t, input.brokerVersion));
        let why: string | undefined;
        if (shared) why = `both match ${shared.kind} ${shared.name}`;
        else if (a.pattern === b.pattern) why = `both have the pattern ${JSON.stringify(a.pattern)}`;
        else if (matchesEverything(a.pattern) || matchesEverything(b.pattern)) why = `${matchesEverything(a.pattern) ? a.name : b.name}'s pattern matches every name`;
        if (!why) continue;
        const label = a.kind === 'policy' ? 'policies' : 'operator policies';
        report({ object: describeResource(b), origin: b.origin, message: `${label} ${a.name} and ${b.name} in vhost ${a.vhost} both have priority ${a.priority} and ${why}` });
      }
    }
  },
};

export const unusedPolicy: LintRule = {
  id: 'policy-unused',
  severity: 'note',
  title: 'a policy that matches no queue or exchange',
  why: 'a pattern or apply_to that matches nothing is usually a typo (an unescaped dot, a missing prefix), and the settings it was meant to enforce are not there',
  fix: 'fix the pattern or apply_to; if the policy is for objects that applications declare at run time, ignore this rule for it',
  check(input, report) {
    const targets = targetsOf(input);
    for (const p of policiesOf(input)) {
      // By name and apply_to only: a policy some queue type refuses is policy-key-unsupported's finding.
      if (targets.some((t) => t.vhost === p.vhost && appliesToKind(p, t) && patternMatches(p.pattern, t.name))) continue;
      const kinds = targets.filter((t) => t.vhost === p.vhost && appliesToKind(p, t)).length;
      report({ object: describeResource(p), origin: p.origin, message: `pattern ${JSON.stringify(p.pattern)} (apply_to ${p.apply_to}) matches none of the ${kinds} ${p.apply_to === 'all' ? 'queues and exchanges' : p.apply_to} declared in vhost ${p.vhost}` });
    }
  },
};
