// Exchange arguments the broker or a well-known plugin checks: alternate-exchange is a name, and a
// delayed-message exchange needs the type it routes with once the delay is over.
import { closest } from '../suggest.js';
import { child, displayPath, entriesOf, entry, plainScalarOf, stringOf } from '../tree.js';
import type { Rule } from './report.js';

const DELAYED_TYPES = ['direct', 'fanout', 'topic', 'headers'];
const KNOWN_ARGUMENTS = ['alternate-exchange', 'x-delayed-type'];

export const exchangeRules: Rule = (spec, report) => {
  for (const vhost of spec.vhosts.values()) {
    for (const exchange of vhost.exchanges.values()) {
      const args = child(exchange.node, 'arguments');
      // The broker keeps any argument; one a letter or two from a known one is a typo that would
      // leave the exchange without its alternate exchange, and fixing it later forces a replace.
      for (const [name, e] of entriesOf(args)) {
        const meant = KNOWN_ARGUMENTS.includes(name) ? undefined : closest(name, KNOWN_ARGUMENTS);
        if (meant !== undefined) report.error('E_ARGUMENT', e.keyOrigin, `${displayPath([...exchange.path, 'arguments', name])}: unknown exchange argument \`${name}\`; did you mean \`${meant}\`?`);
      }
      const ae = entry(args, 'alternate-exchange');
      if (ae && typeof plainScalarOf(ae.value) !== 'string') {
        report.error('E_ARGUMENT', ae.value.origin, `${displayPath([...exchange.path, 'arguments', 'alternate-exchange'])}: must be an exchange name (a string)`);
      }
      if (stringOf(child(exchange.node, 'type')) !== 'x-delayed-message') continue;
      const delayed = entry(args, 'x-delayed-type');
      const value = plainScalarOf(delayed?.value);
      if (!delayed) {
        report.error('E_ARGUMENT', exchange.origin, `${displayPath(exchange.path)}: an x-delayed-message exchange needs \`arguments: { x-delayed-type: <type> }\` (one of ${DELAYED_TYPES.join(', ')})`);
      } else if (typeof value !== 'string' || !(DELAYED_TYPES.includes(value) || value.startsWith('x-'))) {
        report.error('E_ARGUMENT', delayed.value.origin, `${displayPath([...exchange.path, 'arguments', 'x-delayed-type'])}: must be one of: ${DELAYED_TYPES.join(', ')}`);
      }
    }
  }
};
