// Export: read a broker (or a definitions file) and turn it into spec documents. Writing them out
// is the caller's business (the CLI writes a file, a folder or stdout).
import { BrokerApplyTarget } from '../apply/broker-target.js';
import { BrokerWriter } from '../apply/broker-writer.js';
import { WarrenError } from '../errors.js';
import { exportSpec, type ExportLayout, type ExportResult } from '../export/export.js';
import { blindSpotWarnings } from '../live/blind-spots.js';
import { managementClientFor } from '../live/connect-target.js';
import type { ManagementClient } from '../live/management-client.js';
import { readBroker } from '../live/read-broker.js';
import { readDefinitionsFile } from '../live/read-definitions.js';
import type { LiveState } from '../live/types.js';
import type { VersionTriple } from '../model/version-rules.js';
import { ownershipParameterName } from '../model/ownership-record.js';
import { resolveTarget, type ConnectionFlags, type Env } from './resolve-target.js';

export interface ExportRequest {
  env: Env;
  connection: ConnectionFlags;
  /** Read this definitions file instead of a broker. */
  from?: string | undefined;
  vhosts: string[];
  stack: string;
  /** The `$schema` reference written as each file's first comment line. */
  schema?: string | undefined;
  layout: ExportLayout;
  /** Rewrite what this RabbitMQ version refuses (model/upgrade.ts), each rewrite listed. */
  forVersion?: VersionTriple | undefined;
  /** With forVersion 4.x: classic queues a mirroring policy covered become quorum queues. */
  quorumForMirrored?: boolean | undefined;
  /**
   * Record the exported objects as owned by `stack` (adoption), so the first plan of the export
   * is exact: a queue removed from it is deleted. Needs a broker.
   */
  adopt?: boolean | undefined;
}

export interface ExportOutcome extends ExportResult {
  /** How many objects the stack owns after `adopt`; undefined without it. */
  adopted?: number | undefined;
  /** Exported objects the stack does not own (after `adopt`: none). */
  unowned: number;
}

export async function exportLive(request: ExportRequest, progress: (line: string) => void): Promise<ExportOutcome> {
  ownershipParameterName(request.stack); // the same limits as every stack name
  if (request.adopt === true && request.from !== undefined) {
    throw new WarrenError('E_USAGE', '--adopt records ownership in the broker, so it needs a broker: use --management (or WARREN_MANAGEMENT_URL) instead of --from, or drop --adopt and apply the export once');
  }
  const { live, client } = await readLive(request, progress);
  const exported = exportSpec(live, { stack: request.stack, vhosts: request.vhosts, schema: request.schema, forVersion: request.forVersion, quorumForMirrored: request.quorumForMirrored }, request.layout);
  const result = { ...exported, warnings: [...blindSpotWarnings(live), ...exported.warnings] };
  const before = live.ownership.get(request.stack) ?? new Set<string>();
  const unowned = result.adoptable.filter((k) => !before.has(k)).length;
  if (request.adopt !== true || !client) return { ...result, unowned };
  // What the stack owned and still exists stays owned (an export of some vhosts adds to it).
  const kept = [...(live.ownership.get(request.stack) ?? [])].filter((k) => live.model.resources.has(k));
  const owned = [...new Set([...kept, ...result.adoptable])].sort();
  await new BrokerApplyTarget(new BrokerWriter(client), undefined).recordOwnership(request.stack, owned);
  return { ...result, adopted: owned.length, unowned: 0 };
}

async function readLive(request: ExportRequest, progress: (line: string) => void): Promise<{ live: LiveState; client?: ManagementClient }> {
  if (request.from !== undefined) return { live: await readDefinitionsFile(request.from) };
  const target = resolveTarget([], request.connection, request.env);
  const { client } = managementClientFor(target, { progress });
  progress(`Reading ${client.endpoint} ...`);
  // A spec holds no message counts: asking 100,000 queues their length took the broker past its
  // HTTP server's timeout (it closed the connection) at bench factor 10, and is half of a read.
  return { live: await readBroker(client, { messageCounts: false }), client };
}
