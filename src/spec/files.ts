// CLI paths -> spec files. A path is a file, or a folder whose *.yaml and *.yml files are read
// in name order (not recursively: subfolders may hold other specs or certificates).
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { ioReason, readInputFile } from '../files/read-input.js';
import { decodeUtf8 } from '../files/text-encoding.js';

export interface SpecText {
  /** As the user named it (or folder/name): what messages show. */
  file: string;
  text: string;
}

const SPEC_FILE = /\.ya?ml$/i;

export function readSpecFiles(paths: readonly string[], diagnostics: Diagnostic[]): SpecText[] {
  const files: string[] = [];
  for (const path of paths) files.push(...expand(path, diagnostics));
  const seen = new Set<string>();
  const out: SpecText[] = [];
  for (const file of files) {
    const absolute = resolve(file);
    if (seen.has(absolute)) continue; // named twice (a folder and a file in it): read once
    seen.add(absolute);
    const read = readInputFile(file);
    if (!read.ok) {
      diagnostics.push({ severity: 'error', code: 'E_IO', message: `${file}: ${read.reason}` });
      continue;
    }
    const decoded = decodeUtf8(read.bytes, 'the spec');
    if (decoded.ok) out.push({ file, text: decoded.text });
    else diagnostics.push({ severity: 'error', code: 'E_YAML', message: decoded.message, origin: { file, line: decoded.line, col: decoded.col } });
  }
  return out;
}

function expand(path: string, diagnostics: Diagnostic[]): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (err) {
    diagnostics.push(ioError(path, err));
    return [];
  }
  if (!isDirectory) return [path];
  let names: string[];
  try {
    names = readdirSync(path).filter((name) => SPEC_FILE.test(name));
  } catch (err) {
    diagnostics.push(ioError(path, err));
    return [];
  }
  // Code-point order: the same on every machine and locale.
  const files = names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((name) => join(path, name)).filter((file) => isFile(file));
  if (files.length === 0) {
    diagnostics.push({ severity: 'error', code: 'E_IO', message: `${path}: no *.yaml or *.yml files in this folder`, origin: undefined });
  }
  return files;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return true; // let the read report why
  }
}

function ioError(file: string, err: unknown): Diagnostic {
  return { severity: 'error', code: 'E_IO', message: `${file}: ${ioReason(err)}` };
}
