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
  W_REFERENCE: 'a reference to an object outside the spec',
  W_TLS_VERIFY: 'TLS verification is switched off',
  W_TLS_EXPIRY: 'a TLS certificate expires soon or has expired',
  W_VERSION: 'a setting the broker version does not support',
  W_PRUNE: 'prune keeps an object it would otherwise delete',
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
  E_LOCKED: 'another apply holds the lock',
  E_STALE_PLAN: 'the live state changed since the plan was made',
  E_PLAN_FILE: 'a saved plan that cannot be used',
  E_APPLY: 'apply stopped part way',
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

/** `file:line:col: error E_CODE: message` — the shape editors and CI log scanners recognise. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.origin ? `${formatOrigin(d.origin)}: ` : d.endpoint ? `${d.endpoint}: ` : '';
  return `${where}${d.severity} ${d.code}: ${d.message}`;
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
