// Definitions files under fuzzing. (1) A seeded mutation fuzzer: corpus files with values swapped
// for other types, odd strings, deep nesting and huge numbers, keys dropped or added, now and then
// the text itself cut; read, exported and planned, every failure must be a WarrenError with a
// stable code. (2) A structure-aware round trip: random valid brokers with hostile names and
// strings, exported -> validated -> planned (empty) -> rendered -> read back -> compared.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { errorsOf } from '../../src/errors.js';
import { exportSpec } from '../../src/export/export.js';
import { readDefinitions, readDefinitionsFile } from '../../src/live/read-definitions.js';
import type { LiveState } from '../../src/live/types.js';
import { resolveCredentials } from '../../src/model/credentials.js';
import { hashPassword } from '../../src/model/passwords.js';
import type { Json, Resource } from '../../src/model/types.js';
import { planChanges } from '../../src/plan/index.js';
import { renderDefinitions } from '../../src/render/definitions.js';
import { loadSpec } from '../../src/spec/index.js';
import { binding, exchange, modelOf, permission, policy, queue, user, vhost } from '../support/build.js';
import { corpusDir } from '../support/corpus.js';
import { ODD_STRINGS, assertDiagnostics, assertUserFailure, fuzzFor, keepInput, type Rng } from '../support/fuzz.js';
import { writeSpecDir } from './spec-helpers.js';

const corpus = corpusDir();
const CORPUS_FILES = corpus
  ? ['definitions', 'definitions-exported-3.10.8'].flatMap((sub) =>
      readdirSync(join(corpus, sub))
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(corpus, sub, f)),
    )
  : [];

type Mutable = Record<string, unknown> | unknown[];

function deep(n: number): Json {
  let v: Json = 1;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

/** A value of another shape than the one it replaces. */
function oddValue(rng: Rng): unknown {
  switch (rng.int(12)) {
    case 0:
      return rng.pick(ODD_STRINGS);
    case 1:
      return rng.pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, Infinity, -Infinity, NaN]);
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    case 4:
      return [];
    case 5:
      return {};
    case 6:
      return { toString: 1, valueOf: 'x' };
    case 7:
      return [rng.pick(ODD_STRINGS), { a: 1 }];
    case 8:
      return deep(rng.chance(0.5) ? 70 : 5);
    case 9:
      return JSON.parse('{"__proto__": {"polluted": 1}}') as unknown;
    case 10:
      return 'x'.repeat(rng.chance(0.1) ? 1_000_000 : 300);
    default:
      return [['key', 'value'], ['x-queue-type', rng.pick(['quorum', 'stream', 'nope'])]];
  }
}

/** Every container in the document, with a way to reach into it. */
function containers(root: unknown): Mutable[] {
  const out: Mutable[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    out.push(v as Mutable);
    for (const child of Object.values(v)) stack.push(child);
  }
  return out;
}

function mutateJson(doc: unknown, rng: Rng): void {
  const all = containers(doc);
  const target = rng.pick(all);
  if (Array.isArray(target)) {
    if (target.length === 0 || rng.chance(0.2)) target.push(oddValue(rng));
    else if (rng.chance(0.5)) target[rng.int(target.length)] = oddValue(rng);
    else target.splice(rng.int(target.length), 1);
    return;
  }
  const keys = Object.keys(target);
  if (keys.length === 0 || rng.chance(0.2)) {
    Object.defineProperty(target, rng.pick([...ODD_STRINGS, 'name', 'vhost', 'type', 'arguments', 'tags', 'definition', 'value']), { value: oddValue(rng), enumerable: true, writable: true, configurable: true });
    return;
  }
  const key = rng.pick(keys);
  if (rng.chance(0.2)) delete target[key];
  else target[key] = oddValue(rng);
}

