// Which `${VAR}` values a command needs (DESIGN.md, "The spec"): `validate` needs none; `plan` and
// `apply` need the chosen target's (minus what flags or the environment give instead) and every
// value outside `targets:` (the planned objects: passwords are hashed to compare, names and
// arguments are diffed); `render` needs the objects' values and no target's. So a CI job holds
// only the secrets of the environment it works on.
import { WarrenError, type Diagnostic } from '../errors.js';
import type { UnresolvedVariable } from './build-tree.js';
import type { LoadedSpec } from './load-spec.js';
import { isSecretPath, isUriPath } from './secrets.js';
import { displayPath } from './tree.js';

/** A target's settings that a flag or a WARREN_* variable can give instead of the spec. */
export type OverridableField = 'management' | 'amqp' | 'username' | 'password';

export interface VariableScope {
  /** The target the command connects to; undefined when it connects to none (render, plan --live). */
  target?: string | undefined;
  /** Settings of that target given by flags or the environment: the spec's values are not read. */
  overridden?: ReadonlySet<OverridableField> | undefined;
  /** For the message: which command needs the value. */
  command: string;
}

export function neededUnresolved(spec: Pick<LoadedSpec, 'unresolved'>, scope: VariableScope): UnresolvedVariable[] {
  return spec.unresolved.filter(({ path }) => {
    if (path[0] !== 'targets') return true;
    if (scope.target === undefined || path[1] !== scope.target) return false;
    return !scope.overridden?.has(path[2] as OverridableField);
  });
}

/** Throws E_ENV with one diagnostic per needed variable that is not set, at its file:line:col. */
export function assertVariablesSet(spec: Pick<LoadedSpec, 'unresolved'>, scope: VariableScope): void {
  const missing = neededUnresolved(spec, scope);
  if (missing.length === 0) return;
  const diagnostics: Diagnostic[] = missing.map((v) => ({ severity: 'error', code: 'E_ENV', message: missingMessage(v, scope.command), origin: v.origin }));
  const first = diagnostics[0] as Diagnostic;
  throw new WarrenError('E_ENV', missing.length === 1 ? first.message : `${missing.length} environment variables are not set`, { origin: first.origin, diagnostics });
}

/** No default is ever suggested for a secret: a default password is a password in the repository. */
function missingMessage(v: UnresolvedVariable, command: string): string {
  const where = `${displayPath(v.path)} needs it to ${command}`;
  if (isSecretPath(v.path) || isUriPath(v.path)) return `environment variable ${v.name} is not set: ${where} (a secret: set it in the environment)`;
  return `environment variable ${v.name} is not set: ${where} (set it, or write a default: \`\${${v.name}:-value}\`)`;
}
