// Targets: URIs that parse with the right scheme, credentials stated once, TLS settings that go
// together (a certificate with its key, certificate login with amqps://), and TLS verification
// switched off only with a warning.
import type { Declared } from '../spec-index.js';
import { endpointUrlProblem } from '../../model/endpoint-url.js';
import { redactUrl, splitUrlCredentials } from '../../model/url-credentials.js';
import { targetUris } from '../targets.js';
import { booleanOf, child, displayPath, entry, isUnresolved, stringOf } from '../tree.js';
import type { Report, Rule } from './report.js';

export const targetRules: Rule = (spec, report) => {
  for (const target of spec.targets.values()) {
    checkUris(target, report);
    checkTlsPairs(target, report);
    const verify = entry(child(target.node, 'tls'), 'verify');
    if (verify && booleanOf(verify.value) === false) {
      report.warn('W_TLS_VERIFY', verify.value.origin, `${displayPath([...target.path, 'tls', 'verify'])}: the broker's certificate is not checked, so anyone in the path can read the credentials`);
    }
  }
};

function checkTlsPairs(target: Declared, report: Report): void {
  const tls = child(target.node, 'tls');
  if (!tls) return;
  const at = (key: string): string => displayPath([...target.path, 'tls', key]);
  const has = (key: string): boolean => entry(tls, key) !== undefined;
  for (const [key, needs] of [['cert', 'key'], ['key', 'cert']] as const) {
    const e = entry(tls, key);
    if (e && !has(needs)) report.error('E_CONFLICT', e.keyOrigin, `${at(key)}: needs \`${needs}\` beside it`);
  }
  const login = entry(tls, 'login');
  if (!login || stringOf(login.value) !== 'certificate') return;
  if (!has('cert')) report.error('E_CONFLICT', login.value.origin, `${at('login')}: certificate login needs a client certificate: give \`cert\` and \`key\``);
  for (const uri of targetUris(target, 'amqp')) {
    if (/^amqp:/i.test(uri.raw)) report.error('E_CONFLICT', uri.node.origin, `${displayPath(uri.path)}: certificate login (tls.login) needs amqps://, not amqp://`);
  }
}

function checkUris(target: Declared, report: Report): void {
  const explicitUser = child(target.node, 'username') !== undefined;
  const explicitPassword = child(target.node, 'password') !== undefined;
  let seen: { user: string | undefined; password: string | undefined; where: string } | undefined;
  for (const key of ['management', 'amqp'] as const) {
    for (const uri of targetUris(target, key)) {
      if (isUnresolved(uri.node)) continue; // checked when a command needs it (variables.ts)
      const where = displayPath(uri.path);
      const split = splitUrlCredentials(uri.raw);
      const problem = endpointUrlProblem(split?.uri ?? redactUrl(uri.raw), key);
      if (!split || problem !== undefined) {
        report.error('E_SCHEMA', uri.node.origin, `${where}: ${problem ?? `\`${redactUrl(uri.raw)}\` is not a URL`}`);
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
