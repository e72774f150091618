// live/half-made-queues.ts against a fake management API: which calls it makes (a lookup per queue
// up to LOOKUPS_PER_VHOST names in a vhost, one listing of the vhost's queues beyond), and how it tells a
// half-made queue from a working one and from one that is not there. The answers are the ones real
// 3.10.8 and 4.0.5 nodes gave (see the module's header); the integration side is
// test/integration/half-made-lookup.test.ts and faults.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WarrenError } from '../../src/errors.js';
import { LOOKUPS_PER_VHOST, withHalfMadeQueues, type QueueRef } from '../../src/live/half-made-queues.js';
import { ManagementClient } from '../../src/live/management-client.js';
import type { LiveState } from '../../src/live/types.js';
import { resourceKey } from '../../src/model/keys.js';
import type { Resource } from '../../src/model/types.js';
import { modelOf, queue, vhost } from '../support/build.js';

const BASE = 'http://broker.test:15672';

/** A client whose broker answers `answer(path)` (a path after /api, decoded); records the paths asked. */
function fakeBroker(answer: (path: string) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>): { client: ManagementClient; asked: string[] } {
  const asked: string[] = [];
  const client = new ManagementClient({
    baseUrl: BASE,
    username: 'guest',
    password: 'guest',
    fetch: async (url) => {
      const u = new URL(url);
      const path = u.pathname.replace(/^\/api\//, '').split('/').map(decodeURIComponent).join('/');
      asked.push(u.search === '' ? path : `${path}${u.search}`);
      const { status, body } = await answer(path);
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    },
  });
  return { client, asked };
}

const liveOf = (...resources: Resource[]): LiveState => ({ model: { resources: modelOf(...resources) }, brokerVersion: '3.10.8', source: BASE, ownership: new Map(), globalParameters: new Map(), warnings: [] });
const record = (name: string, extra: Record<string, unknown>) => ({ name, vhost: 'v', durable: true, auto_delete: false, exclusive: false, arguments: { 'x-queue-type': 'quorum' }, type: 'quorum', ...extra });
const NOT_FOUND = { status: 404, body: { error: 'Object Not Found', reason: 'Not Found' } };

// What the nodes answered, per queue.
const ANSWERS: Record<string, unknown> = {
  'queues/v/half310': record('half310', { leader: null, online: [], members: ['gone@localhost', 'n1@localhost'] }),
  // 3.10, its member nodes down: missing from the counted listing, none online, yet its messages are on their disks.
  'queues/v/down310': record('down310', { leader: null, online: [], members: ['n3@localhost'] }),
  nodes: [{ name: 'n1@localhost', running: true }, { name: 'n2@localhost', running: true }, { name: 'n3@localhost', running: false }],
  'queues/v/half40': record('half40', { leader: 'gone@localhost', online: ['n1@localhost'] }),
  'queues/v/working': record('working', { leader: 'n1@localhost', online: ['n1@localhost'] }),
  // 3.10 while a leader is elected, or with too few members up to elect one: members run, messages are kept.
  'queues/v/electing310': record('electing310', { leader: null, online: ['n2@localhost'] }),
  'queues/v/stream310': record('stream310', { type: 'stream', arguments: { 'x-queue-type': 'stream' } }),
  'queues/v/halfstream40': record('halfstream40', { type: 'stream', arguments: { 'x-queue-type': 'stream' } }),
  'queues/v/classic': record('classic', { type: 'classic', arguments: {} }),
};
const answerLookups = (path: string) => (path in ANSWERS ? { status: 200, body: ANSWERS[path] } : NOT_FOUND);
const QUEUE_RECORDS = Object.entries(ANSWERS).flatMap(([path, row]) => (path.startsWith('queues/') ? [row] : []));
const refs = (...names: string[]): QueueRef[] => names.map((name) => ({ vhost: 'v', name }));

test('a few names: one lookup each, no definitions read; half made on 3.10 and 4.0 found; working (leader online or being elected), classic and absent queues not', async () => {
  const { client, asked } = fakeBroker(answerLookups);
  const live = liveOf(vhost('v'));
  const names = ['half310', 'half40', 'working', 'electing310', 'down310', 'stream310', 'halfstream40', 'classic', 'absent'];
  const { live: after, found } = await withHalfMadeQueues(client, live, refs(...names));
  assert.deepEqual(found.map((q) => `${q.type} ${q.name}`), ['quorum half310', 'quorum half40', 'stream stream310', 'stream halfstream40']);
  assert.ok(found.every((q) => q.live?.half_made === true && q.live.messages === 0));
  // The node list once: whether the broken queues' member nodes run (down310's does not).
  assert.deepEqual(asked.map((p) => p.replace(/\?.*/, '')).sort(), [...names.map((n) => `queues/v/${n}`), 'nodes'].sort());
  assert.ok(asked.filter((p) => p.startsWith('queues/')).every((p) => p.includes('disable_stats=true')), 'records only, never the stats database');
  for (const q of found) assert.equal(after.model.resources.get(resourceKey(q)), q, q.name);
  assert.equal(after.model.resources.size, 1 + found.length);
});

test('names already listed and names in vhosts the broker lacks are not looked up; nothing found leaves live as it was', async () => {
  const { client, asked } = fakeBroker(answerLookups);
  const live = liveOf(vhost('v'), queue('v', 'half310', { type: 'quorum' }));
  const result = await withHalfMadeQueues(client, live, [...refs('half310'), { vhost: 'new', name: 'half310' }]);
  assert.deepEqual(asked, []);
  assert.deepEqual(result.found, []);
  assert.equal(result.live, live);
});

test(`more than ${LOOKUPS_PER_VHOST} names in one vhost: one listing of its queues, judged as the lookups are`, async () => {
  const { client, asked } = fakeBroker((path) => (path === 'queues/v' ? { status: 200, body: [...QUEUE_RECORDS, record('other', { leader: null, online: [] })] } : answerLookups(path)));
  const names = ['half310', 'half40', 'working', 'electing310', 'down310', 'stream310', 'halfstream40', 'classic', ...Array.from({ length: LOOKUPS_PER_VHOST - 7 }, (_, i) => `absent.${i}`)];
  const { found } = await withHalfMadeQueues(client, liveOf(vhost('v')), refs(...names));
  assert.deepEqual(asked.map((p) => p.replace(/\?.*/, '')), ['queues/v', 'nodes']);
  assert.ok(asked[0]?.includes('disable_stats=true'), 'records only, never the stats database');
  assert.deepEqual(found.map((q) => `${q.type} ${q.name}`), ['quorum half310', 'quorum half40', 'stream stream310', 'stream halfstream40'], 'not `other`: the plan does not create it; not down310: its node is down');
});

test(`exactly ${LOOKUPS_PER_VHOST} names are still looked up one by one, at most 8 at a time`, async () => {
  let inFlight = 0;
  let most = 0;
  const { client, asked } = fakeBroker(async () => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    return NOT_FOUND;
  });
  const { found } = await withHalfMadeQueues(client, liveOf(vhost('v')), refs(...Array.from({ length: LOOKUPS_PER_VHOST }, (_, i) => `q.${i}`)));
  assert.deepEqual(found, []);
  assert.equal(asked.length, LOOKUPS_PER_VHOST);
  assert.ok(asked.every((p) => p.startsWith('queues/v/')));
  assert.ok(most > 1 && most <= 8, `${most} in flight at most`);
});

