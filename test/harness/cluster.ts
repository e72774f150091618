// A disposable RabbitMQ cluster for integration tests: N nodes from startBroker, booted in
// parallel with one shared Erlang cookie, then joined to the first node one at a time (concurrent
// joins race on the first node's schema). About 30-50 s for three nodes on two cores.
import { randomBytes } from 'node:crypto';
import { startBroker, type BrokerHandle, type StartOptions } from './broker.js';

export interface ClusterHandle {
  /** nodes[0] is the one the others joined. */
  nodes: BrokerHandle[];
  /** Kills every node that is still running; safe to call twice and after a node was stopped. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startCluster(size = 3, opts: Omit<StartOptions, 'cookie'> = {}): Promise<ClusterHandle> {
  // Erlang cookies are atoms: letters only keeps quoting out of the picture.
  const cookie = [...randomBytes(20)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
  const booting = await Promise.allSettled(Array.from({ length: size }, () => startBroker({ bootTimeoutMs: 120_000, ...opts, cookie })));
  const nodes = booting.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    const failed = booting.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [first, ...rest] = nodes as [BrokerHandle, ...BrokerHandle[]];
    for (const node of rest) {
      // One CLI call instead of stop_app; join_cluster; start_app (each rabbitmqctl start costs a second).
      const r = await node.rabbitmqctl(['eval', `ok = rabbit:stop(), ok = rabbit_mnesia:join_cluster('${first.nodeName}', disc), ok = rabbit:start().`]);
      if (r.code !== 0) throw new Error(`${node.nodeName} could not join ${first.nodeName} (${r.code}): ${r.stderr || r.stdout}`);
    }
    await Promise.all(nodes.map((n) => waitForRunningNodes(n, size, 120_000)));
  } catch (e) {
    await stop();
    throw e;
  }
  return { nodes, stop };
}

/** Polls GET /api/nodes on one node until it answers and sees `count` running nodes. */
export async function waitForRunningNodes(node: BrokerHandle, count: number, timeoutMs: number): Promise<void> {
  const auth = `Basic ${Buffer.from(`${node.username}:${node.password}`).toString('base64')}`;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${node.managementUrl}/api/nodes?columns=name,running`, { headers: { authorization: auth }, signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      if (res.ok) {
        const running = (JSON.parse(text) as { running?: boolean }[]).filter((n) => n.running === true).length;
        if (running >= count) return;
        last = `${running} of ${count} nodes running`;
      } else {
        last = `HTTP ${res.status}`;
      }
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await sleep(250);
  }
  throw new Error(`${node.nodeName} did not see ${count} running nodes within ${timeoutMs} ms (${last})`);
}
