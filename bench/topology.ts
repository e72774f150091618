// The benchmark topology, generated two ways from one description: as a warren spec (YAML) and as
// the definitions JSON RabbitMQ's own import reads, so both tools build exactly the same thing.
export interface TopologySize {
  queues: number;
  exchanges: number;
  bindings: number;
  users: number;
  policies: number;
}

export const ISSUE_SIZE: TopologySize = { queues: 10_000, exchanges: 1_000, bindings: 20_000, users: 50, policies: 20 };

/** The issue's size times a factor (0.1: 3,100 objects; 1: 31,000; 10: 310,000). */
export function scaled(factor: number): TopologySize {
  const s = (n: number) => Math.max(1, Math.round(n * factor));
  return { queues: s(ISSUE_SIZE.queues), exchanges: s(ISSUE_SIZE.exchanges), bindings: s(ISSUE_SIZE.bindings), users: s(ISSUE_SIZE.users), policies: s(ISSUE_SIZE.policies) };
}

const VHOST = 'bench';
// One queue in twenty is a quorum queue: realistic, and the expensive kind for the broker.
const isQuorum = (i: number): boolean => i % 20 === 0;
const exchangeType = (i: number): string => (i % 2 === 0 ? 'topic' : 'direct');

interface Shape {
  exchanges: { name: string; type: string }[];
  queues: { name: string; quorum: boolean; ttl: boolean }[];
  bindings: { source: string; queue: string; key: string }[];
  users: { name: string; password: string }[];
  policies: { name: string; pattern: string }[];
}

function shape(size: TopologySize): Shape {
  return {
    exchanges: Array.from({ length: size.exchanges }, (_, i) => ({ name: `ex.${i}`, type: exchangeType(i) })),
    queues: Array.from({ length: size.queues }, (_, i) => ({ name: `q.${i}`, quorum: isQuorum(i), ttl: i % 7 === 0 })),
    bindings: Array.from({ length: size.bindings }, (_, i) => ({ source: `ex.${i % size.exchanges}`, queue: `q.${i % size.queues}`, key: `key.${i}` })),
    users: Array.from({ length: size.users }, (_, i) => ({ name: `svc-${i}`, password: `pw-${i}-bench` })),
    policies: Array.from({ length: size.policies }, (_, i) => ({ name: `policy-${i}`, pattern: `^q\\.${i}\\d*$` })),
  };
}

export function topologySpec(size: TopologySize): string {
  const s = shape(size);
  const lines = ['version: 1', 'stack: bench', 'vhosts:', `  ${VHOST}:`, '    exchanges:'];
  for (const e of s.exchanges) lines.push(`      ${e.name}: { type: ${e.type} }`);
  lines.push('    queues:');
  for (const q of s.queues) {
    const args = q.ttl ? ', arguments: { x-message-ttl: 60000 }' : '';
    lines.push(`      ${q.name}: { type: ${q.quorum ? 'quorum' : 'classic'}${args} }`);
  }
  lines.push('    bindings:');
  for (const b of s.bindings) lines.push(`      - { source: ${b.source}, queue: ${b.queue}, routing_key: ${b.key} }`);
  lines.push('    policies:');
  for (const p of s.policies) lines.push(`      ${p.name}: { pattern: '${p.pattern}', apply_to: queues, definition: { max-length: 100000 } }`);
  lines.push('users:');
  for (const u of s.users) {
    lines.push(`  ${u.name}:`, `    password: ${u.password}`, '    permissions:', `      ${VHOST}: { configure: '^$', write: '^ex\\.', read: '^q\\.' }`);
  }
  return `${lines.join('\n')}\n`;
}

export function topologyDefinitions(size: TopologySize): string {
  const s = shape(size);
  const definitions = {
    vhosts: [{ name: VHOST }],
    users: s.users.map((u) => ({ name: u.name, password: u.password, tags: '' })),
    permissions: s.users.map((u) => ({ user: u.name, vhost: VHOST, configure: '^$', write: '^ex\\.', read: '^q\\.' })),
    exchanges: s.exchanges.map((e) => ({ name: e.name, vhost: VHOST, type: e.type, durable: true, auto_delete: false, internal: false, arguments: {} })),
    queues: s.queues.map((q) => ({
      name: q.name,
      vhost: VHOST,
      durable: true,
      auto_delete: false,
      arguments: { 'x-queue-type': q.quorum ? 'quorum' : 'classic', ...(q.ttl ? { 'x-message-ttl': 60000 } : {}) },
    })),
    bindings: s.bindings.map((b) => ({ source: b.source, vhost: VHOST, destination: b.queue, destination_type: 'queue', routing_key: b.key, arguments: {} })),
    policies: s.policies.map((p) => ({ name: p.name, vhost: VHOST, pattern: p.pattern, 'apply-to': 'queues', priority: 0, definition: { 'max-length': 100000 } })),
  };
  return JSON.stringify(definitions);
}
