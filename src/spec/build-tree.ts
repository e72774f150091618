// Stage 2: a parsed yaml Document -> the SpecNode tree. Here aliases and `<<` merge keys are
// expanded, `${VAR}` is interpolated in string values (after parsing, so positions stay those of
// the file), and values that reach a secret are wrapped in Secret.
import { isAlias, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { Diagnostic, Origin } from '../errors.js';
import { Secret } from '../model/secret.js';
import { interpolate, type Env, type Interpolated, type InterpolationProblem } from './interpolate.js';
import { isSecretPath, isUriPath, splitUriCredentials } from './secrets.js';
import type { Entry, MapNode, PathSegment, SpecNode } from './tree.js';
import { originAt, type SourceFile } from './yaml-source.js';

/**
 * A second guard beside yaml's maxAliasCount, which counts alias uses but not their size: one big
 * anchor aliased a few thousand times is linear to write and quadratic to expand.
 */
export const MAX_ALIAS_EXPANSION_NODES = 500_000;

export interface BuiltTree {
  root: SpecNode;
  /** False when the YAML itself could not be read (an unknown alias, a bad key): skip the schema. */
  ok: boolean;
  /** Every secret's plain value in this file, so the loader can scrub them from messages. */
  secrets: string[];
}

interface Context {
  source: SourceFile;
  env: Env;
  diagnostics: Diagnostic[];
  anchors: Map<string, YamlNode>;
  aliasDepth: number;
  expanded: number;
  exhausted: boolean;
  secrets: string[];
}

export function buildTree(source: SourceFile, env: Env, diagnostics: Diagnostic[]): BuiltTree {
  const ctx: Context = { source, env, diagnostics, anchors: new Map(), aliasDepth: 0, expanded: 0, exhausted: false, secrets: [] };
  const before = diagnostics.length;
  const top = source.doc.contents;
  const start = originAt(source, 0);
  // An empty file is an empty mapping, so the schema can say what it lacks (`version`).
  const root: SpecNode = top === null ? { kind: 'map', origin: start, entries: new Map() } : build(ctx, top, [], start);
  const ok = !diagnostics.slice(before).some((d) => d.code === 'E_YAML' || d.code === 'E_YAML_ALIAS');
  return { root, ok, secrets: ctx.secrets };
}

function originOf(ctx: Context, node: YamlNode | null | undefined, fallback: Origin): Origin {
  const offset = node?.range?.[0];
  return offset === undefined ? fallback : originAt(ctx.source, offset);
}

function build(ctx: Context, node: unknown, path: PathSegment[], fallback: Origin): SpecNode {
  if (ctx.exhausted) return { kind: 'scalar', origin: fallback, value: null };
  if (ctx.aliasDepth > 0 && ++ctx.expanded > MAX_ALIAS_EXPANSION_NODES) {
    ctx.exhausted = true;
    ctx.diagnostics.push({
      severity: 'error',
      code: 'E_YAML_ALIAS',
      message: `aliases expand to more than ${MAX_ALIAS_EXPANSION_NODES} values: the file is not read further`,
      origin: fallback,
    });
    return { kind: 'scalar', origin: fallback, value: null };
  }
  if (node === null || node === undefined) return { kind: 'scalar', origin: fallback, value: null };
  if (isAlias(node)) return buildAlias(ctx, node.source, originOf(ctx, node, fallback), path);
  const yamlNode = node as YamlNode;
  const origin = originOf(ctx, yamlNode, fallback);
  let out: SpecNode;
  if (isMap(node)) out = buildMap(ctx, node.items, origin, path);
  else if (isSeq(node)) out = { kind: 'seq', origin, items: node.items.map((item, i) => buildAt(ctx, item, path, i, origin)) };
  else if (isScalar(node)) out = buildScalar(ctx, node.value, node.range, origin, path);
  else out = { kind: 'scalar', origin, value: null };
  // Registered after the node is built, and never during an alias expansion: an alias refers to
  // the latest anchor of that name written before it in the file.
  if (ctx.aliasDepth === 0 && yamlNode.anchor) ctx.anchors.set(yamlNode.anchor, yamlNode);
  return out;
}

/**
 * `path` is one array pushed and popped as the walk descends, rather than a copy per node (a
 * spec of 30,000 objects has some 200,000 nodes). Only secret detection reads it.
 */
function buildAt(ctx: Context, node: unknown, path: PathSegment[], segment: PathSegment, fallback: Origin): SpecNode {
  path.push(segment);
  try {
    return build(ctx, node, path, fallback);
  } finally {
    path.pop();
  }
}

function buildAlias(ctx: Context, name: string, origin: Origin, path: PathSegment[]): SpecNode {
  const target = ctx.anchors.get(name);
  if (!target) {
    ctx.diagnostics.push({ severity: 'error', code: 'E_YAML', message: `unknown alias \`*${name}\`: an anchor \`&${name}\` must come before it`, origin });
    return { kind: 'scalar', origin, value: null };
  }
  ctx.aliasDepth += 1;
  try {
    return build(ctx, target, path, origin);
  } finally {
    ctx.aliasDepth -= 1;
  }
}

interface YamlPair {
  key: unknown;
  value: unknown;
}

function buildMap(ctx: Context, pairs: readonly YamlPair[], origin: Origin, path: PathSegment[]): MapNode {
  const entries = new Map<string, Entry>();
  const merges: YamlPair[] = [];
  for (const pair of pairs) {
    const keyNode = isAlias(pair.key) ? ctx.anchors.get(pair.key.source) : pair.key;
    const keyOrigin = originOf(ctx, pair.key as YamlNode, origin);
    if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
      merges.push(pair); // `<<`: applied after the explicit keys, which always win
      continue;
    }
    if (!isScalar(keyNode) || !isPlainKey(keyNode.value)) {
      ctx.diagnostics.push({ severity: 'error', code: 'E_YAML', message: 'a key must be a name, not a mapping or a list', origin: keyOrigin });
      continue;
    }
    // Keys are names and stay as written: no interpolation, and `null`/`~` reads as "".
    const key = keyNode.value === null ? '' : String(keyNode.value);
    entries.set(key, { keyOrigin, value: buildAt(ctx, pair.value, path, key, keyOrigin) });
  }
  for (const merge of merges) applyMerge(ctx, merge, entries, origin, path);
  return { kind: 'map', origin, entries };
}

