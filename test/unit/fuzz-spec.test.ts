// A seeded mutation fuzzer of spec files: the examples and a few hostile seeds, cut, spliced and
// sprinkled with YAML's sharp edges, then loaded. Whatever comes in, the loader answers with
// diagnostics of stable codes (never E_INTERNAL, never an exception), each one printable on one
// safe line; a spec that loads is also rendered and planned. WARREN_FUZZ_SECONDS runs it longer.
import { test } from 'node:test';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorsOf } from '../../src/errors.js';
import { resolveCredentials } from '../../src/model/credentials.js';
import { planChanges } from '../../src/plan/index.js';
import { renderDefinitions } from '../../src/render/definitions.js';
import { exportSpec } from '../../src/export/export.js';
import { readDefinitionsFile } from '../../src/live/read-definitions.js';
import { loadSpec } from '../../src/spec/index.js';
import { ODD_STRINGS, assertDiagnostics, assertUserFailure, fuzzFor, keepInput, type Rng } from '../support/fuzz.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');

const HOSTILE_SEEDS = [
  `version: 1\nstack: s\ntargets:\n  t:\n    management: "http://admin:\${PW}@localhost:15672"\n    amqp: [amqp://a:5672, amqp://b:5672]\n    password: \${PW:-x}\n    tls: {passphrase: "\${PW}", verify: false, ca: ca.pem}\n`,
  `version: 1\nstack: s\nvhosts:\n  v: &v\n    description: "\${D:-d}"\n    tags: [a, b]\n    limits: {max-queues: 10}\n    queues:\n      q: &q {type: quorum, arguments: {x-delivery-limit: 5, x-dead-letter-exchange: dlx}}\n      r: *q\n      s: {<<: *q, durable: true}\n    exchanges: {dlx: {type: fanout}}\n    bindings:\n      - {source: dlx, queue: q, routing_key: "#", arguments: {x-match: all}}\n    policies:\n      p: {pattern: "^q", apply_to: queues, priority: 1, definition: {max-length: 10}}\n  w: *v\n`,
  `version: 1\nstack: s\nusers:\n  u:\n    password: "\${PW}"\n    tags: [administrator]\n    permissions:\n      v: {configure: ".*", write: ".*", read: ".*"}\n    topic_permissions:\n      v: {exchange: amq.topic, write: ".*", read: ".*"}\nvhosts:\n  v: {}\n`,
];

const TOKENS = [
  ...ODD_STRINGS,
  '${PW}',
  '*q',
  '&a ',
  '<<: *v',
  '!!binary ',
  '!!int ',
  '!custom ',
  '? ',
  '- ',
  ': ',
  ', ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '\n',
  '\n  ',
  '\t',
  '\0',
  '\x1b[2J',
  '\r',
  '\uFEFF',
  '---\n',
  '...\n',
  '%YAML 1.1\n',
  '#',
  '|\n  x\n',
  '>-\n  x\n',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
  `${'['.repeat(2000)}`,
  `${'- '.repeat(300)}x`,
  `${'{a: '.repeat(500)}1`,
  '1e400',
  '.inf',
  '-.nan',
  '0o17',
  '0x',
  '99999999999999999999999',
];

function mutate(text: string, rng: Rng): string {
  const at = (): number => rng.int(text.length + 1);
  const lines = (): string[] => text.split('\n');
  switch (rng.int(7)) {
    case 0: {
      const i = at();
      return text.slice(0, i) + rng.pick(TOKENS) + text.slice(i);
    }
    case 1: {
      const i = at();
      return text.slice(0, i) + text.slice(i + 1 + rng.int(20));
    }
    case 2: {
      const i = at();
      return text.slice(0, i) + String.fromCharCode(rng.chance(0.8) ? rng.int(128) : rng.int(0x10000)) + text.slice(i + 1);
    }
    case 3: {
      const ls = lines();
      const i = rng.int(ls.length);
      ls.splice(rng.int(ls.length), 0, ...Array.from({ length: 1 + rng.int(rng.chance(0.1) ? 2000 : 3) }, () => ls[i] ?? ''));
      return ls.join('\n');
    }
    case 4: {
      const ls = lines();
      const i = rng.int(ls.length);
      ls[i] = (rng.chance(0.5) ? '  ' : '') + (ls[i] ?? '').replace(/^ {1,2}/, rng.chance(0.5) ? '' : ' ');
      return ls.join('\n');
    }
    case 5: {
      // A value replaced by an odd one, quoted or not.
      const ls = lines();
      const i = rng.int(ls.length);
      const odd = rng.pick(ODD_STRINGS);
      ls[i] = (ls[i] ?? '').replace(/:\s.*$/, `: ${rng.chance(0.5) ? JSON.stringify(odd) : odd}`);
      return ls.join('\n');
    }
    default: {
      // A key replaced by an odd one.
      const ls = lines();
      const i = rng.int(ls.length);
      const odd = rng.pick(ODD_STRINGS);
      ls[i] = (ls[i] ?? '').replace(/^(\s*)[^:\s][^:]*:/, `$1${rng.chance(0.5) ? JSON.stringify(odd) : odd}:`);
      return ls.join('\n');
    }
  }
}

test('spec mutation fuzzer: every outcome is diagnostics of stable codes, never an exception', async (t) => {
  // The examples (some only valid beside each other), and the example broker exported as one file.
  const exported = exportSpec(await readDefinitionsFile(join(EXAMPLES, 'live', 'definitions.json')), { stack: 's' }, 'single').files[0]?.text ?? '';
  const seeds = [...readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(EXAMPLES, f), 'utf8')), ...HOSTILE_SEEDS, exported, exported];
  const dir = mkdtempSync(join(tmpdir(), 'warren-fuzz-spec-'));
  const file = join(dir, 'spec.yaml');
  const env = { PW: 'Zq7-fuzz-secret', D: 'desc' };
  let loaded = 0;
  const iterations = await fuzzFor('spec fuzzer', (rng, i) => {
    let text = rng.pick(seeds);
    for (let n = 1 + rng.int(3); n > 0; n--) text = mutate(text, rng);
    writeFileSync(file, text);
    const context = () => `iteration ${i}, input kept in ${keepInput(`spec-${i}.yaml`, text)}`;
    try {
      const spec = loadSpec([file], env);
      assertDiagnostics(spec.diagnostics, context);
      if (errorsOf(spec.diagnostics).length > 0 || !spec.stack) return;
      loaded += 1;
      const desired = resolveCredentials(spec.model.resources, new Map());
      renderDefinitions(desired, { stack: spec.stack });
      planChanges({ stack: spec.stack, desired, live: new Map(), ownership: new Map(), prune: 'managed', specVhosts: new Set(spec.vhosts) });
    } catch (e) {
      assertUserFailure(e, context);
    }
  });
  // Not a timing: the fuzzer must reach past the YAML reader now and then, or it tests little.
  t.diagnostic(`${iterations} inputs, ${loaded} loaded`);
  if (loaded === 0) throw new Error(`none of ${iterations} mutated specs loaded: the mutations are too coarse to reach the rules`);
});
