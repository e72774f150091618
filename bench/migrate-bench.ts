// Issue 11's benchmark: migrate 100,000 messages of 1 KB from a classic queue to a quorum queue
// with `warren apply`, against a plain dynamic shovel (ack-mode on-confirm, the plugin's own
// fastest safe mode) moving the same number of the same messages from a classic queue to a
// quorum queue, on the same node in the same run. Reports messages/s for both, their ratio, and
// warren's peak RSS (the messages must be streamed, not held).
// Usage: npm run build && node dist/bench/migrate-bench.js [--messages 100000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { stringify } from 'yaml';
import { startBroker, type BrokerHandle } from '../test/harness/broker.js';
import { argOption, loadAverage, measure, processCpuSeconds } from './measure.js';

const WARREN = resolve(fileURLToPath(import.meta.url), '../../../bin/warren.js');
const BODY = Buffer.alloc(1024, 'x');

async function fill(broker: BrokerHandle, queue: string, count: number): Promise<void> {
  const connection = await amqp.connect(broker.amqpUrl);
  try {
    const ch = await connection.createConfirmChannel();
    for (let i = 0; i < count; i++) {
      if (!ch.sendToQueue(queue, BODY, { persistent: true, messageId: String(i), headers: { seq: i } })) await new Promise((r) => ch.once('drain', r));
      if (i % 5000 === 4999) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
  } finally {
    await connection.close();
  }
}

async function depth(broker: BrokerHandle, queue: string): Promise<number> {
  const connection = await amqp.connect(broker.amqpUrl);
  try {
    return (await (await connection.createChannel()).checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

async function http(broker: BrokerHandle, method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${broker.managementUrl}/api/${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}`, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
}

/** A dynamic shovel from src to dst that deletes itself once it has moved what src held. */
async function shovel(broker: BrokerHandle, count: number): Promise<{ seconds: number; brokerCpu: number }> {
  await http(broker, 'PUT', 'queues/%2F/shovel.src', { durable: true, arguments: { 'x-queue-type': 'classic' } });
  await http(broker, 'PUT', 'queues/%2F/shovel.dst', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await fill(broker, 'shovel.src', count);
  const cpuBefore = processCpuSeconds(broker.pid);
  const started = process.hrtime.bigint();
  await http(broker, 'PUT', 'parameters/shovel/%2F/bench', {
    value: {
      'src-protocol': 'amqp091',
      'src-uri': 'amqp://',
      'src-queue': 'shovel.src',
      'dest-protocol': 'amqp091',
      'dest-uri': 'amqp://',
      'dest-queue': 'shovel.dst',
      'ack-mode': 'on-confirm',
      'src-delete-after': 'queue-length',
    },
  });
  while ((await depth(broker, 'shovel.dst')) < count) await new Promise((r) => setTimeout(r, 50));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const brokerCpu = processCpuSeconds(broker.pid) - cpuBefore;
  await http(broker, 'DELETE', 'queues/%2F/shovel.src');
  await http(broker, 'DELETE', 'queues/%2F/shovel.dst');
  return { seconds, brokerCpu };
}

async function main(): Promise<void> {
  const count = Number(argOption('--messages', '100000'));
  const broker = await startBroker({ plugins: ['shovel'] });
  const dir = mkdtempSync(join(tmpdir(), 'warren-migrate-bench-'));
  try {
    const spec = (type: string) => stringify({ version: 1, stack: 'bench', vhosts: { '/': { exchanges: { in: { type: 'direct' } }, queues: { orders: { type } }, bindings: [{ source: 'in', queue: 'orders', routing_key: 'o' }] } } });
    const env = { ...process.env, WARREN_MANAGEMENT_URL: broker.managementUrl, WARREN_AMQP_URL: broker.amqpUrl, WARREN_USERNAME: 'guest', WARREN_PASSWORD: 'guest', NO_COLOR: '1' };
    writeFileSync(join(dir, 'spec.yaml'), spec('classic'));
    const setup = await measure(process.execPath, [WARREN, 'apply', dir, '--auto-approve'], env);
    if (setup.code !== 0) throw new Error(`setup apply failed:\n${setup.stderr}`);

    console.log(`${count} messages of ${BODY.length} bytes, classic -> quorum, RabbitMQ on this machine; load average ${loadAverage()}`);
    const { seconds: shovelSeconds, brokerCpu: shovelCpu } = await shovel(broker, count);
    const shovelRate = count / shovelSeconds;
    console.log(`plain shovel (on-confirm), one hop: ${shovelSeconds.toFixed(2)} s, ${shovelRate.toFixed(0)} msg/s; broker cpu ${shovelCpu.toFixed(2)} s (${((shovelCpu / count) * 1e6).toFixed(0)} us/message)`);

    await fill(broker, 'orders', count);
    writeFileSync(join(dir, 'spec.yaml'), spec('quorum'));
    const cpuBefore = processCpuSeconds(broker.pid);
    const migrated = await measure(process.execPath, [WARREN, 'apply', dir, '--auto-approve'], env);
    const migrateCpu = processCpuSeconds(broker.pid) - cpuBefore;
    if (migrated.code !== 0) throw new Error(`migration failed:\n${migrated.stderr.slice(-4000)}`);
    const left = await depth(broker, 'orders');
    if (left !== count) throw new Error(`the migrated queue holds ${left} messages, not ${count}`);
    const rate = count / migrated.seconds;
    console.log(`warren apply (plan, lock, two hops through the holding queue): ${migrated.seconds.toFixed(2)} s, ${rate.toFixed(0)} msg/s; broker cpu ${migrateCpu.toFixed(2)} s (${((migrateCpu / count) * 1e6).toFixed(0)} us/message), warren cpu ${migrated.cpuSeconds.toFixed(2)} s`);
    const hops = [...migrated.stderr.matchAll(/moved (\d+) of \d+ messages from (\S+) to (\S+) \((\d+) msg\/s\)/g)].filter((m) => Number(m[1]) === count).map((m) => `${m[2]} -> ${m[3]}: ${m[4]} msg/s`);
    for (const hop of hops) console.log(`  ${hop}`);
    console.log(`ratio to the shovel: ${(rate / shovelRate).toFixed(2)}x (target >= 0.8x)`);
    // What two hops cost the broker against one shovel hop: a bound on the ratio whatever the client does.
    console.log(`broker cpu of the migration / of the shovel: ${(migrateCpu / shovelCpu).toFixed(2)}x; load average ${loadAverage()}`);
    console.log(`warren peak RSS: ${migrated.peakRssMb.toFixed(0)} MB (target <= 200 MB)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await broker.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
