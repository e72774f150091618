// Stage 2: a file's YAML tree -> the SpecNode tree. Here aliases and `<<` merge keys are expanded,
// `${VAR}` is interpolated in string values (after parsing, so positions stay those of the file),
// and values that reach a secret are wrapped in Secret.
import type { Diagnostic, Origin } from '../errors.js';
import { Secret } from '../model/secret.js';
import { interpolate, shownReference, type Env, type Interpolated, type InterpolationProblem } from './interpolate.js';
import { isSecretPath, isUriPath } from './secrets.js';
import { splitUrlCredentials } from '../model/url-credentials.js';
import type { Entry, MapNode, PathSegment, SpecNode } from './tree.js';
import { MAX_ALIAS_EXPANSION_NODES, type ReadMap, type YamlEntry, type YamlMap, type YamlMerge, type YamlNode, type YamlScalar } from './yaml-nodes.js';
import type { SourceFile } from './yaml-source.js';


export interface BuiltTree {
  root: SpecNode;
  /** False when the YAML itself could not be read (an unknown alias, a bad key): skip the schema. */
  ok: boolean;
  /** Every secret's plain value in this file, so the loader can scrub them from messages. */
  secrets: string[];
  /** `${VAR}` references the environment does not set: errors only where the value is needed. */
  unresolved: UnresolvedVariable[];
}

/** A `${NAME}` without a value and without a default, and where it is. */
export interface UnresolvedVariable {
  name: string;
  origin: Origin;
  /** Where in the file's tree: what decides whether a command needs it (see variables.ts). */
  path: PathSegment[];
}

interface Context {
  source: SourceFile;
  env: Env;
  diagnostics: Diagnostic[];
  aliasDepth: number;
  expanded: number;
  exhausted: boolean;
  secrets: string[];
  unresolved: UnresolvedVariable[];
}

export function buildTree(source: SourceFile, env: Env, diagnostics: Diagnostic[]): BuiltTree {
  const ctx: Context = { source, env, diagnostics, aliasDepth: 0, expanded: 0, exhausted: false, secrets: [], unresolved: [] };
  const before = diagnostics.length;
  const start: Origin = { file: source.file, line: 1, col: 1 };
  // An empty file is an empty mapping, so the schema can say what it lacks (`version`).
  const root: SpecNode = source.root === undefined ? { kind: 'map', origin: start, entries: new Map() } : build(ctx, source.root, []);
  const ok = !diagnostics.slice(before).some((d) => d.code === 'E_YAML' || d.code === 'E_YAML_ALIAS');
  return { root, ok, secrets: ctx.secrets, unresolved: ctx.unresolved };
}

function build(ctx: Context, node: YamlNode, path: PathSegment[]): SpecNode {
  if (ctx.exhausted) return { kind: 'scalar', origin: node.origin, value: null };
  // Taken as it is, and counted whole inside an alias: below the top, outside the two sections
  // with secrets in them, a node with nothing to expand, interpolate or report.
  if (node.plain && path.length > 0 && path[0] !== 'users' && path[0] !== 'targets') {
    if (ctx.aliasDepth > 0 && !withinBudget(ctx, node, node.size)) return { kind: 'scalar', origin: node.origin, value: null };
    return asSpecNode(node);
  }
  if (ctx.aliasDepth > 0 && !withinBudget(ctx, node, 1)) return { kind: 'scalar', origin: node.origin, value: null };
  switch (node.kind) {
    case 'map':
      return buildMap(ctx, node, path);
    case 'seq': {
      const items: SpecNode[] = [];
      for (let i = 0; i < node.items.length; i++) items.push(buildAt(ctx, node.items[i] as YamlNode, path, i));
      return { kind: 'seq', origin: node.origin, items };
    }
    case 'scalar':
      return buildScalar(ctx, node, path);
    case 'alias':
      if (!node.target) {
        ctx.diagnostics.push({ severity: 'error', code: 'E_YAML', message: `unknown alias \`*${node.name}\`: an anchor \`&${node.name}\` must come before it`, origin: node.origin });
        return { kind: 'scalar', origin: node.origin, value: null };
      }
      // Expanded where it is used, so a secret path or a `${VAR}` still applies to the copy; its
      // values keep the places where the anchor wrote them.
      ctx.aliasDepth += 1;
      try {
        return build(ctx, node.target, path);
      } finally {
        ctx.aliasDepth -= 1;
      }
  }
}

