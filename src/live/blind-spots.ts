// What a definitions file cannot show, so `plan --live FILE` does not plan changes that are not
// real (DESIGN.md: nothing skipped silently, and nothing invented either). Two sources lack things
// (shared/corpus/definitions/SOURCES.md, checked on 3.10.8):
// - GET /api/definitions of 3.10 writes vhosts as names only: no description, tags or default queue type;
// - `rabbitmqctl export_definitions` leaves internal exchanges out (and the `internal` key of the rest).
// Where the file is blind, the spec's own value stands in for the live one, and the plan says so in one line.
import type { Diagnostic } from '../errors.js';
import { describeResource } from '../model/keys.js';
import type { Resource, Vhost } from '../model/types.js';
import type { BlindSpots, LiveState } from './types.js';

/** Which blind spots a parsed definitions file has, from its shape. */
export function blindSpotsOf(d: Record<string, unknown>): BlindSpots {
  const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);
  const vhosts = records(d['vhosts']);
  const exchanges = records(d['exchanges']);
  const vhostMetadata = vhosts.length > 0 && vhosts.every((v) => !['description', 'tags', 'metadata', 'default_queue_type'].some((k) => Object.hasOwn(v, k)));
  // rabbitmqctl writes rabbit_version and rabbitmq_version and never product_version; the HTTP export adds it.
  const ctl = Object.hasOwn(d, 'rabbit_version') && !Object.hasOwn(d, 'product_version');
  const internalExchanges = exchanges.length > 0 ? exchanges.every((e) => !Object.hasOwn(e, 'internal')) : ctl;
  return { vhostMetadata, internalExchanges };
}

/** Sentences for `export --from`: what the export cannot contain because the file lacks it. */
export function blindSpotWarnings(live: Pick<LiveState, 'source' | 'blind'>): string[] {
  const out: string[] = [];
  if (live.blind?.vhostMetadata) out.push(`${live.source} holds vhost names only (GET /api/definitions of RabbitMQ 3.10 leaves their metadata out): the export has no vhost descriptions, tags or default queue types; export from the broker (--management) to keep them`);
  if (live.blind?.internalExchanges) out.push(`${live.source} is a rabbitmqctl export_definitions file, which leaves internal exchanges out: the export has none, nor the bindings to them; export from the broker (--management) to keep them`);
  return out;
}

/**
 * The live model with the spec's values where the file is blind, and one warning per blind spot
 * that mattered (the spec states something the file cannot show).
 */
export function fillBlindSpots(live: LiveState, desired: ReadonlyMap<string, Resource>): { resources: Map<string, Resource>; notes: Diagnostic[] } {
  if (!live.blind?.vhostMetadata && !live.blind?.internalExchanges) return { resources: live.model.resources, notes: [] }; // a broker sees everything
  const resources = new Map(live.model.resources);
  const notes: Diagnostic[] = [];
  if (live.blind?.vhostMetadata) {
    let filled = 0;
    for (const [key, want] of desired) {
      const have = resources.get(key);
      if (want.kind !== 'vhost' || have?.kind !== 'vhost') continue;
      if (want.description === undefined && want.tags === undefined && want.default_queue_type === undefined) continue;
      const merged: Vhost = { ...have, description: want.description ?? have.description, tags: want.tags ?? have.tags, default_queue_type: want.default_queue_type ?? have.default_queue_type };
      resources.set(key, merged);
      filled++;
    }
    if (filled > 0) notes.push(note(`${live.source} has no vhost metadata (GET /api/definitions of RabbitMQ 3.10 leaves it out): the description, tags and default_queue_type of ${filled === 1 ? '1 vhost are' : `${filled} vhosts are`} not compared`));
  }
  if (live.blind?.internalExchanges) {
    const missing: string[] = [];
    for (const [key, want] of desired) {
      if (want.kind !== 'exchange' || !want.internal || resources.has(key)) continue;
      resources.set(key, want);
      missing.push(describeResource(want));
    }
    if (missing.length > 0) {
      const shown = missing.sort().slice(0, 3).join(', ') + (missing.length > 3 ? `, and ${missing.length - 3} more` : '');
      notes.push(note(`${live.source} is a rabbitmqctl export, which leaves internal exchanges out: ${missing.length === 1 ? '1 internal exchange' : `${missing.length} internal exchanges`} of the spec (${shown}) not compared`));
    }
  }
  return { resources, notes };
}

function note(message: string): Diagnostic {
  return { severity: 'warning', code: 'W_LIVE_FILE', message };
}
