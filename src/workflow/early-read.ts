// A plan of one broker starts reading it before the spec loads. The loader holds the event loop
// (0.1 s at 3,100 objects, seconds at 100,000), and the broker needs about as long to format its
// listings: sent first, they are formatted meanwhile and wait in the socket buffers. The target is
// guessed from the flags, the environment and the spec's `targets:` lines alone; the read is used
// only if the loaded spec resolves to the same connection (endpoints, user, password, TLS,
// deadline), and dropped otherwise, or when the spec turns out to have errors. Until it is used,
// nothing of it is shown: its progress lines wait, and its errors are thrown by take() only.
import { errorsOf, formatDiagnostic, type Diagnostic } from '../errors.js';
import { connectManagement } from '../live/connect-target.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, watchRequestsSent, type ManagementClient } from '../live/management-client.js';
import { readBroker } from '../live/read-broker.js';
import type { LiveState } from '../live/types.js';
import type { Target } from '../model/target.js';
import { buildTree } from '../spec/build-tree.js';
import { readSpecFiles } from '../spec/files.js';
import { mergeFiles, type FileTree } from '../spec/merge.js';
import { buildTargets } from '../spec/targets.js';
import { parseSource } from '../spec/yaml-source.js';
import { resolveTarget, type ConnectionFlags, type Env } from './resolve-target.js';

export interface ReadTarget {
  client: ManagementClient;
  live: LiveState;
}

export interface EarlyRead {
  /** Resolves once the read's requests are on their way (or it ended), or after WAIT_MS at most. */
  readonly underway: Promise<void>;
  /** The read, when `target` connects as the guess did; else undefined, and the read is dropped. */
  take(target: Target, progress: (line: string) => void): Promise<ReadTarget> | undefined;
  /** Ends the read unless it was taken. */
  drop(): void;
}

/**
 * How long the spec load waits for the requests to go out. Locally they do in a few ms after the
 * vhost list answers; a far broker gets this much of a head start, a dead one costs no more.
 */
const WAIT_MS = 200;

/**
 * The loader's speed assumed when judging whether a read started before it can outlast the
 * deadline: 250 KB of spec a second, four times slower than measured on a loaded 2-core machine.
 * A request's deadline runs from when it is sent, so a load longer than the deadline would time
 * out answers that had arrived: the early read is only started when the load is well within it.
 */
const ASSUMED_LOAD_BYTES_PER_MS = 250;

export function startEarlyRead(request: { paths: readonly string[]; env: Env; connection: ConnectionFlags }): EarlyRead | undefined {
  if (typeof AbortSignal.any !== 'function') return undefined; // Node before 20.3: no way to drop the read
  const guess = guessTarget(request);
  if (!guess) return undefined;
  const { target, specBytes } = guess;
  if ((specBytes / ASSUMED_LOAD_BYTES_PER_MS) * 3 > (target.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)) return undefined;

  const wire = watchRequestsSent();
  let taken = false;
  const abort = new AbortController();
  const held: string[] = [];
  let show: ((line: string) => void) | undefined;
  const progress = (line: string): void => (show ? show(line) : void held.push(line));
  let requested: () => void = () => {};
  const sent = new Promise<void>((resolve) => (requested = resolve));
  const read = (async (): Promise<ReadTarget> => {
    const connection = await connectManagement(target, { progress, warn: (d: Diagnostic) => progress(formatDiagnostic(d)), signal: abort.signal });
    progress(`Reading ${connection.client.endpoint} (node ${connection.node}) ...`);
    const live = await readBroker(connection.client, { messageCounts: false, overview: connection.overview, onRequested: requested });
    return { client: connection.client, live };
  })();
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, WAIT_MS)));
  const ended = read.then(nothing, nothing); // a failure is thrown by take(), or by nobody once dropped
  const underway = Promise.race([sent.then(() => wire.written()), ended, waited]).finally(() => {
    clearTimeout(timer);
    wire.stop();
  });
  return {
    underway,
    take(actual, shown) {
      if (!sameConnection(target, actual)) {
        abort.abort();
        return undefined;
      }
      taken = true;
      for (const line of held.splice(0)) shown(line);
      show = shown;
      return read;
    },
    drop() {
      if (!taken) abort.abort();
    },
  };
}

/** The target the flags and environment name, with the spec's targets read from their lines alone. */
function guessTarget(request: { paths: readonly string[]; env: Env; connection: ConnectionFlags }): { target: Target; specBytes: number } | undefined {
  try {
    const texts = readSpecFiles(request.paths.length > 0 ? request.paths : ['.'], []);
    const trees: FileTree[] = [];
    let specBytes = 0;
    for (const { file, text } of texts) {
      specBytes += text.length;
      const lines = text.includes('targets') ? targetLinesOnly(text) : undefined;
      if (lines === undefined) continue;
      const diagnostics: Diagnostic[] = [];
      const source = parseSource(file, lines, diagnostics);
      const built = source && buildTree(source, request.env, diagnostics);
      if (!built?.ok || built.unresolved.length > 0 || built.root.kind !== 'map' || errorsOf(diagnostics).length > 0) return undefined;
      trees.push({ file, root: built.root });
    }
    return { target: resolveTarget(buildTargets(mergeFiles(trees, [])), request.connection, request.env), specBytes };
  } catch {
    return undefined; // the loader will say what is wrong
  }
}

/** The top-level `targets:` block of a file, every other line blanked so positions stay the file's; undefined without one. */
function targetLinesOnly(text: string): string | undefined {
  let inTargets = false;
  let found = false;
  const kept = text.split('\n').map((line) => {
    if (/^[^\s#]/.test(line)) inTargets = /^targets\s*:/.test(line);
    found ||= inTargets;
    return inTargets ? line : '';
  });
  return found ? kept.join('\n') : undefined;
}

/** Whether two targets read a broker the same way: what the management client is made of. */
function sameConnection(a: Target, b: Target): boolean {
  // reveal(): the two passwords are compared, never shown.
  const of = (t: Target) => JSON.stringify([t.management, t.username, t.password?.reveal(), t.tls ?? null, t.timeoutMs ?? null]);
  return of(a) === of(b);
}

function nothing(): void {}
