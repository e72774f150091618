// One function masks URL credentials everywhere (issue: five versions had drifted, and a password
// holding `/` or `@` came out whole).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl, splitUrlCredentials, withoutCredentials } from '../../src/model/url-credentials.js';
import { resolveTarget } from '../../src/workflow/resolve-target.js';
import { WarrenError } from '../../src/errors.js';

const SECRET = 'pa/ss@w0rd-9Qx';

test('redactUrl masks everything between :// and the last @, whatever the password holds', () => {
  assert.equal(redactUrl(`http://admin:${SECRET}@host:15672`), 'http://(sensitive)@host:15672');
  assert.equal(redactUrl('http://admin:pa/ss@host:15672/api'), 'http://(sensitive)@host:15672/api');
  assert.equal(redactUrl(`admin:${SECRET}@host`), '(sensitive)@host');
  assert.equal(redactUrl('http://host:15672'), 'http://host:15672');
});

test('splitUrlCredentials moves the credentials out and keeps the URL as written', () => {
  const split = splitUrlCredentials('amqps://svc:p%40ss@rmq-0:5671');
  assert.equal(split?.uri, 'amqps://rmq-0:5671');
  assert.equal(split?.username, 'svc');
  assert.equal(split?.password?.reveal(), 'p@ss');
  assert.equal(withoutCredentials('http://a:b@h:1/x'), 'http://h:1/x');
  assert.equal(withoutCredentials(`not a url://a:${SECRET}@h`), 'not a url://(sensitive)@h');
});

test('a management URL that does not parse is named without its password, from a flag or the environment', () => {
  for (const [flags, env] of [
    [{ management: `http://admin:${SECRET}@host:15672` }, {}],
    [{}, { WARREN_MANAGEMENT_URL: `http://admin:${SECRET}@host:15672` }],
  ] as const) {
    assert.throws(
      () => resolveTarget([], flags, env),
      (e: unknown) => e instanceof WarrenError && e.code === 'E_TARGET' && !e.message.includes('pa/ss') && !e.message.includes('w0rd') && e.message.includes('(sensitive)@host'),
    );
  }
});
