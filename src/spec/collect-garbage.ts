// Full garbage collections where a big spec load has just made much garbage. V8 collects its old
// space only once the heap has grown by about as much again as it held at the last collection,
// and a load's garbage lives long enough to get there (each file's text twice, js-yaml's own
// state, the schema's copy of the tree; later the loader's tree and index): the next stage's
// work stacked on top of it.
// - Before the merge (collectBetweenStages): `warren validate` at factor 3 (93,000 objects)
//   peaked at 182 MB RSS, 162 MB with this collection; with one more before the rules, 158 MB.
//   ~20 ms of CPU each.
// - After the load (collectAfterLoad): a no-op plan at factor 3 peaked at 250-260 MB RSS, and at
//   188-190 MB with this collection, for ~40 ms of CPU (bench/apply-bench.ts measures the peaks).
// Node has no gc() without --expose-gc; set at run time the flag reaches new contexts only, hence
// the context made for it.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Below this many objects the loader leaves little garbage, and a collection costs more than it saves. */
const WORTH_COLLECTING = 10_000;

/**
 * The same threshold for stages that have not counted objects yet: the bench's specs take some 57
 * characters of YAML an object (5.3 million for 93,000), so this is about 10,000 objects of theirs.
 */
const WORTH_COLLECTING_LENGTH = WORTH_COLLECTING * 50;

let gc: (() => void) | undefined;

function collect(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

export function collectAfterLoad(objects: number): void {
  if (objects >= WORTH_COLLECTING) collect();
}

/** Inside the loader, between stages: `specLength` is the length of the spec's text, all files (in characters). */
export function collectBetweenStages(specLength: number): void {
  if (specLength >= WORTH_COLLECTING_LENGTH) collect();
}
