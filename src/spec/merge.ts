// Stage 4: schema-valid files -> one SpecIndex. Files merge by vhost and user (a vhost may keep
// its exchanges in one file and its queues in another); the same object declared twice is an
// error that names both places, and `stack` must agree across files.
import { stackNameProblem } from '../model/stack-name.js';
import { formatOrigin, type Diagnostic, type Origin } from '../errors.js';
import { resourceKey } from '../model/keys.js';
import type { Binding } from '../model/types.js';
import { toJsonMap } from './json.js';
import type { BindingDecl, Declared, Fields, SpecIndex, UserDecl, VhostDecl } from './spec-index.js';
import { child, entriesOf, itemsOf, stringOf, type Entry, type MapNode, type PathSegment } from './tree.js';

export interface FileTree {
  file: string;
  root: MapNode;
}

const TARGETS: readonly PathSegment[] = ['targets'];
const VHOST_COLLECTIONS = ['exchanges', 'queues', 'policies', 'operator_policies', 'federation_upstreams', 'shovels', 'super_streams'] as const;
const KIND_LABEL: Record<string, string> = {
  exchanges: 'exchange',
  queues: 'queue',
  policies: 'policy',
  operator_policies: 'operator policy',
  federation_upstreams: 'federation upstream',
  shovels: 'shovel',
  super_streams: 'super stream',
};

export function mergeFiles(files: readonly FileTree[], diagnostics: Diagnostic[]): SpecIndex {
  const index: SpecIndex = { files: files.map((f) => f.file), targets: new Map(), vhosts: new Map(), users: new Map(), globalParameters: new Map(), featureFlags: new Map() };
  const twice = (what: string, here: Origin, first: Origin): void => {
    diagnostics.push({ severity: 'error', code: 'E_DUPLICATE', message: `${what} is defined twice: here and at ${formatOrigin(first)}`, origin: here });
  };
  for (const { file, root } of files) {
    mergeStack(index, root, diagnostics);
    for (const [name, e] of entriesOf(child(root, 'targets'))) {
      const first = index.targets.get(name);
      if (first) twice(`target \`${name}\``, e.keyOrigin, first.origin);
      else index.targets.set(name, declared(name, e, TARGETS, file));
    }
    for (const [name, e] of entriesOf(child(root, 'vhosts'))) mergeVhost(index, name, e, file, twice);
    for (const [name, e] of entriesOf(child(root, 'users'))) mergeUser(index, name, e, file, twice);
    for (const [name, e] of entriesOf(child(root, 'global_parameters'))) {
      const first = index.globalParameters.get(name);
      if (first) twice(`global parameter \`${name}\``, e.keyOrigin, first.origin);
      else index.globalParameters.set(name, { name, origin: e.keyOrigin, value: e.value, path: ['global_parameters', name] });
    }
    // A flag required by several files is required once: a set, not a declaration.
    for (const item of itemsOf(child(root, 'feature_flags'))) {
      const name = stringOf(item);
      if (name !== undefined && !index.featureFlags.has(name)) index.featureFlags.set(name, item.origin);
    }
  }
  return index;
}

type Twice = (what: string, here: Origin, first: Origin) => void;

/**
 * A declaration's path is made when asked for (for a message), from its collection's path and
 * its name: held for each of 31,000 objects through the load, the arrays were 2.5 MB.
 */
class Declaration implements Declared {
  constructor(
    readonly name: string,
    readonly origin: Origin,
    readonly node: MapNode,
    /** The collection's path, shared by its declarations. */
    private readonly within: readonly PathSegment[],
    readonly file: string,
  ) {}

  get path(): PathSegment[] {
    return [...this.within, this.name];
  }
}

function declared(name: string, e: Entry, within: readonly PathSegment[], file: string): Declared {
  return new Declaration(name, e.keyOrigin, e.value as MapNode, within, file);
}

