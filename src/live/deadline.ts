// A deadline for one broker call. amqplib has none: an AMQP method sent to a frozen node (SIGSTOP,
// a stuck VM, a half-open TCP connection) waits for its reply forever, and so would the apply.
import { WarrenError } from '../errors.js';

/** Thrown when a call gets no answer in time; the caller treats its connection as dead. */
export class DeadlineExceeded extends Error {
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`no answer to ${what} within ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/** `work`, or DeadlineExceeded after `ms`. The work itself is not cancelled: close its connection. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(what, ms)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined); // a late failure of abandoned work is not an unhandled rejection
  }
}

/** The E_CONNECT a caller reports when every endpoint it tried let a call run out of time. */
export function deadlineError(err: DeadlineExceeded, endpoint: string | undefined): WarrenError {
  return new WarrenError('E_CONNECT', `${endpoint ?? 'the broker'} did not answer ${err.what} within ${err.ms} ms (is the node frozen or overloaded? WARREN_BROKER_TIMEOUT_MS sets the deadline)`, { endpoint });
}
