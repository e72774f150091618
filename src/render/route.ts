// How `warren route` shows where a message goes.
import type { DeadLetterPath, Hop, Message, RouteResult } from '../analyse/route.js';
import { printable } from './format.js';

function hopLine(h: Hop): string {
  switch (h.kind) {
    case 'binding': {
      const args = Object.keys(h.arguments).length > 0 ? ` ${JSON.stringify(h.arguments)}` : '';
      return `${h.from || '(default)'} -> ${h.destinationType} ${h.to}   [binding ${JSON.stringify(h.bindingKey)}${args}]`;
    }
    case 'default':
      return `(default exchange) -> queue ${h.to}   [the routing key names the queue]`;
    case 'alternate':
      return `${h.from} -> exchange ${h.to}   [alternate exchange: nothing else matched]`;
  }
}

export function renderRouteText(m: Message, r: RouteResult, dead: readonly DeadLetterPath[]): string {
  const headers = Object.keys(m.headers).length > 0 ? ` headers ${JSON.stringify(m.headers)}` : '';
  const lines = [`A message to exchange ${JSON.stringify(m.exchange)} in vhost ${m.vhost} with routing key ${JSON.stringify(m.routingKey)}${headers}:`];
  lines.push(r.queues.length > 0 ? `  reaches ${r.queues.length} queue${r.queues.length === 1 ? '' : 's'}: ${r.queues.join(', ')}` : '  reaches no queue: it is dropped (or returned, if published mandatory)');
  for (const h of r.hops) lines.push(`    ${hopLine(h)}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  for (const d of dead) {
    lines.push(`  if rejected or expired in ${d.queue}: dead-lettered to exchange ${JSON.stringify(d.exchange)} with routing key ${JSON.stringify(d.routingKey)}, reaching ${d.route.queues.length > 0 ? d.route.queues.join(', ') : 'no queue'}`);
    for (const n of d.route.notes) lines.push(`    note: ${n}`);
  }
  // Names are user data: control characters print as visible escapes (see printable).
  return `${lines.map(printable).join('\n')}\n`;
}

export function renderRouteJson(m: Message, r: RouteResult, dead: readonly DeadLetterPath[]): string {
  const out = {
    format_version: 1,
    message: { vhost: m.vhost, exchange: m.exchange, routing_key: m.routingKey, headers: m.headers },
    queues: r.queues,
    hops: r.hops,
    exchanges: r.exchanges,
    notes: r.notes,
    dead_letter: dead.map((d) => ({ queue: d.queue, exchange: d.exchange, routing_key: d.routingKey, queues: d.route.queues, hops: d.route.hops, notes: d.route.notes })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