/** A binding; its path too is made when asked for, and its vhost and place are the resource's. */
class BindingDeclaration implements BindingDecl {
  constructor(
    readonly node: MapNode,
    /** Its place in the vhost's `bindings` list. */
    private readonly index: number,
    readonly identity: string,
    readonly resource: Binding,
  ) {}

  get vhost(): string {
    return this.resource.vhost;
  }

  get origin(): Origin {
    return this.resource.origin as Origin; // bindingDecl always sets it
  }

  get path(): PathSegment[] {
    return ['vhosts', this.vhost, 'bindings', this.index];
  }
}

function mergeStack(index: SpecIndex, root: MapNode, diagnostics: Diagnostic[]): void {
  const e = root.entries.get('stack');
  const value = stringOf(e?.value);
  if (!e || value === undefined) return;
  if (!index.stack) {
    index.stack = { value, origin: e.value.origin };
    const problem = stackNameProblem(value);
    if (problem) diagnostics.push({ severity: 'error', code: 'E_NAME', message: `stack: ${problem}`, origin: e.value.origin });
  } else if (index.stack.value !== value) {
    diagnostics.push({
      severity: 'error',
      code: 'E_CONFLICT',
      message: `stack: \`${value}\` here but \`${index.stack.value}\` at ${formatOrigin(index.stack.origin)}; all files of one spec must name the same stack`,
      origin: e.value.origin,
    });
  }
}

function mergeFields(fields: Fields, node: MapNode, names: readonly string[], path: PathSegment[], owner: string, twice: Twice): void {
  for (const name of names) {
    const e = node.entries.get(name);
    if (!e) continue;
    const first = fields.entries.get(name);
    if (first) {
      twice(`${owner} \`${name}\``, e.keyOrigin, first.keyOrigin);
      continue;
    }
    fields.entries.set(name, e);
    fields.paths.set(name, path.concat(name));
  }
}

function mergeVhost(index: SpecIndex, vhost: string, e: Entry, file: string, twice: Twice): void {
  const node = e.value as MapNode;
  let decl: VhostDecl | undefined = index.vhosts.get(vhost);
  if (!decl) {
    decl = { name: vhost, origin: e.keyOrigin, fields: { entries: new Map(), paths: new Map() }, exchanges: new Map(), queues: new Map(), bindings: [],
      policies: new Map(),
      operator_policies: new Map(),
      federation_upstreams: new Map(),
      federation_upstream_sets: new Map(),
      shovels: new Map(),
      super_streams: new Map(),
      parameters: new Map(),
    };
    index.vhosts.set(vhost, decl);
  }
  // Paths are made with concat, which sizes the array exactly: `[...path, a, b]` leaves room to
  // grow, some 140 bytes per declaration (4 MB at 31,000 objects) that no path ever uses.
  const path: PathSegment[] = ['vhosts', vhost];
  mergeFields(decl.fields, node, ['description', 'tags', 'default_queue_type', 'limits'], path, `vhost \`${vhost}\` setting`, twice);
  for (const collection of VHOST_COLLECTIONS) {
    const target = decl[collection];
    const within = path.concat(collection);
    for (const [name, item] of entriesOf(child(node, collection))) {
      const first = target.get(name);
      if (first) twice(`${KIND_LABEL[collection]} \`${name}\` in vhost \`${vhost}\``, item.keyOrigin, first.origin);
      else target.set(name, declared(name, item, within, file));
    }
  }
  for (const [name, item] of entriesOf(child(node, 'federation_upstream_sets'))) {
    const first = decl.federation_upstream_sets.get(name);
    if (first) twice(`federation upstream set \`${name}\` in vhost \`${vhost}\``, item.keyOrigin, first.origin);
    else decl.federation_upstream_sets.set(name, { name, origin: item.keyOrigin, value: item.value, path: path.concat('federation_upstream_sets', name) });
  }
  for (const [component, byName] of entriesOf(child(node, 'parameters'))) {
    for (const [name, item] of entriesOf(byName.value)) {
      const id = JSON.stringify([component, name]);
      const first = decl.parameters.get(id);
      if (first) twice(`parameter \`${component}/${name}\` in vhost \`${vhost}\``, item.keyOrigin, first.origin);
      else decl.parameters.set(id, { component, name, origin: item.keyOrigin, value: item.value, path: path.concat('parameters', component, name) });
    }
  }
  const seen = new Map(decl.bindings.map((b) => [b.identity, b] as const));
  itemsOf(child(node, 'bindings')).forEach((item, i) => {
    const binding = bindingDecl(vhost, item as MapNode, i);
    const first = seen.get(binding.identity);
    if (first) {
      twice(`binding ${describeBinding(binding)} in vhost \`${vhost}\``, binding.origin, first.origin);
      return;
    }
    seen.set(binding.identity, binding);
    decl.bindings.push(binding);
  });
}

