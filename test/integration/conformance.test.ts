// Conformance: every file of the definitions corpus (shared/corpus/definitions, beside the
// repository) goes round trip through warren on real RabbitMQ nodes (3.10.8, or 4.0.5 with
// WARREN_TEST_BROKER=4.0).
//   1. rabbitmqctl import_definitions into the source node (files the node refuses are reported
//      with its reason; on 4.x, a file that 3.10.8 imported goes the upgrade way instead: the
//      3.10.8 node's export of it, `warren export --for-version 4.0 --quorum-for-mirrored`,
//      applied to the 4.x target, which must then plan empty);
//   2. warren export (a folder: one file per vhost, users.yaml), which must validate;
//   3. warren plan of the export (made with --adopt) against the source: no changes, exit 0;
//   4. warren apply of the export to the empty target node, then plan there: no changes;
//   5. source and target compared object by object (readBroker, live facts left out);
//   6. warren render of the export, import_definitions into the emptied target, compared again.
// Two nodes for the whole suite, wiped between files. Objects warren leaves out by design (the
// broker's amq.* exchanges, exclusive and server-named queues, plugins' own objects, bindings to
// those) are left out of both sides of the comparison by the same rules the export uses.
import { uriPasswordsOf } from '../support/uri-passwords.js';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyCommand } from '../../src/cli/commands/apply.js';
import { exportCommand } from '../../src/cli/commands/export.js';
import { planCommand } from '../../src/cli/commands/plan.js';
import { renderCommand } from '../../src/cli/commands/render.js';
import { validateCommand } from '../../src/cli/commands/validate.js';
import { ManagementClient } from '../../src/live/management-client.js';
import { readBroker } from '../../src/live/read-broker.js';
import { existsSync } from 'node:fs';
import { type BrokerHandle, skipUnlessBroker, startBroker } from '../harness/broker.js';
import { ADMIN, addAdmin, capture, differences, topology, wipe, withDeadLoopbacks } from '../support/conformance.js';
import { corpusDir } from '../support/corpus.js';

const brokerSkip = skipUnlessBroker();
const corpus = corpusDir();
const skip = brokerSkip || (corpus ? false : 'definitions corpus not found beside the repository (../shared/corpus); set WARREN_CORPUS to its folder');
// WARREN_CORPUS_ONLY=<regex> runs the files whose names match, for working on one of them; the summary says so.
const only = process.env['WARREN_CORPUS_ONLY'];
const files = corpus ? readdirSync(join(corpus, 'definitions')).filter((f) => f.endsWith('.json') && (!only || new RegExp(only).test(f))).sort() : [];

/**
 * Files whose round trip differs for a reason outside warren, with that reason. Kept honest: the
 * suite fails when one of them stops differing.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {};

/** The connection, plus the URI passwords the export reads from `${VARIABLE}`s, as a user would set them. */
function envFor(broker: BrokerHandle, uriPasswords: Record<string, string> = {}): Record<string, string> {
  return {
    ...uriPasswords,
    WARREN_MANAGEMENT_URL: broker.managementUrl,
    WARREN_AMQP_URL: broker.amqpUrl.replace(/\/\/[^@/]*@/, '//'),
    WARREN_USERNAME: ADMIN.user,
    WARREN_PASSWORD: ADMIN.password,
  };
}

async function read(broker: BrokerHandle) {
  return readBroker(new ManagementClient({ baseUrl: broker.managementUrl, username: ADMIN.user, password: ADMIN.password }));
}

