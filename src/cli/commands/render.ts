// `warren render --format definitions`: the spec as a definitions file for import_definitions or
// a broker's load_definitions. Passwords are hashed here with fresh salts (as the broker would),
// so two renders of the same spec differ in those hashes only.
import { assertVariablesSet } from '../../spec/variables.js';
import { formatDiagnostic } from '../../errors.js';
import { writeOutputFiles } from '../../files/write-output.js';
import { resolveCredentials } from '../../model/credentials.js';
import { renderDefinitions } from '../../render/definitions.js';
import { assertValidSpec, loadSpec } from '../../spec/index.js';
import type { Outcome } from '../exit.js';
import { processIo, type CommandIo } from '../io.js';
import type { Env } from '../../workflow/resolve-target.js';

export type RenderFormat = 'definitions';

export interface RenderCommandOptions {
  paths: readonly string[];
  env: Env;
  format: RenderFormat;
  /** A file to write; stdout when undefined. */
  output?: string | undefined;
}

export async function renderCommand(options: RenderCommandOptions, io: CommandIo = processIo()): Promise<Outcome> {
  const spec = loadSpec(options.paths.length > 0 ? options.paths : ['.'], options.env);
  assertValidSpec(spec);
  assertVariablesSet(spec, { command: 'render' }); // the objects' values; no target's
  for (const d of spec.diagnostics) io.stderr.write(`${formatDiagnostic(d)}\n`);
  const desired = resolveCredentials(spec.model.resources, new Map());
  const warnings: string[] = [];
  const text = renderDefinitions(desired, { stack: spec.stack as string, warnings });
  for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
  if (options.output === undefined) io.stdout.write(text);
  else {
    writeOutputFiles([{ path: options.output, text }]);
    io.progress(`Wrote ${desired.size} objects as definitions to ${options.output}.`);
  }
  return { kind: 'ok' };
}
