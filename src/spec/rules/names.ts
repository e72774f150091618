// Names RabbitMQ cannot hold (empty, or longer than a short string's 255 bytes) or keeps for
// itself (`amq.*`, the default exchange ""). Names are otherwise free: `/`, `#`, spaces, unicode.
import type { Origin } from '../../errors.js';
import { HOLDING_QUEUE_PREFIX } from '../../model/holding-queue.js';
import type { Declared } from '../spec-index.js';
import { displayPath, type PathSegment } from '../tree.js';
import type { Report, Rule } from './report.js';

/** AMQP 0-9-1 short strings carry at most 255 bytes, and names travel as short strings. */
export const MAX_NAME_BYTES = 255;

export const namesRule: Rule = (spec, report) => {
  for (const vhost of spec.vhosts.values()) {
    checkLength(`vhost`, vhost.name, ['vhosts', vhost.name], vhost.origin, report);
    for (const exchange of vhost.exchanges.values()) {
      if (exchange.name === '') {
        report.error('E_NAME', exchange.origin, `${where(exchange)}: the default exchange ("") is built in and cannot be declared`);
        continue;
      }
      checkReserved('exchange', exchange, report);
      checkLength('exchange', exchange.name, exchange.path, exchange.origin, report);
    }
    for (const queue of vhost.queues.values()) {
      if (queue.name === '') {
        report.error('E_NAME', queue.origin, `${where(queue)}: a queue needs a name (server-named queues belong to applications, not to a spec)`);
        continue;
      }
      checkReserved('queue', queue, report);
      checkLength('queue', queue.name, queue.path, queue.origin, report);
    }
    for (const policy of [...vhost.policies.values(), ...vhost.operator_policies.values()]) {
      checkLength('policy', policy.name, policy.path, policy.origin, report);
    }
  }
  for (const user of spec.users.values()) checkLength('user', user.name, ['users', user.name], user.origin, report);
};

function where(d: Declared): string {
  return displayPath(d.path);
}

function checkReserved(kind: 'exchange' | 'queue', d: Declared, report: Report): void {
  if (d.name.startsWith('amq.')) {
    report.error('E_NAME', d.origin, `${where(d)}: ${kind} names starting with \`amq.\` are reserved for the broker`);
  }
  if (kind === 'queue' && d.name.startsWith(HOLDING_QUEUE_PREFIX)) {
    report.error('E_NAME', d.origin, `${where(d)}: queue names starting with \`${HOLDING_QUEUE_PREFIX}\` are reserved for the holding queues of warren's migrations`);
  }
}

/** The path is shown only when something is wrong: this runs for every object of the spec. */
function checkLength(kind: string, name: string, at: readonly PathSegment[], origin: Origin, report: Report): void {
  const path = (): string => displayPath(at);
  if (name === '') {
    report.error('E_NAME', origin, `${path()}: a ${kind} name cannot be empty`);
    return;
  }
  if (name === '.' || name === '..') {
    // The broker holds them, but no HTTP client can address them: URLs resolve them as path steps.
    report.error('E_NAME', origin, `${path()}: a ${kind} cannot be called "${name}": the management API cannot address that name`);
    return;
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) {
    report.error('E_NAME', origin, `${path()}: a ${kind} name can be at most ${MAX_NAME_BYTES} bytes of UTF-8; this one is ${bytes}`);
  }
}
