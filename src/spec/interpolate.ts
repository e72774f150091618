// `${NAME}`, `${NAME:-default}` and `$${` in string values. Pure: the environment is a parameter,
// so tests and library callers decide what it holds and nothing here reads process.env.

export type Env = Readonly<Record<string, string | undefined>>;

export interface Interpolated {
  value: string;
  /** Problems, each with the exact text of its `${...}` so the caller can find its column. */
  problems: InterpolationProblem[];
  /** True when at least one `${...}` was replaced: such a value came from outside the file. */
  substituted: boolean;
}

export interface InterpolationProblem {
  /** `nested`: a default that holds another `${...}`, which warren does not expand. */
  kind: 'missing' | 'malformed' | 'nested';
  /** The `${...}` as written (up to the closing brace, or to the end when there is none). */
  token: string;
  /** Which occurrence of `token` in the value this is (0-based), to tell repeats apart. */
  occurrence: number;
  name?: string | undefined;
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** `encode` is applied to each substituted value (not to the text around it). */
export function interpolate(text: string, env: Env, encode?: (value: string) => string): Interpolated {
  // Fast path: most values have no `$` at all.
  if (!text.includes('${')) return { value: text, problems: [], substituted: false };
  let out = '';
  let i = 0;
  let substituted = false;
  const problems: InterpolationProblem[] = [];
  const seen = new Map<string, number>();
  const occurrence = (token: string): number => {
    const n = seen.get(token) ?? 0;
    seen.set(token, n + 1);
    return n;
  };
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close < 0) {
      const token = text.slice(i);
      problems.push({ kind: 'malformed', token, occurrence: occurrence(token) });
      out += token;
      break;
    }
    const inner = text.indexOf('${', i + 2);
    if (inner >= 0 && inner < close) {
      // `${X:-${Y:-z}}`: refused whole, up to the brace that closes the outer reference.
      const end = matchingBrace(text, i);
      const token = text.slice(i, end);
      problems.push({ kind: 'nested', token, occurrence: occurrence(token), name: REFERENCE.exec(text.slice(i + 2, inner))?.[1] });
      i = end;
      continue;
    }
    const token = text.slice(i, close + 1);
    const match = REFERENCE.exec(text.slice(i + 2, close));
    i = close + 1;
    if (!match) {
      problems.push({ kind: 'malformed', token, occurrence: occurrence(token) });
      continue;
    }
    const name = match[1] as string;
    const fallback = match[2];
    // Own properties only: a variable called `__proto__` must not read Object.prototype.
    const raw = Object.hasOwn(env, name) ? env[name] : undefined;
    const value = typeof raw === 'string' ? raw : undefined;
    substituted = true;
    const put = (v: string): void => {
      out += encode ? encode(v) : v;
    };
    if (fallback !== undefined) {
      // Shell semantics: `:-` also replaces a variable that is set but empty.
      put(value === undefined || value === '' ? fallback : value);
    } else if (value === undefined) {
      problems.push({ kind: 'missing', token, occurrence: occurrence(token), name });
    } else {
      put(value);
    }
  }
  return { value: out, problems, substituted };
}

/** The end (exclusive) of the `${` at `from`, counting nested braces; the text's end if unclosed. */
function matchingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{') depth += 1;
    else if (text[i] === '}' && --depth === 0) return i + 1;
  }
  return text.length;
}

/**
 * A problem's `${...}` as messages may show it: the name part only, never a default (a default
 * is often a password typed in place), cut short. The caller escapes it for the terminal.
 */
export function shownReference(problem: InterpolationProblem): string {
  const body = problem.token.slice(2).replace(/}$/, '');
  const split = body.indexOf(':-');
  const name = split < 0 ? body : body.slice(0, split);
  const cut = name.length > 40 ? `${name.slice(0, 40)}…` : name;
  return `\${${cut}${split < 0 ? '' : ':-…'}${problem.token.endsWith('}') ? '}' : ''}`;
}

/**
 * The inverse for writers (export): text that loads back as itself. Every `${` becomes `$${`, so
 * a broker string such as `${AWS_SECRET_ACCESS_KEY}` is never filled from the environment of
 * whoever loads the export next.
 */
export function escapeInterpolation(text: string): string {
  // A function, not a replacement string: in one, `$$` stands for a single `$`.
  return text.includes('${') ? text.replaceAll('${', () => '$${') : text;
}
