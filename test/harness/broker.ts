// Disposable RabbitMQ nodes for integration tests: Debian's rabbitmq-server in a fresh temp dir,
// on free ports, with a unique node name. See shared/rabbitmq-local.md for why it runs the real
// script (not the /usr/sbin wrapper) and why HOME points at the temp dir (the Erlang cookie).
// Two versions: 3.10 (Debian 12's package, on this machine) and 4.0 (Debian 13's, run from a
// trixie root made by scripts/ensure-broker4.sh); WARREN_TEST_BROKER picks the default.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { brokerInstall, testBrokerVersion, type BrokerInstall, type BrokerVersion } from './versions.js';

export { testBrokerVersion, type BrokerVersion } from './versions.js';

export type Plugin = 'management' | 'shovel' | 'federation' | 'stream' | 'auth_mechanism_ssl';

export interface StartOptions {
  /** rabbitmq_management is always on; shovel and federation (with their management parts) and stream on request. */
  plugins?: Plugin[];
  /** Contents of a rabbitmq.conf (TLS listeners and the like). */
  config?: string;
  /** Extra environment for the node (RABBITMQ_* settings). */
  env?: Record<string, string>;
  /** How long to wait for the management API to answer. */
  bootTimeoutMs?: number;
  /** The Erlang cookie (written to HOME/.erlang.cookie): nodes of one cluster share it. */
  cookie?: string;
  /** Which RabbitMQ; default: WARREN_TEST_BROKER (3.10 when unset). */
  version?: BrokerVersion;
}

export interface CtlResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface BrokerHandle {
  managementUrl: string;
  amqpUrl: string;
  username: 'guest';
  password: 'guest';
  nodeName: string;
  /** The RabbitMQ this node runs: '3.10' or '4.0'. */
  version: BrokerVersion;
  /** The node's temp dir, as this process sees it (inside the chroot for 4.0). */
  dir: string;
  /** The beam.smp process of the node. */
  pid: number;
  /**
   * The node's own rabbitmqctl. An argument naming an existing file outside the node's root (4.0
   * runs in a chroot) is copied into the node's dir first and passed by its path in there.
   */
  rabbitmqctl(args: string[]): Promise<CtlResult>;
  /** Back to an empty node (stop_app; reset; start_app), so test files can share one node. */
  reset(): Promise<void>;
  /** kill -9 the node but keep its data (a crash); restart() brings it back, stop() cleans up. */
  kill(): Promise<void>;
  /** Starts a killed node again on the same ports and data; a cluster member rejoins by itself. */
  restart(): Promise<void>;
  /**
   * kill -STOP the node's beam process: it keeps its sockets open and answers nothing (a frozen VM,
   * a stuck disk). thaw() resumes it. Stopping a frozen node works (SIGKILL needs no thaw).
   */
  freeze(): void;
  thaw(): void;
  /**
   * Ends the node and removes its temp dir. By default the node is killed at once: it is disposable,
   * and a clean `rabbitmqctl stop` costs about 6 s on 3.10.8 (application:stop(rabbit) waits 5 s).
   * `graceful: true` runs `rabbitmqctl stop` first and kills only what is still alive after it.
   */
  stop(opts?: { graceful?: boolean }): Promise<void>;
}

/** Is this version's rabbitmq-server installed? Tests skip with a clear message when it is not. */
export function brokerAvailable(version: BrokerVersion = testBrokerVersion()): boolean {
  const install = brokerInstall(version);
  return existsSync(install.root + install.server) && existsSync(install.root + install.ctl);
}

/** The message tests print when they skip; CI installs the broker, so there they never skip. */
export function skipMessage(version: BrokerVersion = testBrokerVersion()): string {
  return brokerInstall(version).missing;
}

/** In CI a missing broker is a failure, not a skip. */
export function skipUnlessBroker(version: BrokerVersion = testBrokerVersion()): string | false {
  if (brokerAvailable(version)) return false;
  if (process.env['CI']) throw new Error(skipMessage(version));
  return skipMessage(version);
}

// Nodes this process started and has not stopped yet: killed on exit, whatever the reason.
const live = new Map<number, { pgid: number; dir: string; watchdog: ChildProcess }>();
// Data dirs of nodes killed (kept for a restart) that nobody has restarted or stopped yet.
const killedDirs = new Set<string>();
let exitHooked = false;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const [pid, n] of live) killNow(pid, n.pgid, n.dir);
    for (const dir of killedDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const [pid, n] of live) killNow(pid, n.pgid, n.dir);
      for (const dir of killedDirs) rmSync(dir, { recursive: true, force: true });
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

