// What lint needs from the spec files that the model does not keep: passwords written in clear
// (the model only holds a Secret, not how it was written) and the `lint:` section that switches
// rules off. Reads YAML texts already loaded and validated by the spec loader.
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import type { Origin } from '../../errors.js';
import type { ClearTextSecret, LintSettings } from './types.js';

export interface SpecText {
  file: string;
  text: string;
}

export interface SpecLintSource {
  clearTextSecrets: ClearTextSecret[];
  settings: LintSettings;
  /** `queue v/q\u0000arguments.x-message-ttl` -> where that key is written, for findings about one setting. */
  places: Map<string, Origin>;
}

const SETTING_MAPS: readonly [collection: string, kind: string, map: string][] = [
  ['queues', 'queue', 'arguments'],
  ['exchanges', 'exchange', 'arguments'],
  ['policies', 'policy', 'definition'],
  ['operator_policies', 'operator_policy', 'definition'],
];

/** `${A}` alone is safe; text around it, or a `${A:-default}` default, is written in the file. */
export function writtenInClear(raw: string): boolean {
  const rest = raw.replace(/\$\$\{/g, '').replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, '');
  return rest.trim() !== '';
}

/** The credentials part of a URI, when it has a password: `amqp://user:pass@host`. */
function uriPassword(raw: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/@:]*:([^/@]*)@/i.exec(raw);
  return m?.[1];
}

export function readSpecLintSource(texts: readonly SpecText[]): SpecLintSource {
  const clearTextSecrets: ClearTextSecret[] = [];
  const disable = new Set<string>();
  const ignore = new Map<string, Set<string>>();
  const places = new Map<string, Origin>();
  for (const { file, text } of texts) {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
    const origin = (node: Node | null | undefined): Origin => {
      const pos = lines.linePos(node?.range?.[0] ?? 0);
      return { file, line: pos.line, col: pos.col };
    };
    const root = doc.contents;
    if (!isMap(root)) continue;
    const section = (key: string) => {
      const v = root.get(key, true);
      return isMap(v) ? v : undefined;
    };
    const check = (object: string, field: string, node: unknown, uri = false): void => {
      if (!isScalar(node) || typeof node.value !== 'string') return;
      const raw = node.value;
      const secret = uri ? uriPassword(raw) : raw;
      if (secret === undefined || secret === '' || !writtenInClear(secret)) return;
      const how = /\$\{[^}]*:-/.test(secret) ? 'has a default written in the file (`${VAR:-default}`)' : 'is written in the file';
      clearTextSecrets.push({ object, field, how, origin: origin(node) });
    };
    for (const item of section('targets')?.items ?? []) {
      const name = String(isScalar(item.key) ? item.key.value : item.key);
      if (!isMap(item.value)) continue;
      const t = item.value;
      check(`target ${name}`, `targets.${name}.password`, t.get('password', true));
      const tls = t.get('tls', true);
      if (isMap(tls)) check(`target ${name}`, `targets.${name}.tls.passphrase`, tls.get('passphrase', true));
      for (const key of ['management', 'amqp']) {
        const v = t.get(key, true);
        const urls = isScalar(v) ? [v] : v && typeof v === 'object' && 'items' in v ? (v as { items: unknown[] }).items : [];
        for (const u of urls) check(`target ${name}`, `targets.${name}.${key} (the URL's password)`, u, true);
      }
    }
    for (const item of section('users')?.items ?? []) {
      const name = String(isScalar(item.key) ? item.key.value : item.key);
      if (isMap(item.value)) check(`user ${name}`, `users.${name}.password`, item.value.get('password', true));
    }
    for (const vh of section('vhosts')?.items ?? []) {
      const vhost = String(isScalar(vh.key) ? vh.key.value : vh.key);
      if (!isMap(vh.value)) continue;
      for (const [collection, kind, mapKey] of SETTING_MAPS) {
        const objects = vh.value.get(collection, true);
        if (!isMap(objects)) continue;
        for (const o of objects.items) {
          const name = String(isScalar(o.key) ? o.key.value : o.key);
          const settings = isMap(o.value) ? o.value.get(mapKey, true) : undefined;
          if (!isMap(settings)) continue;
          for (const kv of settings.items) {
            if (!isScalar(kv.key)) continue; // a `<<` merge or an alias: the object's own place is used
            places.set(`${kind} ${vhost}/${name}\u0000${mapKey}.${String(kv.key.value)}`, origin(kv.key));
          }
        }
      }
    }
    const lint = section('lint');
    if (!lint) continue;
    const list = (node: unknown): string[] => (node && typeof node === 'object' && 'items' in node ? (node as { items: unknown[] }).items.map((i) => String(isScalar(i) ? i.value : i)) : []);
    for (const id of list(lint.get('disable', true))) disable.add(id);
    const ig = lint.get('ignore', true);
    if (isMap(ig)) {
      for (const item of ig.items) {
        const rule = String(isScalar(item.key) ? item.key.value : item.key);
        const set = ignore.get(rule) ?? new Set<string>();
        for (const o of list(item.value)) set.add(o);
        ignore.set(rule, set);
      }
    }
  }
  return { clearTextSecrets, settings: { disable, ignore }, places };
}
