// CLI paths -> spec files. A path is a file, or a folder whose *.yaml and *.yml files are read
// in name order (not recursively: subfolders may hold other specs or certificates).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../errors.js';

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
    try {
      out.push({ file, text: readFileSync(file, 'utf8') });
    } catch (err) {
      diagnostics.push(ioError(file, err));
    }
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
  const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
  const reason = code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder' : err instanceof Error ? err.message : String(err);
  return { severity: 'error', code: 'E_IO', message: `${file}: ${reason}` };
}
