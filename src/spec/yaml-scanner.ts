// Moving through a YAML file's text the way js-yaml does, for the places its events do not give:
// where a node's content starts (after `&anchor` and `!tag`), an alias's name, a `-` or a `:`.
import type { Origin } from '../errors.js';

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;

const isBlank = (ch: number): boolean => ch === SPACE || ch === TAB || ch === LF || ch === CR || Number.isNaN(ch) || ch === 0;

/** `,[]{}`: where an anchor name ends. */
const isFlowIndicator = (ch: number): boolean => ch === 0x2c || ch === 0x5b || ch === 0x5d || ch === 0x7b || ch === 0x7d;

/**
 * Moves over what js-yaml skips between tokens (spaces, tabs, line breaks and comments) and over
 * node properties, counting lines the way js-yaml does (CR LF and a lone CR are one break each).
 * One instance is reused for every node: it runs some 200,000 times on a large spec.
 */
export class Scanner {
  offset = 0;
  line = 0;
  lineStart = 0;

  constructor(private readonly text: string) {}

  at(offset: number, line: number, lineStart: number): this {
    this.offset = offset;
    this.line = line;
    this.lineStart = lineStart;
    return this;
  }

  char(): number {
    return this.text.charCodeAt(this.offset);
  }

  skipSpace(): this {
    const text = this.text;
    for (;;) {
      const ch = text.charCodeAt(this.offset);
      if (ch === SPACE || ch === TAB) {
        this.offset += 1;
      } else if (ch === LF || ch === CR) {
        this.offset += ch === CR && text.charCodeAt(this.offset + 1) === LF ? 2 : 1;
        this.line += 1;
        this.lineStart = this.offset;
      } else if (ch === HASH) {
        while (this.offset < text.length && text.charCodeAt(this.offset) !== LF && text.charCodeAt(this.offset) !== CR) this.offset += 1;
      } else {
        return this;
      }
    }
  }

  /** Past spaces and tabs only, on this line. */
  skipBlanks(): this {
    while (this.char() === SPACE || this.char() === TAB) this.offset += 1;
    return this;
  }

  /** Past every `&anchor` and `!tag` (and the space after each): to where the content starts. */
  skipProperties(): this {
    for (;;) {
      this.skipSpace();
      if (this.skipProperty() === undefined) return this;
    }
  }

  /** Past one property; returns what it was, or undefined (and stays put) if none is here. */
  skipProperty(): '&' | '!' | undefined {
    const text = this.text;
    const ch = text.charCodeAt(this.offset);
    if (ch === 0x26 /* & */) {
      do this.offset += 1;
      while (!isBlank(text.charCodeAt(this.offset)) && !isFlowIndicator(text.charCodeAt(this.offset)));
      return '&';
    }
    if (ch === 0x21 /* ! */) {
      if (text.charCodeAt(this.offset + 1) === 0x3c /* < */) {
        const close = text.indexOf('>', this.offset);
        this.offset = close < 0 ? text.length : close + 1;
      } else {
        do this.offset += 1;
        while (!isBlank(text.charCodeAt(this.offset)));
      }
      return '!';
    }
    return undefined;
  }

  /** An alias's name (`*name`), read from the `*`. */
  aliasName(): string {
    const text = this.text;
    let end = this.offset + 1;
    while (!isBlank(text.charCodeAt(end)) && !isFlowIndicator(text.charCodeAt(end))) end += 1;
    return text.slice(this.offset + 1, end);
  }

  /** A `-` that starts a block sequence entry. */
  atDash(): boolean {
    return this.char() === 0x2d && isBlank(this.text.charCodeAt(this.offset + 1));
  }

  /** 1-based, as diagnostics count. */
  lineNumber(): number {
    return this.line + 1;
  }

  column(): number {
    return this.offset - this.lineStart + 1;
  }

  origin(file: string): Origin {
    return { file, line: this.line + 1, col: this.offset - this.lineStart + 1 };
  }
}
