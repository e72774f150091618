// The two exports of one import (rabbitmqctl export_definitions and GET /api/definitions on 3.10.8)
// must read into equal models, except where SOURCES.md says the exports differ by design:
//  1. the HTTP export writes vhosts as names only, so of a vhost only its name and limits
//     (from the vhost-limits parameters) are compared, not description, tags or default_queue_type;
//  2. rabbitmqctl leaves out internal exchanges (here the federation upstream exchange);
//  3. a password given in plain text (the source file's, or guest's default) is hashed with a new
//     salt on every import: both hashes must then match that password instead of each other.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readDefinitionsFile } from '../../src/live/read-definitions.js';
import { passwordMatches } from '../../src/model/passwords.js';
import type { Resource, User } from '../../src/model/types.js';
import { corpusDir } from '../support/corpus.js';

const corpus = corpusDir();
const exported = corpus ? join(corpus, 'definitions-exported-3.10.8') : '';
const pairs = corpus
  ? readdirSync(exported)
      .filter((f) => f.endsWith('.ctl-export.json') && existsSync(join(exported, f.replace('.ctl-export.json', '.http-export.json'))))
      .map((f) => f.replace('.ctl-export.json', ''))
  : [];

function sourcePasswords(base: string): Map<string, string> {
  const out = new Map([['guest', 'guest']]);
  const file = [join(corpus!, 'definitions', `${base}.json`), join(corpus!, 'definitions', 'negative', `${base.replace(/^negative__/, '')}.json`)].find(existsSync);
  if (!file) return out;
  const users = (JSON.parse(readFileSync(file, 'utf8')) as { users?: { name: string; password?: string }[] }).users ?? [];
  for (const u of users) if (typeof u.password === 'string') out.set(u.name, u.password);
  return out;
}

test('there are export pairs to compare', { skip: corpus ? false : 'shared/corpus not found' }, () => {
  assert.ok(pairs.length >= 30, `${pairs.length} pairs`);
});

for (const base of pairs) {
  test(`ctl and http exports of ${base} read into equal models`, async () => {
    const ctl = await readDefinitionsFile(join(exported, `${base}.ctl-export.json`));
    const http = await readDefinitionsFile(join(exported, `${base}.http-export.json`));
    const passwords = sourcePasswords(base);
    for (const [key, h] of http.model.resources) {
      const c = ctl.model.resources.get(key);
      if (!c) {
        assert.ok(h.kind === 'exchange' && h.internal, `only in the HTTP export: ${key}`);
        continue;
      }
      assert.deepEqual(comparable(c, h, passwords), comparable(h, c, passwords), key);
    }
    for (const key of ctl.model.resources.keys()) assert.ok(http.model.resources.has(key), `only in the ctl export: ${key}`);
  });
}

/** `r` with the fields that differ by design replaced by what both sides agree on. */
function comparable(r: Resource, other: Resource, passwords: Map<string, string>): Resource {
  if (r.kind === 'vhost' && other.kind === 'vhost') {
    return { ...r, description: '', tags: [], default_queue_type: undefined };
  }
  if (r.kind === 'user' && other.kind === 'user' && r.password_hash !== other.password_hash) {
    const password = passwords.get(r.name);
    assert.ok(password !== undefined, `user ${r.name}: hashes differ and the source gives no password`);
    for (const u of [r, other] as User[]) assert.ok(passwordMatches(password, u.password_hash ?? '', u.hashing_algorithm ?? 'rabbit_password_hashing_sha256'), `user ${r.name}: hash does not match the source password`);
    return { ...r, password_hash: '(same password)' };
  }
  return r;
}
