// lint, explain, route and graph on the command line without a broker, and the GitHub formats of
// validate, lint and plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { explainCommand } from '../../src/cli/commands/explain.js';
import { graphCommand } from '../../src/cli/commands/graph.js';
import { lintCommand } from '../../src/cli/commands/lint.js';
import { planCommand } from '../../src/cli/commands/plan.js';
import { routeCommand } from '../../src/cli/commands/route.js';
import { validateCommand } from '../../src/cli/commands/validate.js';
import { githubAnnotation } from '../../src/render/github.js';
import { runInProcess } from '../support/warren-stack.js';
import { HEAD, writeSpecDir } from './spec-helpers.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples', import.meta.url));
const LIVE = `${EXAMPLES}/live/definitions.json`;
const base = { env: {}, connection: {} };

test('warren lint examples/ is clean: every finding is switched off in the spec, with its reason beside it', async () => {
  const r = await runInProcess((io) => lintCommand({ ...base, paths: [EXAMPLES] }, io));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'lint: no findings, 13 switched off in the spec\n');
});

const FINDINGS = `${HEAD}vhosts:\n  v:\n    queues: { q: { arguments: { x-message-ttl: 5 } } }\nusers:\n  app: { password: hunter2 }\n`;

test('lint: an error-severity finding exits 1 with E_LINT; text shows file:line:col, id, why and fix', async () => {
  const dir = writeSpecDir({ 's.yaml': FINDINGS });
  const r = await runInProcess((io) => lintCommand({ ...base, paths: [dir] }, io));
  assert.equal(r.code, 1);
  assert.match(r.stdout, /s\.yaml:5:33: warning queue-argument-immutable: queue v\/q: /);
  assert.match(r.stdout, /s\.yaml:7:20: error password-clear-text: user app: users\.app\.password is written in the file\n {4}why: .*\n {4}fix: /);
  assert.doesNotMatch(r.stdout + r.stderr, /hunter2/, 'the password itself is never shown');
  assert.match(r.stderr, /error E_LINT: lint: 1 errors, 1 warnings, 0 notes/);
});

test('lint --format sarif: SARIF 2.1.0 with the rules and a region per result', async () => {
  const dir = writeSpecDir({ 's.yaml': FINDINGS });
  const r = await runInProcess((io) => lintCommand({ ...base, paths: [dir], format: 'sarif' }, io));
  const sarif = JSON.parse(r.stdout) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.ok(run?.tool.driver.rules.some((x) => x.id === 'password-clear-text'));
  assert.deepEqual(run?.results.map((x) => [x.ruleId, x.level, x.locations[0]?.physicalLocation.region.startLine]), [['queue-argument-immutable', 'warning', 5], ['password-clear-text', 'error', 7]]);
});

test('lint in GitHub Actions: annotations by default; json is versioned', async () => {
  const dir = writeSpecDir({ 's.yaml': FINDINGS });
  const gh = await runInProcess((io) => lintCommand({ ...base, paths: [dir] }, { ...io, env: { GITHUB_ACTIONS: 'true' } }));
  assert.match(gh.stdout, /^::warning file=[^,]*s\.yaml,line=5,col=33,title=warren lint queue-argument-immutable::queue v\/q: .*%0Awhy: .*%0Afix: /m);
  assert.match(gh.stdout, /^::error file=[^,]*s\.yaml,line=7,col=20,title=warren lint password-clear-text::/m);
  const json = await runInProcess((io) => lintCommand({ ...base, paths: [dir], format: 'json' }, io));
  const doc = JSON.parse(json.stdout) as { format_version: number; findings: { rule: string; line: number }[] };
  assert.equal(doc.format_version, 1);
  assert.deepEqual(doc.findings.map((f) => [f.rule, f.line]), [['queue-argument-immutable', 5], ['password-clear-text', 7]]);
});

test('annotations escape what would end a property or the message', () => {
  assert.equal(githubAnnotation('error', 'a%b\nc', { origin: { file: 'x,y:z.yaml', line: 1, col: 2 }, title: 't: 1' }), '::error file=x%2Cy%3Az.yaml,line=1,col=2,title=t%3A 1::a%25b%0Ac\n');
});

test('validate and plan: GitHub annotations at the object\'s place', async () => {
  const dir = writeSpecDir({ 'a.yaml': `${HEAD}vhosts:\n  v:\n    queues: { q: { arguments: { x-dead-letter-exchange: gone } } }\n` });
  const out: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => undefined }, env: { GITHUB_ACTIONS: 'true' }, cwd: '.' };
  await validateCommand([dir], io);
  assert.match(out[0] ?? '', /^::warning file=[^,]*a\.yaml,line=5,col=57,title=warren W_REFERENCE::vhosts\.v\.queues\.q/);
  const plan = await runInProcess((io2) => planCommand({ ...base, paths: [EXAMPLES], liveFile: LIVE, prune: 'managed', format: 'github', detailedExitCode: false }, io2));
  assert.match(plan.stdout, /^::notice file=[^,]*orders\.yaml,line=24,col=7,title=warren plan%3A replace::replace \(delete and create\) queue orders\/orders\.dead \(arguments\)$/m);
  assert.match(plan.stdout, /^::notice title=warren plan%3A delete::delete queue orders\/orders\.refunded$/m);
  assert.match(plan.stdout, /^plan: 5 changes$/m);
});

