// A JSON array read while its bytes arrive. The big listings of a broker (a factor-3 bench broker
// answers 11 MB of bindings) are then never held whole, neither as text nor as one parsed array
// of rows: each chunk's complete elements are parsed and handed on, and only what the caller
// makes of them is kept. The scan only finds where the last complete element of a chunk ends
// (strings and nesting tracked, jumping from quote to quote); JSON.parse does the parsing, of the
// elements of a chunk at once, so what is accepted is exactly JSON.

/** What a streamed answer turned out to be. */
export type StreamedJson<T> = { kind: 'array'; items: T[] } | { kind: 'other'; value: unknown };

/** Thrown for text that is not JSON (or not one array); the caller words it for its request. */
export class NotJson extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

const isBlank = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export class JsonArrayReader<T> {
  readonly #decoder = new TextDecoder();
  readonly #each: (element: unknown, index: number) => T | undefined;
  readonly #items: T[] = [];
  /** Before the `[` (or whatever the answer starts with); 'other': not an array, kept whole. */
  #phase: 'start' | 'array' | 'done' | 'other' = 'start';
  /** Text after the last element handed on (a comma, blanks and the start of the next elements). */
  #pending = '';
  /** How much of #pending has been scanned, and the scan's state there. */
  #scanned = 0;
  #depth = 0;
  #inString = false;
  /** Inside a bare top-level element (a number, true, false, null). */
  #inBare = false;
  #index = 0;

  /** `each` makes what is kept of an element (undefined: nothing); it may throw to stop the read. */
  constructor(each: (element: unknown, index: number) => T | undefined) {
    this.#each = each;
  }

  push(bytes: Uint8Array): void {
    this.#take(this.#decoder.decode(bytes, { stream: true }));
  }

  end(): StreamedJson<T> {
    this.#take(this.#decoder.decode());
    if (this.#phase === 'start' || this.#phase === 'other') {
      if (this.#pending.trim() === '') return { kind: 'other', value: undefined };
      try {
        return { kind: 'other', value: JSON.parse(this.#pending) as unknown };
      } catch {
        throw new NotJson('the answer is not JSON');
      }
    }
    if (this.#phase !== 'done') throw new NotJson('the answer ends inside its list');
    return { kind: 'array', items: this.#items };
  }

  #take(chunk: string): void {
    if (this.#phase === 'other') {
      this.#pending += chunk;
      return;
    }
    if (this.#phase === 'done') {
      if (chunk.trim() !== '') throw new NotJson('text after the end of the list');
      return;
    }
    let text = this.#pending + chunk;
    if (this.#phase === 'start') {
      const first = text.search(/\S/);
      if (first < 0) {
        this.#pending = '';
        return;
      }
      if (text.charCodeAt(first) !== OPEN_BRACKET) {
        this.#phase = 'other';
        this.#pending = text;
        return;
      }
      this.#phase = 'array';
      text = text.slice(first + 1);
      this.#scanned = 0;
    }
    const { end, closed } = this.#scan(text);
    if (end > 0) this.#hand(text.slice(0, end));
    if (closed >= 0) {
      if (text.slice(closed + 1).trim() !== '') throw new NotJson('text after the end of the list');
      this.#phase = 'done';
      this.#pending = '';
      return;
    }
    this.#pending = text.slice(end);
    this.#scanned = text.length - end;
  }

  /**
   * From #scanned on: `end`, where the last element completed in `text` ends (0: none), and
   * `closed`, where the array's own `]` is (-1: not yet). The state at the end of `text` is kept.
   */
  #scan(text: string): { end: number; closed: number } {
    let depth = this.#depth;
    let inString = this.#inString;
    let inBare = this.#inBare;
    let end = 0;
    let i = this.#scanned;
    const n = text.length;
    while (i < n) {
      if (inString) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          i = n;
          break;
        }
        // A quote after an odd number of backslashes is inside the string.
        let slashes = 0;
        while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
        i = q + 1;
        if (slashes % 2 === 1) continue;
        inString = false;
        if (depth === 0) end = i; // a string element
        continue;
      }
      const c = text.charCodeAt(i);
      if (inBare) {
        if (c === COMMA || c === CLOSE_BRACKET || isBlank(c)) {
          inBare = false;
          end = i;
        } else {
          i++;
          continue;
        }
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || (c === CLOSE_BRACKET && depth > 0)) {
        depth--;
        if (depth === 0) end = i + 1;
      } else if (c === CLOSE_BRACKET) {
        this.#depth = 0;
        return { end: i, closed: i };
      } else if (depth === 0 && c !== COMMA && !isBlank(c)) inBare = true;
      i++;
    }
    this.#depth = depth;
    this.#inString = inString;
    this.#inBare = inBare;
    return { end, closed: -1 };
  }

  /** Complete elements, each after a comma but the first: parsed at once, then handed on. */
  #hand(run: string): void {
    const first = run.search(/\S/);
    if (first < 0) return;
    // A run starts where the last one ended: at the comma before its first element (but the first run).
    let body = run;
    if (this.#index > 0) {
      if (run.charCodeAt(first) !== COMMA) throw new NotJson(`no comma before list element ${this.#index}`);
      body = run.slice(first + 1);
      if (body.trim() === '') throw new NotJson('a comma after the last list element');
    }
    let elements: unknown[];
    try {
      elements = JSON.parse(`[${body}]`) as unknown[];
    } catch {
      throw new NotJson(`list elements from ${this.#index} on are not JSON`);
    }
    for (const element of elements) {
      const kept = this.#each(element, this.#index++);
      if (kept !== undefined) this.#items.push(kept);
    }
  }
}
