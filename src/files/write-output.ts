// The one writer for `-o` outputs (plan files, rendered definitions, exports). A file that cannot
// be written is E_IO naming it, never a stack trace; several files are written all or none: each
// goes to a temporary file beside it first, and only when every one is written are they renamed
// into place.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WarrenError } from '../errors.js';
import { ioReason } from './read-input.js';

/** Text too large to hold whole (an export): handed over in chunks, each written as it comes. */
export type ChunkedText = (out: (chunk: string) => void) => void;

export interface OutputFile {
  path: string;
  text: string | ChunkedText;
  /** File mode of a file this writes anew: 0o600 for files that may hold password hashes. */
  mode?: number | undefined;
}

export function writeOutputFiles(files: readonly OutputFile[]): void {
  const staged: { temp: string; path: string }[] = [];
  const direct: OutputFile[] = [];
  try {
    for (const file of files) {
      const kind = existingKind(file.path);
      if (kind === 'folder') throw ioError(file.path, 'is a folder');
      // A device or pipe (/dev/stdout, /dev/full) is written to as it is: renaming a temporary
      // file over it would replace the device node itself.
      if (kind === 'special') {
        direct.push(file);
        continue;
      }
      // A short random name: the final name may already be near the file system's limit.
      const temp = join(dirname(file.path), `.warren-${randomBytes(6).toString('hex')}.tmp`);
      write(temp, file.text, file.path, file.mode);
      staged.push({ temp, path: file.path });
    }
    for (const file of direct) write(file.path, file.text, file.path, file.mode);
  } catch (e) {
    for (const s of staged) removeQuietly(s.temp);
    throw e;
  }
  // Renames within one folder do not fail for want of space; if one fails anyway, the files not
  // yet renamed are removed, and the error names the one that failed.
  for (let i = 0; i < staged.length; i++) {
    const s = staged[i] as { temp: string; path: string };
    try {
      renameSync(s.temp, s.path);
    } catch (e) {
      for (const rest of staged.slice(i)) removeQuietly(rest.temp);
      throw ioError(s.path, ioReason(e));
    }
  }
}

/** A folder to export into: created if missing; E_IO naming it when it cannot be. */
export function makeOutputFolder(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw ioError(path, code === 'EEXIST' || code === 'ENOTDIR' ? 'exists and is not a folder' : ioReason(e));
  }
}

function write(path: string, text: string | ChunkedText, shown: string, mode: number | undefined): void {
  try {
    if (typeof text === 'string') {
      fileStep(shown, () => writeFileSync(path, text, { flag: 'w', ...(mode !== undefined ? { mode } : {}) }));
      return;
    }
    const fd = fileStep(shown, () => openSync(path, 'w', mode));
    try {
      text((chunk) => fileStep(shown, () => writeAll(fd, chunk)));
    } finally {
      fileStep(shown, () => closeSync(fd));
    }
  } catch (e) {
    removeQuietly(path === shown ? '' : path);
    throw e;
  }
}

/** A failed file operation as E_IO naming the file; what the text's maker throws passes unchanged. */
function fileStep<T>(shown: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw ioError(shown, ioReason(e));
  }
}

/** writeSync may write part of a buffer (a pipe, a device): go on until all of it is written, as writeFileSync does. */
function writeAll(fd: number, chunk: string): void {
  const bytes = Buffer.from(chunk, 'utf8');
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

function existingKind(path: string): 'none' | 'file' | 'folder' | 'special' {
  try {
    const stat = statSync(path);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'special';
  } catch {
    return 'none';
  }
}

function removeQuietly(path: string): void {
  if (path === '') return;
  try {
    unlinkSync(path);
  } catch {
    /* already gone, or never made */
  }
}

function ioError(path: string, reason: string): WarrenError {
  return new WarrenError('E_IO', `cannot write ${path}: ${reason}`);
}
