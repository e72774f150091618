// `targets:` -> Target[]. Credentials written inside a URI move to username/password, so the URI
// itself is safe to print; TLS file paths are resolved against the spec file's own folder.
import { dirname, resolve } from 'node:path';
import type { Secret } from '../model/secret.js';
import type { Target, TlsSettings } from '../model/target.js';
import type { Declared, SpecIndex } from './spec-index.js';
import { splitUrlCredentials } from '../model/url-credentials.js';
import { booleanOf, child, itemsOf, secretOf, stringOf, type PathSegment, type SpecNode } from './tree.js';

export interface TargetUri {
  raw: string;
  node: SpecNode;
  path: PathSegment[];
}

/** The URIs of `management` or `amqp`, whether written as one string or as a list. */
export function targetUris(target: Declared, key: 'management' | 'amqp'): TargetUri[] {
  const node = child(target.node, key);
  if (!node) return [];
  if (node.kind === 'seq') {
    return itemsOf(node).flatMap((item, i) => {
      const raw = stringOf(item);
      return raw === undefined ? [] : [{ raw, node: item, path: [...target.path, key, i] }];
    });
  }
  const raw = stringOf(node);
  return raw === undefined ? [] : [{ raw, node, path: [...target.path, key] }];
}

export function buildTargets(spec: SpecIndex): Target[] {
  return [...spec.targets.values()].map(buildTarget);
}

function buildTarget(decl: Declared): Target {
  let username = stringOf(child(decl.node, 'username'));
  let password: Secret | undefined = secretOf(child(decl.node, 'password'));
  const uris = (key: 'management' | 'amqp'): string[] =>
    targetUris(decl, key).map(({ raw }) => {
      const split = splitUrlCredentials(raw);
      if (!split) return raw;
      username ??= split.username;
      password ??= split.password;
      return split.uri;
    });
  const target: Target = { name: decl.name, management: uris('management'), amqp: uris('amqp'), origin: decl.origin };
  if (username !== undefined) target.username = username;
  if (password !== undefined) target.password = password;
  const tls = child(decl.node, 'tls');
  if (tls) target.tls = buildTls(tls, dirname(decl.file));
  return target;
}

function buildTls(node: SpecNode, folder: string): TlsSettings {
  const tls: TlsSettings = { verify: booleanOf(child(node, 'verify')) ?? true };
  const file = (key: 'ca' | 'cert' | 'key'): void => {
    const value = stringOf(child(node, key));
    if (value !== undefined) tls[key] = resolve(folder, value);
  };
  file('ca');
  file('cert');
  file('key');
  const passphrase = secretOf(child(node, 'passphrase'));
  if (passphrase) tls.passphrase = passphrase;
  const servername = stringOf(child(node, 'servername'));
  if (servername !== undefined) tls.servername = servername;
  const minVersion = stringOf(child(node, 'min_version'));
  if (minVersion === 'TLSv1.2' || minVersion === 'TLSv1.3') tls.min_version = minVersion;
  const login = stringOf(child(node, 'login'));
  if (login === 'password' || login === 'certificate') tls.login = login;
  return tls;
}