function isPlainKey(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** YAML merge keys: `<<: *defaults` or `<<: [*a, *b]`, earlier sources winning over later ones. */
function applyMerge(ctx: Context, pair: YamlPair, entries: Map<string, Entry>, origin: Origin, path: PathSegment[]): void {
  const keyOrigin = originOf(ctx, pair.key as YamlNode, origin);
  const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
  for (const source of sources) {
    const merged = build(ctx, source, path, keyOrigin);
    if (merged.kind !== 'map') {
      if (!ctx.exhausted) ctx.diagnostics.push({ severity: 'error', code: 'E_YAML', message: '`<<` can only merge mappings', origin: merged.origin });
      continue;
    }
    for (const [key, e] of merged.entries) if (!entries.has(key)) entries.set(key, e);
  }
}

function buildScalar(ctx: Context, value: unknown, range: YamlNode['range'], origin: Origin, path: PathSegment[]): SpecNode {
  if (typeof value === 'string') return buildString(ctx, value, range, origin, path);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return { kind: 'scalar', origin, value };
  ctx.diagnostics.push({ severity: 'error', code: 'E_YAML', message: 'a value warren cannot read (only strings, numbers, booleans and null)', origin });
  return { kind: 'scalar', origin, value: null };
}

function buildString(ctx: Context, raw: string, range: YamlNode['range'], origin: Origin, path: PathSegment[]): SpecNode {
  const secret = isSecretPath(path);
  const uri = !secret && isUriPath(path);
  if (!secret && !uri && !raw.includes('${')) return { kind: 'scalar', origin, value: raw }; // the common case
  const result = uri ? interpolateUri(raw, ctx.env) : interpolate(raw, ctx.env);
  for (const problem of result.problems) {
    ctx.diagnostics.push({ severity: 'error', code: 'E_ENV', message: envMessage(problem), origin: tokenOrigin(ctx, range, problem) ?? origin });
  }
  if (secret) {
    ctx.secrets.push(result.value);
    return { kind: 'scalar', origin, value: new Secret(result.value) };
  }
  if (uri) {
    const split = splitUriCredentials(result.value);
    if (split?.password) ctx.secrets.push(split.password.reveal(), split.encodedPassword ?? '');
  }
  return { kind: 'scalar', origin, value: result.value };
}

// scheme://user:pass@ with `${...}` taken whole, so a reference may hold any character.
const TEMPLATE_USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)((?:\$\{[^}]*\}|[^/?#@$]|\$(?!\{))*)@/i;

/**
 * In a URI's user info, variables are inserted percent-encoded: the environment holds the real
 * password, `p@ss/word`, and the URI must still parse with all of it in the password (a raw `@`
 * or `/` would cut it and leave the rest in the printable host and path).
 */
function interpolateUri(raw: string, env: Env): Interpolated {
  const match = TEMPLATE_USER_INFO.exec(raw);
  if (!match || !(match[2] ?? '').includes('${')) return interpolate(raw, env);
  const userInfo = interpolate(match[2] ?? '', env, encodeURIComponent);
  const rest = interpolate(raw.slice(match[0].length), env);
  return {
    value: `${match[1] ?? ''}${userInfo.value}@${rest.value}`,
    problems: [...userInfo.problems, ...rest.problems],
    substituted: true,
  };
}

function envMessage(problem: InterpolationProblem): string {
  if (problem.kind === 'missing') {
    return `environment variable ${problem.name ?? ''} is not set (give a default with \`\${${problem.name ?? ''}:-default}\`)`;
  }
  return `\`${problem.token}\` is not a variable reference: use \`\${NAME}\` or \`\${NAME:-default}\`, or \`$\${\` for a literal \`\${\``;
}

/** The `${...}` itself, found in the scalar's source text; undefined when escapes hide it. */
function tokenOrigin(ctx: Context, range: YamlNode['range'], problem: InterpolationProblem): Origin | undefined {
  if (!range) return undefined;
  const text = ctx.source.text.slice(range[0], range[1]);
  let from = 0;
  let seen = 0;
  for (;;) {
    const at = text.indexOf(problem.token, from);
    if (at < 0) return undefined;
    from = at + 1;
    if (at > 0 && text[at - 1] === '$') continue; // part of a literal `$${`
    if (seen++ === problem.occurrence) return originAt(ctx.source, range[0] + at);
  }
}
