// Rules about names that point at objects nobody declares.
import { describeResource } from '../../model/keys.js';
import type { Exchange, Model, Policy, Queue } from '../../model/types.js';
import { effectiveSettings } from '../effective.js';
import { exchangesOf, queuesOf } from './rules-queues.js';
import type { LintInput, LintRule } from './types.js';
import type { Source } from '../effective.js';

const BUILT_IN = new Set(['', 'amq.direct', 'amq.fanout', 'amq.topic', 'amq.headers', 'amq.match', 'amq.rabbitmq.trace']);

function exchangeExists(model: Model, vhost: string, name: string): boolean {
  return BUILT_IN.has(name) || model.resources.has(`exchange:${JSON.stringify([vhost, name])}`);
}

function queueExists(model: Model, vhost: string, name: string): boolean {
  return model.resources.has(`queue:${JSON.stringify([vhost, name])}`);
}

function policiesOf(model: Model): Policy[] {
  return [...model.resources.values()].filter((r): r is Policy => r.kind === 'policy' || r.kind === 'operator_policy');
}

/**
 * An exchange named by a queue's or exchange's effective setting (an argument or a policy key)
 * that is not declared in its vhost.
 */
function missingExchangeCheck(
  objectsOf: (input: LintInput) => (Queue | Exchange)[],
  key: 'dead-letter-exchange' | 'alternate-exchange',
  what: string,
  sourceOf: (source: Source) => string | undefined,
): LintRule['check'] {
  return (input, report) => {
    const policies = policiesOf(input.model);
    for (const o of objectsOf(input)) {
      const s = effectiveSettings(o, policies, input.brokerVersion).settings.find((x) => x.key === key && !x.ignored);
      if (typeof s?.value !== 'string' || exchangeExists(input.model, o.vhost, s.value)) continue;
      const from = sourceOf(s.source);
      report({ object: describeResource(o), origin: o.origin, message: `${what} ${JSON.stringify(s.value)}${from !== undefined ? ` (from ${from})` : ''} is not declared in vhost ${o.vhost}` });
    }
  };
}

export const missingDeadLetterExchange: LintRule = {
  id: 'dead-letter-exchange-missing',
  severity: 'warning',
  title: 'a dead-letter exchange that is not declared',
  why: 'dead-lettered messages (rejected, expired, over a length limit) are dropped without a trace while the exchange does not exist',
  fix: 'declare the exchange in the same vhost, or fix its name',
  check: missingExchangeCheck(queuesOf, 'dead-letter-exchange', 'dead-letter exchange', (source) =>
    source.from === 'argument' ? 'its x-dead-letter-exchange argument' : `${source.from === 'policy' ? 'policy' : 'operator policy'} ${source.policy}`,
  ),
};

export const missingAlternateExchange: LintRule = {
  id: 'alternate-exchange-missing',
  severity: 'warning',
  title: 'an alternate exchange that is not declared',
  why: 'unroutable messages are dropped instead of reaching the alternate exchange while it does not exist',
  fix: 'declare the exchange in the same vhost, or fix its name',
  check: missingExchangeCheck(exchangesOf, 'alternate-exchange', 'alternate exchange', () => undefined),
};

export const missingBindingEnd: LintRule = {
  id: 'binding-end-missing',
  severity: 'error',
  title: 'a binding whose source or destination is not declared',
  why: 'the broker refuses the binding (404), and a definitions import drops it silently',
  fix: 'declare both ends in the binding\'s vhost, or remove the binding',
  check(input, report) {
    for (const b of input.model.resources.values()) {
      if (b.kind !== 'binding') continue;
      const missing: string[] = [];
      if (!exchangeExists(input.model, b.vhost, b.source) || b.source === '') missing.push(`source exchange ${JSON.stringify(b.source)}`);
      const there = b.destination_type === 'queue' ? queueExists(input.model, b.vhost, b.destination) : exchangeExists(input.model, b.vhost, b.destination);
      if (!there) missing.push(`destination ${b.destination_type} ${JSON.stringify(b.destination)}`);
      if (missing.length > 0) report({ object: describeResource(b), origin: b.origin, message: `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not declared in vhost ${b.vhost}` });
    }
  },
};
