// A command run in-process that hands every stderr line to `watch` as it is written: how fault
// tests strike (kill or freeze a node, raise an alarm) at a chosen point of a plan or an apply.
import { exitCodeFor, reportFailure, type Outcome } from '../../src/cli/exit.js';
import type { CommandIo } from '../../src/cli/io.js';
import type { RunResult } from './warren-stack.js';

export async function runWatching(command: (io: CommandIo) => Promise<Outcome>, watch: (line: string) => void, ask?: (question: string) => Promise<string>): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const err = (s: string): void => {
    stderr += s;
    for (const line of s.split('\n')) if (line !== '') watch(line);
  };
  const io: CommandIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: err }, env: { NO_COLOR: '1' }, progress: (line) => err(`${line}\n`), ask };
  try {
    const outcome = await command(io);
    return { code: exitCodeFor(outcome), stdout, stderr, outcome };
  } catch (error) {
    return { code: reportFailure(error, (line) => (stderr += `${line}\n`)), stdout, stderr, error };
  }
}

export interface Strike {
  /** Give to runWatching: calls `strike` at the first line `when` accepts, and never again. */
  watch(line: string): void;
  /** Whether it struck. */
  readonly struck: boolean;
}

/** A fault struck once at a chosen line of output (freeze or kill a node when plan starts reading...). */
export function strikeOnce(when: (line: string) => boolean, strike: () => void): Strike {
  let struck = false;
  return {
    watch(line) {
      if (struck || !when(line)) return;
      struck = true;
      strike();
    },
    get struck() {
      return struck;
    },
  };
}
