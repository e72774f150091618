// Rules about names that point at objects nobody declares.
import { describeResource } from '../../model/keys.js';
import type { Model, Policy } from '../../model/types.js';
import { effectiveSettings } from '../effective.js';
import { exchangesOf, queuesOf } from './rules-queues.js';
import type { LintRule } from './types.js';

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

export const missingDeadLetterExchange: LintRule = {
  id: 'dead-letter-exchange-missing',
  severity: 'warning',
  title: 'a dead-letter exchange that is not declared',
  why: 'dead-lettered messages (rejected, expired, over a length limit) are dropped without a trace while the exchange does not exist',
  fix: 'declare the exchange in the same vhost, or fix its name',
  check(input, report) {
    const policies = policiesOf(input.model);
    for (const q of queuesOf(input)) {
      const s = effectiveSettings(q, policies, input.brokerVersion).settings.find((x) => x.key === 'dead-letter-exchange' && !x.ignored);
      if (typeof s?.value !== 'string' || exchangeExists(input.model, q.vhost, s.value)) continue;
      const from = s.source.from === 'argument' ? 'its x-dead-letter-exchange argument' : `${s.source.from === 'policy' ? 'policy' : 'operator policy'} ${s.source.policy}`;
      report({ object: describeResource(q), origin: q.origin, message: `dead-letter exchange ${JSON.stringify(s.value)} (from ${from}) is not declared in vhost ${q.vhost}` });
    }
  },
};

export const missingAlternateExchange: LintRule = {
  id: 'alternate-exchange-missing',
  severity: 'warning',
  title: 'an alternate exchange that is not declared',
  why: 'unroutable messages are dropped instead of reaching the alternate exchange while it does not exist',
  fix: 'declare the exchange in the same vhost, or fix its name',
  check(input, report) {
    const policies = policiesOf(input.model);
    for (const x of exchangesOf(input)) {
      const s = effectiveSettings(x, policies, input.brokerVersion).settings.find((v) => v.key === 'alternate-exchange' && !v.ignored);
      if (typeof s?.value !== 'string' || exchangeExists(input.model, x.vhost, s.value)) continue;
      report({ object: describeResource(x), origin: x.origin, message: `alternate exchange ${JSON.stringify(s.value)} is not declared in vhost ${x.vhost}` });
    }
  },
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
