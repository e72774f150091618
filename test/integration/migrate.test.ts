// Queue migrations against a real broker: changes RabbitMQ cannot make in place (type, arguments)
// on queues holding 10,000 messages each, applied without losing, duplicating or reordering any.
// The four 10,000-message cases run in one apply (as a deploy would: they migrate side by side),
// so the file stays within a minute or so. Crash points are in migrate-crash.test.ts.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type BrokerHandle, skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import { bindingsOf, connectAmqp, type Api } from '../support/management.js';
import { drainQueue, propertiesOf, publishNumbered, type SeenMessage } from '../support/messages.js';
import { changeHeaders } from '../support/warren-stack.js';

const skip = skipUnlessBroker();
const N = 10_000;

/** Every message 0..count-1 of `batch` exactly once, in order, with the properties it was published with. */
export function assertAllInOrder(seen: SeenMessage[], batch: string, count: number): void {
  const marked = seen.filter((m) => m.headers['x-warren-redelivered'] === true).length;
  const distinct = new Set(seen.map((m) => m.id)).size;
  assert.equal(seen.length, count, `${batch}: expected ${count} messages, got ${seen.length} (${distinct} distinct, ${marked} marked redelivered)`);
  seen.forEach((m, i) => {
    const p = propertiesOf(batch, i);
    if (m.id !== p.messageId) assert.fail(`message ${i}: expected ${p.messageId}, got ${m.id}`);
    assert.deepEqual(m.headers, p.headers, `message ${i}: headers`);
    assert.equal(m.priority, p.priority, `message ${i}: priority`);
    assert.equal(m.contentType, p.contentType, `message ${i}: content type`);
    assert.equal(m.deliveryMode, p.deliveryMode, `message ${i}: delivery mode`);
    assert.equal(m.body, JSON.stringify({ seq: i }), `message ${i}: body`);
  });
}

const QUEUES = ['c2q', 'q2c', 'len', 'dlx'] as const;

function spec(version: 1 | 2) {
  return {
    vhosts: {
      mig: {
        exchanges: { x: { type: 'direct' }, dead1: { type: 'fanout' }, dead2: { type: 'fanout' } },
        queues: {
          c2q: { type: version === 1 ? 'classic' : 'quorum' },
          q2c: { type: version === 1 ? 'quorum' : 'classic' },
          len: { arguments: { 'x-max-length': version === 1 ? 50_000 : 60_000 } },
          dlx: { type: 'quorum', arguments: { 'x-dead-letter-exchange': version === 1 ? 'dead1' : 'dead2' } },
        },
        bindings: QUEUES.flatMap((q) => [
          { source: 'x', queue: q, routing_key: q },
          { source: 'x', queue: q, routing_key: `${q}.also` },
        ]),
      },
    },
  };
}

