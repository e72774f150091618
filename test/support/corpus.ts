// The definitions corpus lives in shared/ beside the repository (../shared/corpus), in CI too.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The corpus folder, or undefined when it is not there (then CI fails and developers skip). */
export function corpusDir(): string | undefined {
  // dist/test/support/corpus.js -> the repository root is three levels up.
  const dir = process.env['WARREN_CORPUS'] ?? fileURLToPath(new URL('../../../../shared/corpus', import.meta.url));
  if (existsSync(dir)) return dir;
  if (process.env['CI']) throw new Error(`definitions corpus not found at ${dir}`);
  return undefined;
}
