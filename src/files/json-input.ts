// JSON text from files (definitions files, saved plans): syntax errors placed by line and column
// without quoting the text (a definitions file holds passwords). The shape of what parses is
// checked by checkJsonShape (model/json.ts).

export type ParsedJson = { ok: true; json: unknown } | { ok: false; message: string; line: number; col: number };

export function parseJsonText(text: string): ParsedJson {
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch {
    // Node's message quotes the text around the error: find the place ourselves, say it in our words.
    const { offset, reason } = locateSyntaxError(text);
    return { ok: false, message: `not valid JSON (${reason})`, ...lineCol(text, offset) };
  }
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line += 1;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}

/**
 * A small recursive-descent reader that only finds where JSON.parse gave up, run after it did.
 * Nesting is tracked on an explicit stack, so a deep document cannot overflow it.
 */
export function locateSyntaxError(text: string): { offset: number; reason: string } {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i += 1;
  };
  const fail = (reason: string): { offset: number; reason: string } => ({ offset: i, reason: i >= text.length ? 'the text ends too soon' : reason });
  // What each open container expects next.
  const open: ('[' | '{')[] = [];
  let expect: 'value' | 'after-value' | 'key' | 'key-or-end' | 'value-or-end' = 'value';
  for (;;) {
    ws();
    if (expect === 'after-value') {
      const container = open[open.length - 1];
      if (container === undefined) return i < text.length ? fail('text after the end of the JSON value') : { offset: i, reason: 'not valid' };
      const ch = text.charAt(i);
      if (ch === ',') {
        i += 1;
        expect = container === '{' ? 'key' : 'value';
      } else if ((ch === '}' && container === '{') || (ch === ']' && container === '[')) {
        i += 1;
        open.pop();
      } else return fail(container === '{' ? 'expected `,` or `}`' : 'expected `,` or `]`');
      continue;
    }
    if (expect === 'key' || expect === 'key-or-end') {
      if (expect === 'key-or-end' && text.charAt(i) === '}') {
        i += 1;
        open.pop();
        expect = 'after-value';
        continue;
      }
      if (text.charAt(i) !== '"') return fail('expected a key in double quotes');
      const bad = skipString();
      if (bad) return bad;
      ws();
      if (text.charAt(i) !== ':') return fail('expected `:` after the key');
      i += 1;
      expect = 'value';
      continue;
    }
    const ch = text.charAt(i);
    if (expect === 'value-or-end' && ch === ']') {
      i += 1;
      open.pop();
      expect = 'after-value';
      continue;
    }
    if (ch === '{') {
      i += 1;
      open.push('{');
      expect = 'key-or-end';
    } else if (ch === '[') {
      i += 1;
      open.push('[');
      expect = 'value-or-end';
    } else if (ch === '"') {
      const bad = skipString();
      if (bad) return bad;
      expect = 'after-value';
    } else if (text.startsWith('true', i) || text.startsWith('null', i)) {
      i += 4;
      expect = 'after-value';
    } else if (text.startsWith('false', i)) {
      i += 5;
      expect = 'after-value';
    } else {
      const number = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/.exec(text.slice(i, i + 400));
      if (!number) return fail('expected a value');
      i += number[0].length;
      expect = 'after-value';
    }
  }

  function skipString(): { offset: number; reason: string } | undefined {
    i += 1;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i += 1;
        return undefined;
      }
      if (c < 0x20) return fail('a control character inside a string');
      if (c === 0x5c) {
        const next = text.charAt(i + 1);
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('a bad \\u escape');
          i += 6;
        } else if ('"\\/bfnrt'.includes(next) && next !== '') i += 2;
        else return fail('a bad escape');
      } else i += 1;
    }
    return fail('a string that is not closed');
  }
}
