// Invalid specs, table-driven: the semantic rules (references, queue arguments and types, names,
// regular expressions, users, targets). Each case states the complete list of diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEAD, briefs, load } from './spec-helpers.js';

interface Case {
  name: string;
  yaml: string; // after HEAD, so its first line is line 3
  expect: string[];
}

/** A vhost `v` with one queue written on line 6. */
const queue = (line: string): string => `vhosts:\n  v:\n    queues:\n      ${line}\n`;
const Q = 'vhosts.v.queues.q';

const longName = 'é'.repeat(128); // 128 characters, 256 bytes of UTF-8

const CASES: Case[] = [
  // Names the management API cannot address, and bindings it cannot list
  {
    name: 'a vhost called ..',
    yaml: 'vhosts:\n  "..": {}\n',
    expect: ['spec.yaml:4:3: error E_NAME: vhosts[".."]: a vhost cannot be called "..": the management API cannot address that name'],
  },
  {
    name: 'a routing key with ~ and binding arguments',
    yaml: 'vhosts:\n  v:\n    exchanges: { e: { type: headers } }\n    queues: { q: {} }\n    bindings:\n      - { source: e, queue: q, routing_key: "a~b", arguments: { x-match: any, k: 1 } }\n',
    expect: ['spec.yaml:8:45: error E_NAME: vhosts.v.bindings[0].routing_key: a routing key with "~" cannot go with binding arguments: RabbitMQ\'s management API fails on such a binding (every binding listing answers HTTP 500)'],
  },
  // References
  {
    name: 'binding to an undeclared queue',
    yaml: 'vhosts:\n  v:\n    exchanges: { e: { type: topic } }\n    bindings:\n      - { source: e, queue: nope }\n',
    expect: ['spec.yaml:7:29: error E_REFERENCE: vhosts.v.bindings[0].queue: queue `nope` is not declared in vhost `v`'],
  },
  {
    name: 'binding from an exchange of another vhost',
    yaml: 'vhosts:\n  v:\n    queues: { q: {} }\n    bindings:\n      - { source: e, queue: q }\n  w:\n    exchanges: { e: { type: topic } }\n',
    expect: ['spec.yaml:7:19: error E_REFERENCE: vhosts.v.bindings[0].source: exchange `e` is not declared in vhost `v` (vhost `w` declares one, but a binding cannot cross vhosts)'],
  },
  {
    name: 'exchange-to-exchange binding to an undeclared exchange',
    yaml: 'vhosts:\n  v:\n    exchanges: { e: { type: topic } }\n    bindings:\n      - { source: e, exchange: f }\n',
    expect: ['spec.yaml:7:32: error E_REFERENCE: vhosts.v.bindings[0].exchange: exchange `f` is not declared in vhost `v`'],
  },
  {
    name: 'binding from the default exchange',
    yaml: 'vhosts:\n  v:\n    queues: { q: {} }\n    bindings:\n      - { source: "", queue: q }\n',
    expect: ['spec.yaml:7:19: error E_NAME: vhosts.v.bindings[0].source: the default exchange ("") cannot be bound; it already routes to every queue by the queue\'s name'],
  },
  {
    name: 'undeclared dead-letter exchange',
    yaml: queue('q: { arguments: { x-dead-letter-exchange: dlx } }'),
    expect: [`spec.yaml:6:49: warning W_REFERENCE: ${Q}.arguments.x-dead-letter-exchange: dead-letter exchange \`dlx\` is not declared in vhost \`v\`; messages sent to it are dropped until it exists`],
  },
  // Keys of RabbitMQ's own maps: a typo fails with a did-you-mean; a plugin's argument only warns
  {
    name: 'misspelt queue argument',
    yaml: queue('q: { arguments: { x-dead-leter-exchange: dlx } }'),
    expect: [`spec.yaml:6:25: error E_ARGUMENT: ${Q}.arguments.x-dead-leter-exchange: unknown queue argument \`x-dead-leter-exchange\`; did you mean \`x-dead-letter-exchange\`?`],
  },
  {
    name: 'queue argument without its x-',
    yaml: queue('q: { arguments: { message-ttl: 5 } }'),
    expect: [`spec.yaml:6:25: warning W_ARGUMENT: ${Q}.arguments.message-ttl: queue argument \`message-ttl\` is not one RabbitMQ defines; did you mean \`x-message-ttl\`? The broker ignores \`message-ttl\``],
  },
  {
    name: 'a plugin\'s queue argument',
    yaml: queue('q: { arguments: { x-delayed-type: direct } }'),
    expect: [`spec.yaml:6:25: warning W_ARGUMENT: ${Q}.arguments.x-delayed-type: queue argument \`x-delayed-type\` is not one RabbitMQ defines; the broker keeps it as it is (fine for a plugin's or an application's own)`],
  },
  {
    name: 'misspelt exchange argument',
    yaml: 'vhosts:\n  v:\n    exchanges:\n      e: { type: topic, arguments: { alternate-exchang: ae } }\n',
    expect: ['spec.yaml:6:38: error E_ARGUMENT: vhosts.v.exchanges.e.arguments.alternate-exchang: unknown exchange argument `alternate-exchang`; did you mean `alternate-exchange`?'],
  },
  {
    name: 'misspelt policy key',
    yaml: 'vhosts:\n  v:\n    policies:\n      p: { pattern: ".*", definition: { mesage-ttl: 5 } }\n',
    expect: ['spec.yaml:6:41: error E_ARGUMENT: vhosts.v.policies.p.definition.mesage-ttl: unknown policy key `mesage-ttl`: the broker refuses a definition with it; did you mean `message-ttl`?'],
  },
  {
    name: 'policy key written as a queue argument',
    yaml: 'vhosts:\n  v:\n    policies:\n      p: { pattern: ".*", definition: { x-max-length: 5 } }\n',
    expect: ['spec.yaml:6:41: error E_ARGUMENT: vhosts.v.policies.p.definition.x-max-length: unknown policy key `x-max-length`: the broker refuses a definition with it; did you mean `max-length` (policy keys have no `x-`)?'],
  },
  {
    name: 'policy value the broker refuses',
    yaml: 'vhosts:\n  v:\n    policies:\n      p: { pattern: ".*", definition: { message-ttl: "5", max-length: -1 } }\n',
    expect: [
      'spec.yaml:6:54: error E_ARGUMENT: vhosts.v.policies.p.definition.message-ttl: must be an integer from 0 to 4294967295 (milliseconds), not the string "5": the broker rejects strings here, so write it without quotes',
      'spec.yaml:6:71: error E_ARGUMENT: vhosts.v.policies.p.definition.max-length: must be a non-negative integer',
    ],
  },
  {
    name: 'mirroring settings without ha-mode, and two federation keys',
    yaml: 'vhosts:\n  v:\n    policies:\n      p: { pattern: ".*", definition: { ha-params: 2, federation-upstream: a, federation-upstream-set: b } }\n',
    expect: [
      'spec.yaml:6:41: error E_ARGUMENT: vhosts.v.policies.p.definition.ha-params: needs `ha-mode` beside it (the broker refuses it alone)',
      'spec.yaml:6:79: error E_CONFLICT: vhosts.v.policies.p.definition.federation-upstream-set: give one of `federation-upstream`, `federation-upstream-set`, `federation-upstream-pattern`, not 2 (the broker refuses them together)',
    ],
  },
  {
    name: 'a key operator policies cannot set',
    yaml: 'vhosts:\n  v:\n    operator_policies:\n      op: { pattern: ".*", definition: { overflow: drop-head } }\n',
    expect: ['spec.yaml:6:42: error E_ARGUMENT: vhosts.v.operator_policies.op.definition.overflow: operator policies cannot set `overflow` (they take only `expires`, `message-ttl`, `max-length`, `max-length-bytes`, `max-in-memory-length`, `max-in-memory-bytes`, `delivery-limit`); use a policy'],
  },
  {
    name: 'undeclared dead-letter exchange in a policy',
    yaml: 'vhosts:\n  v:\n    policies:\n      p: { pattern: ".*", definition: { dead-letter-exchange: gone } }\n',
    expect: ['spec.yaml:6:63: warning W_REFERENCE: vhosts.v.policies.p.definition.dead-letter-exchange: dead-letter exchange `gone` is not declared in vhost `v`; messages sent to it are dropped until it exists'],
  },
  {
    name: 'undeclared alternate exchange',
    yaml: 'vhosts:\n  v:\n    exchanges:\n      e: { type: topic, arguments: { alternate-exchange: ae } }\n',
    expect: ['spec.yaml:6:58: warning W_REFERENCE: vhosts.v.exchanges.e.arguments.alternate-exchange: alternate exchange `ae` is not declared in vhost `v`; messages sent to it are dropped until it exists'],
  },
  {
    name: 'permission on a vhost outside the spec',
    yaml: 'users:\n  u:\n    permissions:\n      elsewhere: { read: ".*" }\n',
    expect: ['spec.yaml:6:7: warning W_REFERENCE: users.u.permissions.elsewhere: vhost `elsewhere` is not declared in the spec; the grant only works if it exists on the broker'],
  },
  // Queue arguments by type
  { name: 'x-max-priority on a quorum queue', yaml: queue('q: { type: quorum, arguments: { x-max-priority: 5 } }'), expect: [`spec.yaml:6:39: error E_ARGUMENT: ${Q}.arguments.x-max-priority: quorum queues do not accept \`x-max-priority\` (only classic queues)`] },
  { name: 'x-max-age on a classic queue', yaml: queue('q: { type: classic, arguments: { x-max-age: 7D } }'), expect: [`spec.yaml:6:40: error E_ARGUMENT: ${Q}.arguments.x-max-age: classic queues do not accept \`x-max-age\` (only streams)`] },
  {
    name: 'x-message-ttl as a string',
    yaml: queue('q: { type: classic, arguments: { x-message-ttl: "60000" } }'),
    expect: [`spec.yaml:6:55: error E_ARGUMENT: ${Q}.arguments.x-message-ttl: must be an integer from 0 to 4294967295 (milliseconds), not the string "60000": the broker rejects strings here, so write it without quotes`],
  },
  { name: 'negative x-message-ttl', yaml: queue('q: { type: quorum, arguments: { x-message-ttl: -1 } }'), expect: [`spec.yaml:6:54: error E_ARGUMENT: ${Q}.arguments.x-message-ttl: must be an integer from 0 to 4294967295 (milliseconds)`] },
  { name: 'x-expires of zero', yaml: queue('q: { type: classic, arguments: { x-expires: 0 } }'), expect: [`spec.yaml:6:51: error E_ARGUMENT: ${Q}.arguments.x-expires: must be an integer from 1 to 4294967295 (milliseconds)`] },
  { name: 'x-delivery-limit on a classic queue', yaml: queue('q: { type: classic, arguments: { x-delivery-limit: 5 } }'), expect: [`spec.yaml:6:40: error E_ARGUMENT: ${Q}.arguments.x-delivery-limit: classic queues do not accept \`x-delivery-limit\` (only quorum queues)`] },
  {
    name: 'reject-publish-dlx on a quorum queue',
    yaml: queue('q: { type: quorum, arguments: { x-overflow: reject-publish-dlx } }'),
    expect: [`spec.yaml:6:51: error E_ARGUMENT: ${Q}.arguments.x-overflow: \`reject-publish-dlx\` is not supported by quorum queues (use one of: drop-head, reject-publish)`],
  },
  { name: 'x-queue-mode on a quorum queue', yaml: queue('q: { type: quorum, arguments: { x-queue-mode: lazy } }'), expect: [`spec.yaml:6:39: error E_ARGUMENT: ${Q}.arguments.x-queue-mode: quorum queues do not accept \`x-queue-mode\` (only classic queues)`] },
  {
    name: 'stream segment size on a quorum queue',
    yaml: queue('q: { type: quorum, arguments: { x-stream-max-segment-size-bytes: 1000 } }'),
    expect: [`spec.yaml:6:39: error E_ARGUMENT: ${Q}.arguments.x-stream-max-segment-size-bytes: quorum queues do not accept \`x-stream-max-segment-size-bytes\` (only streams)`],
  },
  { name: 'x-max-length on a stream', yaml: queue('q: { type: stream, arguments: { x-max-length: 10 } }'), expect: [`spec.yaml:6:39: error E_ARGUMENT: ${Q}.arguments.x-max-length: streams do not accept \`x-max-length\` (only classic queues and quorum queues)`] },
  {
    name: 'dead-lettering on a stream',
    yaml: queue('q: { type: stream, arguments: { x-dead-letter-exchange: "" } }'),
    expect: [`spec.yaml:6:39: error E_ARGUMENT: ${Q}.arguments.x-dead-letter-exchange: streams do not accept \`x-dead-letter-exchange\` (only classic queues and quorum queues)`],
  },
  {
    name: 'single active consumer on a stream',
    yaml: queue('q: { type: stream, arguments: { x-single-active-consumer: true } }'),
    expect: [`spec.yaml:6:39: error E_ARGUMENT: ${Q}.arguments.x-single-active-consumer: streams do not accept \`x-single-active-consumer\` (only classic queues and quorum queues)`],
  },
  {
    name: 'x-max-age without a unit the broker knows',
    yaml: queue('q: { type: stream, arguments: { x-max-age: 7 days } }'),
    expect: [`spec.yaml:6:50: error E_ARGUMENT: ${Q}.arguments.x-max-age: must be a positive duration as a string: a number and one unit of Y, M, D, h, m or s (e.g. "7D", "12h")`],
  },
  {
    name: 'x-queue-type disagrees with type',
    yaml: queue('q: { type: quorum, arguments: { x-queue-type: stream } }'),
    expect: [`spec.yaml:6:53: error E_ARGUMENT: ${Q}.arguments.x-queue-type: \`stream\` does not agree with \`type: quorum\`; state the type once, with \`type\``],
  },
  {
    name: 'dead-letter routing key without exchange',
    yaml: queue('q: { type: classic, arguments: { x-dead-letter-routing-key: k } }'),
    expect: [`spec.yaml:6:40: error E_ARGUMENT: ${Q}.arguments.x-dead-letter-routing-key: needs \`x-dead-letter-exchange\` beside it (the broker refuses a dead-letter routing key without an exchange)`],
  },
  { name: 'quorum group size of zero', yaml: queue('q: { type: quorum, arguments: { x-quorum-initial-group-size: 0 } }'), expect: [`spec.yaml:6:68: error E_ARGUMENT: ${Q}.arguments.x-quorum-initial-group-size: must be a positive integer`] },
  { name: 'priority above 255', yaml: queue('q: { type: classic, arguments: { x-max-priority: 300 } }'), expect: [`spec.yaml:6:56: error E_ARGUMENT: ${Q}.arguments.x-max-priority: must be an integer from 0 to 255`] },
  {
    name: 'unknown leader locator',
    yaml: queue('q: { type: quorum, arguments: { x-queue-leader-locator: nearest } }'),
    expect: [`spec.yaml:6:63: error E_ARGUMENT: ${Q}.arguments.x-queue-leader-locator: must be one of: client-local, balanced, random, least-leaders`],
  },
  // Queue types
  { name: 'non-durable quorum queue', yaml: queue('q: { type: quorum, durable: false }'), expect: [`spec.yaml:6:35: error E_QUEUE_TYPE: ${Q}.durable: quorum queues are always durable`] },
  { name: 'auto-delete stream', yaml: queue('q: { type: stream, auto_delete: true }'), expect: [`spec.yaml:6:39: error E_QUEUE_TYPE: ${Q}.auto_delete: streams cannot be auto-delete`] },
  {
    name: 'auto-delete queue made quorum by the vhost default',
    yaml: 'vhosts:\n  v:\n    default_queue_type: quorum\n    queues:\n      q: { auto_delete: true }\n',
    expect: [`spec.yaml:7:25: error E_QUEUE_TYPE: ${Q}.auto_delete: quorum queues cannot be auto-delete (this queue is a quorum queue by vhost \`v\`'s default_queue_type)`],
  },
  // Exchanges
  {
    name: 'delayed-message exchange without x-delayed-type',
    yaml: 'vhosts:\n  v:\n    exchanges:\n      d: { type: x-delayed-message }\n',
    expect: ['spec.yaml:6:7: error E_ARGUMENT: vhosts.v.exchanges.d: an x-delayed-message exchange needs `arguments: { x-delayed-type: <type> }` (one of direct, fanout, topic, headers)'],
  },
  {
    name: 'headers binding with an unknown x-match',
    yaml: 'vhosts:\n  v:\n    exchanges: { h: { type: headers } }\n    queues: { q: {} }\n    bindings:\n      - { source: h, queue: q, arguments: { x-match: some } }\n',
    expect: ['spec.yaml:8:54: error E_ARGUMENT: vhosts.v.bindings[0].arguments.x-match: must be one of: all, any, all-with-x, any-with-x'],
  },
  // Names
  { name: 'exchange in the amq. namespace', yaml: 'vhosts:\n  v:\n    exchanges:\n      amq.x: { type: direct }\n', expect: ['spec.yaml:6:7: error E_NAME: vhosts.v.exchanges["amq.x"]: exchange names starting with `amq.` are reserved for the broker'] },
  { name: 'queue in the amq. namespace', yaml: queue('amq.q: {}'), expect: ['spec.yaml:6:7: error E_NAME: vhosts.v.queues["amq.q"]: queue names starting with `amq.` are reserved for the broker'] },
  { name: "a queue named like a migration's holding queue", yaml: queue('warren.migrate.q: {}'), expect: ['spec.yaml:6:7: error E_NAME: vhosts.v.queues["warren.migrate.q"]: queue names starting with `warren.migrate.` are reserved for the holding queues of warren\'s migrations'] },
  { name: 'declaring the default exchange', yaml: 'vhosts:\n  v:\n    exchanges:\n      "": { type: direct }\n', expect: ['spec.yaml:6:7: error E_NAME: vhosts.v.exchanges[""]: the default exchange ("") is built in and cannot be declared'] },
  { name: 'vhost name over 255 bytes', yaml: `vhosts:\n  ${longName}: {}\n`, expect: [`spec.yaml:4:3: error E_NAME: vhosts["${longName}"]: a vhost name can be at most 255 bytes of UTF-8; this one is 256`] },
  { name: 'empty vhost name', yaml: 'vhosts:\n  "": {}\n', expect: ['spec.yaml:4:3: error E_NAME: vhosts[""]: a vhost name cannot be empty'] },
  { name: 'empty user name', yaml: 'users:\n  "": {}\n', expect: ['spec.yaml:4:3: error E_NAME: users[""]: a user name cannot be empty'] },
  // Regular expressions
  { name: 'permission regex', yaml: 'vhosts: { v: {} }\nusers:\n  u:\n    permissions:\n      v: { read: "(" }\n', expect: ['spec.yaml:7:18: error E_REGEX: users.u.permissions.v.read: not a valid regular expression (Unterminated group)'] },
  {
    name: 'policy pattern',
    yaml: 'vhosts:\n  v:\n    policies:\n      p: { pattern: "[", definition: { max-length: 1 } }\n',
    expect: ['spec.yaml:6:21: error E_REGEX: vhosts.v.policies.p.pattern: not a valid regular expression (Unterminated character class)'],
  },
  {
    name: 'topic permission regex',
    yaml: 'vhosts: { v: { exchanges: { t: { type: topic } } } }\nusers:\n  u:\n    topic_permissions:\n      v: [{ exchange: t, write: "a{2,1}" }]\n',
    expect: ['spec.yaml:7:33: error E_REGEX: users.u.topic_permissions.v[0].write: not a valid regular expression (numbers out of order in {} quantifier)'],
  },
  // Users
  { name: 'password and password_hash', yaml: 'users:\n  u:\n    password: x\n    password_hash: ""\n', expect: ['spec.yaml:6:5: error E_CONFLICT: users.u.password_hash: give `password` or `password_hash`, not both'] },
  {
    name: 'hashing_algorithm without password_hash',
    yaml: 'users:\n  u:\n    password: x\n    hashing_algorithm: rabbit_password_hashing_sha512\n',
    expect: ['spec.yaml:6:5: error E_CONFLICT: users.u.hashing_algorithm: only means something with `password_hash` (a `password` is hashed the way the broker is configured to)'],
  },
  {
    name: 'password hash of the wrong length',
    yaml: 'users:\n  u:\n    password_hash: abcd\n',
    expect: ['spec.yaml:5:20: error E_CONFLICT: users.u.password_hash: a rabbit_password_hashing_sha256 hash is 36 bytes of base64 (salt and digest); this one is 3'],
  },
  // Targets
  {
    name: 'TLS verification off',
    yaml: 'targets:\n  t:\n    management: https://h:15671\n    tls: { verify: false }\n',
    expect: ["spec.yaml:6:20: warning W_TLS_VERIFY: targets.t.tls.verify: the broker's certificate is not checked, so anyone in the path can read the credentials"],
  },
  { name: 'management URL with an AMQP scheme', yaml: 'targets:\n  t:\n    management: amqp://h\n', expect: ['spec.yaml:5:17: error E_SCHEMA: targets.t.management: `amqp://h` is not an http:// or https:// URL'] },
  {
    name: 'credentials twice',
    yaml: 'targets:\n  t:\n    management: http://bob:pw-in-url@h:15672\n    username: bob\n',
    expect: ['spec.yaml:5:17: error E_CONFLICT: targets.t.management: credentials are given both in the URL and in `username`/`password`; give them once'],
  },
];

for (const c of CASES) {
  test(`invalid spec: ${c.name}`, () => {
    assert.deepEqual(briefs(load(`${HEAD}${c.yaml}`)), c.expect);
  });
}
