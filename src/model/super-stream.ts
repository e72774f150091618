// The objects a super stream stands for, named as RabbitMQ's own tooling names them
// (rabbit_stream_manager:create_super_stream; `rabbitmq-streams add_super_stream NAME --partitions N`
// gives streams NAME-0..NAME-(N-1) with binding keys "0".."N-1").
import type { Binding, Exchange, Queue, SuperStream } from './types.js';

export const PARTITION_ORDER_ARG = 'x-stream-partition-order';
export const SUPER_STREAM_ARG = 'x-super-stream';

export function partitionStreamName(superStream: string, bindingKey: string): string {
  return `${superStream}-${bindingKey}`;
}

/** `partitions: N` as the binding keys "0".."N-1". */
export function numberedPartitions(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(i));
}

export interface SuperStreamParts {
  exchange: Exchange;
  streams: Queue[];
  bindings: Binding[];
}

export function superStreamParts(s: SuperStream): SuperStreamParts {
  const exchange: Exchange = { kind: 'exchange', vhost: s.vhost, name: s.name, type: 'direct', durable: true, auto_delete: false, internal: false, arguments: { [SUPER_STREAM_ARG]: true } };
  const streams: Queue[] = s.partitions.map((key) => ({ kind: 'queue', vhost: s.vhost, name: partitionStreamName(s.name, key), type: 'stream', durable: true, auto_delete: false, arguments: { ...s.arguments } }));
  const bindings: Binding[] = s.partitions.map((key, i) => ({
    kind: 'binding',
    vhost: s.vhost,
    source: s.name,
    destination_type: 'queue',
    destination: partitionStreamName(s.name, key),
    routing_key: key,
    arguments: { [PARTITION_ORDER_ARG]: i },
  }));
  return { exchange, streams, bindings };
}
