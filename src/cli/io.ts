// What commands read from and write to the process, in one object so tests can capture it.
export interface Stream {
  write(s: string): unknown;
  isTTY?: boolean | undefined;
}

export interface CommandIo {
  stdout: Stream;
  stderr: Stream;
  env: Record<string, string | undefined>;
  /** Progress for long work: stderr, so stdout stays clean for `--format json`. */
  progress(line: string): void;
  /** Asks on the terminal; undefined when there is no terminal to ask on. Aborting the signal stops asking. */
  ask?: ((question: string, signal?: AbortSignal) => Promise<string>) | undefined;
}

export function processIo(): CommandIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    progress: (line) => process.stderr.write(`${line}\n`),
    ask: process.stdin.isTTY ? askOnTerminal : undefined,
  };
}

async function askOnTerminal(question: string, signal?: AbortSignal): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question, signal ? { signal } : {});
  } finally {
    rl.close();
  }
}
