// The graph as Mermaid (GitHub renders it in Markdown) and as Graphviz dot. Names are user data:
// nodes get generated ids and every label is escaped for its format.
import type { GraphEdge, GraphNode, TopologyGraph } from './graph-model.js';

function ids(graph: TopologyGraph): Map<string, string> {
  return new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
}

/** Mermaid labels in double quotes: a quote or markup is written as an entity code (#quot; ...). */
function mermaidText(s: string): string {
  return s.replace(/[#"<>&`|{}[\]()]/g, (ch) => `#${ch.charCodeAt(0)};`);
}

function nodeLabel(n: GraphNode): string {
  const policy = n.policy || n.operatorPolicy ? `\npolicy: ${[n.policy, n.operatorPolicy && `operator ${n.operatorPolicy}`].filter(Boolean).join(', ')}` : '';
  return `${n.name === '' ? '(default)' : n.name}\n${n.kind} ${n.type}${n.missing ? ' (not declared)' : ''}${policy}`;
}

/** A vhost's policies and users, as one note beside its objects. */
function vhostNote(v: TopologyGraph['vhosts'][number]): string | undefined {
  const lines: string[] = [];
  const re = (p: string) => (p === '' ? '(nothing)' : p);
  for (const p of v.policies) lines.push(`${p.kind === 'operator_policy' ? 'operator policy' : 'policy'} ${p.name} (priority ${p.priority}, ${p.apply_to}, ${p.pattern}): ${JSON.stringify(p.definition)}`);
  for (const u of v.users) lines.push(`user ${u.name}: configure ${re(u.configure)}, write ${re(u.write)}, read ${re(u.read)}`);
  return lines.length > 0 ? lines.join('\n') : undefined;
}

const MERMAID_ARROW: Record<GraphEdge['kind'], string> = { binding: '-->', 'exchange-binding': '==>', 'dead-letter': '-.->', alternate: '-.->' };

export function renderMermaid(graph: TopologyGraph): string {
  const id = ids(graph);
  const lines = ['flowchart LR'];
  for (const v of graph.vhosts) {
    lines.push(`  subgraph vh_${graph.vhosts.indexOf(v)}["vhost ${mermaidText(v.name)}"]`);
    for (const n of graph.nodes.filter((x) => x.vhost === v.name)) {
      const label = mermaidText(nodeLabel(n)).replace(/\n/g, '<br/>');
      lines.push(n.kind === 'exchange' ? `    ${id.get(n.id)}{{"${label}"}}` : `    ${id.get(n.id)}[("${label}")]`);
    }
    const note = vhostNote(v);
    if (note !== undefined) lines.push(`    note_${graph.vhosts.indexOf(v)}["${mermaidText(note).replace(/\n/g, '<br/>')}"]:::note`);
    lines.push('  end');
  }
  graph.edges.forEach((e) => {
    const label = e.label === '' ? '' : `|"${mermaidText(e.label)}"|`;
    lines.push(`  ${id.get(e.from)} ${MERMAID_ARROW[e.kind]}${label} ${id.get(e.to)}`);
  });
  const dl = graph.edges.map((e, i) => (e.kind === 'dead-letter' ? i : -1)).filter((i) => i >= 0);
  if (dl.length > 0) lines.push(`  linkStyle ${dl.join(',')} stroke:#c0392b`);
  const missing = graph.nodes.filter((n) => n.missing).map((n) => id.get(n.id));
  if (missing.length > 0) lines.push(`  classDef missing stroke-dasharray: 4 4,stroke:#c0392b`, `  class ${missing.join(',')} missing`);
  if (graph.vhosts.some((v) => vhostNote(v) !== undefined)) lines.push('  classDef note fill:#fdfefe,stroke:#aab7b8,text-align:left');
  return `${lines.join('\n')}\n`;
}

function dotText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

const DOT_STYLE: Record<GraphEdge['kind'], string> = {
  binding: '',
  'exchange-binding': ', penwidth=2',
  'dead-letter': ', style=dashed, color="#c0392b", fontcolor="#c0392b"',
  alternate: ', style=dotted, color="#d68910", fontcolor="#d68910"',
};

export function renderDot(graph: TopologyGraph): string {
  const id = ids(graph);
  const lines = ['digraph warren {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];'];
  graph.vhosts.forEach((v, i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label="vhost ${dotText(v.name)}";`);
    for (const n of graph.nodes.filter((x) => x.vhost === v.name)) {
      const shape = n.kind === 'exchange' ? 'hexagon' : 'box, style=rounded';
      const missing = n.missing ? ', style=dashed, color="#c0392b"' : '';
      lines.push(`    ${id.get(n.id)} [label="${dotText(nodeLabel(n))}", shape=${shape}${missing}];`);
    }
    const note = vhostNote(v);
    if (note !== undefined) lines.push(`    note_${i} [label="${dotText(note).replace(/\\n/g, '\\l')}\\l", shape=note, fontsize=9, color="#aab7b8"];`);
    lines.push('  }');
  });
  for (const e of graph.edges) lines.push(`  ${id.get(e.from)} -> ${id.get(e.to)} [label="${dotText(e.label)}"${DOT_STYLE[e.kind]}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
