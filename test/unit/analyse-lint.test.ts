// Every lint rule: a spec that triggers it and one that does not, and the `lint:` switches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LINT_RULES, readSpecLintSource, runLint, type Finding } from '../../src/analyse/lint/index.js';
import { readDefinitions } from '../../src/live/read-definitions.js';
import { errorsOf } from '../../src/errors.js';
import { HEAD, load } from './spec-helpers.js';

interface Linted {
  findings: Finding[];
  suppressed: number;
  unknownRules: string[];
}

/** Loads the spec (it must be valid), lints it, and returns the findings. */
function lint(yaml: string, options: { brokerVersion?: string; live?: unknown } = {}): Linted {
  const spec = load(`${HEAD}${yaml}`, { PW: 'x' });
  assert.deepEqual(errorsOf(spec.diagnostics), [], 'the test spec must be valid');
  const source = readSpecLintSource(spec.files.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
  const resources = new Map(options.live ? readDefinitions(options.live, 'defs.json').model.resources : []);
  for (const [k, r] of spec.model.resources) resources.set(k, r);
  return runLint({ model: { resources }, brokerVersion: options.brokerVersion, clearTextSecrets: source.clearTextSecrets, places: source.places }, source.settings);
}

function rulesOf(l: Linted): string[] {
  return [...new Set(l.findings.map((f) => f.rule))].sort();
}

/** rule id -> [a spec that triggers it, a spec that does not], each on its own. */
const CASES: Record<string, { triggers: string; clean: string; version?: string }> = {
  'queue-argument-immutable': {
    triggers: 'vhosts:\n  v:\n    queues: { q: { arguments: { x-message-ttl: 1000 } } }\n',
    clean: 'vhosts:\n  v:\n    queues: { q: {} }\n    policies: { ttl: { pattern: "^q$", apply_to: queues, definition: { message-ttl: 1000 } } }\n',
  },
  'policy-priority-tie': {
    triggers: 'vhosts:\n  v:\n    queues: { orders.a: {} }\n    policies:\n      a: { pattern: "^orders", definition: { message-ttl: 1 } }\n      b: { pattern: "\\\\.a$", definition: { max-length: 1 } }\n',
    clean: 'vhosts:\n  v:\n    queues: { orders.a: {} }\n    policies:\n      a: { pattern: "^orders", priority: 1, definition: { message-ttl: 1 } }\n      b: { pattern: "\\\\.a$", definition: { max-length: 1 } }\n',
  },
  'policy-unused': {
    triggers: 'vhosts:\n  v:\n    queues: { orders.a: {} }\n    policies: { p: { pattern: "^order\\\\.", definition: { message-ttl: 1 } } }\n',
    clean: 'vhosts:\n  v:\n    queues: { orders.a: {} }\n    policies: { p: { pattern: "^orders\\\\.", definition: { message-ttl: 1 } } }\n',
  },
  'deprecated-setting': {
    triggers: 'vhosts:\n  v:\n    queues: { q: { type: classic } }\n    policies: { ha: { pattern: "^q$", definition: { ha-mode: all } } }\n',
    clean: 'vhosts:\n  v:\n    queues: { q: { type: quorum } }\n    policies: { p: { pattern: "^q$", definition: { max-length: 10 } } }\n',
  },
  'policy-key-unsupported': {
    triggers: 'vhosts:\n  v:\n    queues: { log: { type: stream } }\n    policies: { p: { pattern: "^log$", apply_to: queues, definition: { max-length: 10 } } }\n',
    clean: 'vhosts:\n  v:\n    queues: { log: { type: stream } }\n    policies: { p: { pattern: "^log$", apply_to: queues, definition: { max-length-bytes: 10 } } }\n',
  },
  'dead-letter-exchange-missing': {
    triggers: 'vhosts:\n  v:\n    queues: { q: {} }\n    policies: { p: { pattern: "^q$", definition: { dead-letter-exchange: dlx } } }\n',
    clean: 'vhosts:\n  v:\n    exchanges: { dlx: { type: fanout } }\n    queues: { q: {} }\n    policies: { p: { pattern: "^q$", definition: { dead-letter-exchange: dlx } } }\n',
  },
  'alternate-exchange-missing': {
    triggers: 'vhosts:\n  v:\n    exchanges: { x: { type: direct, arguments: { alternate-exchange: unrouted } } }\n',
    clean: 'vhosts:\n  v:\n    exchanges: { x: { type: direct, arguments: { alternate-exchange: unrouted } }, unrouted: { type: fanout } }\n',
  },
  'user-admin-everything': {
    triggers: 'vhosts: { v: {} }\nusers:\n  ops:\n    password: ${PW}\n    tags: [administrator]\n    permissions: { v: { configure: ".*", write: ".*", read: ".*" } }\n',
    clean: 'vhosts: { v: {} }\nusers:\n  ops:\n    password: ${PW}\n    tags: [administrator]\n    permissions: { v: { configure: "^ops\\\\.", write: ".*", read: ".*" } }\n',
  },
  'guest-user': {
    triggers: 'users:\n  guest: { password: "${PW}" }\n',
    clean: 'users:\n  app: { password: "${PW}" }\n',
  },
  'password-clear-text': {
    triggers: 'users:\n  app: { password: hunter2 }\n',
    clean: 'users:\n  app: { password: "${PW}" }\n',
  },
  'transient-object': {
    triggers: 'vhosts:\n  v:\n    queues: { q: { type: classic, auto_delete: true } }\n',
    clean: 'vhosts:\n  v:\n    queues: { q: { type: classic } }\n',
  },
};

for (const [rule, c] of Object.entries(CASES)) {
  test(`lint rule ${rule}: triggered by its spec, silent on the clean one`, () => {
    const hit = lint(c.triggers);
    assert.ok(rulesOf(hit).includes(rule), `expected ${rule} in ${JSON.stringify(hit.findings, null, 1)}`);
    const finding = hit.findings.find((f) => f.rule === rule) as Finding;
    assert.ok(finding.origin && finding.origin.line >= 3, 'a finding points into the spec file');
    assert.ok(finding.why.length > 0 && finding.fix.length > 0);
    assert.ok(!rulesOf(lint(c.clean)).includes(rule), `${rule} fired on the clean spec`);
  });
}

test('lint rule binding-end-missing: triggered by a broker export with a dangling binding, silent when both ends exist', () => {
  const defs = (destination: string) => ({
    rabbit_version: '3.10.8',
    vhosts: [{ name: 'v' }],
    exchanges: [{ name: 'x', vhost: 'v', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} }],
    queues: [{ name: 'q', vhost: 'v', durable: true, auto_delete: false, arguments: {} }],
    bindings: [{ source: 'x', vhost: 'v', destination, destination_type: 'queue', routing_key: 'k', arguments: {} }],
  });
  const hit = lint('vhosts: { v: {} }\n', { live: defs('gone') });
  assert.deepEqual(hit.findings.filter((f) => f.rule === 'binding-end-missing').map((f) => f.message), ['destination queue "gone" is not declared in vhost v']);
  assert.ok(!rulesOf(lint('vhosts: { v: {} }\n', { live: defs('q') })).includes('binding-end-missing'));
});

