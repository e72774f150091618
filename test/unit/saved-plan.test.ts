// Saved plans without a broker: what the file holds (and never holds), reading it back, refusing
// other versions and damaged files, and the staleness check against a later read.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WarrenError } from '../../src/errors.js';
import type { LiveState } from '../../src/live/types.js';
import { resolveCredentials } from '../../src/model/credentials.js';
import { resourceKey } from '../../src/model/keys.js';
import { Secret } from '../../src/model/secret.js';
import type { Resource } from '../../src/model/types.js';
import { planChanges, type Change, type Plan } from '../../src/plan/index.js';
import { parsePlanFile, planFileArgument } from '../../src/saved-plan/read.js';
import { assertNotStale, withCurrentDataLoss } from '../../src/saved-plan/verify.js';
import { planFileText } from '../../src/saved-plan/write.js';
import { binding, exchange, keysOf, modelOf, queue, user, vhost, withMessages } from '../support/build.js';
import { writeSpecDir } from './spec-helpers.js';

const PASSWORD = 'plain-text-password-never-saved';

function liveOf(resources: Resource[], ownership = new Map<string, Set<string>>()): LiveState {
  return { model: { resources: modelOf(...resources) }, brokerVersion: '3.10.8', source: 'http://rmq:15672', ownership, globalParameters: new Map(), unmanagedReasons: new Map(), warnings: [] };
}

const LIVE = (): Resource[] => [vhost('v'), queue('v', 'q', { arguments: { 'x-max-length': 1 } }), queue('v', 'gone'), user('old', { password_hash: 'b2xkLWhhc2gtYnl0ZXMtYnl0ZXMtYnl0ZXMtYnl0ZXM=' })];

function makePlan(live: LiveState): Plan {
  const desired = [vhost('v'), queue('v', 'q', { arguments: { 'x-max-length': 2 } }), exchange('v', 'x'), binding('v', 'x', 'q'), user('new', { password: new Secret(PASSWORD), password_hash: undefined }), user('old', { password: new Secret(PASSWORD), password_hash: undefined })];
  return planChanges({
    stack: 's',
    desired: resolveCredentials(modelOf(...desired), live.model.resources),
    live: live.model.resources,
    ownership: live.ownership,
    prune: 'managed',
    specVhosts: new Set(['v']),
  });
}

function saved(live = liveOf(LIVE(), new Map([['s', keysOf(queue('v', 'gone'))]]))) {
  const plan = makePlan(live);
  const text = planFileText({ plan, live, target: { name: 't', management: ['http://admin:pw@rmq:15672'], amqp: ['amqp://admin:pw@rmq:5672'], username: 'admin', password: new Secret('pw') }, specVhosts: ['v'], now: new Date('2026-11-27T10:00:00Z') });
  return { plan, text, live };
}

test('a saved plan holds no password, no URL credentials, and only the hashes apply writes', () => {
  const { text, plan } = saved();
  assert.doesNotMatch(text, new RegExp(PASSWORD));
  assert.doesNotMatch(text, /admin:pw|"pw"/);
  assert.doesNotMatch(text, /b2xkLWhhc2gt/, 'the old hash of a user is not needed and not saved');
  const json = JSON.parse(text) as { changes: { title: string; after?: { password_hash?: string }; fields: { field: string; before?: unknown; after?: unknown }[] }[] };
  const created = json.changes.find((c) => c.title === 'user new');
  assert.match(created?.after?.password_hash ?? '', /^[A-Za-z0-9+/]{48}$/, 'a created user carries its new salted hash');
  const updated = json.changes.find((c) => c.title === 'user old');
  assert.deepEqual(updated?.fields.find((f) => f.field === 'password_hash'), { field: 'password_hash', before: '(sensitive)', after: '(sensitive)', sensitive: true });
  assert.ok(plan.changes.some((c) => c.action === 'delete' && c.title === 'queue v/gone'));
});

test('read back, a saved plan is the plan that was made', () => {
  const { text, plan } = saved();
  const back = parsePlanFile(JSON.parse(text), 'p.json');
  assert.equal(back.plan.stack, 's');
  assert.deepEqual(back.plan.owned, plan.owned);
  assert.deepEqual(back.plan.summary, plan.summary);
  assert.deepEqual(
    back.plan.changes.map((c) => [c.action, c.key, c.after]),
    plan.changes.map((c) => [c.action, c.key, c.after]),
  );
  assert.deepEqual(back.target, { name: 't', management: ['http://rmq:15672'], amqp: ['amqp://rmq:5672'], username: 'admin' });
  assert.equal(back.fingerprints.size, plan.changes.length);
});