function bindingDecl(vhost: string, node: MapNode, index: number): BindingDecl {
  const queue = stringOf(child(node, 'queue'));
  const origin = node.origin; // made on each read (yaml-nodes.ts): one for both
  const resource: Binding = {
    kind: 'binding',
    vhost,
    source: stringOf(child(node, 'source')) ?? '',
    destination_type: queue === undefined ? 'exchange' : 'queue',
    destination: queue ?? stringOf(child(node, 'exchange')) ?? '',
    routing_key: stringOf(child(node, 'routing_key')) ?? '', // default: no routing key
    arguments: toJsonMap(child(node, 'arguments')),
    origin,
  };
  return new BindingDeclaration(node, index, resourceKey(resource), resource);
}

export function describeBinding(b: Pick<BindingDecl, 'node'>): string {
  const queue = stringOf(child(b.node, 'queue'));
  const dest = queue === undefined ? `exchange \`${stringOf(child(b.node, 'exchange')) ?? ''}\`` : `queue \`${queue}\``;
  const key = stringOf(child(b.node, 'routing_key')) ?? '';
  return `\`${stringOf(child(b.node, 'source')) ?? ''}\` -> ${dest}${key === '' ? '' : ` [${key}]`}`;
}

function mergeUser(index: SpecIndex, user: string, e: Entry, file: string, twice: Twice): void {
  const node = e.value as MapNode;
  let decl: UserDecl | undefined = index.users.get(user);
  if (!decl) {
    decl = { name: user, origin: e.keyOrigin, fields: { entries: new Map(), paths: new Map() }, permissions: new Map(), topic_permissions: [] };
    index.users.set(user, decl);
  }
  const path: PathSegment[] = ['users', user];
  const permissions = path.concat('permissions');
  mergeFields(decl.fields, node, ['auth', 'password', 'password_hash', 'hashing_algorithm', 'tags', 'limits'], path, `user \`${user}\` setting`, twice);
  for (const [vhost, p] of entriesOf(child(node, 'permissions'))) {
    const first = decl.permissions.get(vhost);
    if (first) twice(`permission of user \`${user}\` in vhost \`${vhost}\``, p.keyOrigin, first.origin);
    else decl.permissions.set(vhost, declared(vhost, p, permissions, file));
  }
  for (const [vhost, list] of entriesOf(child(node, 'topic_permissions'))) {
    itemsOf(list.value).forEach((item, i) => {
      const exchange = stringOf(child(item, 'exchange')) ?? '';
      const first = decl.topic_permissions.find((t) => t.vhost === vhost && t.exchange === exchange);
      if (first) {
        twice(`topic permission of user \`${user}\` in vhost \`${vhost}\` on exchange \`${exchange}\``, item.origin, first.origin);
        return;
      }
      decl.topic_permissions.push({ vhost, exchange, node: item as MapNode, origin: item.origin, path: path.concat('topic_permissions', vhost, i) });
    });
  }
}
