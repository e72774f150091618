// Queues: arguments the queue's type accepts, with values the broker takes (E_ARGUMENT), and the
// properties replicated types insist on (E_QUEUE_TYPE). Caught here, these never reach a
// 406 PRECONDITION_FAILED at deploy time.
import type { Origin } from '../../errors.js';
import type { QueueType } from '../../model/types.js';
import { closest } from '../suggest.js';
import { asQueueType, queueTypeOf } from '../queue-type.js';
import type { Declared, VhostDecl } from '../spec-index.js';
import { booleanOf, child, displayPath, entriesOf, entry, plainScalarOf, scalarOf, stringOf } from '../tree.js';
import { QUEUE_ARGUMENTS, typesList } from './queue-argument-table.js';
import type { Report, Rule } from './report.js';

export const queueRules: Rule = (spec, report) => {
  for (const vhost of spec.vhosts.values()) {
    for (const queue of vhost.queues.values()) {
      const type = queueTypeOf(queue.node, vhost);
      checkTypeAgreement(queue, report);
      checkArguments(queue, type, report);
      checkReplicated(queue, type, vhost, report);
    }
  }
};

function checkTypeAgreement(queue: Declared, report: Report): void {
  const arg = entry(child(queue.node, 'arguments'), 'x-queue-type');
  if (!arg) return;
  const path = displayPath([...queue.path, 'arguments', 'x-queue-type']);
  const value = scalarOf(arg.value);
  const argType = asQueueType(value);
  if (!argType) {
    report.error('E_ARGUMENT', arg.value.origin, `${path}: must be one of: classic, quorum, stream`);
    return;
  }
  const declared = stringOf(child(queue.node, 'type'));
  if (declared !== undefined && declared !== argType) {
    report.error('E_ARGUMENT', arg.value.origin, `${path}: \`${argType}\` does not agree with \`type: ${declared}\`; state the type once, with \`type\``);
  }
}

function checkArguments(queue: Declared, type: QueueType, report: Report): void {
  const args = child(queue.node, 'arguments');
  for (const [name, e] of entriesOf(args)) {
    const rule = QUEUE_ARGUMENTS.get(name);
    if (!rule) {
      if (name !== 'x-queue-type') unknownArgument(name, e.keyOrigin, displayPath([...queue.path, 'arguments', name]), report);
      continue;
    }
    const path = (): string => displayPath([...queue.path, 'arguments', name]); // for a message only
    if (!rule.types.includes(type)) {
      report.error('E_ARGUMENT', e.keyOrigin, `${path()}: ${type === 'stream' ? 'streams do' : `${type} queues do`} not accept \`${name}\` (only ${typesList(rule.types)})`);
      continue;
    }
    const problem = rule.check(plainScalarOf(e.value), type);
    if (problem) report.error('E_ARGUMENT', e.value.origin, `${path()}: ${problem}`);
  }
  // rabbit_amqqueue:check_dlxrk_arg/2: a dead-letter routing key without an exchange is refused.
  const dlrk = entry(args, 'x-dead-letter-routing-key');
  if (dlrk && type !== 'stream' && !entry(args, 'x-dead-letter-exchange')) {
    report.error('E_ARGUMENT', dlrk.keyOrigin, `${displayPath([...queue.path, 'arguments', 'x-dead-letter-routing-key'])}: needs \`x-dead-letter-exchange\` beside it (the broker refuses a dead-letter routing key without an exchange)`);
  }
}

/**
 * The broker keeps any argument it does not know, and plugins read their own, so an unknown one
 * is a warning. An `x-` one a letter or two from a known argument is a typo, not a plugin's: that
 * is an error, because the broker would keep it silently, the intended setting would never
 * apply, and correcting it later forces a replace. Without the `x-` (`message-ttl`) it stays a
 * warning with the suggestion: brokers hold such arguments, and their export must validate.
 */
function unknownArgument(name: string, origin: Origin, path: string, report: Report): void {
  const known = [...QUEUE_ARGUMENTS.keys(), 'x-queue-type'];
  const typo = name.startsWith('x-') ? closest(name, known) : undefined;
  if (typo !== undefined) {
    report.error('E_ARGUMENT', origin, `${path}: unknown queue argument \`${name}\`; did you mean \`${typo}\`?`);
    return;
  }
  const prefixed = name.startsWith('x-') ? undefined : (closest(`x-${name}`, known) ?? closest(name, known));
  const hint = prefixed !== undefined ? `; did you mean \`${prefixed}\`? The broker ignores \`${name}\`` : '; the broker keeps it as it is (fine for a plugin\'s or an application\'s own)';
  report.warn('W_ARGUMENT', origin, `${path}: queue argument \`${name}\` is not one RabbitMQ defines${hint}`);
}

/** rabbit_quorum_queue / rabbit_stream_queue is_compatible/3: durable, not auto-delete, not exclusive. */
function checkReplicated(queue: Declared, type: QueueType, vhost: VhostDecl, report: Report): void {
  if (type === 'classic') return;
  const label = type === 'stream' ? 'streams' : 'quorum queues';
  const why = stringOf(child(queue.node, 'type')) !== undefined ? '' : ` (this queue is a ${type === 'stream' ? 'stream' : 'quorum queue'} by ${entry(child(queue.node, 'arguments'), 'x-queue-type') ? 'its x-queue-type argument' : `vhost \`${vhost.name}\`'s default_queue_type`})`;
  const durable = entry(queue.node, 'durable');
  if (durable && booleanOf(durable.value) === false) {
    report.error('E_QUEUE_TYPE', durable.value.origin, `${displayPath([...queue.path, 'durable'])}: ${label} are always durable${why}`);
  }
  const autoDelete = entry(queue.node, 'auto_delete');
  if (autoDelete && booleanOf(autoDelete.value) === true) {
    report.error('E_QUEUE_TYPE', autoDelete.value.origin, `${displayPath([...queue.path, 'auto_delete'])}: ${label} cannot be auto-delete${why}`);
  }
}
