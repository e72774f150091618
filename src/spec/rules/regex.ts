// Permission and policy patterns must compile (E_REGEX). RabbitMQ matches them with Erlang's `re`
// (PCRE); we approximate with JavaScript's RegExp. Known gaps, on purpose: PCRE-only constructs
// that JS lacks (\Q..\E, recursion, conditionals, callouts) are reported although the broker would
// take them, and a few patterns JS accepts may still fail in PCRE. The common PCRE extras (inline
// flags like (?i), atomic groups, possessive quantifiers) are rewritten before compiling, and JS's
// lenient mode is tried after unicode mode, so `\-` and friends pass as they do in PCRE.
import type { SpecNode } from '../tree.js';
import { child, displayPath, stringOf, type PathSegment } from '../tree.js';
import type { Report, Rule } from './report.js';

export const regexRules: Rule = (spec, report) => {
  for (const vhost of spec.vhosts.values()) {
    for (const policy of [...vhost.policies.values(), ...vhost.operator_policies.values()]) {
      check(child(policy.node, 'pattern'), [...policy.path, 'pattern'], false, report);
    }
  }
  for (const user of spec.users.values()) {
    for (const permission of user.permissions.values()) {
      for (const key of ['configure', 'write', 'read']) check(child(permission.node, key), [...permission.path, key], false, report);
    }
    for (const tp of user.topic_permissions) {
      for (const key of ['write', 'read']) check(child(tp.node, key), [...tp.path, key], true, report);
    }
  }
};

function check(node: SpecNode | undefined, path: PathSegment[], topic: boolean, report: Report): void {
  const pattern = stringOf(node);
  if (!node || pattern === undefined) return;
  const problem = regexProblem(topic ? expandTopicVariables(pattern) : pattern);
  if (problem) report.error('E_REGEX', node.origin, `${displayPath(path)}: not a valid regular expression (${problem})`);
}

/** Topic permissions may name {username}, {vhost} and {client_id}; the broker fills them in first. */
function expandTopicVariables(pattern: string): string {
  return pattern.replace(/\{(username|vhost|client_id)\}/g, 'x');
}

/** Undefined when the pattern compiles; otherwise the engine's reason. */
export function regexProblem(pattern: string): string | undefined {
  const js = pattern
    .replace(/\(\?[imsxU]+\)/g, '') // inline flags, which JS (before Node 23) does not know
    .replace(/\(\?>/g, '(?:') // atomic group -> plain group: same language, for compiling
    .replace(/([*+?}])\+/g, '$1'); // possessive quantifier -> greedy
  try {
    new RegExp(js, 'u');
    return undefined;
  } catch (strict) {
    try {
      new RegExp(js);
      return undefined;
    } catch {
      const message = strict instanceof Error ? strict.message : String(strict);
      return message.slice(message.lastIndexOf(': ') + 2) || message;
    }
  }
}
