// A live broker (or a definitions file) -> spec YAML: one file, or one file per vhost plus one for
// the users. Pure: the caller reads the broker and writes the files.
import { createHash } from 'node:crypto';
import type { LiveState } from '../live/types.js';
import { upgradeTopology } from '../model/upgrade.js';
import { showVersion, type VersionTriple } from '../model/version-rules.js';
import { WARREN_VERSION } from '../version.js';
import { selectExportable } from './select.js';
import { resourceKey } from '../model/keys.js';
import type { Resource } from '../model/types.js';
import { specDocuments, type DocMap, type DocValue, type SpecDocuments } from './spec-document.js';
import { toYaml, writeYaml, type WriteChunk } from './yaml.js';

export interface ExportOptions {
  stack: string;
  /** Only these vhosts (and the users with permissions in them). */
  vhosts?: readonly string[] | undefined;
  /** Rewrite what this RabbitMQ version refuses (model/upgrade.ts), each rewrite listed. */
  forVersion?: VersionTriple | undefined;
  quorumForMirrored?: boolean | undefined;
  /** Where editors find the JSON Schema, relative to the written files: the first comment line. */
  schema?: string | undefined;
}

export interface ExportedFile {
  /** The file's name inside the output folder (layout `split`); `spec.yaml` for a single file. */
  name: string;
  /**
   * Writes the text in chunks as it is made from the live state: the text of a large broker
   * is never held whole (5 MB at bench factor 3, and the documents it is made from far more).
   */
  write(out: WriteChunk): void;
  /** The whole text, made anew on each read: for small exports and tests. */
  readonly text: string;
}

export interface ExportResult {
  files: ExportedFile[];
  /** Objects written. */
  exported: number;
  /** reason -> count of objects left out for it. */
  leftOut: Map<string, number>;
  /** Things the user should know: vhosts asked for that do not exist, objects other stacks own. */
  warnings: string[];
  /** What --for-version rewrote, one line each (also in each file's header). */
  rewrites: string[];
  /** "RabbitMQ 4.0" when rewritten for a version. */
  forVersion?: string | undefined;
  /** Environment variables the export's URIs read their passwords from: set them before planning it. */
  variables: string[];
  /** What the live source holds that warren does not manage, one line each (also in warnings). */
  unmanaged: string[];
  /** The keys of the exported objects no other stack owns: what `export --adopt` records for the stack. */
  adoptable: string[];
}

export type ExportLayout = 'single' | 'split';

export const USERS_FILE = 'users.yaml';
/** Broker-wide settings of a split export: global parameters and feature flags. */
export const BROKER_FILE = 'broker.yaml';

export function exportSpec(live: LiveState, options: ExportOptions, layout: ExportLayout): ExportResult {
  const selection = selectExportable(live, { vhosts: options.vhosts });
  const target = options.forVersion ? `RabbitMQ ${showVersion(options.forVersion)}` : undefined;
  const upgraded = options.forVersion ? upgradeTopology(selection.kept, options.forVersion, { quorumForMirrored: options.quorumForMirrored === true }) : undefined;
  const rewrites = upgraded?.rewrites.map((r) => r.message) ?? [];
  const docs = specDocuments(upgraded?.resources ?? selection.kept);
  const omitted = omitBareDefaultVhost(docs, upgraded?.resources ?? selection.kept);
  const warnings: string[] = [];
  for (const v of options.vhosts ?? []) if (!docs.vhosts.has(v)) warnings.push(`--vhost ${v}: no such vhost in ${live.source}`);
  warnings.push(...ownershipWarnings(live, selection.kept, options.stack));
  const unmanaged = live.warnings.filter((d) => d.code === 'W_UNMANAGED').map((d) => d.message);
  warnings.push(...unmanaged);
  if (docs.variables.length > 0) {
    warnings.push(`URI passwords are not written: the export reads them from ${docs.variables.join(', ')}; set ${docs.variables.length === 1 ? 'it' : 'them'} before planning the export`);
  }

  const schemaLine = options.schema !== undefined ? [`yaml-language-server: $schema=${options.schema}`] : [];
  const header = [...schemaLine, `Exported by warren ${WARREN_VERSION} from ${live.source} (RabbitMQ ${live.brokerVersion})${target ? ` for ${target}` : ''}.`];
  if (target) header.push(rewrites.length > 0 ? `Rewritten for ${target}:` : `Nothing needed rewriting for ${target}.`, ...rewrites.map((r) => `  ${r}`));
  const withUsers = [...header, 'Users keep their password hashes: keep this file as private as a definitions export.'];
  const head = (): DocMap =>
    new Map<string, DocValue>([
      ['version', 1],
      ['stack', options.stack],
    ]);
  const files: ExportedFile[] = [];
  if (layout === 'single') {
    const root = head();
    if (docs.vhosts.size > 0) root.set('vhosts', docs.vhosts);
    if (docs.users.size > 0) root.set('users', docs.users);
    for (const [k, v] of docs.broker) root.set(k, v);
    files.push(yamlFile('spec.yaml', root, docs.users.size > 0 ? withUsers : header));
  } else {
    const names = vhostFileNames([...docs.vhosts.keys()]);
    for (const [vhost, body] of docs.vhosts) {
      const root = head();
      root.set('vhosts', new Map([[vhost, body]]));
      files.push(yamlFile(names.get(vhost) as string, root, header));
    }
    if (docs.users.size > 0) {
      const root = head();
      root.set('users', docs.users);
      files.push(yamlFile(USERS_FILE, root, withUsers));
    }
    if (docs.broker.size > 0) {
      const root = head();
      for (const [k, v] of docs.broker) root.set(k, v);
      files.push(yamlFile(BROKER_FILE, root, header));
    }
  }
  // Looked up in each other stack's record rather than copied into one set (93,000 keys at factor 3).
  const others = [...live.ownership].filter(([owner]) => owner !== options.stack).map(([, keys]) => keys);
  const adoptable = [...(upgraded?.resources ?? selection.kept).keys()].filter((k) => !others.some((keys) => keys.has(k)) && k !== omitted);
  return { files, exported: upgraded?.resources.size ?? selection.kept.size, leftOut: selection.leftOut, warnings, rewrites, forVersion: target, variables: docs.variables, unmanaged, adoptable };
}

