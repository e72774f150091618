// `plan --live FILE` against files that cannot show everything: a 3.10 GET /api/definitions
// export (vhosts as names only) and a `rabbitmqctl export_definitions` file (no internal
// exchanges). No change is planned for what the file cannot show, and the plan says so in one line.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportCommand } from '../../src/cli/commands/export.js';
import { planCommand } from '../../src/cli/commands/plan.js';
import { runInProcess } from '../support/warren-stack.js';
import { HEAD, writeSpecDir } from './spec-helpers.js';

const HTTP_310 = { rabbit_version: '3.10.8', rabbitmq_version: '3.10.8', product_name: 'RabbitMQ', product_version: '3.10.8', vhosts: [{ name: 'shop' }], exchanges: [{ name: 'orders', vhost: 'shop', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} }] };
const CTL = { rabbit_version: '3.10.8', rabbitmq_version: '3.10.8', vhosts: [{ name: 'shop', limits: [], metadata: { description: 'Shop', tags: [] } }], exchanges: [{ name: 'orders', vhost: 'shop', type: 'topic', durable: true, auto_delete: false, arguments: {} }], bindings: [{ source: 'orders', vhost: 'shop', destination: 'fed', destination_type: 'exchange', routing_key: '#', arguments: {} }] };

const SPEC = `${HEAD}vhosts:\n  shop:\n    description: Shop\n    tags: [prod]\n    exchanges:\n      orders: { type: topic }\n      fed: { type: topic, internal: true }\n    bindings:\n      - { source: orders, exchange: fed, routing_key: "#" }\n`;

async function planAgainst(definitions: object) {
  const dir = writeSpecDir({ 'spec.yaml': SPEC });
  const live = writeSpecDir({ 'defs.json': JSON.stringify(definitions) });
  const file = join(live, 'defs.json');
  const r = await runInProcess((io) => planCommand({ paths: [dir], env: {}, connection: {}, prune: 'managed', liveFile: file, format: 'text', detailedExitCode: false }, io));
  return { ...r, file };
}

test('a 3.10 GET /api/definitions file: vhost metadata is not planned, and the plan says why', async () => {
  const r = await planAgainst(HTTP_310);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /~ vhost shop/);
  assert.match(r.stdout, new RegExp(`^warning W_LIVE_FILE: ${r.file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} has no vhost metadata \\(GET /api/definitions of RabbitMQ 3\\.10 leaves it out\\): the description, tags and default_queue_type of 1 vhost are not compared$`, 'm'));
  // The internal exchange is in an HTTP export, so its absence is real: it is created.
  assert.match(r.stdout, /\+ exchange shop\/fed/);
});

test('a rabbitmqctl export: internal exchanges are not planned as creates, and the plan says why', async () => {
  const r = await planAgainst(CTL);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /exchange shop\/fed\n/);
  assert.match(r.stdout, /warning W_LIVE_FILE: .*defs\.json is a rabbitmqctl export, which leaves internal exchanges out: 1 internal exchange of the spec \(exchange shop\/fed\) not compared/);
  // Its metadata is there: a real difference in tags is still planned.
  assert.match(r.stdout, /~ vhost shop\n\s+~ tags = \[\] -> \["prod"\]/);
});

test('export --from says what the file could not show', async () => {
  for (const [defs, expected] of [
    [HTTP_310, /warning: .*defs\.json holds vhost names only \(GET \/api\/definitions of RabbitMQ 3\.10 leaves their metadata out\): the export has no vhost descriptions, tags or default queue types/],
    [CTL, /warning: .*defs\.json is a rabbitmqctl export_definitions file, which leaves internal exchanges out: the export has none, nor the bindings to them/],
  ] as const) {
    const file = join(writeSpecDir({ 'defs.json': JSON.stringify(defs) }), 'defs.json');
    const r = await runInProcess((io) => exportCommand({ env: {}, connection: {}, from: file, vhosts: [], stack: 's' }, io));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, expected);
  }
});
