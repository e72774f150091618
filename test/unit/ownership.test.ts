import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ownershipParameterName, ownershipValue, readOwnership } from '../../src/model/ownership-record.js';
import type { Json } from '../../src/model/types.js';

test('name and value of a stack record', () => {
  assert.equal(ownershipParameterName('orders'), 'warren.stack.orders');
  const value = ownershipValue('orders', ['b', 'a', 'b']);
  assert.deepEqual({ ...value, resources: typeof value['resources'] }, { version: 2, stack: 'orders', count: 2, encoding: 'gzip+base64', resources: 'string' });
  assert.deepEqual([...(readOwnership(new Map([['warren.stack.orders', value]])).get('orders') ?? [])], ['a', 'b']);
  assert.throws(() => ownershipParameterName(''), { code: 'E_NAME' });
  assert.throws(() => ownershipParameterName('x'.repeat(250)), { code: 'E_NAME' });
});

test('reads records as the HTTP API gives them and as rabbitmqctl exports them (list of pairs)', () => {
  const params = new Map<string, Json>([
    ['cluster_name', 'rabbit@x'],
    ['warren.stack.orders', ownershipValue('orders', ['queue:["/","q"]'])],
    ['warren.stack.billing', [['version', 1], ['stack', 'billing'], ['resources', ['vhost:["b"]']]]],
  ]);
  const owned = readOwnership(params);
  assert.deepEqual([...owned.keys()].sort(), ['billing', 'orders']);
  assert.deepEqual([...(owned.get('orders') ?? [])], ['queue:["/","q"]']);
  assert.deepEqual([...(owned.get('billing') ?? [])], ['vhost:["b"]']);
});

test('a record at 31,000 keys stays small', () => {
  const keys = Array.from({ length: 31_000 }, (_, i) => `binding:["bench","ex.${i % 1000}","queue","q.${i}","key.${i}","{}"]`);
  const value = ownershipValue('bench', keys);
  assert.ok(JSON.stringify(value).length < JSON.stringify(keys).length / 5);
  assert.equal(readOwnership(new Map([['warren.stack.bench', value]])).get('bench')?.size, 31_000);
});

test('a malformed record is E_OWNERSHIP naming the parameter, not "owns nothing"', () => {
  const bad: Json[] = [
    'text',
    { version: 3, stack: 's', resources: [] },
    { version: 1, stack: 'other', resources: [] },
    { version: 1, stack: 's', resources: [1] },
    { version: 2, stack: 's', encoding: 'gzip+base64', resources: 'not gzip' },
    { version: 2, stack: 's', resources: [] },
  ];
  for (const value of bad) {
    assert.throws(() => readOwnership(new Map([['warren.stack.s', value]])), (e: unknown) => e instanceof Error && 'code' in e && e.code === 'E_OWNERSHIP' && e.message.includes('warren.stack.s'));
  }
});
