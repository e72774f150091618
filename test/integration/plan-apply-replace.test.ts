// Plan and apply against a live broker, part 3: what the broker cannot change in place. A queue
// and an exchange are replaced and every binding that touched them exists again afterwards,
// including bindings made outside warren; a renamed queue is created new, the old one deleted,
// and the bindings follow the spec.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import { bindingsOf, type Api } from '../support/management.js';
import { actionsOf, changeHeaders } from '../support/warren-stack.js';

const skip = skipUnlessBroker();

interface Row {
  [k: string]: unknown;
}

function replaceSpec(v: 1 | 2): Record<string, unknown> {
  const one = v === 1;
  return {
    vhosts: {
      rep: {
        exchanges: {
          router: { type: one ? 'direct' : 'topic' },
          feed: { type: 'fanout' },
          hdr: { type: 'headers' },
          out: { type: 'fanout' },
        },
        queues: {
          work: { type: one ? 'classic' : 'quorum' },
          audit: { type: 'classic', arguments: { 'x-max-length': one ? 10 : 20 } },
        },
        bindings: [
          { source: 'router', queue: 'work', routing_key: 'work.key' },
          { source: 'router', exchange: 'out', routing_key: 'fwd' },
          { source: 'feed', queue: 'work' },
          { source: 'hdr', queue: 'audit', arguments: { 'x-match': 'any', a: '1' } },
        ],
      },
    },
  };
}

describe('plan/apply: replace and rename', { skip }, () => {
  const suite = new BrokerSuite();
  let a: Api;
  before(() => ({ api: a } = suite));
  const newStack = (name: string) => suite.stack(name);

  test('replacing a queue and an exchange carries every binding over, declared or not', async () => {
    const stack = newStack('rep');
    stack.write(replaceSpec(1));
    await stack.applyOk();
    // Bindings nobody declares, made outside warren, on both replaced objects and on each side.
    await a.post(['bindings', 'rep', 'e', 'router', 'q', 'audit'], { routing_key: 'outside.key', arguments: {} });
    await a.post(['bindings', 'rep', 'e', 'feed', 'e', 'router'], { routing_key: '', arguments: {} });
    await a.post(['bindings', 'rep', 'e', 'hdr', 'q', 'work'], { routing_key: '', arguments: { 'x-match': 'all', b: 'x' } });
    await stack.assertPlanEmpty();
    const bindingsBefore = await bindingsOf(a, 'rep');
    assert.equal(bindingsBefore.length, 7, bindingsBefore.join('\n'));

    stack.write(replaceSpec(2));
    const doc = await stack.planJson();
    assert.deepEqual(actionsOf(doc), [
      'create binding rep/feed -> exchange router []',
      'create binding rep/feed -> queue work []',
      'create binding rep/hdr -> queue audit [] {"a":"1","x-match":"any"}',
      'create binding rep/hdr -> queue work [] {"b":"x","x-match":"all"}',
      'create binding rep/router -> exchange out [fwd]',
      'create binding rep/router -> queue audit [outside.key]',
      'create binding rep/router -> queue work [work.key]',
      'replace exchange rep/router',
      'replace queue rep/audit',
      'replace queue rep/work',
    ]);
    const forced = Object.fromEntries(doc.changes.filter((c) => c.action === 'replace').map((c) => [c.title, c.forced_by]));
    assert.deepEqual(forced, { 'exchange rep/router': ['type'], 'queue rep/audit': ['arguments.x-max-length'], 'queue rep/work': ['type'] });
    for (const c of doc.changes.filter((c) => c.kind === 'binding')) assert.match(c.reason ?? '', /^recreated because (queue|exchange) rep\/\S+ is replaced$/);
    const text = await stack.plan();
    assert.equal(changeHeaders(text.stdout).filter((h) => h.startsWith('-/+ ')).length, 3);

    await stack.applyOk();
    assert.deepEqual(await bindingsOf(a, 'rep'), bindingsBefore);
    assert.equal(((await a.get<Row>(['queues', 'rep', 'work'])) ?? {})['type'], 'quorum');
    assert.deepEqual(((await a.get<Row>(['queues', 'rep', 'audit'])) ?? {})['arguments'], { 'x-max-length': 20, 'x-queue-type': 'classic' });
    assert.equal(((await a.get<Row>(['exchanges', 'rep', 'router'])) ?? {})['type'], 'topic');
    await stack.assertPlanEmpty();
    // The bindings made outside warren stay unowned: a later --prune managed leaves them.
    await stack.assertPlanEmpty({ prune: 'managed' });
  });

  test('renaming a queue creates the new one, deletes the old, and the bindings follow', async () => {
    const stack = newStack('ren');
    const renSpec = (queue: string) => ({
      vhosts: {
        ren: {
          exchanges: { in: { type: 'topic' } },
          queues: { [queue]: { arguments: { 'x-message-ttl': 5000 } }, other: {} },
          bindings: [
            { source: 'in', queue, routing_key: 'a.#' },
            { source: 'in', queue, routing_key: 'b.*' },
            { source: 'in', queue: 'other', routing_key: 'c' },
          ],
        },
      },
    });
    stack.write(renSpec('tasks'));
    await stack.applyOk();
    await stack.assertPlanEmpty();

    stack.write(renSpec('tasks.v2'));
    const doc = await stack.planJson();
    assert.deepEqual(actionsOf(doc), [
      'create binding ren/in -> queue tasks.v2 [a.#]',
      'create binding ren/in -> queue tasks.v2 [b.*]',
      'create queue ren/tasks.v2',
      'delete binding ren/in -> queue tasks [a.#]',
      'delete binding ren/in -> queue tasks [b.*]',
      'delete queue ren/tasks',
    ]);
    // Creates first, deletes last (bindings before their queue).
    assert.deepEqual(
      doc.changes.map((c) => `${c.action} ${c.kind}`),
      ['create queue', 'create binding', 'create binding', 'delete binding', 'delete binding', 'delete queue'],
    );
    await stack.applyOk();
    assert.equal(await a.get(['queues', 'ren', 'tasks']), undefined);
    assert.ok(await a.get(['queues', 'ren', 'tasks.v2']));
    assert.deepEqual(await bindingsOf(a, 'ren'), ['in -> queue:other [c]', 'in -> queue:tasks.v2 [a.#]', 'in -> queue:tasks.v2 [b.*]']);
    await stack.assertPlanEmpty();
  });
});
