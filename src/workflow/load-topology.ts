// The topology lint, explain, route and graph look at: the spec, and when asked (--target,
// --management or --live) the broker's objects too, with the spec's objects over them. The broker
// is only read, never written.
import { readFileSync } from 'node:fs';
import { connectManagement } from '../live/connect-target.js';
import type { ManagementClient } from '../live/management-client.js';
import { readBroker } from '../live/read-broker.js';
import { readDefinitionsFile } from '../live/read-definitions.js';
import { formatDiagnostic } from '../errors.js';
import type { Model } from '../model/types.js';
import { assertValidSpec, loadSpec, type LoadedSpec } from '../spec/index.js';
import type { SpecText } from '../analyse/lint/index.js';
import { resolveTarget, type ConnectionFlags, type Env } from './resolve-target.js';

export interface TopologyRequest {
  paths: readonly string[];
  env: Env;
  connection: ConnectionFlags;
  liveFile?: string | undefined;
}

export interface Topology {
  spec: LoadedSpec;
  /** The spec's objects, over the broker's when a broker or definitions file was read. */
  model: Model;
  /** The broker's objects alone; undefined on a spec alone. */
  live?: Model | undefined;
  brokerVersion?: string | undefined;
  client?: ManagementClient | undefined;
}

export function wantsLive(request: TopologyRequest): boolean {
  const c = request.connection;
  return request.liveFile !== undefined || c.target !== undefined || c.management !== undefined;
}

export async function loadTopology(request: TopologyRequest, progress: (line: string) => void): Promise<Topology> {
  const spec = loadSpec(request.paths.length > 0 ? request.paths : ['.'], request.env);
  assertValidSpec(spec);
  if (!wantsLive(request)) return { spec, model: spec.model };
  let live;
  let client: ManagementClient | undefined;
  if (request.liveFile !== undefined) {
    live = await readDefinitionsFile(request.liveFile);
  } else {
    const target = resolveTarget(spec.targets, request.connection, request.env);
    const connection = await connectManagement(target, { progress, warn: (d) => progress(formatDiagnostic(d)) });
    client = connection.client;
    live = await readBroker(client, { messageCounts: false });
  }
  const merged = new Map(live.model.resources);
  for (const [key, r] of spec.model.resources) merged.set(key, r);
  return { spec, model: { resources: merged }, live: live.model, brokerVersion: live.brokerVersion === 'unknown' ? undefined : live.brokerVersion, client };
}

/** The spec files' texts, for what lint reads beyond the model (clear-text passwords, `lint:`). */
export function specTexts(spec: LoadedSpec): SpecText[] {
  return spec.files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}
