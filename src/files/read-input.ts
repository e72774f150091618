// The one reader for every file warren is given (specs, definitions files, saved plans, TLS
// material). Anything but a regular file is refused before a byte is read: a FIFO would block
// the process and /dev/zero would grow without bound. Regular files are read up to a size bound.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Far above any real input (a definitions file of 31,000 objects is about 10 MB), and far below
 * what would exhaust memory once the text is parsed.
 */
export const MAX_INPUT_BYTES = 128 * 1024 * 1024;

export type InputRead = { ok: true; bytes: Buffer } | { ok: false; reason: string };

export function readInputFile(path: string, maxBytes = MAX_INPUT_BYTES): InputRead {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { ok: false, reason: ioReason(e) };
  }
  try {
    // Checked on the open descriptor, not the name, so the file cannot be swapped in between.
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, reason: 'is a folder' };
    if (!stat.isFile()) return { ok: false, reason: `not a regular file (a ${kindOf(stat)}): give a file` };
    if (stat.size > maxBytes) return { ok: false, reason: tooLarge(maxBytes) };
    return readAll(fd, maxBytes);
  } catch (e) {
    return { ok: false, reason: ioReason(e) };
  } finally {
    closeSync(fd);
  }
}

/** Up to one byte past the bound: a file that grows while it is read is still refused. */
function readAll(fd: number, maxBytes: number): InputRead {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, maxBytes + 1 - total));
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
    if (total > maxBytes) return { ok: false, reason: tooLarge(maxBytes) };
  }
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}

function tooLarge(maxBytes: number): string {
  return `larger than ${Math.round(maxBytes / 1024 / 1024)} MB, which no spec, definitions or plan file comes near`;
}

function kindOf(stat: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stat.isFIFO()) return 'named pipe';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'device';
  if (stat.isSocket()) return 'socket';
  return 'special file';
}

/** A system error as words; the errno code stays in brackets for searching. */
export function ioReason(e: unknown): string {
  const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : '';
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'EISDIR':
      return 'is a folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder (ENOTDIR)';
    case 'ENAMETOOLONG':
      return 'the name is too long (ENAMETOOLONG)';
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    default:
      return code !== '' ? code : e instanceof Error ? e.message : String(e);
  }
}
