// Bindings connect objects the spec declares, in the same vhost: a binding to something missing
// is exactly what import_definitions drops without a word. The built-in amq.* exchanges may be
// used without being declared; the default exchange cannot be bound at all.
import type { BindingDecl, SpecIndex, VhostDecl } from '../spec-index.js';
import { child, displayPath, entry, plainScalarOf, stringOf } from '../tree.js';
import type { Report, Rule } from './report.js';

/** Exchanges every vhost has from birth. */
export const BUILT_IN_EXCHANGES: ReadonlySet<string> = new Set(['amq.direct', 'amq.fanout', 'amq.topic', 'amq.headers', 'amq.match', 'amq.rabbitmq.trace']);

const X_MATCH = ['all', 'any', 'all-with-x', 'any-with-x'];

export const bindingRules: Rule = (spec, report) => {
  for (const vhost of spec.vhosts.values()) {
    for (const binding of vhost.bindings) {
      checkEnd(spec, vhost, binding, 'source', report);
      const dest = child(binding.node, 'queue') ? 'queue' : 'exchange';
      checkEnd(spec, vhost, binding, dest, report);
      checkHeadersMatch(vhost, binding, report);
      checkListable(binding, report);
    }
  }
};

function checkEnd(spec: SpecIndex, vhost: VhostDecl, binding: BindingDecl, key: 'source' | 'queue' | 'exchange', report: Report): void {
  const node = child(binding.node, key);
  const name = stringOf(node);
  if (!node || name === undefined) return;
  // Shown only in a message: most bindings have none.
  const path = (): string => displayPath([...binding.path, key]);
  const isQueue = key === 'queue';
  if (!isQueue && name === '') {
    report.error('E_NAME', node.origin, `${path()}: the default exchange ("") cannot be bound; it already routes to every queue by the queue's name`);
    return;
  }
  if (!isQueue && BUILT_IN_EXCHANGES.has(name)) return;
  const declared = isQueue ? vhost.queues : vhost.exchanges;
  if (declared.has(name)) return;
  const kind = isQueue ? 'queue' : 'exchange';
  const elsewhere = [...spec.vhosts.values()].find((v) => v !== vhost && (isQueue ? v.queues : v.exchanges).has(name));
  const hint = elsewhere ? ` (vhost \`${elsewhere.name}\` declares one, but a binding cannot cross vhosts)` : '';
  report.error('E_REFERENCE', node.origin, `${path()}: ${kind} \`${name}\` is not declared in vhost \`${vhost.name}\`${hint}`);
}

/** Headers exchanges read x-match from the binding; the broker refuses other values. */
function checkHeadersMatch(vhost: VhostDecl, binding: BindingDecl, report: Report): void {
  const xMatch = entry(child(binding.node, 'arguments'), 'x-match');
  if (!xMatch) return;
  const source = stringOf(child(binding.node, 'source')) ?? '';
  const type = stringOf(child(vhost.exchanges.get(source)?.node, 'type'));
  const headers = type === 'headers' || source === 'amq.headers' || source === 'amq.match';
  if (!headers) return;
  const value = plainScalarOf(xMatch.value);
  if (typeof value !== 'string' || !X_MATCH.includes(value)) {
    report.error('E_ARGUMENT', xMatch.value.origin, `${displayPath([...binding.path, 'arguments', 'x-match'])}: must be one of: ${X_MATCH.join(', ')}`);
  }
}

/**
 * RabbitMQ's management plugin (3.10 to 4.x) crashes formatting a binding whose routing key holds
 * "~" and that has arguments, and from then on every binding listing answers HTTP 500: warren could
 * never read the broker again. Refused here, before anything is written.
 */
function checkListable(binding: BindingDecl, report: Report): void {
  const b = binding.resource;
  if (b.routing_key.includes('~') && Object.keys(b.arguments).length > 0) {
    const node = child(binding.node, 'routing_key') ?? binding.node;
    report.error('E_NAME', node.origin, `${displayPath([...binding.path, 'routing_key'])}: a routing key with "~" cannot go with binding arguments: RabbitMQ's management API fails on such a binding (every binding listing answers HTTP 500)`);
  }
}
