import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { nodeProcessesAlive, pidAlive, skipUnlessBroker, startBroker } from '../harness/broker.js';

test('a disposable node boots, answers on its management API and is gone after stop', { skip: skipUnlessBroker() }, async () => {
  const started = Date.now();
  const broker = await startBroker();
  const bootMs = Date.now() - started;
  try {
    const res = await fetch(`${broker.managementUrl}/api/overview`, {
      headers: { authorization: `Basic ${Buffer.from(`${broker.username}:${broker.password}`).toString('base64')}` },
    });
    assert.equal(res.status, 200);
    const overview = (await res.json()) as { rabbitmq_version?: string; node?: string };
    assert.match(overview.rabbitmq_version ?? '', /^\d+\.\d+\.\d+/);
    // The version WARREN_TEST_BROKER asked for, not whichever happens to be installed.
    assert.ok(overview.rabbitmq_version?.startsWith(`${broker.version}.`), `${overview.rabbitmq_version} is not ${broker.version}`);
    assert.equal(overview.node, broker.nodeName);
    assert.ok(pidAlive(broker.pid));
    const ctl = await broker.rabbitmqctl(['status']);
    assert.equal(ctl.code, 0, ctl.stderr);
  } finally {
    const stopping = Date.now();
    await broker.stop({ graceful: true });
    console.log(`node boot ${bootMs} ms, stop ${Date.now() - stopping} ms`);
  }
  assert.equal(pidAlive(broker.pid), false, 'beam process still running after stop()');
  assert.equal(nodeProcessesAlive(broker.nodeName), false);
  assert.equal(existsSync(broker.dir), false, 'temp dir left behind');
});

test('stop() without graceful kills the node at once, and reset() empties it', { skip: skipUnlessBroker() }, async () => {
  const broker = await startBroker();
  try {
    const auth = { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}`, 'content-type': 'application/json' };
    const put = await fetch(`${broker.managementUrl}/api/vhosts/left-over`, { method: 'PUT', headers: auth, body: '{}' });
    assert.equal(put.status, 201);
    const resetting = Date.now();
    await broker.reset();
    console.log(`reset ${Date.now() - resetting} ms`);
    const res = await fetch(`${broker.managementUrl}/api/vhosts`, { headers: auth });
    const names = ((await res.json()) as { name: string }[]).map((v) => v.name);
    assert.deepEqual(names, ['/']);
  } finally {
    const stopping = Date.now();
    await broker.stop();
    console.log(`kill stop ${Date.now() - stopping} ms`);
  }
  assert.equal(pidAlive(broker.pid), false);
  assert.equal(existsSync(broker.dir), false);
});
