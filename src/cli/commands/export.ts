// `warren export`: a live broker (or a definitions file) -> a spec that plans to no changes
// against it. Writes one file, one file per vhost plus users.yaml into a folder, or stdout.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { SCHEMA_PATH } from '../../spec/schema.js';
import { WarrenError, printable } from '../../errors.js';
import type { ExportLayout, ExportResult } from '../../export/export.js';
import { ioReason } from '../../files/read-input.js';
import { makeOutputFolder, writeOutputFiles } from '../../files/write-output.js';
import { exportLive, type ExportRequest } from '../../workflow/export-live.js';
import { parseVersion } from '../../model/version-rules.js';
import type { Outcome } from '../exit.js';
import { processIo, type CommandIo } from '../io.js';

export interface ExportCommandOptions extends Omit<ExportRequest, 'layout' | 'forVersion' | 'quorumForMirrored'> {
  /** A .yaml/.yml file, or a folder; stdout when undefined. */
  output?: string | undefined;
  /** Rewrite what this RabbitMQ version refuses (a 3.x broker exported for 4.0). */
  forVersion?: string | undefined;
  quorumForMirrored?: boolean | undefined;
}

export const DEFAULT_EXPORT_STACK = 'exported';

export async function exportCommand(options: ExportCommandOptions, io: CommandIo = processIo()): Promise<Outcome> {
  const forVersion = options.forVersion === undefined ? undefined : parseVersion(options.forVersion);
  if (options.forVersion !== undefined && !forVersion) throw new WarrenError('E_USAGE', `--for-version ${options.forVersion}: expected a RabbitMQ version such as 4.0`);
  if (options.quorumForMirrored && !forVersion) throw new WarrenError('E_USAGE', '--quorum-for-mirrored needs --for-version');
  const layout = layoutOf(options.output);
  const schema = options.schema ?? schemaReference(options.output, layout);
  const result = await exportLive({ ...options, layout, schema, forVersion, quorumForMirrored: options.quorumForMirrored === true }, (line) => io.progress(line));
  // Rewrites and warnings name vhosts and stacks: broker data, escaped like every diagnostic.
  for (const r of result.rewrites) io.stderr.write(`rewritten: ${printable(r)}\n`);
  for (const w of result.warnings) io.stderr.write(`warning: ${printable(w)}\n`);
  // Files are written as they are made (ExportedFile.write): a large export is never held whole.
  if (options.output === undefined) {
    result.files[0]?.write((chunk) => io.stdout.write(chunk));
  } else if (layout === 'single') {
    writeOutputFiles([{ path: options.output, text: result.files[0]?.write ?? '' }]);
  } else {
    writeFolder(options.output, result);
  }
  io.progress(summary(result, options.output ?? 'stdout'));
  if (result.adopted !== undefined) {
    io.progress(`Stack ${options.stack} now owns ${result.adopted} objects (ownership recorded): plans of this export are exact, and removing an object from it deletes it from the broker.`);
  } else if (result.unowned > 0) {
    io.progress(`Stack ${options.stack} does not own ${result.unowned} of them yet: its plans show the adoption as pending, and delete none of them, until an apply records it (\`warren apply\` once, or export with --adopt).`);
  }
  return { kind: 'ok' };
}

/**
 * This warren's schema file, relative to where the files go (the current folder for stdout), so
 * an editor with yaml-language-server checks the export as it is edited. Forward slashes, as
 * YAML tooling expects on every system.
 */
function schemaReference(output: string | undefined, layout: ExportLayout): string {
  const folder = output === undefined ? process.cwd() : layout === 'single' ? dirname(resolve(output)) : resolve(output);
  return relative(folder, SCHEMA_PATH).split(sep).join('/');
}

/** A name ending in .yaml/.yml that is not an existing folder is a file; anything else a folder. */
function layoutOf(output: string | undefined): ExportLayout {
  if (output === undefined) return 'single';
  let isDir = false;
  try {
    isDir = statSync(output).isDirectory();
  } catch {
    /* does not exist yet */
  }
  return !isDir && /\.ya?ml$/i.test(output) ? 'single' : 'split';
}

/** Refuses a folder holding other spec files: they would merge into the export when it is loaded. */
function writeFolder(dir: string, result: ExportResult): void {
  makeOutputFolder(dir);
  const ours = new Set(result.files.map((f) => f.name));
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new WarrenError('E_IO', `cannot read the folder ${dir}: ${ioReason(e)}`);
  }
  const foreign = names.filter((name) => /\.ya?ml$/i.test(name) && !ours.has(name));
  if (foreign.length > 0) {
    throw new WarrenError('E_USAGE', `${dir} holds other spec files (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); they would merge with the export when it is loaded: export into an empty folder`);
  }
  // Every file or none: a failure part way leaves no half export behind.
  writeOutputFiles(result.files.map((f) => ({ path: join(dir, f.name), text: f.write })));
}

function summary(result: ExportResult, where: string): string {
  const left = [...result.leftOut].map(([why, n]) => `${n} ${why}`).join('; ');
  const rewritten = result.rewrites.length > 0 ? ` ${result.rewrites.length} rewrite${result.rewrites.length === 1 ? '' : 's'} for ${result.forVersion}, listed above and in the files' header.` : '';
  const notManaged = result.unmanaged.length > 0 ? ` Not managed by warren, so not exported: ${result.unmanaged.join('; ')}.` : '';
  const variables = result.variables.length > 0 ? ` Set ${result.variables.join(', ')} (URI passwords) before planning it.` : '';
  return `Exported ${result.exported} objects to ${where}${left ? ` (left out: ${left})` : ''}.${rewritten}${notManaged}${variables}`;
}