/** Counts nodes made by alias expansion; past the budget, reports once and stops the file. */
function withinBudget(ctx: Context, node: YamlNode, nodes: number): boolean {
  ctx.expanded += nodes;
  if (ctx.expanded <= MAX_ALIAS_EXPANSION_NODES) return true;
  ctx.exhausted = true;
  ctx.diagnostics.push({
    severity: 'error',
    code: 'E_YAML_ALIAS',
    message: `aliases expand to more than ${MAX_ALIAS_EXPANSION_NODES} values: the file is not read further`,
    origin: node.origin,
  });
  return false;
}

/**
 * A plain node has the SpecNode shape (yaml-nodes.ts): maps with entries, lists with items, and
 * scalars whose values are strings, numbers, booleans or null, all the way down.
 */
function asSpecNode(node: YamlNode): SpecNode {
  return node as unknown as SpecNode;
}

/**
 * `path` is one array pushed and popped as the walk descends, rather than a copy per node (a
 * spec of 30,000 objects has some 200,000 nodes). Only secret detection reads it.
 */
function buildAt(ctx: Context, node: YamlNode, path: PathSegment[], segment: PathSegment): SpecNode {
  path.push(segment);
  try {
    return build(ctx, node, path);
  } finally {
    path.pop();
  }
}

function buildMap(ctx: Context, node: YamlMap | ReadMap, path: PathSegment[]): MapNode {
  for (const key of node.badKeys) {
    ctx.diagnostics.push({ severity: 'error', code: 'E_YAML', message: 'a key must be a name, not a mapping or a list', origin: key.origin });
  }
  // Keys are names and stay as written: no interpolation, and `null`/`~` reads as "".
  const entries = new Map<string, Entry>();
  for (const [name, e] of node.entries) entries.set(name, entryOf(ctx, e, path, name));
  for (const merge of node.merges) applyMerge(ctx, merge, entries, path);
  return { kind: 'map', origin: node.origin, entries };
}

/** A value taken as it is keeps its entry too (YamlEntry has Entry's shape). */
function entryOf(ctx: Context, e: YamlEntry, path: PathSegment[], name: string): Entry {
  const value = buildAt(ctx, e.value, path, name);
  return value === (e.value as unknown) ? (e as unknown as Entry) : { keyOrigin: e.keyOrigin, value };
}

/** YAML merge keys: `<<: *defaults` or `<<: [*a, *b]`, earlier sources winning over later ones. */
function applyMerge(ctx: Context, merge: YamlMerge, entries: Map<string, Entry>, path: PathSegment[]): void {
  const sources = merge.value.kind === 'seq' ? merge.value.items : [merge.value];
  for (const source of sources) {
    const merged = build(ctx, source, path);
    if (merged.kind !== 'map') {
      if (!ctx.exhausted) ctx.diagnostics.push({ severity: 'error', code: 'E_YAML', message: '`<<` can only merge mappings', origin: merged.origin });
      continue;
    }
    for (const [key, e] of merged.entries) if (!entries.has(key)) entries.set(key, e);
  }
}

