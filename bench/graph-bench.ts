// `warren graph --format html` at issue 3's size (10,000 queues, 1,000 exchanges, 20,000 bindings,
// one vhost): the command's wall time (target < 5 s), the file's size, and the page in Debian's
// headless Chromium: how long it takes to load and draw, and to draw after a search and a route
// (the page draws at most ~300 objects at a time; the rest come into view by search or route).
//   npm run build && node dist/bench/graph-bench.js [runs]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildGraph } from '../src/render/graph/graph-model.js';
import { renderGraphHtml } from '../src/render/graph/html.js';
import { loadSpec } from '../src/spec/index.js';
import { runPage } from '../test/support/chromium.js';
import { ISSUE_SIZE, topologySpec } from './topology.js';

const WARREN = resolve(fileURLToPath(import.meta.url), '../../../bin/warren.js');
const runs = Number(process.argv[2] ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function pageTimes(url: string): Promise<{ wallMs: number; drawMs: number; drawn: number; matched: number; onRoute: number; consoleLines: number }> {
  const started = Date.now();
  const page = await runPage(url, { budgetMs: 30_000 });
  const wallMs = Date.now() - started;
  const attr = (name: string) => Number(new RegExp(`${name}="(\\d+)"`).exec(page.dom)?.[1] ?? NaN);
  return {
    wallMs,
    drawMs: attr('data-draw-ms'),
    drawn: attr('data-drawn'),
    matched: (page.dom.match(/class="node[^"]* match/g) ?? []).length,
    onRoute: (page.dom.match(/class="node[^"]* on-route/g) ?? []).length,
    consoleLines: page.console.length,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'warren-graph-bench-'));
try {
  writeFileSync(join(dir, 'spec.yaml'), topologySpec(ISSUE_SIZE));
  const out = join(dir, 'graph.html');
  const times: number[] = [];
  const cpuTimes: number[] = [];
  // GNU time, where installed, gives the command's own CPU time (user + system), which other
  // processes on a shared machine inflate far less than the wall time.
  const gnuTime = existsSync('/usr/bin/time');
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const command = [WARREN, 'graph', dir, '--format', 'html', '-o', out];
    if (gnuTime) {
      const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, ...command], { encoding: 'utf8' });
      const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
      if (m) cpuTimes.push((Number(m[1]) + Number(m[2])) * 1000);
    } else {
      execFileSync(process.execPath, command, { stdio: ['ignore', 'ignore', 'ignore'] });
    }
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  console.log(`graph --format html, ${ISSUE_SIZE.queues} queues, ${ISSUE_SIZE.exchanges} exchanges, ${ISSUE_SIZE.bindings} bindings: median ${(median(times) / 1000).toFixed(2)} s of ${runs} runs (${times.map((t) => (t / 1000).toFixed(2)).join(', ')}); target < 5 s`);
  if (cpuTimes.length > 0) console.log(`the command's CPU time (user + system): median ${(median(cpuTimes) / 1000).toFixed(2)} s (${cpuTimes.map((t) => (t / 1000).toFixed(2)).join(', ')})`);
  // The same work in this process, as CPU time: less at the mercy of other processes than wall time.
  const cpu = (f: () => void): number => {
    const before = process.cpuUsage();
    f();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  };
  let spec = loadSpec([dir], {});
  const loadMs = cpu(() => (spec = loadSpec([dir], {})));
  let graph = buildGraph(spec.model);
  const graphMs = cpu(() => (graph = buildGraph(spec.model)));
  const htmlMs = cpu(() => renderGraphHtml(graph));
  console.log(`CPU time in-process: loading and validating the spec ${(loadMs / 1000).toFixed(2)} s, building the graph ${(graphMs / 1000).toFixed(2)} s, writing the HTML ${(htmlMs / 1000).toFixed(2)} s`);
  console.log(`file: ${(statSync(out).size / 1e6).toFixed(1)} MB; load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on this machine's cores (other work slows every figure)`);
  const url = pathToFileURL(out).href;
  for (const [what, fragment] of [
    ['open (overview)', ''],
    ['search q.4242', '#search=q.4242'],
    ['route ex.0 key.0', '#vhost=bench&exchange=ex.0&key=key.0'],
  ] as const) {
    const p = await pageTimes(`${url}${fragment}`);
    console.log(`page, ${what}: chromium run ${(p.wallMs / 1000).toFixed(2)} s (start-up, parse and draw), the page's own draw ${p.drawMs} ms, ${p.drawn} objects drawn, ${p.matched} matched, ${p.onRoute} on the route, ${p.consoleLines} console messages`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