/** Text-level cuts, for the JSON reader itself. */
function mutateText(text: string, rng: Rng): string {
  const i = rng.int(text.length + 1);
  switch (rng.int(4)) {
    case 0:
      return text.slice(0, i);
    case 1:
      return text.slice(0, i) + rng.pick(['"', '}', ']', ',', '\0', '\\', '\\u12', '1e400', '\n', '\uFEFF', '\x1b[2J']) + text.slice(i);
    case 2:
      return `\uFEFF${text}`;
    default:
      return text.slice(0, i) + text.slice(i + 1 + rng.int(10));
  }
}

/** Read, export (both layouts), load the export and plan it against what was read. */
function exercise(live: LiveState): void {
  for (const layout of ['single', 'split'] as const) {
    const files = exportSpec(live, { stack: 'fuzz', vhosts: [] }, layout).files;
    const spec = loadSpec([writeSpecDir(Object.fromEntries(files.map((f) => [f.name, f.text])))], {});
    assertDiagnostics(spec.diagnostics, () => 'export');
    if (errorsOf(spec.diagnostics).length > 0) continue;
    const desired = resolveCredentials(spec.model.resources, live.model.resources);
    planChanges({ stack: 'fuzz', desired, live: live.model.resources, ownership: live.ownership, prune: 'managed', specVhosts: new Set(spec.vhosts) });
    renderDefinitions(desired, { stack: 'fuzz' });
  }
}

test('definitions mutation fuzzer: read, export and plan fail only with stable codes', { skip: CORPUS_FILES.length === 0 && 'no corpus' }, async (t) => {
  const seeds = CORPUS_FILES.map((f) => readFileSync(f, 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'warren-fuzz-defs-'));
  const file = join(dir, 'defs.json');
  let read = 0;
  const iterations = await fuzzFor('definitions fuzzer', async (rng, i) => {
    const seed = rng.pick(seeds);
    let text: string;
    const context = () => `iteration ${i}, input kept in ${keepInput(`defs-${i}.json`, text)}`;
    try {
      if (rng.chance(0.15)) {
        text = mutateText(seed, rng);
        writeFileSync(file, text);
        exercise(await readDefinitionsFile(file));
        read += 1;
        return;
      }
      const doc = JSON.parse(seed) as unknown;
      for (let n = 1 + rng.int(3); n > 0; n--) mutateJson(doc, rng);
      text = safeStringify(doc);
      exercise(readDefinitions(doc, 'defs.json'));
      read += 1;
    } catch (e) {
      text ??= '';
      assertUserFailure(e, context);
    }
  });
  t.diagnostic(`${iterations} inputs, ${read} read and exported`);
});

/** JSON.stringify recurses: a deep mutation is kept as far as it can be written. */
function safeStringify(doc: unknown): string {
  try {
    return JSON.stringify(doc) ?? '';
  } catch {
    return '(too deep to write)';
  }
}

// ---- the round trip --------------------------------------------------------------------------

/** Names RabbitMQ and the spec both accept: no "", ".", "..", amq.*, at most 255 bytes. */
function oddName(rng: Rng, prefix: string): string {
  const odd = rng.pick(ODD_STRINGS.filter((s) => s !== '' && s !== '.' && s !== '..' && !s.startsWith('amq.') && Buffer.byteLength(s) <= 200));
  return rng.chance(0.3) ? `${prefix}${rng.int(1000)}` : `${odd}${rng.chance(0.5) ? rng.int(100) : ''}`;
}

const regexOf = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Tags are kept as a list; the broker joins user tags with commas, and trims them. */
const tagOf = (s: string): string => s.replace(/[,\s]/g, '_') || 't';

