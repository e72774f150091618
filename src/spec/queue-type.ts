// A queue's type, decided in one place for the rules and the model alike: `type`, else the
// x-queue-type argument, else the vhost's default_queue_type in the spec, else classic.
import { QUEUE_TYPES, type QueueType } from '../model/types.js';
import { field, type VhostDecl } from './spec-index.js';
import { child, stringOf, type MapNode } from './tree.js';

export function asQueueType(value: unknown): QueueType | undefined {
  return QUEUE_TYPES.find((t) => t === value);
}

export function queueTypeOf(queue: MapNode, vhost: VhostDecl): QueueType {
  return (
    asQueueType(stringOf(child(queue, 'type'))) ??
    asQueueType(stringOf(child(child(queue, 'arguments'), 'x-queue-type'))) ??
    asQueueType(stringOf(field(vhost.fields, 'default_queue_type')?.value)) ??
    'classic'
  );
}
