// How `warren explain` shows one object's effective settings and where each comes from.
import { formatOrigin } from '../errors.js';
import { canonicalJson } from '../model/keys.js';
import type { Json, JsonMap } from '../model/types.js';
import { describeSource, type Effective, type Setting } from '../analyse/effective.js';
import type { Verdict } from '../analyse/policy-match.js';
import { palette } from './color.js';
import { printable } from './format.js';

export interface BrokerView {
  policy: string | undefined;
  operatorPolicy: string | undefined;
  definition: JsonMap | undefined;
}

export interface Comparison {
  agrees: boolean;
  lines: string[];
}

/** Our reckoning against what the broker reports; a tie accepts either policy, as the broker may pick either. */
export function compareWithBroker(e: Effective, broker: BrokerView): Comparison {
  const lines: string[] = [];
  let agrees = true;
  const check = (what: string, verdicts: Verdict[], reported: string | undefined): void => {
    const win = verdicts.find((v) => v.outcome === 'wins');
    const expected = win?.policy.name;
    const acceptable = win && win.outcome === 'wins' ? [win.policy.name, ...win.tiedWith.map((p) => p.name)] : [];
    if (reported === expected || (reported !== undefined && acceptable.includes(reported))) {
      lines.push(`${what}: the broker applies ${reported ?? 'none'}, as expected${acceptable.length > 1 ? ` (a tie: it could have been any of ${acceptable.join(', ')})` : ''}`);
    } else {
      agrees = false;
      lines.push(`${what}: the broker applies ${reported ?? 'none'}, but the topology says ${expected ?? 'none'}`);
    }
  };
  check('user policy', e.policies, broker.policy);
  check('operator policy', e.operatorPolicies, broker.operatorPolicy);
  if (broker.definition !== undefined) {
    const ours = canonicalJson(e.effectivePolicyDefinition);
    const theirs = canonicalJson(broker.definition);
    if (ours === theirs) lines.push(`effective policy definition: the broker reports ${theirs}, as expected`);
    else {
      agrees = false;
      lines.push(`effective policy definition: the broker reports ${theirs}, but the topology says ${ours}`);
    }
  }
  return { agrees, lines };
}

function verdictLine(v: Verdict): string {
  const p = v.policy;
  const head = `${p.name} (priority ${p.priority}, pattern ${JSON.stringify(p.pattern)}, apply_to ${p.apply_to})`;
  switch (v.outcome) {
    case 'wins':
      return v.tiedWith.length > 0 ? `* ${head}: applies, but ties with ${v.tiedWith.map((t) => t.name).join(', ')} at priority ${p.priority}: the broker may pick any of them` : `* ${head}: applies (highest priority of those that match)`;
    case 'loses':
      return v.reason === 'tie' ? `  ${head}: matches and ties with ${v.to.name}; shown losing only because of name order` : `  ${head}: matches, but ${v.to.name} has a higher priority (${v.to.priority})`;
    case 'no-match':
      if (v.reason === 'unsupported') return `  ${head}: matches, but the broker skips it: this queue type does not support ${v.keys.join(', ')}`;
      return `  ${head}: does not apply (${v.reason === 'pattern' ? 'the pattern does not match the name' : 'apply_to does not cover this object'})`;
  }
}

function value(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function settingLines(s: Setting): string[] {
  const lines = [`  ${s.key} = ${value(s.value)}   from ${describeSource(s.source)}${s.ignored ? ' (ignored: this type of object does not read it)' : ''}`];
  for (const o of s.overridden) lines.push(`      over ${value(o.value)} from ${describeSource(o.source)}: ${o.why}`);
  return lines;
}

export function renderExplainText(e: Effective, comparison: Comparison | undefined, color: boolean): string {
  const c = palette(color);
  const t = e.target;
  const where = t.origin ? `, declared at ${formatOrigin(t.origin)}` : '';
  const lines = [c.bold(printable(`${t.kind} ${t.vhost}/${t.name} (${t.type}${where})`)), ''];
  const data = (line: string): void => void lines.push(printable(line));
  lines.push('Policies:');
  if (e.policies.length === 0) lines.push('  (none in this vhost)');
  for (const v of e.policies) data(`  ${verdictLine(v)}`);
  lines.push('Operator policies:');
  if (e.operatorPolicies.length === 0) lines.push('  (none in this vhost)');
  for (const v of e.operatorPolicies) data(`  ${verdictLine(v)}`);
  lines.push('Effective settings:');
  if (e.settings.length === 0) lines.push('  (none: broker defaults)');
  for (const s of e.settings) settingLines(s).forEach(data);
  if (comparison) {
    lines.push(`Compared with the broker: ${comparison.agrees ? c.green('agrees') : c.red('differs')}`);
    for (const l of comparison.lines) data(`  ${l}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderExplainJson(e: Effective, comparison: Comparison | undefined): string {
  const verdict = (v: Verdict) => ({ policy: v.policy.name, priority: v.policy.priority, pattern: v.policy.pattern, apply_to: v.policy.apply_to, outcome: v.outcome, ...(v.outcome === 'wins' ? { tied_with: v.tiedWith.map((p) => p.name) } : v.outcome === 'loses' ? { reason: v.reason, to: v.to.name } : v.reason === 'unsupported' ? { reason: v.reason, keys: v.keys } : { reason: v.reason }) });
  const out = {
    format_version: 1,
    object: { kind: e.target.kind, vhost: e.target.vhost, name: e.target.name, type: e.target.type },
    policies: e.policies.map(verdict),
    operator_policies: e.operatorPolicies.map(verdict),
    effective_policy_definition: e.effectivePolicyDefinition,
    settings: e.settings.map((s) => ({ key: s.key, value: s.value, source: s.source, ignored: s.ignored, overridden: s.overridden })),
    broker: comparison ? { agrees: comparison.agrees, details: comparison.lines } : null,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