function randomBroker(rng: Rng): LiveState {
  const resources: Resource[] = [];
  const vhosts = Array.from({ length: 1 + rng.int(3) }, () => oddName(rng, 'v'));
  for (const v of new Set(vhosts)) {
    resources.push(vhost(v, { description: rng.pick(ODD_STRINGS), tags: [...new Set([tagOf(rng.pick(ODD_STRINGS)), 'shop'])].sort(), limits: rng.chance(0.5) ? { 'max-queues': rng.int(1000) } : {} }));
    const exchanges = [...new Set(Array.from({ length: 1 + rng.int(3) }, () => oddName(rng, 'x')))];
    const queues = [...new Set(Array.from({ length: 1 + rng.int(3) }, () => oddName(rng, 'q')))];
    for (const x of exchanges) resources.push(exchange(v, x, { type: rng.pick(['topic', 'fanout', 'direct', 'headers']), arguments: rng.chance(0.5) ? { 'alternate-exchange': rng.pick(exchanges) } : {} }));
    for (const q of queues) {
      resources.push(queue(v, q, { type: rng.pick(['classic', 'quorum'] as const), arguments: rng.chance(0.5) ? { 'x-dead-letter-exchange': rng.pick(exchanges), 'x-max-length': rng.int(10_000) } : {} }));
      resources.push(binding(v, rng.pick(exchanges), q, { routing_key: rng.pick(ODD_STRINGS) }));
    }
    resources.push(policy(v, oddName(rng, 'p'), { pattern: regexOf(rng.pick(ODD_STRINGS)), apply_to: rng.pick(['queues', 'exchanges', 'all'] as const), priority: rng.int(10), definition: { 'max-length': rng.int(100), 'dead-letter-exchange': rng.pick(ODD_STRINGS) } }));
  }
  for (const name of new Set(Array.from({ length: rng.int(3) }, () => oddName(rng, 'u')))) {
    resources.push(user(name, { password_hash: hashPassword('pw', 'rabbit_password_hashing_sha256'), tags: [tagOf(rng.pick(ODD_STRINGS))] }));
    resources.push(permission(rng.pick(vhosts), name, { configure: regexOf(rng.pick(ODD_STRINGS)), write: '.*', read: '' }));
  }
  return { model: { resources: modelOf(...resources) }, brokerVersion: '3.10.8', source: 'fuzz', ownership: new Map(), globalParameters: new Map(), unmanagedReasons: new Map(), warnings: [] };
}

test('round trip: a random broker with hostile strings exports, validates, plans empty, renders and reads back equal', async (t) => {
  const brokers = await fuzzFor('round trip', (rng, i) => {
    const live = randomBroker(rng);
    const layout = rng.pick(['single', 'split'] as const);
    const files = exportSpec(live, { stack: 'rt' }, layout).files;
    const texts = () => keepInput(`round-trip-${i}.yaml`, files.map((f) => `# ${f.name}\n${f.text}`).join('\n'));
    // The environment holds what `${...}` in broker strings would pick up, were they not escaped.
    const spec = loadSpec([writeSpecDir(Object.fromEntries(files.map((f) => [f.name, f.text])))], { X: 'LEAK', Y: 'LEAK', PW: 'LEAK' });
    assert.deepEqual(errorsOf(spec.diagnostics), [], `iteration ${i}: the export does not validate (${texts()})`);
    const desired = resolveCredentials(spec.model.resources, live.model.resources);
    const plan = planChanges({ stack: 'rt', desired, live: live.model.resources, ownership: new Map(), prune: 'managed', specVhosts: new Set(spec.vhosts) });
    assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.title}`), [], `iteration ${i}: the export plans changes (${texts()})`);
    const rendered = readDefinitions(JSON.parse(renderDefinitions(desired, { stack: 'rt' })) as unknown, 'rendered');
    const again = planChanges({ stack: 'rt', desired: rendered.model.resources, live: live.model.resources, ownership: new Map(), prune: 'managed', specVhosts: new Set(spec.vhosts) });
    assert.deepEqual(again.changes.map((c) => `${c.action} ${c.title}`), [], `iteration ${i}: the rendered definitions differ (${texts()})`);
  });
  t.diagnostic(`${brokers} random brokers round-tripped`);
});
