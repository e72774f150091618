// How far V8 lets the heap grow: the CLI sets it for its own process (a library caller keeps its
// own settings), at run time, before the work starts.
//
// The old generation, for a command whose garbage comes in bursts (boundHeapGrowth). By default
// V8 collects it again only once it reaches up to four times what was live after the last full
// collection. An apply loads the spec, plans, prints the plan and
// then spends a minute writing: the plan's working lists, the ownership record and what the write
// loop promotes (amqplib's encoding, fetch's bodies) pile up under that limit, though the apply's
// live heap stays near 60 MB. Measured on an apply from nothing at the bench's factor 3 (93,361
// objects, /usr/bin/time, an empty 3.10 node, after the collection that follows the spec load):
// peak RSS 205 MB with V8's default, 160 MB with 50%; factor 1: 124 -> 116 MB; user CPU within
// the noise of a loaded machine (7.7 -> 8.2 s at factor 3, 3.5 -> 3.7 s at factor 1).
import { setFlagsFromString } from 'node:v8';

/** Heap growth after a full collection, in percent of what was live: V8 picks between 10% and 300%. */
export const HEAP_GROWING_PERCENT = 50;

/** Process-wide and from the next full collection on: called by the commands that measured better with it. */
export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * V8's nursery (the young generation) doubles each time a scavenge finds much of it alive, up to
 * 16 MB a half: a big spec's load, whose nodes all live for a while, grows it to the top, ~25 MB
 * of resident memory for objects that are promoted anyway. Kept at its first size, a no-op plan of
 * 93,000 objects peaked at 167-169 MB instead of 186-188 MB, and `validate` at 130 instead of
 * 156-159 MB. For every command.
 */
export function keepNurserySmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * V8's own nursery growth again (factor 2), for an apply's write loop: its garbage is short-lived
 * (promises, frames) but many writes are in flight, and a nursery of the first size promoted them:
 * apply from nothing at factor 1 took 4.8-5.0 s of CPU with the small nursery, 3.8-4.2 s without.
 */
export function letNurseryGrow(): void {
  setFlagsFromString('--semi-space-growth-factor=2');
}
