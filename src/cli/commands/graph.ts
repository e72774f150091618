// `warren graph [PATH...] --format mermaid|dot|html`: the topology as a picture.
import { writeFileSync } from 'node:fs';
import { WarrenError } from '../../errors.js';
import { buildGraph } from '../../render/graph/graph-model.js';
import { renderGraphHtml } from '../../render/graph/html.js';
import { renderDot, renderMermaid } from '../../render/graph/text-graphs.js';
import type { Outcome } from '../exit.js';
import { processIo, type CommandIo } from '../io.js';
import { loadTopology, type TopologyRequest } from '../../workflow/load-topology.js';

export type GraphFormat = 'mermaid' | 'dot' | 'html';

export interface GraphOptions extends TopologyRequest {
  format: GraphFormat;
  vhosts: readonly string[];
  output?: string | undefined;
}

export async function graphCommand(options: GraphOptions, io: CommandIo = processIo()): Promise<Outcome> {
  const topology = await loadTopology(options, (line) => io.progress(line));
  const only = options.vhosts.length > 0 ? new Set(options.vhosts) : undefined;
  for (const v of options.vhosts) {
    if (!topology.spec.vhosts.includes(v) && !topology.live) throw new WarrenError('E_USAGE', `--vhost ${v}: the spec has no such vhost (it has: ${topology.spec.vhosts.join(', ')})`);
  }
  const graph = buildGraph(topology.model, only, topology.brokerVersion);
  const text = options.format === 'html' ? renderGraphHtml(graph, `warren: ${topology.spec.stack ?? 'topology'}`) : options.format === 'dot' ? renderDot(graph) : renderMermaid(graph);
  if (options.output !== undefined) {
    writeFileSync(options.output, text);
    io.progress(`Wrote ${graph.nodes.length} exchanges and queues and ${graph.edges.length} links to ${options.output}`);
  } else {
    io.stdout.write(text);
  }
  return { kind: 'ok' };
}