test('a vhost that went away meanwhile (404): nothing found, both ways', async () => {
  const { client } = fakeBroker(() => NOT_FOUND);
  assert.deepEqual((await withHalfMadeQueues(client, liveOf(vhost('v')), refs('half310'))).found, []);
  const many = refs(...Array.from({ length: LOOKUPS_PER_VHOST + 1 }, (_, i) => `q.${i}`));
  assert.deepEqual((await withHalfMadeQueues(client, liveOf(vhost('v')), many)).found, []);
});

test('any other error ends the check with that error, both ways', async () => {
  const { client } = fakeBroker(() => ({ status: 500, body: { error: 'internal', reason: 'boom' } }));
  const isBrokerError = (e: unknown) => e instanceof WarrenError && e.code === 'E_BROKER' && / HTTP 500: boom/.test(e.message);
  await assert.rejects(withHalfMadeQueues(client, liveOf(vhost('v')), refs('a', 'b')), isBrokerError);
  await assert.rejects(withHalfMadeQueues(client, liveOf(vhost('v')), refs(...Array.from({ length: LOOKUPS_PER_VHOST + 1 }, (_, i) => `q.${i}`))), isBrokerError);
});

test('a user who may not read the node list (no monitoring tag): nothing with members is judged half made, and the check does not fail', async () => {
  const refused = { status: 401, body: { error: 'not_authorised', reason: 'Not monitor user' } };
  const { client } = fakeBroker((path) => (path === 'nodes' ? refused : answerLookups(path)));
  const { found } = await withHalfMadeQueues(client, liveOf(vhost('v')), refs('half310', 'stream310'));
  assert.deepEqual(found.map((q) => q.name), ['stream310'], 'a 3.10 stream names no members: judged as before');
});
