// Targets: URIs that parse with the right scheme, credentials stated once, and TLS verification
// switched off only with a warning.
import type { Declared } from '../spec-index.js';
import { maskUri, splitUriCredentials } from '../secrets.js';
import { targetUris } from '../targets.js';
import { booleanOf, child, displayPath, entry } from '../tree.js';
import type { Report, Rule } from './report.js';

const SCHEMES = { management: ['http:', 'https:'], amqp: ['amqp:', 'amqps:'] } as const;

export const targetRules: Rule = (spec, report) => {
  for (const target of spec.targets.values()) {
    checkUris(target, report);
    const verify = entry(child(target.node, 'tls'), 'verify');
    if (verify && booleanOf(verify.value) === false) {
      report.warn('W_TLS_VERIFY', verify.value.origin, `${displayPath([...target.path, 'tls', 'verify'])}: the broker's certificate is not checked, so anyone in the path can read the credentials`);
    }
  }
};

function checkUris(target: Declared, report: Report): void {
  const explicitUser = child(target.node, 'username') !== undefined;
  const explicitPassword = child(target.node, 'password') !== undefined;
  let seen: { user: string | undefined; password: string | undefined; where: string } | undefined;
  for (const key of ['management', 'amqp'] as const) {
    for (const uri of targetUris(target, key)) {
      const where = displayPath(uri.path);
      const split = splitUriCredentials(uri.raw);
      const scheme = split ? new URL(split.uri).protocol : undefined;
      if (!split || !scheme || !(SCHEMES[key] as readonly string[]).includes(scheme)) {
        const schemes = SCHEMES[key].map((s) => `${s}//`).join(' or ');
        report.error('E_SCHEMA', uri.node.origin, `${where}: \`${maskUri(uri.raw)}\` is not an ${schemes} URL`);
        continue;
      }
      if (split.username === undefined && split.password === undefined) continue;
      if ((explicitUser && split.username !== undefined) || (explicitPassword && split.password !== undefined)) {
        report.error('E_CONFLICT', uri.node.origin, `${where}: credentials are given both in the URL and in \`username\`/\`password\`; give them once`);
        continue;
      }
      const creds = { user: split.username, password: split.password?.reveal(), where };
      if (seen && (seen.user !== creds.user || seen.password !== creds.password)) {
        report.error('E_CONFLICT', uri.node.origin, `${where}: the credentials differ from those in ${seen.where}; one target connects as one user`);
      }
      seen ??= creds;
    }
  }
}
