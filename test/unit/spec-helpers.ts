// Writes inline specs to a temp folder and loads them, so tests read like the files users write.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Diagnostic } from '../../src/errors.js';
import { loadSpec, type LoadedSpec } from '../../src/spec/index.js';

/** Every spec file starts like this; lines 1 and 2, so test YAML starts at line 3. */
export const HEAD = 'version: 1\nstack: s\n';

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A temp folder holding the files, removed when the test process exits. */
export function writeSpecDir(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'warren-spec-'));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** One string is one file, `spec.yaml`; a record is several files. */
export function load(files: string | Readonly<Record<string, string>>, env: Record<string, string | undefined> = {}): LoadedSpec {
  const dir = writeSpecDir(typeof files === 'string' ? { 'spec.yaml': files } : files);
  return loadSpec([dir], env);
}

/** `file.yaml:3:7: error E_CODE: message`, with the temp folder left out (also inside messages). */
export function brief(d: Diagnostic): string {
  const where = d.origin ? `${basename(d.origin.file)}:${d.origin.line}:${d.origin.col}: ` : '';
  return `${where}${d.severity} ${d.code}: ${d.message.replace(/\S*warren-spec-[^/\s]+\//g, '')}`;
}

export function briefs(spec: LoadedSpec): string[] {
  return spec.diagnostics.map(brief);
}
