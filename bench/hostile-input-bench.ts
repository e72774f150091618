// `warren validate` on hostile files that used to be slow or unbounded (issue 9): 100,000
// duplicated keys (44 s when each duplicate scanned the ones before it), and a 12 MB name in an
// error (12 MB on one error line). Reports wall time, peak memory and the size of stderr.
//   npm run build && node dist/bench/hostile-input-bench.js
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './measure.js';

const WARREN = resolve(fileURLToPath(import.meta.url), '../../../bin/warren.js');

const CASES: Record<string, () => string> = {
  '100,000 duplicated keys': () => `version: 1\nstack: s\nvhosts:\n  v:\n    queues:\n${'      q: {}\n'.repeat(100_000)}`,
  'a 12 MB name in an error': () => `version: 1\nstack: s\nvhosts:\n  v:\n    queues:\n      q: {}\n    bindings:\n      - {source: "${'x'.repeat(12_000_000)}", queue: q}\n`,
};

const dir = mkdtempSync(join(tmpdir(), 'warren-hostile-bench-'));
try {
  for (const [name, text] of Object.entries(CASES)) {
    const file = join(dir, 'spec.yaml');
    writeFileSync(file, text());
    const m = await measure(process.execPath, [WARREN, 'validate', file]);
    console.log(`${name}: exit ${m.code}, ${m.seconds.toFixed(2)} s, peak ${m.peakRssMb.toFixed(0)} MB, stderr ${m.stderr.length} bytes in ${m.stderr.split('\n').length - 1} lines`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
