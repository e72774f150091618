// Every file of the definitions corpus (sources and 3.10.8 exports) reads into a model whose object
// counts match what the JSON holds, less what the reader skips by design (the default exchange and
// its bindings, duplicates where the broker keeps the first).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WarrenError } from '../../src/errors.js';
import { canonicalJson } from '../../src/model/keys.js';
import type { Json } from '../../src/model/types.js';
import { readDefinitionsFile } from '../../src/live/read-definitions.js';
import { corpusDir } from '../support/corpus.js';

const corpus = corpusDir();
const files = corpus
  ? [
      ...readdirSync(join(corpus, 'definitions')).filter((f) => f.endsWith('.json')).map((f) => join(corpus, 'definitions', f)),
      ...readdirSync(join(corpus, 'definitions-exported-3.10.8')).filter((f) => f.endsWith('.json')).map((f) => join(corpus, 'definitions-exported-3.10.8', f)),
    ]
  : [];

type Raw = Record<string, unknown>;
const list = (v: unknown): Raw[] => (Array.isArray(v) ? (v as Raw[]) : []);

/** What the file holds, counted straight from the JSON. */
function expectedCounts(d: Raw): Record<string, number> {
  const dv = typeof d['original_vhost_name'] === 'string' ? d['original_vhost_name'] : '/';
  const vh = (o: Raw) => (typeof o['vhost'] === 'string' ? o['vhost'] : dv);
  const uniq = (items: Raw[], key: (o: Raw) => unknown[]) => new Set(items.map((o) => JSON.stringify(key(o)))).size;
  const params = list(d['parameters']);
  const operator = [...params.filter((p) => p['component'] === 'operator_policy'), ...list(d['operator_policies'])];
  const vhosts = list(d['vhosts']);
  return {
    vhost: d['vhosts'] === undefined && d['original_vhost_name'] !== undefined ? 1 : uniq(vhosts, (o) => [o['name']]),
    user: uniq(list(d['users']), (o) => [o['name']]),
    permission: uniq(list(d['permissions']), (o) => [vh(o), o['user']]),
    topic_permission: uniq(list(d['topic_permissions']), (o) => [vh(o), o['user'], o['exchange']]),
    exchange: uniq(list(d['exchanges']).filter((o) => o['name'] !== ''), (o) => [vh(o), o['name']]),
    queue: uniq(list(d['queues']), (o) => [vh(o), o['name']]),
    binding: uniq(list(d['bindings']).filter((o) => o['source'] !== ''), (o) => [vh(o), o['source'], o['destination_type'], o['destination'], o['routing_key'] ?? '', canonicalJson((o['arguments'] ?? {}) as Json)]),
    policy: uniq(list(d['policies']), (o) => [vh(o), o['name']]),
    operator_policy: uniq(operator, (o) => [vh(o), o['name']]),
  };
}

test('the corpus is there', { skip: corpus ? false : 'shared/corpus not found beside the repository' }, () => {
  assert.ok(files.length >= 100, `only ${files.length} corpus files`);
});

for (const file of files) {
  const name = file.slice(corpus!.length + 1);
  test(`reads ${name}`, async () => {
    const json = JSON.parse(readFileSync(file, 'utf8')) as Raw;
    const live = await readDefinitionsFile(file);
    const counts: Record<string, number> = {};
    for (const r of live.model.resources.values()) {
      counts[r.kind] = (counts[r.kind] ?? 0) + 1;
      // A super stream is read as one object: its exchange, partition streams and bindings.
      if (r.kind === 'super_stream') {
        counts['exchange'] = (counts['exchange'] ?? 0) + 1;
        counts['queue'] = (counts['queue'] ?? 0) + r.partitions.length;
        counts['binding'] = (counts['binding'] ?? 0) + r.partitions.length;
      }
    }
    const expected = expectedCounts(json);
    for (const [kind, n] of Object.entries(expected)) assert.equal(counts[kind] ?? 0, n, `${kind} count`);
    assert.equal(live.globalParameters.size, new Set(list(json['global_parameters']).map((g) => g['name'])).size);
    assert.equal(live.source, file);
    const version = [json['rabbitmq_version'], json['rabbit_version'], json['product_version']].find((v) => typeof v === 'string') ?? 'unknown';
    assert.equal(live.brokerVersion, version);
    for (const r of live.model.resources.values()) {
      if (r.kind === 'queue') {
        assert.equal(r.arguments['x-queue-type'], undefined, 'x-queue-type left in arguments');
        assert.equal(r.live?.messages, 0);
      }
      if (r.kind === 'user' || r.kind === 'vhost') assert.deepEqual(r.tags, [...(r.tags ?? [])].sort());
    }
  });
}

// RabbitMQ's own suite expects the broker to reject these; the reader either reads them or says
// which entry it cannot read, always as E_LIVE_FILE naming the file.
const REJECTED_BY_READER: Record<string, RegExp> = {
  failing_case20: /not valid JSON/,
  failing_case17: /policies\[0\]\.name: missing/,
  failing_case27: /bindings\[0\]\.destination_type/,
  failing_case28: /bindings\[0\]\.destination_type/,
  failing_case29: /bindings\[0\]\.destination_type/,
};

if (corpus) {
  for (const f of readdirSync(join(corpus, 'definitions', 'negative'))) {
    const file = join(corpus, 'definitions', 'negative', f);
    const rejected = Object.entries(REJECTED_BY_READER).find(([k]) => f.includes(`${k}.`));
    test(`negative ${f}: ${rejected ? 'E_LIVE_FILE' : 'reads'}`, async () => {
      if (!rejected) {
        await readDefinitionsFile(file);
        return;
      }
      await assert.rejects(readDefinitionsFile(file), (e: unknown) => {
        assert.ok(e instanceof WarrenError);
        assert.equal(e.code, 'E_LIVE_FILE');
        assert.ok(e.message.startsWith(file) || e.origin?.file === file, e.message); // syntax errors name the file as file:line:col
        assert.match(e.message, rejected[1]);
        return true;
      });
    });
  }
}

test('a missing file is E_LIVE_FILE naming it', async () => {
  await assert.rejects(readDefinitionsFile('/nonexistent/defs.json'), (e: unknown) => e instanceof WarrenError && e.code === 'E_LIVE_FILE' && e.message.includes('/nonexistent/defs.json'));
});
