import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, passwordMatches, saltOf } from '../../src/model/passwords.js';

// Recorded from RabbitMQ 3.10.8: PUT /api/users/plain {"password":"warren-vector"}, then GET
// (test/integration/broker-writer.test.ts prints a fresh one on every run).
const BROKER_HASH = 'eHgAYbe8dp9vTfm3/MbZ6DT8Zof9S4UIy/l+ZlKmJQkb810n';

test('reproduces a hash the broker made, from its salt', () => {
  const salt = saltOf(BROKER_HASH);
  assert.ok(salt);
  assert.equal(salt.length, 4);
  assert.equal(hashPassword('warren-vector', 'rabbit_password_hashing_sha256', salt), BROKER_HASH);
  assert.equal(passwordMatches('warren-vector', BROKER_HASH, 'rabbit_password_hashing_sha256'), true);
  assert.equal(passwordMatches('warren-vector ', BROKER_HASH, 'rabbit_password_hashing_sha256'), false);
  assert.equal(passwordMatches('warren-vector', BROKER_HASH, 'rabbit_password_hashing_sha512'), false);
});

test('layout: 4-byte salt then the digest, for each algorithm', () => {
  const salt = Uint8Array.from([1, 2, 3, 4]);
  const sizes = { rabbit_password_hashing_sha256: 32, rabbit_password_hashing_sha512: 64, rabbit_password_hashing_md5: 16 } as const;
  for (const [algorithm, size] of Object.entries(sizes) as [keyof typeof sizes, number][]) {
    const bytes = Buffer.from(hashPassword('pässwörd', algorithm, salt), 'base64');
    assert.equal(bytes.length, 4 + size, algorithm);
    assert.deepEqual([...bytes.subarray(0, 4)], [1, 2, 3, 4]);
    assert.equal(passwordMatches('pässwörd', bytes.toString('base64'), algorithm), true);
  }
});

test('fresh salts differ; an empty hash (no password) matches nothing', () => {
  const a = hashPassword('x', 'rabbit_password_hashing_sha256');
  const b = hashPassword('x', 'rabbit_password_hashing_sha256');
  assert.notEqual(a, b);
  assert.equal(passwordMatches('x', a, 'rabbit_password_hashing_sha256'), true);
  assert.equal(passwordMatches('', '', 'rabbit_password_hashing_sha256'), false);
  assert.equal(saltOf(''), undefined);
});
