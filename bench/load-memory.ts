// Issue 13, target 4: what the spec loader holds, stage by stage, for the bench topology
// (bench/topology.ts): the YAML tree, the SpecNode tree, the merged index, the model. Each stage's
// result is kept while the heap is measured after full collections, so a figure is what the
// stages so far hold (not what they allocated on the way), letting go of what loadSpec lets go
// (the text once the tree is built, the tree's root once merged). Then what is left once only the
// model is kept (what a plan holds of the spec), and the peak resident memory of `warren validate`
// of the same spec beside an empty one's: that one also counts what the stages allocate on the
// way, until a collection (spec/collect-garbage.ts) frees it.
//   npm run build && node --expose-gc dist/bench/load-memory.js [--scale 1]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../src/errors.js';
import { buildTree } from '../src/spec/build-tree.js';
import { mergeFiles } from '../src/spec/merge.js';
import { validateTree } from '../src/spec/schema.js';
import { toModel } from '../src/spec/to-model.js';
import type { MapNode } from '../src/spec/tree.js';
import { parseSource } from '../src/spec/yaml-source.js';
import { argOption, measure } from './measure.js';
import { scaled, topologySpec } from './topology.js';

const WARREN = resolve(fileURLToPath(import.meta.url), '../../../bin/warren.js');

const gc = (globalThis as { gc?: () => void }).gc;

/** After full collections, and a turn of the event loop for V8 to finish sweeping. */
async function heapUsed(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 20));
  }
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  if (!gc) throw new Error('run with node --expose-gc');
  const factor = Number(argOption('--scale', '1'));
  const size = scaled(factor);
  const objects = size.queues + size.exchanges + size.bindings + size.users * 2 + size.policies + 1;
  const dir = mkdtempSync(join(tmpdir(), 'warren-load-memory-'));
  try {
    const file = join(dir, 'bench.yaml');
    writeFileSync(file, topologySpec(size));
    writeFileSync(join(dir, 'empty.yaml'), 'version: 1\nstack: empty\n');
    console.log(`factor ${factor}: ${objects} objects`);
    // Every stage once on the empty spec first, so the code it loads (the schema's validator) is
    // not counted as held.
    const warm = parseSource(join(dir, 'empty.yaml'), 'version: 1\nstack: empty\n', []);
    if (warm) {
      const tree = buildTree(warm, process.env, []);
      validateTree(tree.root, []);
      toModel(mergeFiles([{ file: 'empty.yaml', root: tree.root as MapNode }], []));
    }
    const base = await heapUsed();
    const row = async (what: string): Promise<void> => {
      const held = (await heapUsed()) - base;
      console.log(`  ${what.padEnd(44)} ${(held / 1048576).toFixed(1).padStart(7)} MB held, ${Math.round(held / objects).toString().padStart(5)} B/object`);
    };
    const diagnostics: Diagnostic[] = [];
    let text: string | undefined = readFileSync(file, 'utf8');
    await row('spec text');
    let source = parseSource(file, text, diagnostics);
    if (!source) throw new Error(`the bench spec does not parse: ${JSON.stringify(diagnostics)}`);
    await row('+ YAML tree (parseSource)');
    let built: ReturnType<typeof buildTree> | undefined = buildTree(source, process.env, diagnostics);
    await row('+ SpecNode tree (buildTree)');
    if (!validateTree(built.root, diagnostics)) throw new Error('the bench spec is not valid');
    await row('+ schema check (holds nothing)');
    // As loadSpec does: the text goes once the tree is built, the tree once the index holds what
    // the rules and the model read.
    text = undefined;
    source = undefined;
    await row('the SpecNode tree, without the text');
    let index: ReturnType<typeof mergeFiles> | undefined = mergeFiles([{ file, root: built.root as MapNode }], diagnostics);
    built = undefined;
    await row('+ merged index (mergeFiles), without the root');
    const model = toModel(index);
    await row('+ model (toModel)');
    index = undefined;
    await row('the model alone');
    if (model.resources.size === 0) throw new Error('empty model');

    const validate = await measure(process.execPath, [WARREN, 'validate', file]);
    const empty = await measure(process.execPath, [WARREN, 'validate', join(dir, 'empty.yaml')]);
    const over = validate.peakRssMb - empty.peakRssMb;
    console.log(`  warren validate: peak RSS ${validate.peakRssMb.toFixed(0)} MB, ${over.toFixed(0)} MB over an empty spec's (${empty.peakRssMb.toFixed(0)} MB): ${((over * 1024) / objects).toFixed(2)} KB/object`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
