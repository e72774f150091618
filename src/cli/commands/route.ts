// `warren route VHOST EXCHANGE ROUTING_KEY [--header k=v]... [PATH...]`: which queues a message
// would reach, and where it goes when dead-lettered, simulated over the spec (and the broker's
// objects when one is named).
import { deadLetterPaths, exchangeType, routeMessage, topologyOf, type Message } from '../../analyse/route.js';
import { closest } from '../../spec/suggest.js';
import type { HeaderValue } from '../../analyse/match.js';
import { WarrenError } from '../../errors.js';
import { renderRouteJson, renderRouteText } from '../../render/route.js';
import type { Outcome } from '../exit.js';
import { processIo, type CommandIo } from '../io.js';
import { loadTopology, type TopologyRequest } from '../../workflow/load-topology.js';

export interface RouteOptions extends TopologyRequest {
  vhost: string;
  exchange: string;
  routingKey: string;
  /** `k=v` (a string) or `k:=JSON` (a number, boolean or null). */
  headers: readonly string[];
  format: 'text' | 'json';
}

export function parseHeaders(pairs: readonly string[]): Record<string, HeaderValue> {
  const out: Record<string, HeaderValue> = Object.create(null) as Record<string, HeaderValue>;
  for (const pair of pairs) {
    const typed = /^([^=:]+):=(.*)$/s.exec(pair);
    if (typed) {
      let v: unknown;
      try {
        v = JSON.parse(typed[2] as string);
      } catch {
        v = undefined;
      }
      if (v !== null && typeof v !== 'number' && typeof v !== 'boolean') throw new WarrenError('E_USAGE', `--header ${pair}: after := give a number, true, false or null`);
      out[typed[1] as string] = v as HeaderValue;
      continue;
    }
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new WarrenError('E_USAGE', `--header ${pair}: write NAME=VALUE (a string) or NAME:=JSON (a number, boolean or null)`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export async function routeCommand(options: RouteOptions, io: CommandIo = processIo()): Promise<Outcome> {
  const headers = parseHeaders(options.headers);
  const topology = await loadTopology(options, (line) => io.progress(line));
  if (!topology.spec.vhosts.includes(options.vhost) && !topology.live) {
    throw new WarrenError('E_USAGE', `vhost ${JSON.stringify(options.vhost)} is not in the spec (it has: ${topology.spec.vhosts.join(', ') || 'none'})`);
  }
  const t = topologyOf(topology.model, options.vhost, topology.brokerVersion);
  if (exchangeType(t, options.exchange) === undefined) {
    const near = closest(options.exchange, t.exchanges.keys());
    throw new WarrenError('E_USAGE', `exchange ${JSON.stringify(options.exchange)} is not in vhost ${options.vhost}${near !== undefined ? `; did you mean ${JSON.stringify(near)}?` : ''} (the broker would refuse the publish with 404)`);
  }
  const message: Message = { vhost: options.vhost, exchange: options.exchange, routingKey: options.routingKey, headers };
  const result = routeMessage(t, message);
  const dead = deadLetterPaths(t, message, result.queues);
  io.stdout.write(options.format === 'json' ? renderRouteJson(message, result, dead) : renderRouteText(message, result, dead));
  return { kind: 'ok' };
}
