// The effective settings of one queue or exchange: its arguments, the user policy the broker picks,
// the operator policy it picks, and RabbitMQ's merge of the three, key by key, with where each
// value came from. Sources, per RabbitMQ 3.10 to 4.x:
// - user policy + operator policy: rabbit_policy:merge_operator_definitions/2 and
//   rabbit_policies:merge_policy_value/3: for the keys both set, the lesser of the two for
//   expires, message-ttl, max-length, max-length-bytes, max-in-memory-length, max-in-memory-bytes
//   and delivery-limit, the greater for target-group-size (4.x), the operator's for a boolean
//   (4.x); any other key keeps the user policy's value.
// - policy + argument: rabbit_queue_type_util:args_policy_lookup/3 with a resolver per key, from
//   rabbit_amqqueue_process:process_args_policy/1 (classic), rabbit_quorum_queue and
//   rabbit_stream_queue: limits take the lesser value (res_min), dead-lettering, overflow and modes
//   take the argument (res_arg), and streams take the policy (policy_precedence). An exchange's
//   alternate-exchange argument wins over a policy's (rabbit_policy:get_arg/3).
import type { Exchange, Json, JsonMap, Policy, Queue, QueueType } from '../model/types.js';
import { judgePolicies, winnerOf, type Verdict } from './policy-match.js';

export type Resolver = 'min' | 'argument' | 'policy';

const CLASSIC: Record<string, Resolver> = {
  expires: 'min',
  'message-ttl': 'min',
  'max-length': 'min',
  'max-length-bytes': 'min',
  'dead-letter-exchange': 'argument',
  'dead-letter-routing-key': 'argument',
  overflow: 'argument',
  'queue-mode': 'argument',
  'queue-version': 'argument',
};

const QUORUM: Record<string, Resolver> = {
  expires: 'min',
  'message-ttl': 'min',
  'max-length': 'min',
  'max-length-bytes': 'min',
  'max-in-memory-length': 'min',
  'max-in-memory-bytes': 'min',
  'delivery-limit': 'min',
  'dead-letter-exchange': 'argument',
  'dead-letter-routing-key': 'argument',
  'dead-letter-strategy': 'argument',
  overflow: 'argument',
  'queue-leader-locator': 'argument',
  'target-group-size': 'policy',
};

const STREAM: Record<string, Resolver> = {
  'max-length-bytes': 'policy',
  'max-age': 'policy',
  'stream-max-segment-size-bytes': 'policy',
  'queue-leader-locator': 'argument',
};

const EXCHANGE: Record<string, Resolver> = { 'alternate-exchange': 'argument' };

/** The keys the broker reads from policies and arguments for each kind of object, and how it resolves both. */
export const RESOLVERS: Record<QueueType | 'exchange', Record<string, Resolver>> = { classic: CLASSIC, quorum: QUORUM, stream: STREAM, exchange: EXCHANGE };

/** Keys for which an operator policy's value and a user policy's are merged to the lesser. */
export const OPERATOR_MIN_KEYS: ReadonlySet<string> = new Set(['expires', 'message-ttl', 'max-length', 'max-length-bytes', 'max-in-memory-length', 'max-in-memory-bytes', 'delivery-limit']);
/** rabbit_quorum_queue's merge strategy (4.x): the greater target membership. */
const OPERATOR_MAX_KEY = 'target-group-size';

export type Source =
  | { from: 'argument'; argument: string }
  | { from: 'policy'; policy: string }
  | { from: 'operator_policy'; policy: string };

export interface Setting {
  key: string;
  value: Json;
  source: Source;
  /** Values that were there and lost, with why. */
  overridden: { value: Json; source: Source; why: string }[];
  /** True when the broker never reads this key for this kind of object (it is kept, and ignored). */
  ignored: boolean;
}

export interface Effective {
  target: Queue | Exchange;
  policies: Verdict[];
  operatorPolicies: Verdict[];
  /** The user and operator policy definitions merged, as the broker reports `effective_policy_definition`. */
  effectivePolicyDefinition: JsonMap;
  settings: Setting[];
}

/** The argument name a policy key is read from: `message-ttl` <- `x-message-ttl`. */
export function argumentFor(key: string): string {
  return `x-${key}`;
}

