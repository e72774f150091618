// The HTML graph's stylesheet.
export const PAGE_STYLE = `
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #1c2833; display: flex; flex-direction: column; height: 100vh; }
header { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 8px 12px; border-bottom: 1px solid #d5d8dc; background: #f8f9f9; }
header form { display: flex; gap: 4px; }
header input, header select, header button { font: inherit; padding: 3px 6px; }
#status { color: #566573; }
main { flex: 1; display: flex; min-height: 0; }
#canvas { flex: 1; height: 100%; cursor: grab; background: #fff; }
#details { width: 320px; overflow: auto; padding: 8px 12px; border-left: 1px solid #d5d8dc; font-size: 12px; }
#details h2 { font-size: 14px; margin: 8px 0 4px; word-break: break-all; }
#details h3 { font-size: 12px; margin: 8px 0 2px; }
#details ul { padding-left: 16px; margin: 4px 0; }
#details li { word-break: break-all; }
#details li.pick { cursor: pointer; color: #1f618d; }
#details pre { white-space: pre-wrap; word-break: break-all; background: #f4f6f6; padding: 4px; }
footer { padding: 4px 12px; font-size: 11px; color: #566573; border-top: 1px solid #d5d8dc; }
.node rect { stroke: #566573; stroke-width: 1; }
.node.kind-exchange rect { fill: #eaf2f8; }
.node.kind-queue rect { fill: #e9f7ef; }
.node.missing rect { stroke: #c0392b; stroke-dasharray: 4 3; fill: #fdedec; }
.node text.name { font-weight: 600; font-size: 13px; }
.node text.sub { font-size: 11px; fill: #566573; }
.node { cursor: pointer; }
.node.match rect { stroke: #b7950b; stroke-width: 3; fill: #fcf3cf; }
.node.selected rect { stroke: #1f618d; stroke-width: 3; }
.node.on-route rect { stroke: #7d3c98; stroke-width: 3; }
.dim { opacity: 0.25; }
.edge path { fill: none; stroke: #808b96; stroke-width: 1.2; }
.edge.kind-exchange-binding path { stroke-width: 2.4; stroke: #2e4053; }
.edge.kind-dead-letter path { stroke: #c0392b; stroke-dasharray: 6 4; }
.edge.kind-alternate path { stroke: #d68910; stroke-dasharray: 2 3; }
.edge.on-route path { stroke: #7d3c98; stroke-width: 3; }
.node.on-dead-route rect { stroke: #c0392b; stroke-width: 2.5; }
.edge.on-dead-route path { stroke: #c0392b; stroke-width: 2.4; }
.edge-label { font-size: 11px; fill: #34495e; text-anchor: middle; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
marker path { fill: #808b96; }
`;
