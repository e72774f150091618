// Bytes -> text, for files that must be UTF-8. A NUL byte is placed at its own line and column;
// UTF-16 and UTF-32 (which put NULs beside every ASCII character) are named, with the fix.

export type Decoded = { ok: true; text: string } | { ok: false; message: string; line: number; col: number };

const FATAL_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `what` names the file's kind in the advice: "the spec", "the definitions file". */
export function decodeUtf8(bytes: Buffer, what: string): Decoded {
  const wide = wideEncoding(bytes);
  if (wide) return { ok: false, message: `the file is ${wide}, not UTF-8: save it as UTF-8`, line: 1, col: 1 };
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const { line, col } = placeOf(bytes.subarray(0, nul));
    return { ok: false, message: `a NUL byte, which text files do not hold: is this a binary file? Save ${what} as UTF-8 text`, line, col };
  }
  try {
    return { ok: true, text: stripBom(FATAL_UTF8.decode(bytes)) };
  } catch {
    const { line, col } = placeOf(bytes.subarray(0, firstInvalidUtf8(bytes)));
    return { ok: false, message: `bytes that are not UTF-8 (another encoding, such as Latin-1?): save ${what} as UTF-8`, line, col };
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * By byte order mark, or without one by where the NULs fall among the first characters: text
 * files start with ASCII (a key, a comment, `{`), which UTF-16 and UTF-32 pad with NULs.
 */
function wideEncoding(b: Buffer): string | undefined {
  const at = (i: number): number => (i < b.length ? (b[i] as number) : -1);
  if (at(0) === 0xff && at(1) === 0xfe && at(2) === 0 && at(3) === 0) return 'UTF-32 (little-endian)';
  if (at(0) === 0 && at(1) === 0 && at(2) === 0xfe && at(3) === 0xff) return 'UTF-32 (big-endian)';
  if (at(0) === 0xff && at(1) === 0xfe) return 'UTF-16 (little-endian)';
  if (at(0) === 0xfe && at(1) === 0xff) return 'UTF-16 (big-endian)';
  if (b.length >= 4 && at(0) !== 0 && at(1) === 0 && at(2) === 0 && at(3) === 0) return 'UTF-32 (little-endian)';
  if (b.length >= 4 && at(0) === 0 && at(1) === 0 && at(2) === 0 && at(3) !== 0) return 'UTF-32 (big-endian)';
  if (b.length >= 2 && at(0) !== 0 && at(1) === 0) return 'UTF-16 (little-endian)';
  if (b.length >= 2 && at(0) === 0 && at(1) !== 0) return 'UTF-16 (big-endian)';
  return undefined;
}

/** Where the byte after `before` sits: lines counted as the YAML reader does, columns in characters. */
function placeOf(before: Buffer): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < before.length; i++) {
    const ch = before[i];
    if (ch === 0x0a || (ch === 0x0d && before[i + 1] !== 0x0a)) {
      line += 1;
      lineStart = i + 1;
    }
  }
  // A byte order mark on line 1 is not a column.
  const col = [...stripBom(before.subarray(lineStart).toString('utf8'))].length + 1;
  return { line, col };
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Buffer): number {
  let lo = 0;
  let hi = b.length;
  // The longest valid prefix, by halving: the decoder itself is the judge of what is valid.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (validPrefix(b.subarray(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function validPrefix(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: true });
    return true;
  } catch {
    return false;
  }
}
