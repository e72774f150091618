// The deadline of broker calls, from WARREN_BROKER_TIMEOUT_MS. A frozen node (SIGSTOP, a stuck VM)
// accepts connections and then never answers; without a deadline every call to it waits forever.
// The defaults (30 s per call, 15 s to open a connection) suit production; tests and impatient CI
// jobs set a shorter one.
import { WarrenError } from '../errors.js';
/** Environment variables as the workflow receives them. */
type Env = Readonly<Record<string, string | undefined>>;

export const BROKER_TIMEOUT_VARIABLE = 'WARREN_BROKER_TIMEOUT_MS';

/** The deadline in ms, or undefined for the defaults; a value that is not a whole number from 100 to 3,600,000 is an error. */
export function brokerTimeoutFrom(env: Env): number | undefined {
  const raw = env[BROKER_TIMEOUT_VARIABLE];
  if (raw === undefined || raw.trim() === '') return undefined;
  const ms = /^\s*\d{1,7}\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(ms >= 100 && ms <= 3_600_000)) {
    throw new WarrenError('E_USAGE', `${BROKER_TIMEOUT_VARIABLE} must be a whole number of milliseconds from 100 to 3600000, got ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return ms;
}
