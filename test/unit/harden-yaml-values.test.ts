// YAML read as written (issue 9: items 10, 11 and 12): keys that look like numbers or booleans
// keep their spelling, numbers that JSON cannot hold are refused, and a file of duplicate keys
// gets a bounded report (the check was quadratic in the number of duplicates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEAD, briefs, load } from './spec-helpers.js';

test('unquoted keys that look like numbers or booleans keep the spelling they are written with', () => {
  const spec = load(`${HEAD}vhosts:\n  v:\n    queues:\n      0x1F: {}\n      007: {}\n      True: {}\n      1e400: {}\n      .inf: {}\n      1.50: {}\n`);
  assert.deepEqual(briefs(spec), []);
  const names = [...spec.model.resources.values()].filter((r) => r.kind === 'queue').map((r) => (r as { name: string }).name);
  assert.deepEqual(names.sort(), ['.inf', '007', '0x1F', '1.50', '1e400', 'True'].sort());
});

test('a key written as a number and as its decimal value are two names, not a duplicate', () => {
  const spec = load(`${HEAD}vhosts:\n  v:\n    queues:\n      0x1F: {}\n      31: {}\n`);
  assert.deepEqual(briefs(spec), []);
});

test('infinite and NaN numbers are refused where they are written, in arguments and policy definitions', () => {
  const spec = load(
    `${HEAD}vhosts:\n  v:\n    queues:\n      q: {arguments: {x-max-length: 1e400, x-message-ttl: .nan}}\n` +
      `    policies:\n      p: {pattern: ".*", definition: {max-length: .inf, expires: -.Inf}}\n`,
  );
  const lines = briefs(spec);
  assert.equal(lines.length, 4, lines.join('\n'));
  for (const line of lines) assert.match(line, /^spec\.yaml:(6|8):\d+: error E_YAML: .*not a finite number/);
});

test('thousands of duplicate keys get a bounded report', () => {
  const keys = Array.from({ length: 20_000 }, () => '      q: {}\n').join('');
  const spec = load(`${HEAD}vhosts:\n  v:\n    queues:\n${keys}`);
  const lines = briefs(spec);
  assert.ok(lines.length <= 21, `${lines.length} diagnostics`);
  assert.match(lines[0]!, /^spec\.yaml:7:7: error E_YAML: duplicate key `q`/);
  assert.match(lines[lines.length - 1]!, /19,979 more duplicate keys/);
});
