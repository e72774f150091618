// The spec loader: files -> YAML -> tree -> schema -> merge -> rules -> model. Each stage collects
// every problem it finds; a later stage only runs on what the earlier ones accepted. User
// mistakes come back as diagnostics, never as exceptions.
import { WarrenError, errorsOf, type Diagnostic } from '../errors.js';
import type { Model } from '../model/types.js';
import { emptyModel } from '../model/types.js';
import type { Target } from '../model/target.js';
import { buildTree, type UnresolvedVariable } from './build-tree.js';
import { collectBetweenStages } from './collect-garbage.js';
import { readSpecFiles } from './files.js';
import type { Env } from './interpolate.js';
import { mergeFiles, type FileTree } from './merge.js';
import { runRules } from './rules/index.js';
import { validateTree } from './schema.js';
import { scrubDiagnostics } from './secrets.js';
import { buildTargets } from './targets.js';
import { toModel } from './to-model.js';
import { parseSource } from './yaml-source.js';

export interface LoadedSpec {
  /** The files read, in the order they were merged. */
  files: string[];
  stack: string | undefined;
  /** The desired state. Complete only when `diagnostics` holds no error. */
  model: Model;
  targets: Target[];
  /** The vhosts the spec declares: the ones plan compares (and prune may clean). */
  vhosts: string[];
  /** Errors and warnings, in file order. Secrets are never in them. */
  diagnostics: Diagnostic[];
  /**
   * `${VAR}` references the environment does not set. Not errors here: `validate` never needs a
   * value; plan and apply call assertVariablesSet (variables.ts) for what they need.
   */
  unresolved: UnresolvedVariable[];
}

export function loadSpec(paths: readonly string[], env: Env): LoadedSpec {
  const diagnostics: Diagnostic[] = [];
  const secrets: string[] = [];
  const unresolved: UnresolvedVariable[] = [];
  const trees: FileTree[] = [];
  let shapeOk = true;
  if (paths.length === 0) diagnostics.push({ severity: 'error', code: 'E_IO', message: 'no spec file or folder given' });
  const texts = readSpecFiles(paths, diagnostics);
  const files = texts.map((t) => t.file);
  const specLength = texts.reduce((n, t) => n + t.text.length, 0);
  // Each file's text is let go as soon as its tree is built (the tree keeps offsets, not text):
  // 5 MB at 93,000 objects that the load held to its end.
  for (let next = texts.shift(); next; next = texts.shift()) {
    const { file, text } = next;
    const source = parseSource(file, text, diagnostics);
    if (!source) {
      shapeOk = false;
      continue;
    }
    const built = buildTree(source, env, diagnostics);
    secrets.push(...built.secrets);
    unresolved.push(...built.unresolved);
    if (!built.ok || !validateTree(built.root, diagnostics) || built.root.kind !== 'map') {
      shapeOk = false;
      continue;
    }
    trees.push({ file, root: built.root });
  }
  collectBetweenStages(specLength); // the texts, js-yaml's state and the schema's copies are garbage now
  const spec = mergeFiles(trees, diagnostics);
  // The index holds what the rules and the model read; the rest of the trees can go.
  trees.length = 0;
  if (files.length > 0 && shapeOk && !spec.stack) {
    diagnostics.push({ severity: 'error', code: 'E_SCHEMA', message: 'stack: no file names the stack; add `stack: <name>` (the broker records what each stack owns)', origin: { file: files[0] ?? '', line: 1, col: 1 } });
  }
  // Rules judge meaning; on a spec whose shape is wrong they would mostly repeat the schema's errors.
  let model = emptyModel();
  if (shapeOk) {
    collectBetweenStages(specLength); // and so are the trees' collections, and what merging made on the way
    runRules(spec, diagnostics);
    model = toModel(spec);
  }
  return {
    files,
    stack: spec.stack?.value,
    model,
    targets: shapeOk ? buildTargets(spec) : [],
    vhosts: [...spec.vhosts.keys()],
    diagnostics: scrubDiagnostics(sortByPlace(diagnostics, files), secrets),
    unresolved,
  };
}

/** File order, then line and column: output reads top to bottom like the files. Stable otherwise. */
function sortByPlace(diagnostics: Diagnostic[], files: readonly string[]): Diagnostic[] {
  const rank = new Map(files.map((f, i) => [f, i] as const));
  const place = (d: Diagnostic): [number, number, number] => (d.origin ? [rank.get(d.origin.file) ?? -1, d.origin.line, d.origin.col] : [-1, 0, 0]);
  return diagnostics
    .map((d, i) => ({ d, i, p: place(d) }))
    .sort((a, b) => a.p[0] - b.p[0] || a.p[1] - b.p[1] || a.p[2] - b.p[2] || a.i - b.i)
    .map((x) => x.d);
}

/** For the CLI and other callers that want an exception: throws a WarrenError carrying every diagnostic. */
export function assertValidSpec(spec: LoadedSpec): void {
  const errors = errorsOf(spec.diagnostics);
  if (errors.length === 0) return;
  const first = errors[0] as Diagnostic;
  const summary = errors.length === 1 ? first.message : `the spec has ${errors.length} errors`;
  throw new WarrenError(first.code, summary, { origin: first.origin, diagnostics: spec.diagnostics });
}
