// Hostile spec input and what messages may say about it (issue 9: items 1, 13, 14 and 16).
// Every message is checked as the terminal would get it: through formatDiagnostic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic } from '../../src/errors.js';
import { HEAD, brief, briefs, load } from './spec-helpers.js';

const SECRET = 'Zq7-harden-SECRET';

test('a malformed ${...} never echoes its default: password, URL user info and TLS passphrase', () => {
  const spec = load(
    `${HEAD}targets:\n  t:\n    management: "http://u:\${ORDERS-SVC-PASSWORD:-${SECRET}}@localhost:15672"\n` +
      `    password: "\${ORDERS-SVC-PASSWORD:-${SECRET}}"\n    tls: { passphrase: "\${X-Y:-${SECRET}}" }\n` +
      `vhosts:\n  v:\n    description: "\${BAD NAME:-${SECRET}}"\n`,
  );
  const lines = spec.diagnostics.map(formatDiagnostic).filter((l) => l.includes('E_ENV'));
  assert.equal(lines.length, 4, lines.join('\n'));
  for (const line of lines) {
    assert.ok(!line.includes(SECRET), line);
  }
  // The name part still helps the user find the typo.
  assert.ok(lines.some((l) => l.includes('`${BAD NAME:-…}`')), lines.join('\n'));
});

test('the did-you-mean comes from the level the unknown key is on', () => {
  const spec = load(`${HEAD}vhosts:\n  v:\n    queus: {}\n    exchanges:\n      x: {typ: topic}\n`);
  const lines = briefs(spec);
  assert.ok(lines.some((l) => /unknown key `queus`; did you mean `queues`\?/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /unknown key `typ`; did you mean `type`\?/.test(l)), lines.join('\n'));
  assert.ok(!lines.some((l) => l.includes('known keys: version')), lines.join('\n'));
});

test('control characters in names never reach the terminal raw, in any diagnostic', () => {
  const spec = load(
    `${HEAD}vhosts:\n  "v\\e[31m":\n    queues:\n      "q\\e[2J": {durable: true}\n      "amq.\\e[2J": {}\n` +
      `    bindings:\n      - {source: "x\\e[1m", queue: "q\\e[2J"}\n      - {source: "y\\u009b1m", queue: "nope\\u202e"}\n`,
  );
  const lines = spec.diagnostics.map(formatDiagnostic);
  assert.ok(lines.length >= 4, lines.join('\n'));
  for (const line of lines) assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, JSON.stringify(line));
});

test('a huge wrong value is cut in the message, not printed whole', () => {
  const long = 'x'.repeat(200_000);
  const spec = load(`${HEAD}vhosts:\n  v:\n    queues:\n      q: {durable: true}\n      "amq.${long}": {}\n    bindings:\n      - {source: "${long}", queue: q}\n`);
  const lines = spec.diagnostics.map(formatDiagnostic);
  assert.ok(lines.length >= 2, lines.join('\n').slice(0, 500));
  for (const line of lines) assert.ok(line.length < 2_000, `${line.length} characters: ${line.slice(0, 200)}`);
});

test('a stack name too long for its ownership parameter is refused by validate, at its place', () => {
  const spec = load(`version: 1\nstack: ${'a'.repeat(300)}\n`);
  assert.deepEqual(
    spec.diagnostics.map((d) => [d.code, d.origin?.line]),
    [['E_NAME', 2]],
  );
  assert.ok(formatDiagnostic(spec.diagnostics[0]!).length < 400);
});

test('a nested default ${X:-${Y:-z}} is refused clearly rather than read as a literal', () => {
  const spec = load(`${HEAD}vhosts:\n  v:\n    description: "\${X:-\${Y:-z}}"\n`);
  const lines = spec.diagnostics.map(brief);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0]!, /spec\.yaml:5:\d+: error E_ENV: .*nested/);
});
