// A quorum queue or stream left half made by the broker (live/half-made-queues.ts and
// live/listed-half-made.ts find them): its record exists, its Raft group does not, so it can hold
// no messages and serve no client. When the spec declares it, the plan replaces it (delete the
// record, declare it again) and warns, saying what happened and how to fix it by hand; no
// messages can be lost, so no --allow-data-loss.
import type { Diagnostic } from '../errors.js';
import { describeResource } from '../model/keys.js';
import type { Queue, Resource } from '../model/types.js';
import type { Change } from './types.js';

export const HALF_MADE_REASON = 'half made: the broker has its record but no Raft group (a node died while it was declared); it holds no messages, so it is deleted and declared again';

export function isHalfMade(live: Resource): live is Queue {
  return live.kind === 'queue' && live.live?.half_made === true;
}

export function replaceHalfMade(key: string, desired: Resource, live: Queue): Change {
  return { action: 'replace', key, kind: desired.kind, title: describeResource(desired), before: live, after: desired, fields: [], forcedBy: [], reason: HALF_MADE_REASON };
}

export function halfMadeWarning(live: Queue): Diagnostic {
  const vhost = live.vhost === '/' ? '' : ` -p '${live.vhost}'`;
  return {
    severity: 'warning',
    code: 'W_HALF_MADE',
    message:
      `${live.type} queue ${live.vhost}/${live.name} is half made: the broker keeps its record but never formed its Raft group (a node died while it was being declared), ` +
      `so it cannot be used. apply deletes it and declares it again (it cannot hold messages); by hand: rabbitmqctl delete_queue${vhost} '${live.name}'`,
  };
}
