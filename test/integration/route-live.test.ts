// `warren route` agrees with the real broker: messages generated over topic, headers, fanout,
// direct, exchange-to-exchange and alternate-exchange cases (and a dead-letter path) are routed by
// warren and published to the broker; where each one lands must be where warren said.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { routeCommand } from '../../src/cli/commands/route.js';
import { skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import { connectAmqp } from '../support/management.js';
import { runInProcess, type SpecStack } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

const QUEUES = ['t.abc', 't.a-all', 't.z-end', 't.one', 'audit', 'h.all', 'h.any', 'h.all-x', 'h.any-x', 'h.empty', 'f.1', 'f.2', 'd.1', 'd.ttl', 'dead', 'unrouted', 'unrouted.d'];

const SPEC = {
  vhosts: {
    rt: {
      exchanges: {
        t: { type: 'topic', arguments: { 'alternate-exchange': 'ae' } },
        h: { type: 'headers' },
        f: { type: 'fanout' },
        d: { type: 'direct' },
        e2e: { type: 'topic' },
        ae: { type: 'fanout' },
        'ae.d': { type: 'fanout' },
        dlx: { type: 'fanout' },
      },
      queues: Object.fromEntries(QUEUES.map((q) => [q, q === 'd.ttl' ? { type: 'classic', arguments: { 'x-message-ttl': 0 } } : { type: 'classic' }])),
      bindings: [
        { source: 't', queue: 't.abc', routing_key: 'a.*.c' },
        { source: 't', queue: 't.a-all', routing_key: 'a.#' },
        { source: 't', queue: 't.z-end', routing_key: '#.z' },
        { source: 't', queue: 't.one', routing_key: '*' },
        { source: 't', exchange: 'e2e', routing_key: 'audit.#' },
        { source: 'f', exchange: 'e2e', routing_key: '' },
        { source: 'e2e', queue: 'audit', routing_key: '*.*.x' },
        { source: 'h', queue: 'h.all', arguments: { 'x-match': 'all', a: '1', b: '2' } },
        { source: 'h', queue: 'h.any', arguments: { 'x-match': 'any', a: '1', c: '3' } },
        { source: 'h', queue: 'h.all-x', arguments: { 'x-match': 'all-with-x', 'x-k': 'v' } },
        { source: 'h', queue: 'h.any-x', arguments: { 'x-match': 'any-with-x', 'x-k': 'v', z: '9' } },
        { source: 'h', queue: 'h.empty', arguments: { 'x-match': 'all' } },
        { source: 'f', queue: 'f.1' },
        { source: 'f', queue: 'f.2' },
        { source: 'd', queue: 'd.1', routing_key: 'k1' },
        { source: 'd', queue: 'd.1', routing_key: 'k3' },
        { source: 'd', queue: 'd.ttl', routing_key: 'k2' },
        { source: 'ae', queue: 'unrouted' },
        { source: 'ae.d', queue: 'unrouted.d' },
        { source: 'dlx', queue: 'dead' },
      ],
      policies: {
        // The alternate exchange of `d` comes from a policy; d.ttl dead-letters through one.
        'd-ae': { pattern: '^d$', apply_to: 'exchanges', definition: { 'alternate-exchange': 'ae.d' } },
        'ttl-dlx': { pattern: '^d\\.ttl$', apply_to: 'queues', definition: { 'dead-letter-exchange': 'dlx' } },
      },
    },
  },
};

interface Generated {
  id: string;
  exchange: string;
  key: string;
  headers: Record<string, string>;
}

/** A small seeded generator, so a failure can be replayed. */
function generate(count: number, seed: number): Generated[] {
  let s = seed;
  const rand = (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
  const words = ['a', 'b', 'c', 'z', 'audit', 'x', 'k1', 'k2', 'k3'];
  const headerPool: [string, string[]][] = [['a', ['1', '2']], ['b', ['2']], ['c', ['3']], ['x-k', ['v', 'w']], ['z', ['9']]];
  const exchanges = ['t', 'h', 'f', 'd', 't', 'h', 'd'];
  const out: Generated[] = [];
  for (let i = 0; i < count; i++) {
    const exchange = exchanges[i % exchanges.length] as string;
    const key = Array.from({ length: rand(4) }, () => words[rand(words.length)]).join('.');
    const headers: Record<string, string> = {};
    for (const [name, values] of headerPool) if (rand(2) === 0) headers[name] = values[rand(values.length)] as string;
    out.push({ id: `m${i}`, exchange, key, headers });
  }
  return out;
}

interface RouteDoc {
  queues: string[];
  dead_letter: { queue: string; queues: string[] }[];
}

describe('route agrees with the broker', { skip }, () => {
  const suite = new BrokerSuite();
  let stack: SpecStack;

  before(async () => {
    stack = suite.stack('route');
    stack.write(SPEC);
    await stack.applyOk();
  });

  test('47 messages (15 chosen, 32 generated) land where warren route says, across every exchange type', async () => {
    const chosen: Omit<Generated, 'id'>[] = [
      { exchange: 't', key: 'a.b.c', headers: {} },
      { exchange: 't', key: 'q.z', headers: {} },
      { exchange: 't', key: 'solo', headers: {} },
      { exchange: 't', key: 'audit.y.x', headers: {} },
      { exchange: 't', key: 'nomatch.foo', headers: {} },
      { exchange: 't', key: 'a', headers: {} }, // # matches zero words
      { exchange: 't', key: 'z', headers: {} },
      { exchange: 't', key: '', headers: {} }, // no words: * does not match
      { exchange: 'h', key: '', headers: { a: '2', c: '3', z: '9' } },
      { exchange: 'h', key: '', headers: { a: '1', b: '2' } },
      { exchange: 'h', key: '', headers: { 'x-k': 'v' } },
      { exchange: 'f', key: 'a.b.x', headers: {} },
      { exchange: 'd', key: 'k1', headers: {} },
      { exchange: 'd', key: 'k2', headers: {} },
      { exchange: 'd', key: 'zzz', headers: {} },
    ];
    const messages = [...chosen.map((m, i) => ({ ...m, id: `c${i}` })), ...generate(32, 7)];
    const expected = new Map<string, string[]>();
    for (const m of messages) {
      const r = await runInProcess((io) =>
        routeCommand({ paths: [stack.dir], env: stack.env, connection: {}, vhost: 'rt', exchange: m.exchange, routingKey: m.key, headers: Object.entries(m.headers).map(([k, v]) => `${k}=${v}`), format: 'json' }, io),
      );
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as RouteDoc;
      // d.ttl holds nothing (TTL 0): what reaches it is dead-lettered, so it lands where the dead-letter path goes.
      const landed = doc.queues.filter((q) => q !== 'd.ttl');
      for (const d of doc.dead_letter) if (d.queue === 'd.ttl') landed.push(...d.queues);
      expected.set(m.id, landed.sort());
    }
    // The generated set covers every case the issue names.
    const all = [...expected.values()].flat();
    for (const q of ['t.abc', 'audit', 'h.all', 'h.any', 'h.all-x', 'h.any-x', 'h.empty', 'f.1', 'd.1', 'unrouted', 'unrouted.d', 'dead']) assert.ok(all.includes(q), `no generated message reaches ${q}`);

    const connection = await connectAmqp(suite.broker, 'rt');
    const actual = new Map<string, string[]>(messages.map((m) => [m.id, []]));
    try {
      const ch = await connection.createConfirmChannel();
      for (const m of messages) ch.publish(m.exchange, m.key, Buffer.from(m.id), { messageId: m.id, headers: m.headers });
      await ch.waitForConfirms();
      // Dead-lettering happens after the confirm: wait (10 s at most) for what is due in `dead`; a
      // shortfall then shows as a difference below.
      const due = [...expected.values()].filter((qs) => qs.includes('dead')).length;
      for (let i = 0; i < 100 && (await ch.checkQueue('dead')).messageCount < due; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      for (const q of QUEUES) {
        for (;;) {
          const got = await ch.get(q, { noAck: true });
          if (got === false) break;
          actual.get(got.properties.messageId as string)?.push(q);
        }
      }
    } finally {
      await connection.close();
    }
    for (const m of messages) {
      assert.deepEqual((actual.get(m.id) ?? []).sort(), expected.get(m.id), `message ${m.id}: exchange ${m.exchange}, key ${JSON.stringify(m.key)}, headers ${JSON.stringify(m.headers)}`);
    }
  });
});