/** `brokerVersion` decides which policy keys a queue type refuses (see policy-match.ts); none: the newest. */
export function effectiveSettings(target: Queue | Exchange, policies: Iterable<Policy>, brokerVersion?: string): Effective {
  const all = [...policies].filter((p) => p.vhost === target.vhost);
  const user = judgePolicies(all.filter((p) => p.kind === 'policy'), target, brokerVersion);
  const operator = judgePolicies(all.filter((p) => p.kind === 'operator_policy'), target, brokerVersion);
  const userWin = winnerOf(user)?.policy;
  const opWin = winnerOf(operator)?.policy;
  const resolvers = RESOLVERS[target.kind === 'exchange' ? 'exchange' : target.type];

  // Step 1: user policy + operator policy, as rabbit_policy:merge_operator_definitions/2.
  const fromPolicies = new Map<string, { value: Json; source: Source; overridden: Setting['overridden'] }>();
  for (const [key, value] of Object.entries(userWin?.definition ?? {})) fromPolicies.set(key, { value, source: { from: 'policy', policy: userWin?.name ?? '' }, overridden: [] });
  for (const [key, opValue] of Object.entries(opWin?.definition ?? {})) {
    const opSource: Source = { from: 'operator_policy', policy: opWin?.name ?? '' };
    const mine = fromPolicies.get(key);
    if (!mine) {
      fromPolicies.set(key, { value: opValue, source: opSource, overridden: [] });
    } else if ((OPERATOR_MIN_KEYS.has(key) || key === OPERATOR_MAX_KEY) && typeof mine.value === 'number' && typeof opValue === 'number') {
      const max = key === OPERATOR_MAX_KEY;
      const opWins = max ? opValue > mine.value : opValue < mine.value;
      const [win, lose] = opWins ? [{ value: opValue, source: opSource }, mine] : [mine, { value: opValue, source: opSource }];
      fromPolicies.set(key, { value: win.value, source: win.source, overridden: [{ value: lose.value, source: lose.source, why: `user and operator policy both set it: the ${max ? 'greater' : 'lesser'} value applies` }] });
    } else if (typeof mine.value === 'boolean' && typeof opValue === 'boolean') {
      fromPolicies.set(key, { value: opValue, source: opSource, overridden: [{ value: mine.value, source: mine.source, why: 'user and operator policy both set this flag: the operator policy\'s applies' }] });
    } else {
      mine.overridden.push({ value: opValue, source: opSource, why: 'the operator policy does not override this key: the user policy\'s value applies' });
    }
  }
  const effectivePolicyDefinition: JsonMap = {};
  for (const [key, v] of [...fromPolicies].sort(([a], [b]) => a.localeCompare(b))) effectivePolicyDefinition[key] = v.value;

  // Step 2: policies + arguments, per key with the object type's resolver.
  const settings: Setting[] = [];
  const seen = new Set<string>();
  for (const [key, fromPolicy] of fromPolicies) {
    seen.add(key);
    const resolver = resolvers[key];
    const argName = argumentFor(key);
    const arg = target.arguments[argName];
    const argSource: Source = { from: 'argument', argument: argName };
    if (arg === undefined || resolver === undefined) {
      settings.push({ key, value: fromPolicy.value, source: fromPolicy.source, overridden: fromPolicy.overridden, ignored: resolver === undefined });
      continue;
    }
    const policyWins = resolver === 'policy' || (resolver === 'min' && typeof arg === 'number' && typeof fromPolicy.value === 'number' && fromPolicy.value < arg);
    const why = resolver === 'min' ? 'argument and policy both set it: the lesser value applies' : resolver === 'argument' ? 'the queue argument wins over a policy for this key' : 'for streams the policy wins over the argument for this key';
    if (policyWins) settings.push({ key, value: fromPolicy.value, source: fromPolicy.source, overridden: [...fromPolicy.overridden, { value: arg, source: argSource, why }], ignored: false });
    else settings.push({ key, value: arg, source: argSource, overridden: [...fromPolicy.overridden, { value: fromPolicy.value, source: fromPolicy.source, why }], ignored: false });
  }
  for (const [argName, value] of Object.entries(target.arguments)) {
    const key = argName.startsWith('x-') ? argName.slice(2) : argName;
    if (seen.has(key)) continue;
    settings.push({ key, value, source: { from: 'argument', argument: argName }, overridden: [], ignored: false });
  }
  settings.sort((a, b) => a.key.localeCompare(b.key));
  return { target, policies: user, operatorPolicies: operator, effectivePolicyDefinition, settings };
}

export function describeSource(s: Source): string {
  switch (s.from) {
    case 'argument':
      return `argument ${s.argument}`;
    case 'policy':
      return `policy ${s.policy}`;
    case 'operator_policy':
      return `operator policy ${s.policy}`;
  }
}
