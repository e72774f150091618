// One full garbage collection right after a big spec is loaded. The loader's YAML tree and index
// are garbage by then (the model is what is kept), but V8 collects its old space only once the
// heap has grown by about as much again: the live read that follows stacked on top of that
// garbage. A no-op plan at factor 3 (93,000 objects) peaked at 250-260 MB RSS, and at 188-190 MB
// with this collection, for ~40 ms of CPU (bench/apply-bench.ts measures the peaks).
// Node has no gc() without --expose-gc; set at run time the flag reaches new contexts only, hence
// the context made for it.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Below this many objects the loader leaves little garbage, and a collection costs more than it saves. */
const WORTH_COLLECTING = 10_000;

let gc: (() => void) | undefined;

export function collectAfterLoad(objects: number): void {
  if (objects < WORTH_COLLECTING) return;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
