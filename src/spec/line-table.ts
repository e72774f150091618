// Where each line of a file starts, so a place can be kept as one number (an offset into the text)
// and turned into file:line:col only when something asks for it: a diagnostic, or the origin a
// model object keeps. A spec of 93,000 objects has some 400,000 places and asks for a quarter.
import type { Origin } from '../errors.js';

export class LineTable {
  private readonly starts: Int32Array;

  /** Lines are counted as js-yaml counts them: LF, CR LF and a lone CR each end one. */
  constructor(
    readonly file: string,
    text: string,
  ) {
    const starts: number[] = [0];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 0x0d && text.charCodeAt(i + 1) === 0x0a) continue; // CR LF: one break, after the LF
      if (ch === 0x0a || ch === 0x0d) starts.push(i + 1);
    }
    this.starts = Int32Array.from(starts);
  }

  /** 0-based index of the line holding `offset`: a binary search. */
  private lineIndex(offset: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** 1-based, as diagnostics count. */
  line(offset: number): number {
    return this.lineIndex(offset) + 1;
  }

  col(offset: number): number {
    return offset - (this.starts[this.lineIndex(offset)] as number) + 1;
  }

  origin(offset: number): Origin {
    const i = this.lineIndex(offset);
    return { file: this.file, line: i + 1, col: offset - (this.starts[i] as number) + 1 };
  }
}
