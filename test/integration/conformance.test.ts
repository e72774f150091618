// Conformance: every file of the definitions corpus (shared/corpus/definitions, beside the
// repository) goes round trip through warren on real RabbitMQ 3.10.8 nodes.
//   1. rabbitmqctl import_definitions into the source node (files 3.10.8 refuses are reported and skipped);
//   2. warren export (a folder: one file per vhost, users.yaml), which must validate;
//   3. warren plan of the export (made with --adopt) against the source: no changes, exit 0;
//   4. warren apply of the export to the empty target node, then plan there: no changes;
//   5. source and target compared object by object (readBroker, live facts left out);
//   6. warren render of the export, import_definitions into the emptied target, compared again.
// Two nodes for the whole suite, wiped between files. Objects warren leaves out by design (the
// broker's amq.* exchanges, exclusive and server-named queues, plugins' own objects, bindings to
// those) are left out of both sides of the comparison by the same rules the export uses.
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
import { type BrokerHandle, skipUnlessBroker, startBroker } from '../harness/broker.js';
import { ADMIN, addAdmin, capture, differences, topology, wipe, withDeadLoopbacks } from '../support/conformance.js';
import { corpusDir } from '../support/corpus.js';

const brokerSkip = skipUnlessBroker();
const corpus = corpusDir();
const skip = brokerSkip || (corpus ? false : 'definitions corpus not found beside the repository (../shared/corpus); set WARREN_CORPUS to its folder');
const files = corpus ? readdirSync(join(corpus, 'definitions')).filter((f) => f.endsWith('.json')).sort() : [];

/**
 * Files whose round trip differs for a reason outside warren, with that reason. Kept honest: the
 * suite fails when one of them stops differing.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {};

function envFor(broker: BrokerHandle): Record<string, string> {
  return {
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

  before(async () => {
    [source, target] = await Promise.all([startBroker({ plugins: ['shovel', 'federation'] }), startBroker({ plugins: ['shovel', 'federation'] })]);
    await Promise.all([addAdmin(source), addAdmin(target)]);
    work = mkdtempSync(join(tmpdir(), 'warren-conformance-'));
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
      `conformance: ${roundTripped.length} of ${total} corpus files round-trip through export + apply, ${viaRender.length} through render + import_definitions`,
      ...[...notImported].map(([f, why]) => `  does not import on 3.10.8: ${f}: ${why}`),
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
        t.skip(`3.10.8 refuses it: ${why}`);
        return;
      }
      const sourceTopology = topology(await read(source));
      t.diagnostic(`${sourceTopology.size} objects compared`);

      // Export, validate, and plan against the broker it came from.
      const exported = await capture((io) => exportCommand({ env: envFor(source), connection: {}, vhosts: [], stack: 'exported', adopt: true, output: dir }, io));
      assert.equal(exported.code, 0, exported.stderr);
      const valid = await capture((io) => validateCommand([dir], { ...io, cwd: '.' }));
      assert.equal(valid.code, 0, valid.stderr);
      const planRequest = (broker: BrokerHandle) => ({ paths: [dir], env: envFor(broker), connection: {}, prune: 'managed' as const, format: 'json' as const, detailedExitCode: true });
      const atSource = await capture((io) => planCommand(planRequest(source), io));
      assert.equal(atSource.code, 0, `plan against the source is not empty:\n${atSource.stdout}\n${atSource.stderr}`);
      assert.deepEqual((JSON.parse(atSource.stdout) as { changes: unknown[] }).changes, []);

      // Apply to the empty target; it must plan empty there and hold the same topology.
      const applied = await capture((io) => applyCommand({ paths: [dir], env: envFor(target), connection: {}, prune: 'managed', autoApprove: true, allowDataLoss: false, concurrency: 16 }, io));
      assert.equal(applied.code, 0, `apply failed:\n${applied.stdout}\n${applied.stderr}`);
      const atTarget = await capture((io) => planCommand(planRequest(target), io));
      assert.equal(atTarget.code, 0, `plan after apply is not empty:\n${atTarget.stdout}\n${atTarget.stderr}`);
      const viaApply = differences(sourceTopology, topology(await read(target)));

      // Render the export and import it with RabbitMQ's own importer into the emptied target.
      const rendered = join(work, `${name}.rendered.json`);
      const render = await capture((io) => renderCommand({ paths: [dir], env: {}, format: 'definitions', output: rendered }, io));
      assert.equal(render.code, 0, render.stderr);
      await wipe(target);
      const reimported = await target.rabbitmqctl(['import_definitions', rendered]);
      assert.equal(reimported.code, 0, `import_definitions refused the rendered file: ${reimported.stderr}`);
      const viaImport = differences(sourceTopology, topology(await read(target)));

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
});

/** rabbitmqctl's reason: the line after a bare "Error:", or the first line that says what failed. */
function importError(output: string): string | undefined {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const at = lines.findIndex((l) => /^Error:?$/.test(l));
  const line = at >= 0 ? lines[at + 1] : lines.find((l) => /error|invalid|does not exist|unrecognised/i.test(l));
  return line?.slice(0, 200);
}
