// One error type for the whole project. Every failure a user can cause carries a stable code,
// a message that names the field, and where it came from (file:line:col or a broker endpoint).

export interface Origin {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
}

export type Severity = 'error' | 'warning';

/** Stable codes: tests, JSON output and users' scripts match on these, so never rename one. */
export const CODES = {
  // reading files
  E_IO: 'a file or directory could not be read',
  E_YAML: 'YAML syntax error',
  E_YAML_ALIAS: 'too many YAML alias expansions',
  E_ENV: 'an environment variable is missing',
  // the spec's shape and meaning
  E_SCHEMA: 'the spec does not match the schema',
  E_UNKNOWN_KEY: 'a key the spec format does not know',
  E_DUPLICATE: 'the same object is defined twice',
  E_REFERENCE: 'a reference to an object the spec does not declare',
  E_ARGUMENT: 'an argument the queue or exchange type does not accept, or of the wrong type',
  E_NAME: 'a name RabbitMQ cannot hold or reserves for itself',
  E_REGEX: 'a regular expression that does not compile',
  E_QUEUE_TYPE: 'queue properties its type does not allow',
  E_CONFLICT: 'settings that exclude each other',
  E_LINT: 'lint found a problem of severity error',
  W_REFERENCE: 'a reference to an object outside the spec',
  W_ARGUMENT: 'a queue argument RabbitMQ does not define (a plugin\'s, or a typo)',
  W_TLS_VERIFY: 'TLS verification is switched off',
  W_TLS_EXPIRY: 'a TLS certificate expires soon or has expired',
  W_VERSION: 'a setting the broker version does not support',
  W_DEPRECATED: 'a feature the broker version deprecates, used by the spec or reported in use by the broker',
  W_UPGRADE: 'a setting rewritten for the target version (export --for-version, plan/apply --upgrade)',
  W_PRUNE: 'prune keeps an object it would otherwise delete',
  W_MIGRATION: 'a holding queue whose migration nothing will finish',
  W_LIVE_FILE: 'a definitions file cannot show a setting, so it is not compared',
  W_HALF_MADE: 'a quorum queue or stream the broker left half made (no Raft group)',
  // talking to a broker
  E_CONNECT: 'the broker could not be reached',
  E_TLS: 'the TLS handshake failed',
  E_AUTH: 'the broker refused the credentials',
  E_BROKER: 'the broker refused a request',
  E_TARGET: 'no usable target',
  E_LIVE_FILE: 'a definitions file could not be read',
  E_VERSION: 'a setting the broker version does not support',
  // planning and applying
  E_OWNERSHIP: 'an object another stack owns',
  E_DATA_LOSS: 'the plan would lose messages',
  E_MIGRATION: 'a queue migration that cannot run safely',
  E_LOCKED: 'another apply holds the lock',
  E_STALE_PLAN: 'the live state changed since the plan was made',
  E_PLAN_FILE: 'a saved plan that cannot be used',
  E_APPLY: 'apply stopped part way',
  E_SUPER_STREAM: 'a super stream change that would remove or reorder partitions',
  E_FEATURE_FLAG: 'a feature flag the target does not know, or one that would be disabled',
  E_SECRET: 'a secret would be written to a file',
  W_FEATURE_FLAG: 'a feature flag that could not be checked, or one apply enables for good',
  W_SHOVEL: 'a shovel that is not running',
  W_UNMANAGED: 'something the broker holds that warren does not manage',
  E_ABORTED: 'the user declined',
  E_USAGE: 'the command line is wrong',
  E_INTERNAL: 'a bug in warren',
} as const;

export type Code = keyof typeof CODES;

export interface Diagnostic {
  severity: Severity;
  code: Code;
  message: string;
  origin?: Origin | undefined;
  endpoint?: string | undefined;
}

/** A failure with a stable code. `diagnostics` holds every problem found, not only the first. */
export class WarrenError extends Error {
  readonly code: Code;
  readonly diagnostics: Diagnostic[];
  readonly origin: Origin | undefined;
  readonly endpoint: string | undefined;

  constructor(code: Code, message: string, where: { origin?: Origin | undefined; endpoint?: string | undefined; diagnostics?: Diagnostic[] } = {}) {
    super(message);
    this.name = 'WarrenError';
    this.code = code;
    this.origin = where.origin;
    this.endpoint = where.endpoint;
    this.diagnostics = where.diagnostics ?? [{ severity: 'error', code, message, origin: where.origin, endpoint: where.endpoint }];
  }

  /** True for mistakes of warren itself, which the CLI reports with more detail. */
  get internal(): boolean {
    return this.code === 'E_INTERNAL';
  }
}

export function formatOrigin(origin: Origin): string {
  return `${origin.file}:${origin.line}:${origin.col}`;
}

/**
 * `file:line:col: error E_CODE: message` — the shape editors and CI log scanners recognise. The
 * one place every diagnostic passes on its way to a terminal or a log, so the one place user
 * strings inside it are made safe: shortened, then control characters escaped.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.origin ? `${formatOrigin(d.origin)}: ` : d.endpoint ? `${d.endpoint}: ` : '';
  // A message of several lines indents the ones after the first (`\n  `): those newlines stay.
  // Any other line break is escaped, so no user string can start a line that passes for a diagnostic.
  return printable(`${where}${d.severity} ${d.code}: ${shortened(d.message)}`).replace(/\\u000a(?=  )/g, '\n');
}

/**
 * User data may come from a broker or a file someone else controls: control characters could
 * rewrite the terminal (an ESC sequence can clear the screen) and bidi overrides could make a
 * reviewer misread a name, so both print as visible escapes.
 */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Past these, a run of characters without a space is a value quoted whole (a 12 MB name): cut. */
const MAX_RUN = 200;
const MAX_MESSAGE = 4_000;

/** A message with every overlong value cut in its middle, and the whole bounded, saying how much was left out. */
export function shortened(message: string): string {
  if (message.length <= MAX_RUN) return message;
  // A scan rather than a regular expression: on a 12 MB run, /\S{201,}/ overflows the stack.
  let out = '';
  let runStart = 0;
  const flush = (end: number): void => {
    const run = message.slice(runStart, end);
    out += run.length <= MAX_RUN ? run : `${run.slice(0, 80)}…[${run.length - 100} characters cut]…${run.slice(-20)}`;
  };
  for (let i = 0; i < message.length; i++) {
    const ch = message.charCodeAt(i);
    if (ch === 0x20 || ch === 0x0a || ch === 0x09 || ch === 0x0d) {
      flush(i);
      out += message[i];
      runStart = i + 1;
      if (out.length > MAX_MESSAGE) return `${out.slice(0, MAX_MESSAGE)}…[${message.length - i} more characters cut]`;
    }
  }
  flush(message.length);
  return out.length <= MAX_MESSAGE ? out : `${out.slice(0, MAX_MESSAGE)}…[${out.length - MAX_MESSAGE} characters cut]`;
}

export function errorsOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

/**
 * Ends every switch over a kind or an action: when a new kind or action is added, each switch
 * that does not handle it fails to compile here (the argument is no longer `never`).
 */
export function unreachable(value: never, what = 'value'): never {
  throw new WarrenError('E_INTERNAL', `unhandled ${what}: ${JSON.stringify(value)}`);
}