test('a Secret that reaches the file is a bug: nothing is written', () => {
  const { plan, live } = saved();
  const poisoned = { ...plan, changes: plan.changes.map((c): Change => (c.action !== 'delete' && c.after.kind === 'queue' ? { ...c, after: { ...c.after, arguments: { leak: new Secret('x') as unknown as string } } } : c)) };
  assert.throws(() => planFileText({ plan: poisoned, live, specVhosts: [] }), (e: unknown) => e instanceof WarrenError && e.code === 'E_INTERNAL');
});

test('another plan version, or a damaged file, is refused with E_PLAN_FILE', () => {
  const { text } = saved();
  const doc = JSON.parse(text) as Record<string, unknown>;
  const refused = (json: unknown, re: RegExp) =>
    assert.throws(() => parsePlanFile(json, 'p.json'), (e: unknown) => e instanceof WarrenError && e.code === 'E_PLAN_FILE' && re.test(e.message));
  refused({ ...doc, warren_plan: 2 }, /^p\.json: unknown plan version 2 \(this warren reads version 1\)/);
  refused({ ...doc, warren_plan: '1' }, /unknown plan version "1"/);
  refused({ version: 1 }, /not a saved plan/);
  const changes = doc['changes'] as Record<string, unknown>[];
  refused({ ...doc, changes: [{ ...changes[0], after: undefined }] }, /changes\[0\]: a (create|update|replace) needs "after"/);
  refused({ ...doc, changes: [{ ...changes[0], key: 'queue:["v","other"]' }] }, /changes\[0\]\.key: does not match the object/);
  refused({ ...doc, changes: [{ ...changes[0], action: 'explode' }] }, /unknown action "explode"/);
});

test('apply PATH: a saved plan is told from spec paths by its content', () => {
  const dir = writeSpecDir({ 'spec.yaml': 'version: 1\n' });
  const plan = join(dir, 'plan.json');
  writeFileSync(plan, saved().text);
  const other = join(dir, 'v2.plan');
  writeFileSync(other, JSON.stringify({ warren_plan: 2 }));
  const cut = join(dir, 'cut.json');
  writeFileSync(cut, saved().text.slice(0, 100));
  assert.equal(planFileArgument([plan]), plan);
  assert.equal(planFileArgument([other]), other, 'any version: the reader refuses it');
  assert.equal(planFileArgument([cut]), cut, 'a cut-off .json plan is refused as a plan');
  assert.equal(planFileArgument([join(dir, 'spec.yaml')]), undefined);
  assert.equal(planFileArgument([dir]), undefined);
  assert.equal(planFileArgument([plan, dir]), undefined);
});

test('the plan is current while nothing it touches changed; message counts do not count', () => {
  const { text, live } = saved();
  const back = parsePlanFile(JSON.parse(text), 'p.json');
  assertNotStale(back, live);
  const busy = liveOf(LIVE().map((r) => (r.kind === 'queue' ? withMessages(r, 5) : r)), live.ownership);
  assertNotStale(back, busy);
  // An object the plan does not touch may change.
  assertNotStale(back, liveOf([...LIVE(), queue('v', 'unrelated')], live.ownership));
});

test('a changed, created or deleted object, or a new owner, makes the plan stale', () => {
  const { text, live } = saved();
  const back = parsePlanFile(JSON.parse(text), 'p.json');
  const stale = (resources: Resource[], ownership: Map<string, Set<string>>, re: RegExp) =>
    assert.throws(() => assertNotStale(back, liveOf(resources, ownership)), (e: unknown) => e instanceof WarrenError && e.code === 'E_STALE_PLAN' && re.test(e.message));
  const changed = LIVE().map((r) => (r.kind === 'queue' && r.name === 'q' ? { ...r, arguments: { 'x-max-length': 3 } } : r));
  stale(changed, live.ownership, /^plan is stale: queue v\/q changed since the plan was made; nothing was changed/);
  stale([...LIVE(), exchange('v', 'x')], live.ownership, /^plan is stale: exchange v\/x changed since the plan was made/);
  stale(LIVE().filter((r) => !(r.kind === 'queue' && r.name === 'gone')), live.ownership, /queue v\/gone changed/);
  const claimed = new Map([...live.ownership, ['other', new Set([resourceKey(exchange('v', 'x'))])]]);
  stale(LIVE(), claimed, /exchange v\/x changed/);
  const grown = new Map([['s', new Set([...keysOf(queue('v', 'gone')), resourceKey(vhost('elsewhere'))])]]);
  stale(LIVE(), grown, /^plan is stale: the ownership record of stack s changed/);
  stale(changed.filter((r) => r.kind !== 'user'), new Map(), /changed since the plan was made \(and 3 more\)/);
});

