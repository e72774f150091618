// Names are data: `__proto__`, `constructor`, `/`, `#`, `?`, `%`, spaces and unicode are ordinary
// names for vhosts, exchanges, queues, users and argument keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEAD, briefs, load } from './spec-helpers.js';

const NAMES = ['__proto__', 'constructor', 'hasOwnProperty', '/', 'a/b#c?d%e f', 'заказы', '注文', '🐇'];

function spec(): string {
  const quoted = (s: string): string => JSON.stringify(s);
  const vhosts = NAMES.map((v) => {
    const exchanges = NAMES.map((n) => `        ${quoted(n)}: { type: fanout }`).join('\n');
    const queues = NAMES.map((n) => `        ${quoted(n)}: { arguments: { x-max-length: 1 } }`).join('\n');
    const bindings = NAMES.map((n) => `        - { source: ${quoted(n)}, queue: ${quoted(n)} }`).join('\n');
    return `  ${quoted(v)}:\n    description: ${quoted(`vhost ${v}`)}\n    exchanges:\n${exchanges}\n    queues:\n${queues}\n    bindings:\n${bindings}`;
  });
  const users = NAMES.map((u) => `  ${quoted(u)}:\n    tags: [${quoted(u)}]\n    permissions: { ${quoted(NAMES[0] ?? '')}: { read: ".*" } }`);
  return `${HEAD}vhosts:\n${vhosts.join('\n')}\nusers:\n${users.join('\n')}\n`;
}

test('odd names load into the model as ordinary names', () => {
  const loaded = load(spec());
  assert.deepEqual(briefs(loaded), []);
  assert.deepEqual(loaded.vhosts, NAMES);
  for (const v of NAMES) {
    const vhost = loaded.model.resources.get(`vhost:${JSON.stringify([v])}`);
    assert.equal(vhost?.kind === 'vhost' && vhost.description, `vhost ${v}`);
    for (const n of NAMES) {
      assert.ok(loaded.model.resources.has(`exchange:${JSON.stringify([v, n])}`), `exchange ${n} in ${v}`);
      assert.ok(loaded.model.resources.has(`queue:${JSON.stringify([v, n])}`), `queue ${n} in ${v}`);
      assert.ok(loaded.model.resources.has(`binding:${JSON.stringify([v, n, 'queue', n, '', '{}'])}`), `binding ${n} in ${v}`);
    }
  }
  for (const u of NAMES) {
    const user = loaded.model.resources.get(`user:${JSON.stringify([u])}`);
    assert.deepEqual(user?.kind === 'user' && user.tags, [u]);
    assert.ok(loaded.model.resources.has(`permission:${JSON.stringify(['__proto__', u])}`));
  }
  // 8 vhosts x (1 + 8 exchanges + 8 queues + 8 bindings) + 8 users + 8 permissions
  assert.equal(loaded.model.resources.size, 8 * 25 + 16);
});

test('an argument key called __proto__ is data, and no prototype is touched', () => {
  const loaded = load(`${HEAD}vhosts:\n  v:\n    exchanges:\n      e: { type: topic, arguments: { __proto__: { polluted: true }, constructor: 1 } }\n`);
  assert.deepEqual(briefs(loaded), []);
  const e = loaded.model.resources.get('exchange:["v","e"]');
  assert.ok(e?.kind === 'exchange');
  assert.deepEqual(Object.keys(e.arguments), ['__proto__', 'constructor']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(e.arguments, '__proto__')?.value, { polluted: true });
  assert.equal(Object.getPrototypeOf(e.arguments), Object.prototype);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('a user-chosen name never satisfies a lookup through the prototype', () => {
  // `constructor` is declared nowhere: a plain-object lookup would find Object's and pass.
  const loaded = load(`${HEAD}vhosts:\n  v:\n    queues: { q: {} }\n    bindings:\n      - { source: constructor, queue: q }\n`);
  assert.deepEqual(briefs(loaded), ['spec.yaml:7:19: error E_REFERENCE: vhosts.v.bindings[0].source: exchange `constructor` is not declared in vhost `v`']);
});

test('unknown-key checks hold for a key called __proto__', () => {
  const loaded = load(`${HEAD}vhosts:\n  v:\n    queues:\n      q: { __proto__: { durable: false } }\n`);
  assert.deepEqual(briefs(loaded), ['spec.yaml:6:12: error E_UNKNOWN_KEY: vhosts.v.queues.q: unknown key `__proto__` (known keys: type, durable, auto_delete, arguments)']);
});