describe('migrate: queues the broker cannot change in place keep every message', { skip }, () => {
  const suite = new BrokerSuite();
  let broker: BrokerHandle;
  let a: Api;
  before(() => ({ broker, api: a } = suite));

  test('classic -> quorum, quorum -> classic, x-max-length and x-dead-letter-exchange, 10,000 messages each', async () => {
    const stack = suite.stack('mig');
    stack.write(spec(1));
    await stack.applyOk();
    await Promise.all(QUEUES.map((q) => publishNumbered(broker, 'mig', 'x', q, q, N)));
    const bindingsBefore = await bindingsOf(a, 'mig');

    stack.write(spec(2));
    const text = await stack.plan();
    assert.equal(text.code, 2, text.stderr);
    for (const q of QUEUES) assert.ok(changeHeaders(text.stdout).includes(`-/+ queue mig/${q} (migrate 10,000 messages)`), text.stdout);
    assert.match(text.stdout, /bindings carried over: binding mig\/x -> queue c2q \[c2q\.also\], binding mig\/x -> queue c2q \[c2q\]/);
    assert.doesNotMatch(text.stdout, /DATA LOSS/);
    const doc = await stack.planJson();
    const c2q = doc.changes.find((c) => c.title === 'queue mig/c2q') as unknown as { migration: Record<string, unknown>; data_loss?: unknown };
    assert.deepEqual(c2q.migration, {
      messages: N,
      held: 0,
      in_progress: false,
      holding_queue: 'warren.migrate.c2q',
      consumers: 0,
      bindings: ['binding mig/x -> queue c2q [c2q.also]', 'binding mig/x -> queue c2q [c2q]'],
    });
    assert.equal(c2q.data_loss, undefined);

    const applied = await stack.applyOk();
    assert.match(applied.stderr, /Migrating queue mig\/c2q: moved 10000 of 10000 messages from c2q to warren\.migrate\.c2q/);
    assert.match(applied.stderr, /Migrating queue mig\/c2q: done/);

    const types = Object.fromEntries(await Promise.all(QUEUES.map(async (q) => [q, ((await a.get<Record<string, unknown>>(['queues', 'mig', q])) ?? {})['type']])));
    assert.deepEqual(types, { c2q: 'quorum', q2c: 'classic', len: 'classic', dlx: 'quorum' });
    assert.deepEqual(((await a.get<Record<string, unknown>>(['queues', 'mig', 'dlx'])) ?? {})['arguments'], { 'x-dead-letter-exchange': 'dead2', 'x-queue-type': 'quorum' });
    assert.deepEqual(await bindingsOf(a, 'mig'), bindingsBefore);
    const left = ((await a.get<{ name: string }[]>(['queues', 'mig'])) ?? []).map((q) => q.name).sort();
    assert.deepEqual(left, [...QUEUES].sort(), 'no holding queue is left');
    await stack.assertPlanEmpty();
    for (const q of QUEUES) assertAllInOrder(await drainQueue(broker, 'mig', q), q, N);
  });

  test('a publisher sending 200 messages/s through the exchange during the migration: every message arrives in the new queue', async () => {
    const stack = suite.stack('pub');
    const pubSpec = (type: 'classic' | 'quorum') => ({
      vhosts: { pub: { exchanges: { in: { type: 'topic' } }, queues: { work: { type } }, bindings: [{ source: 'in', queue: 'work', routing_key: 'work.#' }] } },
    });
    stack.write(pubSpec('classic'));
    await stack.applyOk();
    await publishNumbered(broker, 'pub', 'in', 'work.backlog', 'backlog', 5000);

    // The publisher: one message every 5 ms, confirmed, until told to stop.
    const connection = await connectAmqp(broker, 'pub');
    const ch = await connection.createConfirmChannel();
    let sent = 0;
    let running = true;
    const publisher = (async () => {
      while (running) {
        ch.publish('in', 'work.live', Buffer.from(JSON.stringify({ seq: sent })), propertiesOf('live', sent));
        sent++;
        await new Promise((r) => setTimeout(r, 5));
      }
      await ch.waitForConfirms();
    })();
    try {
      await new Promise((r) => setTimeout(r, 300));
      stack.write(pubSpec('quorum'));
      await stack.applyOk();
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      running = false;
      await publisher;
      await connection.close();
    }
    assert.ok(sent > 50, `the publisher sent ${sent} messages`);
    const seen = await drainQueue(broker, 'pub', 'work');
    const backlog = seen.filter((m) => m.headers['batch'] === 'backlog');
    assertAllInOrder(backlog, 'backlog', 5000);
    const live = new Set(seen.filter((m) => m.headers['batch'] === 'live').map((m) => m.seq));
    const lost = Array.from({ length: sent }, (_, i) => i).filter((i) => !live.has(i));
    assert.deepEqual(lost, [], `${lost.length} of ${sent} messages published during the migration are missing`);
    assert.equal(((await a.get<Record<string, unknown>>(['queues', 'pub', 'work'])) ?? {})['type'], 'quorum');
    await stack.assertPlanEmpty();
  });

  test('a smaller x-max-length drops messages on the way back: the plan says how many, and only --allow-data-loss applies it', async () => {
    const stack = suite.stack('short');
    const shortSpec = (limit?: number) => ({ vhosts: { short: { queues: { q: limit === undefined ? {} : { arguments: { 'x-max-length': limit } } } } } });
    stack.write(shortSpec());
    await stack.applyOk();
    await publishNumbered(broker, 'short', '', 'q', 'q', 1000);
    stack.write(shortSpec(100));
    const text = await stack.plan();
    assert.match(text.stdout, /-\/\+ queue short\/q \(migrate 1,000 messages\)/);
    assert.match(text.stdout, /! DATA LOSS: 900 messages would be lost \(x-max-length 100 keeps 100 and drops the oldest on the way back\)/);
    const refused = await stack.apply();
    assert.equal((refused.error as { code?: string }).code, 'E_DATA_LOSS');
    assert.equal(((await a.get<Record<string, unknown>>(['queues', 'short', 'q'])) ?? {})['arguments'] !== undefined, true);
    await stack.applyOk({ allowDataLoss: true });
    const seen = await drainQueue(broker, 'short', 'q');
    assert.deepEqual(seen.map((m) => m.seq), Array.from({ length: 100 }, (_, i) => 900 + i), 'the newest 100 are kept');
    await stack.assertPlanEmpty();
  });

  test('--no-migrate refuses as before; --allow-data-loss drops instead of migrating; a stream stays data loss', async () => {
    const stack = suite.stack('flags');
    const flagSpec = (type: 'classic' | 'quorum', age: string) => ({ vhosts: { flags: { queues: { q: { type }, s: { type: 'stream', arguments: { 'x-max-age': age } } } } } });
    stack.write(flagSpec('classic', '1D'));
    await stack.applyOk();
    await publishNumbered(broker, 'flags', '', 'q', 'q', 10);
    await publishNumbered(broker, 'flags', '', 's', 's', 10);
    stack.write(flagSpec('quorum', '2D'));
    // The stream's count comes from the stats database, collected every 5 s.
    let text = await stack.plan();
    for (let i = 0; i < 40 && !/DATA LOSS: 10 messages would be lost \(a stream cannot be migrated/.test(text.stdout); i++) {
      await new Promise((r) => setTimeout(r, 250));
      text = await stack.plan();
    }
    assert.match(text.stdout, /-\/\+ queue flags\/q \(migrate 10 messages\)/);
    assert.match(text.stdout, /DATA LOSS: 10 messages would be lost \(a stream cannot be migrated/);
    stack.write(flagSpec('quorum', '1D'));
    const noMigrate = await stack.cli(['apply', '{dir}', '--auto-approve', '--no-migrate']);
    assert.equal(noMigrate.code, 1, noMigrate.stdout + noMigrate.stderr);
    assert.match(noMigrate.stderr, /error E_DATA_LOSS: .*\n  replace queue flags\/q: 10 messages \(not migrated \(--no-migrate\)\)/);
    const dropped = await stack.cli(['apply', '{dir}', '--auto-approve', '--allow-data-loss']);
    assert.equal(dropped.code, 0, dropped.stdout + dropped.stderr);
    assert.match(dropped.stdout, /DATA LOSS: 10 messages would be lost \(dropped: --allow-data-loss replaces without migrating\)/);
    assert.equal((await drainQueue(broker, 'flags', 'q')).length, 0);
    await stack.assertPlanEmpty();
  });

  test('a policy that would limit the holding queue refuses the migration before anything changes', async () => {
    const stack = suite.stack('pol');
    const polSpec = (type: 'classic' | 'quorum') => ({
      vhosts: { pol: { queues: { q: { type } }, policies: { cap: { pattern: '.*', apply_to: 'queues', definition: { 'max-length': 5 } } } } },
    });
    stack.write(polSpec('classic'));
    await stack.applyOk();
    await publishNumbered(broker, 'pol', '', 'q', 'q', 3);
    stack.write(polSpec('quorum'));
    const text = await stack.plan();
    assert.match(text.stdout, /! CANNOT MIGRATE: policy cap \(pattern "\.\*"\) would apply to the holding queue warren\.migrate\.q and limit or expire its messages \(max-length\)/);
    const refused = await stack.apply();
    assert.equal((refused.error as { code?: string }).code, 'E_MIGRATION');
    assert.equal(((await a.get<Record<string, unknown>>(['queues', 'pol', 'q'])) ?? {})['type'], 'classic');
    assert.equal(await a.get(['queues', 'pol', 'warren.migrate.q']), undefined);
  });
});
