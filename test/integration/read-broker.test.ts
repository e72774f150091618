// The live reader on a real node: cost at 10,000 queues, the 1 MB ownership record, and the
// management bug that makes every binding listing fail.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WarrenError } from '../../src/errors.js';
import { BrokerWriter } from '../../src/apply/broker-writer.js';
import { ManagementClient } from '../../src/live/management-client.js';
import { ownershipParameterName, ownershipValue } from '../../src/model/ownership-record.js';
import { readBroker } from '../../src/live/read-broker.js';
import { readDefinitions } from '../../src/live/read-definitions.js';
import { type BrokerHandle, skipUnlessBroker, startBroker } from '../harness/broker.js';

let broker: BrokerHandle;
let client: ManagementClient;

describe('readBroker against a real broker', { skip: skipUnlessBroker() }, () => {
  before(async () => {
    broker = await startBroker();
    client = new ManagementClient({ baseUrl: broker.managementUrl, username: broker.username, password: broker.password, timeoutMs: 120_000 });
  });
  after(async () => {
    await broker?.stop();
  });

  test('10,000 queues and bindings in a handful of calls; equal to the same broker read from its definitions', async () => {
    const n = 10_000;
    const queues = Array.from({ length: n }, (_, i) => ({ name: `q.${i}`, vhost: 'big', durable: true, auto_delete: false, arguments: { 'x-queue-type': 'classic', 'x-max-length': i } }));
    const bindings = queues.map((q) => ({ source: 'amq.topic', vhost: 'big', destination: q.name, destination_type: 'queue', routing_key: `rk.${q.name}`, arguments: {} }));
    const importing = Date.now();
    await client.put(['vhosts', 'big'], {});
    await client.post(['definitions'], { queues, bindings } as never);
    const importMs = Date.now() - importing;
    const calls: string[] = [];
    const counting = new ManagementClient({
      baseUrl: broker.managementUrl,
      username: broker.username,
      password: broker.password,
      timeoutMs: 120_000,
      fetch: (url, init) => {
        calls.push(url);
        return fetch(url, init);
      },
    });
    const reading = Date.now();
    const state = await readBroker(counting);
    const readMs = Date.now() - reading;
    console.log(`import of ${n} queues + ${n} bindings ${importMs} ms; readBroker ${readMs} ms in ${calls.length} calls`);
    const kinds = new Map<string, number>();
    for (const r of state.model.resources.values()) if ('vhost' in r && r.vhost === 'big') kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
    assert.equal(kinds.get('queue'), n);
    assert.equal(kinds.get('binding'), n);
    // 15 for the topology, plus parameters, shovel states, feature flags and the deprecated
    // features in use (3.13+; 3.10 answers that one with a 404).
    assert.ok(calls.length <= 19, `${calls.length} calls`);
    // The big listings are asked unsorted (read-broker.ts, UNSORTED): 3.x sorts them otherwise.
    const listings = calls.map((u) => new URL(u)).filter((u) => /^\/api\/(queues|bindings|exchanges)(\/|$)/.test(u.pathname));
    assert.ok(listings.length >= 3, listings.join(' '));
    for (const u of listings) assert.equal(u.searchParams.get('sort'), '', u.href);
    // The HTTP export of the same broker reads into the same model, less message counts, the
    // vhost metadata 3.10's export leaves out, and the amq.* exchanges no export holds.
    const exported = readDefinitions(await client.get(['definitions']), 'GET /api/definitions');
    let compared = 0;
    for (const [key, r] of state.model.resources) {
      if (r.kind === 'exchange' && r.name.startsWith('amq.')) continue;
      if (r.kind === 'feature_flag') continue; // a definitions file holds none
      compared++;
      const other = exported.model.resources.get(key);
      assert.ok(other, `missing from the export: ${key}`);
      if (r.kind === 'vhost') continue;
      assert.deepEqual(other, r, key);
    }
    assert.equal(exported.model.resources.size, compared);
    await client.delete(['vhosts', 'big']);
  });

  test('an ownership record of 10,000 keys (about 1 MB of keys, gzipped) goes in as one global parameter and comes back equal', async () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `queue:${JSON.stringify(['orders-production', `orders.service.events.${String(i).padStart(5, '0')}.${'x'.repeat(48)}`])}`);
    const name = ownershipParameterName('orders');
    const value = ownershipValue('orders', keys);
    const bytes = JSON.stringify({ name, value }).length;
    const writer = new BrokerWriter(client);
    const putting = Date.now();
    await writer.putGlobalParameter(name, value);
    const putMs = Date.now() - putting;
    const reading = Date.now();
    const state = await readBroker(client);
    const readMs = Date.now() - reading;
    const getting = Date.now();
    await client.get(['global-parameters']);
    const getMs = Date.now() - getting;
    const again = Date.now();
    await writer.putGlobalParameter(name, value);
    const rePutMs = Date.now() - again;
    console.log(`ownership record ${keys.length} keys, ${bytes} bytes: PUT ${putMs} ms, again ${rePutMs} ms, readBroker with it ${readMs} ms (GET /api/global-parameters alone ${getMs} ms)`);
    assert.ok(JSON.stringify(keys).length > 1_000_000);
    assert.ok(bytes < 100_000, `the record is stored gzipped: ${bytes} bytes`);
    assert.deepEqual([...(state.ownership.get('orders') ?? [])], [...keys].sort());
    await writer.deleteGlobalParameter(name);
    assert.equal((await readBroker(client)).ownership.size, 0);
  });

  test('a binding with "~" in its routing key and arguments breaks every binding listing: the error says so', async () => {
    await client.put(['queues', '/', 'poison'], { durable: true });
    // Straight through the client: BrokerWriter refuses to make this binding.
    await client.post(['bindings', '/', 'e', 'amq.direct', 'q', 'poison'], { routing_key: 'a~b', arguments: { k: 1 } }).catch(() => undefined);
    await assert.rejects(readBroker(client), (e: unknown) => e instanceof WarrenError && e.code === 'E_BROKER' && /HTTP 500/.test(e.message) && /contains "~"/.test(e.message));
    await broker.reset();
    await readBroker(client);
  });

  test('a wrong password is E_AUTH', async () => {
    const wrong = new ManagementClient({ baseUrl: broker.managementUrl, username: 'guest', password: 'nope' });
    await assert.rejects(readBroker(wrong), { code: 'E_AUTH' });
  });
});
