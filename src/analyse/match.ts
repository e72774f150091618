// How a message is routed: one binding against one message, per exchange type, and the walk from
// exchange to exchange. The functions use no imports and no outside names except each other,
// because the HTML graph inlines their compiled source to highlight routes in the browser with
// exactly the rules `warren route` uses.

/**
 * Topic exchanges (rabbit_exchange_type_topic): both keys are split on "."; `*` matches exactly one
 * word, `#` zero or more. An empty routing key has no words, so `#` matches it and `*` does not.
 */
export function topicMatches(bindingKey: string, routingKey: string): boolean {
  const pattern = bindingKey === '' ? [] : bindingKey.split('.');
  const words = routingKey === '' ? [] : routingKey.split('.');
  // Positions in `words` reachable after each pattern word; a set keeps `#.#.#` linear.
  let reach = new Set<number>([0]);
  for (const p of pattern) {
    const next = new Set<number>();
    for (const i of reach) {
      if (p === '#') {
        for (let j = i; j <= words.length; j++) next.add(j);
      } else if (i < words.length && (p === '*' || p === words[i])) {
        next.add(i + 1);
      }
    }
    if (next.size === 0) return false;
    reach = next;
  }
  return reach.has(words.length);
}

export type HeaderValue = string | number | boolean | null;

/**
 * Headers exchanges (rabbit_exchange_type_headers:headers_match/2): `x-match` is `all` (the default,
 * also for a value it does not know), `any`, `all-with-x` or `any-with-x`. Binding arguments whose
 * name starts with `x-` take no part unless the mode ends in `-with-x`. A binding value of null only
 * asks for the header to be present. Values compare as Erlang's `==`: a string never equals a number.
 * With `all`, a binding with no arguments left matches every message; with `any`, none.
 */
export function headersMatch(bindingArgs: Record<string, unknown>, headers: Record<string, HeaderValue>): boolean {
  const modeArg = bindingArgs['x-match'];
  const mode = modeArg === 'any' || modeArg === 'all-with-x' || modeArg === 'any-with-x' ? modeArg : 'all';
  const withX = mode === 'all-with-x' || mode === 'any-with-x';
  const all = mode === 'all' || mode === 'all-with-x';
  let matchedAny = false;
  for (const [key, expected] of Object.entries(bindingArgs)) {
    if (key === 'x-match' || (!withX && key.startsWith('x-'))) continue;
    const present = Object.prototype.hasOwnProperty.call(headers, key);
    const actual = present ? headers[key] : undefined;
    const ok = present && (expected === null || expected === actual);
    if (ok) matchedAny = true;
    else if (all) return false;
  }
  return all ? true : matchedAny;
}

/** Direct exchanges and the default exchange: the binding key equals the routing key. */
export function directMatches(bindingKey: string, routingKey: string): boolean {
  return bindingKey === routingKey;
}

export interface WalkBinding {
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: Record<string, unknown>;
}

/** What the walk needs to know about one vhost. */
export interface WalkWorld {
  /** Exchange type; undefined when no such exchange exists. */
  typeOf(exchange: string): string | undefined;
  bindingsOf(exchange: string): readonly WalkBinding[];
  alternateOf(exchange: string): string | undefined;
  queueExists(queue: string): boolean;
}

export type WalkStep =
  | { kind: 'binding'; from: string; binding: WalkBinding }
  | { kind: 'default'; to: string }
  | { kind: 'alternate'; from: string; to: string }
  | { kind: 'missing-exchange'; exchange: string }
  | { kind: 'missing-queue'; from: string; queue: string };

/**
 * rabbit_exchange:route/2: from the exchange published to, each exchange's bindings are matched
 * by its type (fanout: all; topic; headers; direct and anything else: equal keys); destination
 * exchanges are walked in turn, each at most once. The default exchange "" routes to the queue the
 * routing key names. An exchange whose own bindings match nothing hands the message to its
 * alternate exchange, which is walked the same way.
 */
export function walkRoute(start: string, routingKey: string, headers: Record<string, HeaderValue>, world: WalkWorld): { queues: string[]; exchanges: string[]; steps: WalkStep[] } {
  const queues: string[] = [];
  const exchanges: string[] = [];
  const steps: WalkStep[] = [];
  const seen = new Set<string>();
  const work = [start];
  while (work.length > 0) {
    const x = work.shift() as string;
    if (seen.has(x)) continue;
    seen.add(x);
    exchanges.push(x);
    const type = world.typeOf(x);
    if (type === undefined) {
      steps.push({ kind: 'missing-exchange', exchange: x });
      continue;
    }
    let routed = 0;
    if (x === '' && world.queueExists(routingKey)) {
      routed++;
      steps.push({ kind: 'default', to: routingKey });
      if (!queues.includes(routingKey)) queues.push(routingKey);
    }
    for (const b of world.bindingsOf(x)) {
      const hit = type === 'fanout' ? true : type === 'topic' ? topicMatches(b.routingKey, routingKey) : type === 'headers' ? headersMatch(b.arguments, headers) : directMatches(b.routingKey, routingKey);
      if (!hit) continue;
      routed++;
      steps.push({ kind: 'binding', from: x, binding: b });
      if (b.destinationType === 'exchange') work.push(b.destination);
      else if (!world.queueExists(b.destination)) steps.push({ kind: 'missing-queue', from: x, queue: b.destination });
      else if (!queues.includes(b.destination)) queues.push(b.destination);
    }
    if (routed === 0) {
      const ae = world.alternateOf(x);
      if (ae !== undefined) {
        steps.push({ kind: 'alternate', from: x, to: ae });
        work.push(ae);
      }
    }
  }
  queues.sort();
  return { queues, exchanges, steps };
}
