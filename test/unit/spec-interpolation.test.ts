// `${VAR}` interpolation: the pure function, and what reaches the model (secrets wrapped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Secret } from '../../src/model/secret.js';
import { interpolate } from '../../src/spec/index.js';
import { HEAD, briefs, load } from './spec-helpers.js';

const CASES: [string, Record<string, string>, string][] = [
  ['plain text', {}, 'plain text'],
  ['${A}', { A: 'x' }, 'x'],
  ['a-${A}-b-${B}', { A: '1', B: '2' }, 'a-1-b-2'],
  ['${A:-fallback}', {}, 'fallback'],
  ['${A:-fallback}', { A: '' }, 'fallback'], // shell semantics: empty counts as unset for :-
  ['${A:-fallback}', { A: 'set' }, 'set'],
  ['${A}', { A: '' }, ''], // set but empty, no default: empty
  ['${A:-}', {}, ''],
  ['${A:-with spaces: and colons}', {}, 'with spaces: and colons'],
  ['$${A}', { A: 'x' }, '${A}'],
  ['cost: $5 and $$ and $', {}, 'cost: $5 and $$ and $'],
  ['$$${A}', { A: 'x' }, '$${A}'], // a `$`, then the literal `$${`, then `A}`
];

for (const [text, env, expected] of CASES) {
  test(`interpolate ${JSON.stringify(text)} with ${JSON.stringify(env)}`, () => {
    const result = interpolate(text, env);
    assert.deepEqual(result.problems, []);
    assert.equal(result.value, expected);
  });
}

test('interpolate reports missing and malformed references, in order', () => {
  const result = interpolate('${A} ${1B} ${A} ${C', {});
  assert.deepEqual(
    result.problems.map((p) => [p.kind, p.token, p.occurrence]),
    [
      ['missing', '${A}', 0],
      ['malformed', '${1B}', 0],
      ['missing', '${A}', 1],
      ['malformed', '${C', 0],
    ],
  );
});

test('a variable called __proto__ or constructor reads the env map, never the prototype', () => {
  assert.equal(interpolate('${__proto__:-d}', {}).value, 'd');
  assert.equal(interpolate('${constructor:-d}', {}).value, 'd');
  assert.equal(interpolate('${toString}', {}).problems[0]?.kind, 'missing');
});

test('interpolated values reach the model; passwords as Secret', () => {
  const spec = load(
    `${HEAD}targets:\n  t:\n    management: \${MGMT}\n    password: \${ADMIN_PW}\n    tls: { passphrase: "\${KEY_PW:-pp}" }\nvhosts:\n  \${NOT_A_VAR}:\n    description: "owner \${TEAM}, cost $\${5}"\nusers:\n  u: { password: "\${U_PW}" }\n`,
    { MGMT: 'http://rmq:15672', ADMIN_PW: 'admin-pw', TEAM: 'payments', U_PW: 'user-pw' },
  );
  assert.deepEqual(briefs(spec), []);
  const target = spec.targets[0];
  assert.deepEqual(target?.management, ['http://rmq:15672']);
  assert.ok(target?.password instanceof Secret);
  assert.equal(target.password.reveal(), 'admin-pw');
  assert.equal(target.tls?.passphrase?.reveal(), 'pp');
  // Keys are names, never interpolated.
  const vhost = spec.model.resources.get('vhost:["${NOT_A_VAR}"]');
  assert.equal(vhost?.kind === 'vhost' && vhost.description, 'owner payments, cost ${5}');
  const user = spec.model.resources.get('user:["u"]');
  assert.ok(user?.kind === 'user' && user.password instanceof Secret);
  assert.equal(user.password.reveal(), 'user-pw');
});

test('interpolated values stay strings: a number from the environment is not re-typed', () => {
  const spec = load(`${HEAD}vhosts:\n  v:\n    queues:\n      q: { arguments: { x-max-length: "\${MAX}" } }\n`, { MAX: '100' });
  assert.deepEqual(briefs(spec), ['spec.yaml:6:39: error E_ARGUMENT: vhosts.v.queues.q.arguments.x-max-length: must be a non-negative integer, not the string "100": the broker rejects strings here, so write it without quotes']);
});

test('URL credentials move to username and a Secret; a variable in the user info may hold @ and /', () => {
  const spec = load(`${HEAD}targets:\n  t:\n    management: ["http://admin:\${PW}@a:15672", "http://admin:\${PW}@b:15672"]\n    amqp: amqps://admin:\${PW}@a:5671/vh\n`, { PW: 'p@ss/word' });
  assert.deepEqual(briefs(spec), []);
  const t = spec.targets[0];
  assert.deepEqual([t?.management, t?.amqp, t?.username], [['http://a:15672', 'http://b:15672'], ['amqps://a:5671/vh'], 'admin']);
  assert.equal(t?.password?.reveal(), 'p@ss/word');
});
