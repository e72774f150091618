// Progress of a long apply on stderr: a line that rewrites itself on a terminal, otherwise a line
// every tenth of the work, so CI logs stay short.
import type { CommandIo } from './io.js';

export function progressReporter(io: CommandIo, total: number): ((done: number) => void) | undefined {
  if (total < 50) return undefined;
  const tty = io.stderr.isTTY === true;
  let lastShown = -1;
  let lastAt = 0;
  return (done: number) => {
    const percent = Math.floor((done / total) * 100);
    if (tty) {
      const now = Date.now();
      if (now - lastAt < 100 && done < total) return;
      lastAt = now;
      io.stderr.write(`\rApplying: ${done}/${total} (${percent}%)${done === total ? '\n' : ''}`);
    } else if (Math.floor(percent / 10) > lastShown || done === total) {
      lastShown = Math.floor(percent / 10);
      io.stderr.write(`Applying: ${done}/${total} (${percent}%)\n`);
    }
  };
}
