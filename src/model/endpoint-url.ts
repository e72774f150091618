// The mistakes people make writing a broker's URL, each with what to write instead. Used where a
// URL comes in: the spec (validate, at file:line:col), flags and the environment (plan, apply,
// export), and the management client itself.

export type EndpointKind = 'management' | 'amqp';

const SCHEMES: Record<EndpointKind, readonly string[]> = { management: ['http', 'https'], amqp: ['amqp', 'amqps'] };
const DEFAULT_PORT: Record<string, number> = { http: 15672, https: 15671, amqp: 5672, amqps: 5671 };

/** What is wrong with a URL, as a sentence that says what to write; undefined when it is fine. */
export function endpointUrlProblem(raw: string, kind: EndpointKind): string | undefined {
  const schemes = SCHEMES[kind];
  const shown = raw.replace(/\/\/[^/@]*@/, '//');
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw);
  if (!match) {
    // `localhost:15672` parses as a URL whose scheme is "localhost": catch it before it does.
    const host = raw.replace(/^[a-z]+:(?!\d)\/*/i, '');
    return `\`${shown}\` has no scheme: write ${schemes[0]}://${host} (or ${schemes[1]}:// for TLS)`;
  }
  const scheme = (match[1] ?? '').toLowerCase();
  if (!schemes.includes(scheme)) return `\`${shown}\` is not an ${schemes.map((s) => `${s}://`).join(' or ')} URL`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `\`${shown}\` is not a URL`;
  }
  if (kind === 'management' && /\/api\/?$/.test(url.pathname)) {
    const root = `${url.protocol}//${url.host}${url.pathname.replace(/\/?api\/?$/, '')}`;
    return `\`${shown}\` ends in /api: give the server's address, ${root} (warren adds /api itself)`;
  }
  if (kind === 'management' && (url.port === '5672' || url.port === '5671')) {
    return `\`${shown}\` is an AMQP port: the management API listens elsewhere, usually ${url.protocol}//${url.hostname}:${DEFAULT_PORT[scheme] ?? 15672}`;
  }
  return undefined;
}
