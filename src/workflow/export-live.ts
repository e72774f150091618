// Export: read a broker (or a definitions file) and turn it into spec documents. Writing them out
// is the caller's business (the CLI writes a file, a folder or stdout).
import { exportSpec, type ExportLayout, type ExportResult } from '../export/export.js';
import { managementClientFor } from '../live/connect-target.js';
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
  layout: ExportLayout;
  /** Rewrite what this RabbitMQ version refuses (model/upgrade.ts), each rewrite listed. */
  forVersion?: VersionTriple | undefined;
  /** With forVersion 4.x: classic queues a mirroring policy covered become quorum queues. */
  quorumForMirrored?: boolean | undefined;
}

export async function exportLive(request: ExportRequest, progress: (line: string) => void): Promise<ExportResult> {
  ownershipParameterName(request.stack); // the same limits as every stack name
  const live = await readLive(request, progress);
  return exportSpec(live, { stack: request.stack, vhosts: request.vhosts, forVersion: request.forVersion, quorumForMirrored: request.quorumForMirrored }, request.layout);
}

async function readLive(request: ExportRequest, progress: (line: string) => void): Promise<LiveState> {
  if (request.from !== undefined) return readDefinitionsFile(request.from);
  const target = resolveTarget([], request.connection, request.env);
  const { client } = managementClientFor(target, { progress });
  progress(`Reading ${client.endpoint} ...`);
  return readBroker(client);
}