test('data loss is judged on the message counts at apply time', () => {
  const { plan } = saved();
  assert.equal(plan.changes.some((c) => c.dataLoss), false);
  const now = withCurrentDataLoss(plan, liveOf(LIVE().map((r) => (r.kind === 'queue' ? withMessages(r, 7) : r))));
  assert.deepEqual(
    now.changes.filter((c) => c.dataLoss).map((c) => [c.title, c.dataLoss?.messages]),
    [
      ['queue v/q', 7],
      ['queue v/gone', 7],
    ],
  );
});

test('re-checked, a saved plan counts each message once, as the fresh plan does (the rule drifted once)', () => {
  // Deleting a vhost whose queue holds 5 messages: the queue's own delete carries the 5, and the
  // vhost counts only the other queues. A saved plan re-checked used to say 5 + 5.
  const full = withMessages(queue('gone', 'q'), 5);
  const live = liveOf([vhost('gone'), full], new Map([['s', keysOf(vhost('gone'), full)]]));
  const plan = planChanges({ stack: 's', desired: new Map(), live: live.model.resources, ownership: live.ownership, prune: 'managed', specVhosts: new Set() });
  const lost = (p: Plan) => p.changes.reduce((n, c) => n + (c.dataLoss?.messages ?? 0), 0);
  assert.equal(lost(plan), 5);
  assert.deepEqual(plan.changes.map((c) => [c.title, c.dataLoss?.messages]), [['queue gone/q', 5], ['vhost gone', undefined]]);
  assert.equal(lost(withCurrentDataLoss(plan, live)), 5);
  assert.deepEqual(withCurrentDataLoss(plan, live).changes, plan.changes);
});

test('a saved plan never holds a URI password: writing one is refused, deleting one keeps it masked', () => {
  const upstream = (uri: string): Resource => ({ kind: 'federation_upstream', vhost: 'v', component: 'federation-upstream', name: 'origin', value: { uri } });
  const secretUri = 'amqp://fed:uri-secret-never-saved@host/v';
  const live = liveOf([vhost('v'), upstream(secretUri)], new Map([['s', keysOf(vhost('v'), upstream(secretUri))]]));
  const plan = (desired: Resource[]) => planChanges({ stack: 's', desired: modelOf(...desired), live: live.model.resources, ownership: live.ownership, prune: 'managed', specVhosts: new Set(['v']) });
  assert.throws(
    () => planFileText({ plan: plan([vhost('v'), upstream('amqp://fed:another-secret@host/v')]), live, specVhosts: ['v'] }),
    (e: unknown) => e instanceof WarrenError && e.code === 'E_SECRET' && /federation_upstream v\/origin: its URI holds a password/.test(e.message) && !e.message.includes('secret@'),
  );
  const text = planFileText({ plan: plan([vhost('v')]), live, specVhosts: ['v'] });
  assert.doesNotMatch(text, /uri-secret-never-saved/);
  assert.match(text, /"uri": "amqp:\/\/\(sensitive\)@host\/v"/);
});

test('a migration survives the plan file, unknown counts included, and the re-check refreshes its count without marking it data loss', () => {
  const live = liveOf([vhost('v'), withMessages(queue('v', 'q'), 7), withMessages(queue('v', 's', { type: 'stream' }), Number.POSITIVE_INFINITY)]);
  const plan = planChanges({
    stack: 's',
    desired: modelOf(vhost('v'), queue('v', 'q', { type: 'quorum' }), queue('v', 's', { type: 'stream', arguments: { 'x-max-age': '1D' } })),
    live: live.model.resources,
    ownership: live.ownership,
    prune: 'managed',
    specVhosts: new Set(['v']),
  });
  const text = planFileText({ plan, live, specVhosts: ['v'] });
  const back = parsePlanFile(JSON.parse(text), 'p.json').plan;
  const q = back.changes.find((c) => c.title === 'queue v/q');
  assert.deepEqual(q?.migration, plan.changes.find((c) => c.title === 'queue v/q')?.migration);
  const s = back.changes.find((c) => c.title === 'queue v/s');
  assert.equal(s?.dataLoss?.messages, Number.POSITIVE_INFINITY, 'null in the file reads back as unknown');
  assert.match(s?.dataLoss?.reason ?? '', /stream cannot be migrated/);
  const now = withCurrentDataLoss(back, liveOf([vhost('v'), withMessages(queue('v', 'q'), 9), withMessages(queue('v', 's', { type: 'stream' }), 3)]));
  const requeued = now.changes.find((c) => c.title === 'queue v/q');
  assert.equal(requeued?.migration?.messages, 9);
  assert.equal(requeued?.dataLoss, undefined);
  assert.equal(now.changes.find((c) => c.title === 'queue v/s')?.dataLoss?.messages, 3);
});