describe('conformance: the definitions corpus round-trips through export, plan, apply and render', { skip }, () => {
  let source: BrokerHandle;
  let target: BrokerHandle;
  let work: string;
  const notImported = new Map<string, string>();
  const roundTripped: string[] = [];
  const viaRender: string[] = [];
  /** Refused files that went the upgrade way: file -> how many rewrites the export listed. */
  const upgraded = new Map<string, number>();
  let version = '';

  before(async () => {
    [source, target] = await Promise.all([startBroker({ plugins: ['shovel', 'federation'] }), startBroker({ plugins: ['shovel', 'federation'] })]);
    await Promise.all([addAdmin(source), addAdmin(target)]);
    work = mkdtempSync(join(tmpdir(), 'warren-conformance-'));
    version = (await read(source)).brokerVersion;
    // The wipe must leave what a fresh node holds, or every comparison below means less.
    const fresh = topology(await read(source), { hashes: false });
    await wipe(source);
    assert.deepEqual(differences(fresh, topology(await read(source), { hashes: false })), []);
    // And the comparison sees a difference when there is one.
    await capture((io) => exportCommand({ env: envFor(source), connection: {}, vhosts: [], stack: 'control', output: join(work, 'control.yaml') }, io));
    const before = topology(await read(source));
    await fetch(`${source.managementUrl}/api/queues/%2F/control`, { method: 'PUT', headers: { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`, 'content-type': 'application/json' }, body: '{"durable":true}' });
    assert.equal(differences(before, topology(await read(source))).length, 1);
  });

  after(async () => {
    rmSync(work ?? '', { recursive: true, force: true });
    await Promise.all([source?.stop(), target?.stop()]);
    const total = files.length;
    const lines = [
      `conformance on RabbitMQ ${version}: ${only ? `(only files matching ${only}) ` : ''}${roundTripped.length} of ${total} corpus files round-trip through export + apply, ${viaRender.length} through render + import_definitions`,
      ...[...notImported].map(([f, why]) => {
        const rewrites = upgraded.get(f);
        const upgrade =
          rewrites !== undefined
            ? `\n    its 3.10.8 export, rewritten by export --for-version 4.0 (${rewrites} rewrites), applies to ${version} and plans empty`
            : !version.startsWith('3.10.') && exportOn310(f) === undefined
              ? '\n    (3.10.8 refuses it too: no 3.x export to upgrade)'
              : '';
        return `  does not import on ${version}: ${f}: ${why}${upgrade}`;
      }),
      ...Object.entries(KNOWN_DIFFERENCES).map(([f, why]) => `  differs for a reason outside warren: ${f}: ${why}`),
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
  });

  for (const name of files) {
    test(name, async (t) => {
      const dir = join(work, name.replace(/\.json$/, ''));
      const definitions = join(work, `${name}.import.json`);
      writeFileSync(definitions, withDeadLoopbacks(readFileSync(join(corpus as string, 'definitions', name), 'utf8')));
      await Promise.all([wipe(source), wipe(target)]);
      const imported = await source.rabbitmqctl(['import_definitions', definitions]);
      if (imported.code !== 0) {
        const why = importError(imported.stderr || imported.stdout) ?? `exit ${imported.code}`;
        notImported.set(name, why.slice(0, 200));
        const from310 = exportOn310(name);
        if (source.version === '3.10' || from310 === undefined) {
          t.skip(`${version} refuses it${source.version === '3.10' ? '' : ' (so does 3.10.8)'}: ${why}`);
          return;
        }
        t.diagnostic(`${version} refuses it: ${why}; going the upgrade way from its 3.10.8 export`);
        upgraded.set(name, await applyUpgraded(from310, dir));
        return;
      }
      const sourceLive = await read(source);
      const sourceTopology = topology(sourceLive);
      // What this file holds, kind by kind: every kind is compared, none is left out silently.
      t.diagnostic(`${sourceTopology.size} objects compared: ${kindCounts(sourceTopology)}`);
      const secrets = uriPasswordsOf(sourceLive);
      if (Object.keys(secrets).length > 0) t.diagnostic(`URI passwords set as ${Object.keys(secrets).join(', ')}`);

      // Export, validate, and plan against the broker it came from.
      const exported = await capture((io) => exportCommand({ env: envFor(source), connection: {}, vhosts: [], stack: 'exported', adopt: true, output: dir }, io));
      assert.equal(exported.code, 0, exported.stderr);
      for (const secret of Object.values(secrets)) {
        for (const f of readdirSync(dir)) assert.ok(!readFileSync(join(dir, f), 'utf8').includes(`:${secret}@`), `${f} holds a URI password`);
      }
      const valid = await capture((io) => validateCommand([dir], { ...io, env: { ...io.env, ...secrets }, cwd: '.' }));
      assert.equal(valid.code, 0, valid.stderr);
      const planRequest = (broker: BrokerHandle) => ({ paths: [dir], env: envFor(broker, secrets), connection: {}, prune: 'managed' as const, format: 'json' as const, detailedExitCode: true });
      const atSource = await capture((io) => planCommand(planRequest(source), io));
      assert.equal(atSource.code, 0, `plan against the source is not empty:\n${atSource.stdout}\n${atSource.stderr}`);
      assert.deepEqual((JSON.parse(atSource.stdout) as { changes: unknown[] }).changes, []);

      // Apply to the empty target; it must plan empty there and hold the same topology.
      const applied = await capture((io) => applyCommand({ paths: [dir], env: envFor(target, secrets), connection: {}, prune: 'managed', autoApprove: true, allowDataLoss: false, concurrency: 16 }, io));
      assert.equal(applied.code, 0, `apply failed:\n${applied.stdout}\n${applied.stderr}`);
      const atTarget = await capture((io) => planCommand(planRequest(target), io));
      assert.equal(atTarget.code, 0, `plan after apply is not empty:\n${atTarget.stdout}\n${atTarget.stderr}`);
      const viaApply = differences(sourceTopology, topology(await read(target)));

      // Render the export and import it with RabbitMQ's own importer into the emptied target.
      const rendered = join(work, `${name}.rendered.json`);
      const render = await capture((io) => renderCommand({ paths: [dir], env: secrets, format: 'definitions', output: rendered }, io));
      assert.equal(render.code, 0, render.stderr);
      // A rendered file never holds a URI's credentials (they are masked, and render says so), so
      // that path compares URIs with their credentials masked on both sides; apply compared them whole.
      for (const secret of Object.values(secrets)) assert.ok(!readFileSync(rendered, 'utf8').includes(`:${secret}@`), 'the rendered file holds a URI password');
      if (Object.keys(secrets).length > 0) t.diagnostic('render + import_definitions: URI credentials masked by design, compared masked');
      await wipe(target);
      const reimported = await target.rabbitmqctl(['import_definitions', rendered]);
      assert.equal(reimported.code, 0, `import_definitions refused the rendered file: ${reimported.stderr}`);
      const viaImport = differences(topology(sourceLive, { hashes: true, maskUriCredentials: true }), topology(await read(target), { hashes: true, maskUriCredentials: true }));

      const known = KNOWN_DIFFERENCES[name];
      if (known !== undefined) {
        assert.ok(viaApply.length + viaImport.length > 0, `${name} now round-trips: remove it from KNOWN_DIFFERENCES`);
        t.diagnostic(`known difference (${known})`);
        return;
      }
      assert.deepEqual(viaApply, [], 'export + apply');
      roundTripped.push(name);
      assert.deepEqual(viaImport, [], 'render + import_definitions');
      viaRender.push(name);
    });
  }

  /**
   * The upgrade way for a file 4.x refuses: a 3.10.8 node's export of it, exported again by warren
   * for 4.0 (mirrored classic queues made quorum), validated, applied to the emptied target, which
   * then plans empty. Returns how many rewrites the export listed (it must list some: 4.x refused
   * the file for a reason the rewrite has to remove).
   */
  async function applyUpgraded(from310: string, dir: string): Promise<number> {
    await wipe(target);
    const file = join(work, `${dir.split('/').pop()}.from-3.10.8.json`);
    writeFileSync(file, withDeadLoopbacks(readFileSync(from310, 'utf8')));
    const exported = await capture((io) => exportCommand({ env: {}, connection: {}, from: file, vhosts: [], stack: 'upgraded', output: dir, forVersion: '4.0', quorumForMirrored: true }, io));
    assert.equal(exported.code, 0, exported.stderr);
    const rewrites = exported.stderr.split('\n').filter((l) => l.startsWith('rewritten: '));
    assert.ok(rewrites.length > 0, `export --for-version 4.0 listed no rewrite:\n${exported.stderr}`);
    const valid = await capture((io) => validateCommand([dir], { ...io, cwd: '.' }));
    assert.equal(valid.code, 0, valid.stderr);
    const applied = await capture((io) => applyCommand({ paths: [dir], env: envFor(target), connection: {}, prune: 'managed', autoApprove: true, allowDataLoss: false, concurrency: 16 }, io));
    assert.equal(applied.code, 0, `apply of the rewritten export failed:\n${applied.stdout}\n${applied.stderr}`);
    const again = await capture((io) => planCommand({ paths: [dir], env: envFor(target), connection: {}, prune: 'managed', format: 'json', detailedExitCode: true }, io));
    assert.equal(again.code, 0, `plan after apply is not empty:\n${again.stdout}\n${again.stderr}`);
    return rewrites.length;
  }
});

/** The corpus' export of a file by a 3.10.8 node that imported it; undefined when 3.10.8 refused it too. */
function exportOn310(name: string): string | undefined {
  const file = join(corpus as string, 'definitions-exported-3.10.8', name.replace(/\.json$/, '.ctl-export.json'));
  return existsSync(file) ? file : undefined;
}

/** `12 queue, 3 federation_upstream, ...`: the kinds of a topology's keys, most first. */
function kindCounts(topology: Map<string, string>): string {
  const counts = new Map<string, number>();
  for (const key of topology.keys()) {
    const kind = key.slice(0, key.indexOf(':'));
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${n} ${k}`).join(', ') || 'nothing';
}


/** rabbitmqctl's reason: the line after a bare "Error:", or the first line that says what failed. */
function importError(output: string): string | undefined {
  const lines = decodeEntities(output).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const at = lines.findIndex((l) => /^Error:?$/.test(l));
  const line = at >= 0 ? lines[at + 1] : lines.find((l) => /error|invalid|does not exist|unrecognised/i.test(l));
  return line === undefined ? undefined : readableReason(line).slice(0, 200);
}

/** Erlang's escaped binaries made readable: `<<"Validation failed\\n[{<<\\"ha-mode\\">>,...` -> `Validation failed [{ha-mode,...`. */
function readableReason(line: string): string {
  let text = line.replaceAll('\\n', ' ').replaceAll('\\"', '"').replaceAll('\\', '');
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/<<"([^"<>]*)">>/g, '$1');
  }
  return text.replace(/^<<"/, '').replace(/">>$/, '').replace(/\s+/g, ' ').trim();
}

/** 4.x's rabbitmqctl prints the HTTP layer's HTML-escaped reason (`&lt;&lt;"ha-mode"&gt;&gt;`). */
function decodeEntities(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
}
