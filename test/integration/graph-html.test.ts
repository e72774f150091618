// The HTML graph in a real headless Chromium (Debian's package): it loads offline with no console
// message at all, draws every exchange and queue of the example, highlights what a search finds and
// the route of a routing key, and shows hostile names as text.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { graphCommand } from '../../src/cli/commands/graph.js';
import { loadSpec } from '../../src/spec/index.js';
import { pageNodes, runPage, skipUnlessChromium } from '../support/chromium.js';
import { runInProcess } from '../support/warren-stack.js';
import { writeSpecDir } from '../unit/spec-helpers.js';

const skip = skipUnlessChromium();
const EXAMPLES = fileURLToPath(new URL('../../../examples', import.meta.url));

describe('graph --format html in headless Chromium', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-graph-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function writeGraph(paths: string[], file: string): Promise<string> {
    const out = join(dir, file);
    const r = await runInProcess((io) => graphCommand({ paths, env: {}, connection: {}, format: 'html', vhosts: [], output: out }, io));
    assert.equal(r.code, 0, r.stderr);
    return pathToFileURL(out).href;
  }

  test('the example: no console message, every exchange and queue drawn, nothing fetched', async () => {
    const url = await writeGraph([EXAMPLES], 'examples.html');
    const html = readFileSync(fileURLToPath(url), 'utf8');
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!json-schema|www\.w3\.org)/, 'the page loads nothing from elsewhere');
    const page = await runPage(url);
    assert.deepEqual(page.console, []);
    assert.match(page.dom, /<body[^>]*data-ready="true"/);
    assert.doesNotMatch(page.dom, /data-errors=/);
    const drawn = new Set(pageNodes(page.dom).map((n) => `${n.kind} ${n.vhost}/${n.name}`));
    const spec = loadSpec([EXAMPLES], {});
    const declared = [...spec.model.resources.values()].filter((r) => r.kind === 'exchange' || r.kind === 'queue').map((r) => `${r.kind} ${r.vhost}/${r.name}`);
    assert.ok(declared.length >= 15);
    for (const d of declared) assert.ok(drawn.has(d), `${d} is not on the page`);
  });

  test('a search highlights exactly the node it names', async () => {
    const url = await writeGraph([EXAMPLES], 'search.html');
    const page = await runPage(`${url}#search=orders.paid`);
    assert.deepEqual(page.console, []);
    const matched = pageNodes(page.dom).filter((n) => n.classes.includes('match'));
    assert.deepEqual(matched.map((n) => `${n.kind} ${n.vhost}/${n.name}`), ['queue orders/orders.paid']);
  });

  test('a route highlights the exchanges and queues a message passes, and its dead-letter path, as warren route computes them', async () => {
    const url = await writeGraph([EXAMPLES], 'route.html');
    const page = await runPage(`${url}#vhost=orders&exchange=orders&key=order.paid`);
    assert.deepEqual(page.console, []);
    const onRoute = pageNodes(page.dom).filter((n) => n.classes.includes('on-route')).map((n) => `${n.kind} ${n.name}`).sort();
    assert.deepEqual(onRoute, ['exchange orders', 'exchange orders.audit', 'queue orders.audit.log', 'queue orders.paid']);
    const deadLettered = pageNodes(page.dom).filter((n) => n.classes.includes('on-dead-route')).map((n) => `${n.kind} ${n.name}`).sort();
    assert.deepEqual(deadLettered, ['exchange orders.dlx', 'queue orders.dead'], 'the dead-letter path of orders.paid');
    const headers = await runPage(`${url}#vhost=payments&exchange=payments&headers=method%3Dcard`);
    assert.deepEqual(pageNodes(headers.dom).filter((n) => n.classes.includes('on-route') && n.kind === 'queue').map((n) => n.name), ['payments.card']);
  });

  test('hostile names are shown as text and run nothing', async () => {
    const spec = writeSpecDir({
      'evil.yaml': "version: 1\nstack: evil\nvhosts:\n  v:\n    exchanges: { '</script><script>console.log(1)</script>': { type: fanout } }\n    queues: { '<img src=x onerror=console.log(2)>': {} }\n    bindings:\n      - { source: '</script><script>console.log(1)</script>', queue: '<img src=x onerror=console.log(2)>' }\n",
    });
    const page = await runPage(await writeGraph([spec], 'evil.html'));
    assert.deepEqual(page.console, []);
    const names = pageNodes(page.dom).map((n) => n.name).sort();
    assert.deepEqual(names, ['</script><script>console.log(1)</script>', '<img src=x onerror=console.log(2)>']);
  });
});
