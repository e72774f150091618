// Which changes BrokerApplyTarget sends over AMQP (workflow/execute-plan.ts lets more of those be in
// flight): declares, binds and deletes of exchanges, queues and bindings, when there is an AMQP
// writer and the vhost has not refused its connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AmqpWriter } from '../../src/apply/amqp-writer.js';
import { BrokerApplyTarget } from '../../src/apply/broker-target.js';
import type { BrokerWriter } from '../../src/apply/broker-writer.js';
import { WarrenError } from '../../src/errors.js';
import type { Change } from '../../src/plan/index.js';
import { binding, exchange, planOf, policy, queue, user, vhost } from '../support/build.js';

const desired = [vhost('v'), vhost('w'), user('u'), policy('v', 'p'), exchange('v', 'x'), queue('v', 'q'), queue('w', 'q'), binding('v', 'x', 'q')];
const change = (changes: readonly Change[], title: string): Change => {
  const c = changes.find((x) => x.title === title);
  assert.ok(c, title);
  return c;
};

test('exchanges, queues and bindings go over AMQP; the rest, and everything without a writer, over HTTP', () => {
  const { changes } = planOf(desired, []);
  const http = {} as BrokerWriter;
  const withAmqp = new BrokerApplyTarget(http, {} as AmqpWriter);
  const without = new BrokerApplyTarget(http, undefined);
  for (const title of ['exchange v/x', 'queue v/q', 'queue w/q']) {
    assert.equal(withAmqp.overAmqp(change(changes, title)), true, title);
    assert.equal(without.overAmqp(change(changes, title)), false, title);
  }
  const b = changes.find((c) => c.kind === 'binding');
  assert.ok(b);
  assert.equal(withAmqp.overAmqp(b), true);
  for (const title of ['vhost v', 'user u', 'policy v/p']) assert.equal(withAmqp.overAmqp(change(changes, title)), false, title);
});

test('a vhost that refused the AMQP connection is over HTTP from then on', async () => {
  const { changes } = planOf(desired, []);
  const refusing = {
    declareQueue: async (q: { vhost: string }) => {
      if (q.vhost === 'w') throw new WarrenError('E_CONNECT', 'max-connections reached');
    },
  } as unknown as AmqpWriter;
  const put: string[] = [];
  const http = { putQueue: async (q: { vhost: string; name: string }) => void put.push(`${q.vhost}/${q.name}`) } as unknown as BrokerWriter;
  const target = new BrokerApplyTarget(http, refusing);
  const inW = change(changes, 'queue w/q');
  assert.equal(target.overAmqp(inW), true);
  await target.execute(inW);
  assert.deepEqual(put, ['w/q']);
  assert.equal(target.overAmqp(inW), false);
  assert.equal(target.overAmqp(change(changes, 'queue v/q')), true);
});