test('explain on the spec alone: the winning policy, the operator policy and each key\'s source', async () => {
  const r = await runInProcess((io) => explainCommand({ ...base, paths: [EXAMPLES], object: 'orders/orders.paid', format: 'text' }, io));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^queue orders\/orders\.paid \(quorum, declared at .*orders\.yaml:16:7\)$/m);
  assert.match(r.stdout, /\* orders-length .*: applies/);
  assert.match(r.stdout, /max-length-bytes = 1073741824 {3}from operator policy orders-cap/);
  assert.match(r.stdout, /overflow = reject-publish {3}from argument x-overflow\n {6}over reject-publish from policy orders-length: the queue argument wins/);
  const missing = await runInProcess((io) => explainCommand({ ...base, paths: [EXAMPLES], object: 'orders/nope', format: 'text' }, io));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /error E_USAGE: orders\/nope: no queue or exchange of that name/);
});

test('route on the spec: exchange-to-exchange, headers and the dead-letter path', async () => {
  const topic = await runInProcess((io) => routeCommand({ ...base, paths: [EXAMPLES], vhost: 'orders', exchange: 'orders', routingKey: 'order.shipped.eu', headers: [], format: 'text' }, io));
  assert.match(topic.stdout, /reaches 2 queues: orders\.audit\.log, orders\.shipped/);
  assert.match(topic.stdout, /if rejected or expired in orders\.shipped: dead-lettered to exchange "orders\.dlx" with routing key "order\.shipped\.eu", reaching orders\.dead/);
  const headers = await runInProcess((io) => routeCommand({ ...base, paths: [EXAMPLES], vhost: 'payments', exchange: 'payments', routingKey: '', headers: ['method=card', 'risk=high'], format: 'json' }, io));
  assert.deepEqual((JSON.parse(headers.stdout) as { queues: string[] }).queues, ['payments.card', 'payments.manual-review']);
  const bad = await runInProcess((io) => routeCommand({ ...base, paths: [EXAMPLES], vhost: 'payments', exchange: 'payments', routingKey: '', headers: ['oops'], format: 'text' }, io));
  assert.match(bad.stderr, /error E_USAGE: --header oops: write NAME=VALUE/);
  const typo = await runInProcess((io) => routeCommand({ ...base, paths: [EXAMPLES], vhost: 'orders', exchange: 'order', routingKey: 'k', headers: [], format: 'text' }, io));
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /error E_USAGE: exchange "order" is not in vhost orders; did you mean "orders"\?/);
});

test('graph: mermaid and dot name every object, with dead-letter links drawn apart', async () => {
  const mermaid = await runInProcess((io) => graphCommand({ ...base, paths: [EXAMPLES], format: 'mermaid', vhosts: ['orders'] }, io));
  assert.match(mermaid.stdout, /^flowchart LR\n {2}subgraph vh_0\["vhost orders"\]/);
  assert.match(mermaid.stdout, /-\.->\|"dead-letter"\|/);
  assert.doesNotMatch(mermaid.stdout, /vhost payments|payments\.card/);
  assert.match(mermaid.stdout, /note_0\["policy orders-length .*<br\/>user orders-svc: configure #40;nothing#41;, write \^orders\$/);
  const dot = await runInProcess((io) => graphCommand({ ...base, paths: [EXAMPLES], format: 'dot', vhosts: [] }, io));
  assert.match(dot.stdout, /^digraph warren \{/);
  assert.match(dot.stdout, /label="dead-letter, key card", style=dashed/);
  for (const name of ['orders.created', 'orders.audit.log', 'payments.manual-review']) assert.ok(dot.stdout.includes(`label="${name}\\n`), name);
});

test('names with control characters or bidi overrides print as visible escapes in route, explain and lint', async () => {
  const dir = writeSpecDir({ 'c.yaml': `${HEAD}vhosts:\n  v:\n    exchanges: { "x\\e[31mred": { type: fanout } }\n    queues: { "q\\u202eevil": { arguments: { x-message-ttl: 1 } } }\n    bindings:\n      - { source: "x\\e[31mred", queue: "q\\u202eevil" }\n` });
  const route = await runInProcess((io) => routeCommand({ ...base, paths: [dir], vhost: 'v', exchange: 'x\u001b[31mred', routingKey: '', headers: [], format: 'text' }, io));
  const explain = await runInProcess((io) => explainCommand({ ...base, paths: [dir], object: 'v/q\u202eevil', format: 'text' }, io));
  const lint = await runInProcess((io) => lintCommand({ ...base, paths: [dir] }, io));
  for (const out of [route.stdout, explain.stdout, lint.stdout]) {
    assert.doesNotMatch(out, /[\u001b\u202e]/);
    assert.match(out, /q\\u202eevil/);
  }
  assert.match(route.stdout, /x\\u001b\[31mred -> queue q\\u202eevil/);
});
