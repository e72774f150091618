// `warren validate [PATH...]`: offline checks (YAML, schema, semantic rules), every problem at
// once. Errors leave through a WarrenError so exit.ts prints them and picks the exit code.
import { WarrenError, errorsOf, formatDiagnostic, type Diagnostic } from '../../errors.js';
import { adaptToVersion } from '../../model/compat.js';
import { parseVersion } from '../../model/version-rules.js';
import { palette, useColor } from '../../render/color.js';
import { diagnosticAnnotation, wantsGithub } from '../../render/github.js';
import { assertValidSpec, loadSpec } from '../../spec/index.js';
import type { Outcome } from '../exit.js';

export interface ValidateIo {
  stdout: { write(s: string): unknown; isTTY?: boolean | undefined };
  stderr: { write(s: string): unknown; isTTY?: boolean | undefined };
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface ValidateOptions {
  /** Also check the spec against this RabbitMQ version's rules (model/version-rules.ts), offline. */
  forVersion?: string | undefined;
  /** github: also print annotations for GitHub Actions (the default inside GitHub Actions). */
  format?: 'text' | 'github' | undefined;
}

/** With no path, the current folder's *.yaml and *.yml files. */
export async function validateCommand(paths: readonly string[], io: ValidateIo = defaultIo(), options: ValidateOptions = {}): Promise<Outcome> {
  if (options.forVersion !== undefined && !parseVersion(options.forVersion)) throw new WarrenError('E_USAGE', `--for-version ${options.forVersion}: expected a RabbitMQ version such as 4.0`);
  const spec = loadSpec(paths.length > 0 ? paths : [io.cwd], io.env);
  if (wantsGithub(options.format, io.env)) {
    for (const d of spec.diagnostics) io.stdout.write(diagnosticAnnotation(d));
  }
  assertValidSpec(spec); // throws with every diagnostic, warnings included
  const diagnostics = [...spec.diagnostics];
  if (options.forVersion !== undefined) {
    // No broker: every object counts as new (the default_queue_type update rule needs a live vhost).
    diagnostics.push(...adaptToVersion(spec.model.resources, new Map(), options.forVersion).diagnostics);
    const errors = errorsOf(diagnostics);
    if (errors.length > 0) throw new WarrenError(errors[0]?.code ?? 'E_VERSION', errors[0]?.message ?? '', { origin: errors[0]?.origin, diagnostics });
  }
  const colour = palette(useColor(io.stderr, io.env));
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  for (const d of warnings) io.stderr.write(`${colour.yellow(formatDiagnostic(d))}\n`);
  const out = palette(useColor(io.stdout, io.env));
  io.stdout.write(`${out.green('✓')} ${summary(spec.files.length, spec.vhosts.length, spec.model.resources.size, warnings)}\n`);
  return { kind: 'ok' };
}

function summary(files: number, vhosts: number, objects: number, warnings: readonly Diagnostic[]): string {
  const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  const note = warnings.length > 0 ? ` (${n(warnings.length, 'warning')})` : '';
  return `${n(files, 'file')}, ${n(vhosts, 'vhost')}, ${n(objects, 'object')} valid${note}`;
}

// The one place validate reads the process: the environment feeds `${VAR}` interpolation.
function defaultIo(): ValidateIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: '.' };
}
