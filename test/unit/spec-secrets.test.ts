// Secrets never reach a diagnostic, even when the line that holds one is the line in error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic } from '../../src/errors.js';
import { HEAD, load } from './spec-helpers.js';

const SECRET = 'Hunter2-secret';

/** Diagnostics always; the model and targets too unless the secret is also a name in it. */
function leaks(spec: ReturnType<typeof load>, model = true): string[] {
  const texts = spec.diagnostics.map(formatDiagnostic);
  if (model) texts.push(JSON.stringify([...spec.model.resources.values()]), JSON.stringify(spec.targets));
  return texts.filter((t) => t.includes(SECRET) || t.includes(encodeURIComponent(SECRET)));
}

test('YAML and schema errors on the lines that hold a password do not show it', () => {
  const spec = load(
    {
      'a.yaml': `${HEAD}users:\n  u:\n    password: >x ${SECRET}\n`,
      'b.yaml': `${HEAD}users:\n  u: { password: x }}\n  v: { password: ${SECRET} }\n`,
      'c.yaml': `${HEAD}users:\n  w: { password: "\${PW}", tags: [1, "\${MISSING}"] }\n`,
    },
    { PW: SECRET },
  );
  // One YAML error per file (the parser stops at the first), then c.yaml's schema error (MISSING
  // is not set, which is no error until a command needs it).
  assert.equal(spec.diagnostics.length, 3);
  assert.deepEqual(leaks(spec), []);
});

test('rule errors about secret-holding fields, and a queue named like the password, do not show it', () => {
  const spec = load(
    {
      'c.yaml': `${HEAD}users:\n  w: { password: "\${PW}", password_hash: "" }\n`,
      'd.yaml': `${HEAD}targets:\n  t:\n    management: "ftp://admin:\${PW}@h"\n    amqp: "amqp://admin:${SECRET}@h"\n    password: "\${PW:-${SECRET}}"\n    tls: { passphrase: "\${PW}", verify: false }\n`,
      'e.yaml': `${HEAD}vhosts:\n  v:\n    queues:\n      ${SECRET}: { type: stream, auto_delete: true }\n`,
    },
    { PW: SECRET },
  );
  assert.deepEqual(
    spec.diagnostics.map((d) => d.code),
    ['E_CONFLICT', 'E_SCHEMA', 'E_CONFLICT', 'W_TLS_VERIFY', 'E_QUEUE_TYPE'],
  );
  assert.deepEqual(leaks(spec, false), []);
  assert.equal(JSON.stringify(spec.targets).includes(SECRET), false);
});

test('a valid spec keeps its secrets in Secret only', () => {
  const spec = load(`${HEAD}targets:\n  t:\n    management: "http://admin:\${PW}@h:15672"\n    tls: { passphrase: "\${PW}" }\nusers:\n  u: { password: "\${PW}" }\n`, { PW: SECRET });
  assert.deepEqual(spec.diagnostics, []);
  assert.deepEqual(leaks(spec), []);
  assert.equal(spec.targets[0]?.password?.reveal(), SECRET);
});