function killNow(pid: number, pgid: number, dir: string | undefined): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function freePorts(n: number): Promise<number[]> {
  // Hold nothing open between calls, but never hand out the same port twice in one start.
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

let counter = 0;

const PLUGIN_APPS: Record<Plugin, string[]> = {
  management: ['rabbitmq_management'],
  shovel: ['rabbitmq_shovel', 'rabbitmq_shovel_management'],
  federation: ['rabbitmq_federation', 'rabbitmq_federation_management'],
  stream: ['rabbitmq_stream'],
  auth_mechanism_ssl: ['rabbitmq_auth_mechanism_ssl'],
};

function nodeEnv(dir: string, nodeName: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('RABBITMQ_') && !k.startsWith('ERL_')) env[k] = v;
  return { ...env, HOME: dir, RABBITMQ_NODENAME: nodeName, ...extra };
}

function run(cmd: string[], args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CtlResult> {
  return new Promise((resolve) => {
    const [file, ...pre] = cmd as [string, ...string[]];
    const child = spawn(file, [...pre, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? -1 });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForManagement(url: string, pid: number, timeoutMs: number, logFile: string): Promise<void> {
  const auth = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) throw new Error(`RabbitMQ node exited during boot; log:\n${tail(logFile)}`);
    try {
      const res = await fetch(`${url}/api/overview`, { headers: { authorization: auth }, signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        await res.arrayBuffer();
        return;
      }
      await res.arrayBuffer();
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`RabbitMQ management API at ${url} did not answer within ${timeoutMs} ms; log:\n${tail(logFile)}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

async function readPid(pidFile: string, shellPid: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid > 0) return pid;
    } catch {
      /* not written yet */
    }
    if (!pidAlive(shellPid)) break;
    await sleep(50);
  }
  return shellPid;
}

/**
 * Host files a 4.0 node must read (certificates in its config, definitions for rabbitmqctl) are
 * copied into its dir inside the root: a chroot sees nothing outside. The text's absolute paths
 * that name existing files outside the root are rewritten to the copies' inside paths.
 */
function bringInside(install: BrokerInstall, dir: string, words: string[]): string[] {
  if (install.root === '') return words;
  const files = join(dir, 'files');
  return words.map((w) => {
    if (!isAbsolute(w) || w.startsWith(`${install.root}/`) || !existsSync(w) || !statSync(w).isFile()) return w;
    mkdirSync(files, { recursive: true });
    const copy = join(mkdtempSync(join(files, 'f-')), basename(w));
    copyFileSync(w, copy);
    return copy.slice(install.root.length);
  });
}

function configInside(install: BrokerInstall, dir: string, config: string): string {
  return config
    .split('\n')
    .map((line) => {
      const m = /^(\s*[\w.]+\s*=\s*)(\/\S+)\s*$/.exec(line);
      return m ? `${m[1]}${bringInside(install, dir, [m[2] as string])[0]}` : line;
    })
    .join('\n');
}

export async function startBroker(opts: StartOptions = {}): Promise<BrokerHandle> {
  const version = opts.version ?? testBrokerVersion();
  const install = brokerInstall(version);
  if (!brokerAvailable(version)) throw new Error(skipMessage(version));
  hookExit();
  // `dir` is the host's path; `inside` is the same folder as the node (in its root) sees it.
  const dir = mkdtempSync(join(install.root === '' ? tmpdir() : join(install.root, 'tmp'), 'warren-rmq-'));
  const inside = dir.slice(install.root.length);
  const [amqpPort, distPort, mgmtPort] = (await freePorts(3)) as [number, number, number];
  const nodeName = `warren-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}@localhost`;
  const plugins = ['management', ...(opts.plugins ?? [])].flatMap((p) => PLUGIN_APPS[p as Plugin]);
  writeFileSync(join(dir, 'enabled_plugins'), `[${[...new Set(plugins)].join(',')}].\n`);
  const extra: Record<string, string> = {
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(inside, 'mnesia'),
    RABBITMQ_LOG_BASE: join(inside, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(inside, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(inside, 'pid'),
    RABBITMQ_SERVER_START_ARGS: `-rabbitmq_management listener [{port,${mgmtPort}}]`,
    // A missing file keeps the node from reading the machine's /etc/rabbitmq/rabbitmq.conf.
    RABBITMQ_CONFIG_FILE: join(inside, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(inside, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: join(inside, 'rabbitmq-env.conf'),
  };
  for (const [k, v] of Object.entries(opts.env ?? {})) extra[k] = bringInside(install, dir, [v])[0] as string;
  if (opts.config !== undefined) writeFileSync(join(dir, 'rabbitmq.conf'), configInside(install, dir, opts.config));
  if (opts.cookie !== undefined) writeFileSync(join(dir, '.erlang.cookie'), opts.cookie, { mode: 0o400 });
  const env = nodeEnv(inside, nodeName, extra);
  const outLog = join(dir, 'out.log');
  const managementUrl = `http://127.0.0.1:${mgmtPort}`;
  const bootTimeoutMs = opts.bootTimeoutMs ?? 60_000;
  let shellPid = 0;
  let pid = 0;
  const launch = async (): Promise<void> => {
    rmSync(join(dir, 'pid'), { force: true }); // a restart must not read the last run's pid
    const out = openSync(outLog, 'a');
    // Its own process group, so stop() can end the shell, beam and its helpers together.
    const [file, ...args] = install.root === '' ? [install.server] : ['chroot', install.root, install.server];
    const child = spawn(file as string, args, { env, detached: true, stdio: ['ignore', out, out] });
    child.unref();
    closeSync(out);
    if (child.pid === undefined) throw new Error('could not spawn rabbitmq-server');
    shellPid = child.pid;
    // If this process dies without running its exit handler (SIGKILL), the watchdog ends the node.
    const watchdog = spawn('/bin/sh', ['-c', 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -9 -"$2" 2>/dev/null; rm -rf "$3"', 'watchdog', String(process.pid), String(shellPid), dir], {
      detached: true,
      stdio: 'ignore',
    });
    watchdog.unref();
    live.set(shellPid, { pgid: shellPid, dir, watchdog });
    pid = shellPid;
    try {
      pid = await readPid(join(dir, 'pid'), shellPid, bootTimeoutMs);
      await waitForManagement(managementUrl, pid, bootTimeoutMs, outLog);
    } catch (e) {
      stopNow(shellPid);
      throw e;
    }
  };
  await launch();

  const ctl = (args: string[], timeoutMs = 120_000) => run([...install.prefix, install.ctl], ['-n', nodeName, ...bringInside(install, dir, args)], env, timeoutMs);
  let stopped = false;
  return {
    managementUrl,
    amqpUrl: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
    username: 'guest',
    password: 'guest',
    nodeName,
    version,
    dir,
    get pid() {
      return pid;
    },
    rabbitmqctl: (args) => ctl(args),
    async reset() {
      // One CLI call instead of three: each rabbitmqctl start costs about a second.
      const r = await ctl(['eval', 'ok = rabbit:stop(), ok = rabbit_mnesia:reset(), ok = rabbit:start().']);
      if (r.code !== 0) throw new Error(`reset of ${nodeName} failed (${r.code}): ${r.stderr || r.stdout}`);
      await waitForManagement(managementUrl, pid, bootTimeoutMs, outLog);
    },
    async kill() {
      const n = live.get(shellPid);
      if (!n) return;
      live.delete(shellPid);
      killedDirs.add(dir); // still removed on exit if nobody restarts or stops the node
      killNow(shellPid, n.pgid, undefined);
      try {
        if (n.watchdog.pid !== undefined) process.kill(n.watchdog.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      const deadline = Date.now() + 5_000;
      while (pidAlive(pid) && Date.now() < deadline) await sleep(20);
    },
    freeze() {
      process.kill(pid, 'SIGSTOP');
    },
    thaw() {
      if (pidAlive(pid)) process.kill(pid, 'SIGCONT');
    },
    async restart() {
      if (stopped) throw new Error(`${nodeName} was stopped; only a killed node can be restarted`);
      if (live.has(shellPid)) throw new Error(`${nodeName} is running; kill() it first`);
      killedDirs.delete(dir);
      await launch();
    },
    async stop(stopOpts = {}) {
      if (stopped) return;
      stopped = true;
      if (stopOpts.graceful && pidAlive(pid)) {
        await ctl(['stop'], 30_000);
        const deadline = Date.now() + 10_000;
        while (pidAlive(pid) && Date.now() < deadline) await sleep(100);
      }
      stopNow(shellPid);
      if (killedDirs.delete(dir)) rmSync(dir, { recursive: true, force: true });
      // SIGKILL is delivered at once, but the kernel may take a moment to reap the process.
      const deadline = Date.now() + 5_000;
      while (pidAlive(pid) && Date.now() < deadline) await sleep(20);
    },
  };
}

function stopNow(shellPid: number): void {
  const n = live.get(shellPid);
  if (!n) return;
  live.delete(shellPid);
  killNow(shellPid, n.pgid, n.dir);
  try {
    if (n.watchdog.pid !== undefined) process.kill(n.watchdog.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** For tests that must not leave anything behind: is any process of this node still running? */
export function nodeProcessesAlive(nodeName: string): boolean {
  const r = spawnSync('pgrep', ['-f', nodeName], { encoding: 'utf8' });
  return r.stdout.trim().length > 0;
}