function yamlFile(name: string, root: DocMap, header: readonly string[]): ExportedFile {
  return {
    name,
    write: (out) => writeYaml(root, header, out),
    get text() {
      return toYaml(root, header);
    },
  };
}

/** The file of the vhost "/": readable, and never the name of another vhost's file (those start `vhost-`). */
export const DEFAULT_VHOST_FILE = 'default-vhost.yaml';

/**
 * Every broker has "/": stating nothing about it (`/: {}`) only adds noise, unless a grant in the
 * export names it (then declaring it keeps `validate` from warning that it may not exist).
 * Returns the key of the vhost left out, if it was.
 */
function omitBareDefaultVhost(docs: SpecDocuments, kept: ReadonlyMap<string, Resource>): string | undefined {
  const body = docs.vhosts.get('/');
  if (!body || body.size > 0) return undefined;
  for (const r of kept.values()) if ((r.kind === 'permission' || r.kind === 'topic_permission') && r.vhost === '/') return undefined;
  docs.vhosts.delete('/');
  return resourceKey({ kind: 'vhost', name: '/' });
}

/**
 * `vhost-<name>.yaml`, the name percent-encoded outside [A-Za-z0-9._-]; "/" is default-vhost.yaml.
 * Names that differ only in case get a hash suffix, so case-insensitive file systems keep both.
 * A long name (a vhost may have 255 characters, 765 bytes encoded) is cut and given the hash too:
 * file systems take 255 bytes, and the hash keeps two names with one beginning apart.
 */
export function vhostFileNames(vhosts: readonly string[]): Map<string, string> {
  const encode = (name: string): string =>
    [...Buffer.from(name, 'utf8')].map((b) => (/[A-Za-z0-9._-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  const hash = (v: string): string => createHash('sha256').update(v, 'utf8').digest('hex').slice(0, 8);
  const base = new Map(vhosts.map((v) => [v, `vhost-${encode(v)}`]));
  const folded = new Map<string, number>();
  for (const b of base.values()) folded.set(b.toLowerCase(), (folded.get(b.toLowerCase()) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const [v, b] of base) {
    if (v === '/') {
      out.set(v, DEFAULT_VHOST_FILE);
      continue;
    }
    if (b.length > MAX_BASE_NAME) {
      // Cut before a `%XX` rather than through it.
      out.set(v, `${b.slice(0, MAX_BASE_NAME).replace(/%[0-9A-F]?$/, '')}-${hash(v)}.yaml`);
      continue;
    }
    const clash = (folded.get(b.toLowerCase()) ?? 0) > 1;
    out.set(v, `${b}${clash ? `-${hash(v)}` : ''}.yaml`);
  }
  return out;
}

/** Leaves room for `-<hash>.yaml` within a file system's 255 bytes, and reads better than 255. */
const MAX_BASE_NAME = 120;

/**
 * Exported objects another stack owns: planning the export under this stack would refuse them.
 * Counted record by record against the kept map: a key -> owner map and a set of the exported
 * keys, 93,000 entries each at bench factor 3, were 7 MB at the export's peak. A key that two
 * records list counts for the later one, as it did in that map.
 */
function ownershipWarnings(live: LiveState, kept: ReadonlyMap<string, Resource>, stack: string): string[] {
  const records = [...live.ownership];
  const counts: [string, number][] = [];
  records.forEach(([owner, owned], i) => {
    if (owner === stack) return;
    const later = records.slice(i + 1).map(([, keys]) => keys);
    let n = 0;
    for (const k of owned) if (kept.has(k) && !later.some((keys) => keys.has(k))) n++;
    if (n > 0) counts.push([owner, n]);
  });
  const out = counts.sort(([a], [b]) => (a < b ? -1 : 1)).map(
    ([owner, n]) => `${n} exported object${n === 1 ? ' is' : 's are'} owned by stack ${owner}: planning this export as stack ${stack} refuses them (E_OWNERSHIP); export with --stack ${owner}, or pick other vhosts with --vhost`,
  );
  // The same stack name over a part of what the stack owns: its plan would delete the rest.
  let missing = 0;
  for (const k of live.ownership.get(stack) ?? []) if (!kept.has(k) && live.model.resources.has(k)) missing++;
  if (missing > 0) out.push(`stack ${stack} owns ${missing} object${missing === 1 ? '' : 's'} this export leaves out: planning it as stack ${stack} with --prune managed (the default) deletes them; plan it with --prune none, or export all of the stack's vhosts`);
  return out;
}