function buildScalar(ctx: Context, node: YamlScalar, path: PathSegment[]): SpecNode {
  const { value, origin } = node;
  if (typeof value === 'string') return buildString(ctx, value, node, path);
  if (typeof value === 'number' && !Number.isFinite(value)) {
    // `.inf`, `.nan` and `1e400` have no JSON form: the broker would get null.
    const written = ctx.source.text.slice(node.offset, node.end).trim();
    ctx.diagnostics.push({ severity: 'error', code: 'E_YAML', message: `\`${written.slice(0, 40)}\` is not a finite number: RabbitMQ cannot store infinity or NaN; give a number, or quote it for a string`, origin });
    return { kind: 'scalar', origin, value: null };
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return { kind: 'scalar', origin, value };
  ctx.diagnostics.push({ severity: 'error', code: 'E_YAML', message: 'a value warren cannot read (only strings, numbers, booleans and null)', origin });
  return { kind: 'scalar', origin, value: null };
}

function buildString(ctx: Context, raw: string, node: YamlScalar, path: PathSegment[]): SpecNode {
  const origin = node.origin;
  const secret = isSecretPath(path);
  const uri = !secret && isUriPath(path);
  if (!secret && !uri && !raw.includes('${')) return { kind: 'scalar', origin, value: raw }; // the common case
  const result = uri ? interpolateUri(raw, ctx.env) : interpolate(raw, ctx.env);
  // A variable that is not set is not an error yet: `validate` never needs values, and plan needs
  // only the chosen target's and the planned objects' (spec/variables.ts decides, and reports).
  const unresolved: string[] = [];
  for (const problem of result.problems) {
    const at = tokenOrigin(ctx, node, problem) ?? origin;
    if (problem.kind === 'missing' && problem.name !== undefined) {
      ctx.unresolved.push({ name: problem.name, origin: at, path: [...path] });
      unresolved.push(problem.name);
      continue;
    }
    ctx.diagnostics.push({ severity: 'error', code: 'E_ENV', message: envMessage(problem, secret || uri), origin: at });
  }
  const marks = unresolved.length > 0 ? { unresolved } : {};
  if (secret) {
    if (unresolved.length === 0) ctx.secrets.push(result.value);
    return { kind: 'scalar', origin, value: new Secret(result.value), ...marks };
  }
  if (uri) {
    const split = splitUrlCredentials(result.value);
    if (split?.password) ctx.secrets.push(split.password.reveal(), split.encodedPassword ?? '');
  }
  return { kind: 'scalar', origin, value: result.value, ...marks };
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

/**
 * Never the reference as written: its default may be a password (shownReference drops it). In a
 * password, passphrase or URI not even the name part: an unclosed `${` there runs into the password.
 */
function envMessage(problem: InterpolationProblem, secret: boolean): string {
  if (problem.kind === 'missing') {
    return `environment variable ${problem.name ?? ''} is not set (give a default with \`\${${problem.name ?? ''}:-default}\`)`;
  }
  const shown = secret ? 'the `${...}` here' : `\`${shownReference(problem)}\``;
  if (problem.kind === 'nested') {
    return `${shown} has a \`\${...}\` inside its default: nested references are not supported; set the variable, or give a literal default`;
  }
  return `${shown} is not a variable reference: a name holds letters, digits and \`_\` (\`\${NAME}\` or \`\${NAME:-default}\`); write \`$\${\` for a literal \`\${\``;
}

/** The `${...}` itself, found in the scalar's source text; undefined when escapes hide it. */
function tokenOrigin(ctx: Context, node: YamlScalar, problem: InterpolationProblem): Origin | undefined {
  const text = ctx.source.text.slice(node.offset, node.end);
  let from = 0;
  let seen = 0;
  for (;;) {
    const at = text.indexOf(problem.token, from);
    if (at < 0) return undefined;
    from = at + 1;
    if (at > 0 && text[at - 1] === '$') continue; // part of a literal `$${`
    if (seen++ === problem.occurrence) return originWithin(node, text, at);
  }
}

/** The place of a character inside a scalar, counting from the scalar's own place. */
function originWithin(node: YamlScalar, text: string, at: number): Origin {
  let { line, col } = node.origin;
  for (let i = 0; i < at; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x0a || (ch === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line += 1;
      col = 1;
    } else {
      col += 1;
    }
  }
  return { file: node.origin.file, line, col };
}
