// Runtime parameters, shovels and super streams: what the schema cannot say. Components warren
// has a section for are refused under the generic `parameters` (two sections would fight over one
// object), RabbitMQ's internal global parameters are never declared, a shovel needs one source and
// at most one destination of its protocol, and a super stream's exchange and streams must not
// collide with the spec's own exchanges and queues.
import { internalGlobalParameter } from '../../model/internal-parameters.js';
import { partitionStreamName, numberedPartitions } from '../../model/super-stream.js';
import { child, displayPath, entry, itemsOf, numberOf, stringOf, type PathSegment, type SpecNode } from '../tree.js';
import type { Report, Rule } from './report.js';
import type { Origin } from '../../errors.js';

/** component -> where it belongs in a spec. */
const OWN_SECTIONS: Record<string, string> = {
  'federation-upstream': 'federation_upstreams',
  'federation-upstream-set': 'federation_upstream_sets',
  shovel: 'shovels',
  policy: 'policies',
  operator_policy: 'operator_policies',
  'vhost-limits': 'limits',
};

export const parameterRules: Rule = (spec, report) => {
  for (const g of spec.globalParameters.values()) {
    const internal = internalGlobalParameter(g.name);
    if (internal !== undefined) report.error('E_NAME', g.origin, `${displayPath(g.path)}: ${g.name} is ${internal} and cannot be declared`);
  }
  for (const vhost of spec.vhosts.values()) {
    for (const p of vhost.parameters.values()) {
      const section = OWN_SECTIONS[p.component];
      if (section) report.error('E_CONFLICT', p.origin, `${displayPath(p.path)}: component ${p.component} has its own section: declare it under vhosts.${vhost.name}.${section}`);
    }
    for (const shovel of vhost.shovels.values()) shovelRules(shovel.node, shovel.path, shovel.origin, report);
    const exchanges = new Set(vhost.exchanges.keys());
    const queues = new Set(vhost.queues.keys());
    for (const ss of vhost.super_streams.values()) {
      if (exchanges.has(ss.name)) report.error('E_CONFLICT', ss.origin, `${displayPath(ss.path)}: the super stream's exchange ${ss.name} is also declared under exchanges`);
      const count = numberOf(child(ss.node, 'partitions'));
      const keys = count !== undefined ? numberedPartitions(count) : itemsOf(child(ss.node, 'binding_keys')).map((n) => stringOf(n) ?? '');
      for (const key of keys) {
        const stream = partitionStreamName(ss.name, key);
        if (queues.has(stream)) report.error('E_CONFLICT', ss.origin, `${displayPath(ss.path)}: partition stream ${stream} is also declared under queues`);
      }
    }
  }
};

function shovelRules(node: SpecNode, path: PathSegment[], origin: Origin, report: Report): void {
  const has = (k: string): boolean => entry(node, k) !== undefined;
  const srcProtocol = stringOf(child(node, 'src-protocol')) ?? 'amqp091';
  const destProtocol = stringOf(child(node, 'dest-protocol')) ?? 'amqp091';
  const where = displayPath(path);
  if (srcProtocol === 'amqp091') {
    if (has('src-queue') === has('src-exchange')) report.error('E_CONFLICT', origin, `${where}: an AMQP 0-9-1 source needs exactly one of src-queue and src-exchange`);
    if (has('src-address')) report.error('E_CONFLICT', origin, `${where}: src-address is for src-protocol amqp10`);
  } else {
    if (!has('src-address')) report.error('E_CONFLICT', origin, `${where}: an AMQP 1.0 source needs src-address`);
    for (const k of ['src-queue', 'src-exchange', 'src-exchange-key']) if (has(k)) report.error('E_CONFLICT', origin, `${where}: ${k} is for src-protocol amqp091; use src-address`);
  }
  if (destProtocol === 'amqp091') {
    if (has('dest-queue') && has('dest-exchange')) report.error('E_CONFLICT', origin, `${where}: dest-queue and dest-exchange exclude each other`);
    if (has('dest-address')) report.error('E_CONFLICT', origin, `${where}: dest-address is for dest-protocol amqp10`);
  } else {
    if (!has('dest-address')) report.error('E_CONFLICT', origin, `${where}: an AMQP 1.0 destination needs dest-address`);
    for (const k of ['dest-queue', 'dest-exchange', 'dest-exchange-key']) if (has(k)) report.error('E_CONFLICT', origin, `${where}: ${k} is for dest-protocol amqp091; use dest-address`);
  }
  if (typeof numberOf(child(node, 'src-delete-after')) === 'number' && stringOf(child(node, 'ack-mode')) === 'no-ack') {
    report.error('E_CONFLICT', origin, `${where}: a numeric src-delete-after cannot go with ack-mode no-ack (RabbitMQ refuses it)`);
  }
}
