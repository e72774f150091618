// The export's sections for runtime parameters, super streams and feature flags. A URI password
// in a parameter is never written: it becomes a `${VARIABLE}` reference, and the export names the
// variables to set (uriPasswordVariables gives their names and, to whoever holds the live state,
// their values).
import { numberedPartitions } from '../model/super-stream.js';
import type { FeatureFlag, GlobalParameter, Json, SuperStream, VhostParameter } from '../model/types.js';
import { escapeInterpolation } from '../spec/interpolate.js';
import { TemplateText, jsonToDoc, type DocMap, type DocValue } from './doc-value.js';

const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@:]*):([^/?#@]*)@/i;

/** The URI-bearing fields of each kind, as the spec names them. */
const URI_FIELDS: Record<string, readonly string[]> = {
  federation_upstream: ['uri'],
  shovel: ['src-uri', 'dest-uri'],
};

export interface UriPassword {
  variable: string;
  /** The decoded password: what the variable must hold. */
  password: string;
}

/**
 * `WARREN_SHOVEL_ORDERS_MOVE_SRC_URI_PASSWORD`: kind, vhost, name and field, upper-cased, every
 * other character an underscore; a list of URIs adds the index. Two objects whose names fold to
 * the same variable get a numbered suffix, in key order, so the names are stable.
 */
export function uriPasswordVariables(parameters: readonly VhostParameter[]): Map<string, Map<string, UriPassword>> {
  const byObject = new Map<string, Map<string, UriPassword>>(); // object id -> uri path -> variable
  const taken = new Set<string>();
  const sorted = [...parameters].sort((a, b) => (JSON.stringify([a.kind, a.vhost, a.name]) < JSON.stringify([b.kind, b.vhost, b.name]) ? -1 : 1));
  for (const p of sorted) {
    const fields = URI_FIELDS[p.kind];
    if (!fields || !isObject(p.value)) continue;
    const found = new Map<string, UriPassword>();
    for (const field of fields) {
      const v = p.value[field];
      const uris = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
      uris.forEach((uri, i) => {
        if (typeof uri !== 'string') return;
        const m = USER_INFO.exec(uri);
        if (!m) return;
        const base = ['WARREN', p.kind, p.vhost, p.name, field, ...(uris.length > 1 ? [String(i)] : []), 'PASSWORD'].join('_').toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/_+/g, '_');
        let variable = base;
        for (let n = 2; taken.has(variable); n++) variable = `${base}_${n}`;
        taken.add(variable);
        found.set(uris.length > 1 ? `${field}[${i}]` : field, { variable, password: decode(m[3] ?? '') });
      });
    }
    if (found.size > 0) byObject.set(JSON.stringify([p.kind, p.vhost, p.name]), found);
  }
  return byObject;
}

/** A parameter's value for the spec: URI passwords as `${VARIABLE}` (the YAML writer escapes every other `${`). */
export function parameterValueDoc(p: VhostParameter, variables: ReadonlyMap<string, UriPassword> | undefined): DocValue {
  if (!isObject(p.value)) return jsonToDoc(p.value);
  const doc = jsonToDoc(p.value) as DocMap;
  for (const [path, { variable }] of variables ?? []) {
    const m = /^(.*?)(?:\[(\d+)\])?$/.exec(path);
    const field = m?.[1] ?? path;
    const index = m?.[2];
    const withVariable = (uri: DocValue): DocValue =>
      typeof uri === 'string' ? new TemplateText(escapeInterpolation(uri).replace(USER_INFO, (_w, scheme: string, user: string) => `${scheme}${user}:\${${variable}}@`)) : uri;
    const current = doc.get(field);
    if (index === undefined) doc.set(field, withVariable(current ?? null));
    else if (Array.isArray(current)) current[Number(index)] = withVariable(current[Number(index)] ?? null);
  }
  return doc;
}

export function superStreamDoc(s: SuperStream): DocMap {
  const numbered = numberedPartitions(s.partitions.length);
  const doc: DocMap = new Map();
  if (s.partitions.every((k, i) => k === numbered[i])) doc.set('partitions', s.partitions.length);
  else doc.set('binding_keys', [...s.partitions]);
  if (Object.keys(s.arguments).length > 0) doc.set('arguments', jsonToDoc(s.arguments));
  return doc;
}

export function globalParametersDoc(params: readonly GlobalParameter[]): DocMap {
  return new Map([...params].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((g) => [g.name, jsonToDoc(g.value)]));
}

/**
 * Flags the broker has enabled, except those every broker of its version has on anyway
 * (`required`) and experimental ones (enabling those is a decision, not a state to copy).
 */
export function featureFlagsDoc(flags: readonly FeatureFlag[]): DocValue[] {
  return flags
    .filter((f) => f.state === 'enabled' && f.live?.stability !== 'required' && f.live?.stability !== 'experimental')
    .map((f) => f.name)
    .sort();
}


function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
