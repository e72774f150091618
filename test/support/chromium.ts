// Debian's headless Chromium for page tests: load a page, let its scripts run, and return the DOM
// they left plus every console message (Chromium logs them to stderr as INFO:CONSOLE lines).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = 'chromium';

export function chromiumAvailable(): boolean {
  return spawnSync(CHROMIUM, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** In CI a missing Chromium is a failure (.ci/run installs it), elsewhere a skip with the reason. */
export function skipUnlessChromium(): string | false {
  if (chromiumAvailable()) return false;
  const why = 'chromium is not installed: apt-get install -y chromium, or run .ci/run';
  if (process.env['CI']) throw new Error(why);
  return why;
}

export interface PageRun {
  dom: string;
  console: string[];
  stderr: string;
}

/** Runs the page (a file:// URL, with a #fragment if wanted) and returns its DOM; a screenshot too when asked. */
export async function runPage(url: string, options: { screenshot?: string; width?: number; height?: number; budgetMs?: number } = {}): Promise<PageRun> {
  const profile = mkdtempSync(join(tmpdir(), 'warren-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox', // root in CI
    '--disable-gpu',
    '--no-first-run',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    '--enable-logging=stderr',
    '--v=0',
    `--window-size=${options.width ?? 1400},${options.height ?? 900}`,
    `--virtual-time-budget=${options.budgetMs ?? 5000}`,
    options.screenshot ? `--screenshot=${options.screenshot}` : '--dump-dom',
    url,
  ];
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let dom = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (dom += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code !== 0) reject(new Error(`chromium exited ${code}:\n${stderr}`));
        else resolve({ dom, stderr, console: stderr.split('\n').filter((l) => l.includes(':CONSOLE')) });
      });
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export interface PageNode {
  classes: string[];
  name: string;
  vhost: string;
  kind: string;
}

function decode(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** The graph nodes the page drew, from the DOM Chromium dumped. */
export function pageNodes(dom: string): PageNode[] {
  const out: PageNode[] = [];
  for (const m of dom.matchAll(/<g class="(node[^"]*)" data-id="[^"]*" data-name="([^"]*)" data-vhost="([^"]*)" data-kind="([^"]*)"/g)) {
    out.push({ classes: (m[1] as string).split(/\s+/), name: decode(m[2] as string), vhost: decode(m[3] as string), kind: m[4] as string });
  }
  return out;
}
