// The graph as one self-contained HTML file: no CDN, no request of any kind, so it works offline
// and as a CI artifact. The layout is dagre's (@dagrejs/dagre, MIT, inlined with its licence);
// the routing rules are warren's own, inlined from analyse/match.ts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { directMatches, headersMatch, topicMatches, walkRoute } from '../../analyse/match.js';
import type { TopologyGraph } from './graph-model.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

let dagreSource: { code: string; licence: string } | undefined;

function dagre(): { code: string; licence: string } {
  if (!dagreSource) {
    const dir = dirname(createRequire(import.meta.url).resolve('@dagrejs/dagre'));
    dagreSource = { code: readFileSync(join(dir, 'dagre.min.js'), 'utf8'), licence: readFileSync(join(dir, '..', 'LICENSE'), 'utf8') };
  }
  return dagreSource;
}

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`, no line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderGraphHtml(graph: TopologyGraph, title = 'warren topology'): string {
  const { code, licence } = dagre();
  const routing = [topicMatches, headersMatch, directMatches, walkRoute].map((f) => f.toString()).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
  <strong>${escapeHtml(title)}</strong>
  <select id="vhost" aria-label="vhost"><option value="">all vhosts</option></select>
  <input id="search" type="search" placeholder="search a name" aria-label="search">
  <form id="route-form">
    <select id="route-exchange" aria-label="exchange"><option value="">route from…</option></select>
    <input id="route-key" placeholder="routing key" aria-label="routing key">
    <input id="route-headers" placeholder="headers k=v,k=v" aria-label="headers">
    <button type="submit">route</button><button type="button" id="route-clear">clear</button>
  </form>
  <span id="status"></span>
</header>
<main>
  <svg id="canvas" xmlns="http://www.w3.org/2000/svg">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>
    <g id="viewport"></g>
  </svg>
  <aside id="details"></aside>
</main>
<footer>solid: binding · thick: exchange to exchange · dashed red: dead-letter · dotted orange: alternate exchange · dashed box: not declared · a routed message: purple, its dead-letter path: red. Scroll to zoom, drag to pan, click for details.</footer>
<!-- @dagrejs/dagre, inlined for the layout:
${escapeHtml(licence).replace(/--/g, '- -')}
-->
<script>${code}</script>
<script>
const DATA = ${scriptJson(graph)};
${routing}
${PAGE_SCRIPT}
</script>
</body>
</html>
`;
}