test('every rule has a case here, a kebab-case id and one line each of why and fix', () => {
  const tested = new Set([...Object.keys(CASES), 'binding-end-missing']);
  for (const r of LINT_RULES) {
    assert.ok(tested.has(r.id), `rule ${r.id} has no test case`);
    assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(!r.why.includes('\n') && !r.fix.includes('\n'));
  }
});

test('ha-* keys are an error on RabbitMQ 4.0 and a warning on 3.10', () => {
  const spec = 'vhosts:\n  v:\n    queues: { q: { type: classic } }\n    policies: { ha: { pattern: "^q$", definition: { ha-mode: all } } }\n';
  const sev = (v: string) => lint(spec, { brokerVersion: v }).findings.filter((f) => f.rule === 'deprecated-setting' && /ha-mode/.test(f.message)).map((f) => f.severity);
  assert.deepEqual(sev('4.0.5'), ['error']);
  assert.deepEqual(sev('3.10.8'), ['warning']);
});

test('a policy tie names the object both policies match; policies of different kinds never tie', () => {
  const tie = lint('vhosts:\n  v:\n    queues: { orders.a: {} }\n    policies:\n      a: { pattern: "^orders", definition: { message-ttl: 1 } }\n    operator_policies:\n      b: { pattern: "^orders", definition: { max-length: 1 } }\n');
  assert.ok(!rulesOf(tie).includes('policy-priority-tie'));
  const same = lint('vhosts:\n  v:\n    queues: { orders.a: {} }\n    policies:\n      a: { pattern: "^orders", definition: { message-ttl: 1 } }\n      b: { pattern: "\\\\.a$", definition: { max-length: 1 } }\n');
  assert.match(same.findings.find((f) => f.rule === 'policy-priority-tie')?.message ?? '', /policies a and b in vhost v both have priority 0 and both match queue orders\.a/);
});

test('a ${VAR:-default} password is reported as a default written in the file', () => {
  const l = lint('users:\n  app: { password: "${APP_PW:-dev}" }\n');
  assert.match(l.findings.find((f) => f.rule === 'password-clear-text')?.message ?? '', /has a default written in the file/);
});

test('lint: disable switches a rule off everywhere, ignore for named objects, and unknown ids are reported', () => {
  const body = 'vhosts:\n  v:\n    queues: { a: { arguments: { x-message-ttl: 1 } }, b: { arguments: { x-message-ttl: 1 } } }\n';
  assert.equal(lint(body).findings.filter((f) => f.rule === 'queue-argument-immutable').length, 2);
  const ignored = lint(`${body}lint:\n  ignore:\n    queue-argument-immutable: [queue v/a]\n`);
  assert.deepEqual(ignored.findings.filter((f) => f.rule === 'queue-argument-immutable').map((f) => f.object), ['queue v/b']);
  assert.equal(ignored.suppressed, 1);
  const off = lint(`${body}lint:\n  disable: [queue-argument-immutable, no-such-rule]\n`);
  assert.equal(off.findings.filter((f) => f.rule === 'queue-argument-immutable').length, 0);
  assert.deepEqual(off.unknownRules, ['no-such-rule']);
});

test('the lint section is checked by the schema: a misspelt key is an error at its place', () => {
  const spec = load(`${HEAD}lint:\n  disabel: [x]\n`);
  const errors = errorsOf(spec.diagnostics);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.origin?.line, 4);
});
