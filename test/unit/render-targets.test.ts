// The output of several targets: a part per target under its heading, in the order asked for,
// then one summary; JSON wraps each target's plan as --format json writes it alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WarrenError } from '../../src/errors.js';
import { renderPlanJson, renderPlanText, renderTargets, renderTargetsJson } from '../../src/render/index.js';
import { planOf, queue, vhost } from '../support/build.js';

const changed = planOf([vhost('v'), queue('v', 'q')], [vhost('v')]);
const same = planOf([vhost('v')], [vhost('v')]);
const down = new WarrenError('E_CONNECT', 'cannot reach the management API at http://ap:15672: connection refused (ECONNREFUSED)', { endpoint: 'http://ap:15672' });

test('text: each target under its heading, the failed one with its error, then one summary', () => {
  const out = renderTargets(
    [
      { target: 'eu', plan: changed, rendered: renderPlanText(changed, { color: false }) },
      { target: 'us', plan: same, rendered: renderPlanText(same, { color: false }) },
      { target: 'ap', error: down },
    ],
    'text',
  );
  const parts = out.split(/^=== target (\w+) ===$/m);
  assert.deepEqual([parts[1], parts[3], parts[5]], ['eu', 'us', 'ap']);
  assert.match(parts[2] ?? '', /\+ queue v\/q/);
  assert.match(parts[4] ?? '', /No changes/);
  assert.match(parts[6] ?? '', /^http:\/\/ap:15672: error E_CONNECT: cannot reach/m);
  assert.ok(out.endsWith('Summary of 3 targets (1 failed):\n  eu: 1 to create, 0 to update, 0 to replace, 0 to delete, 1 unchanged\n  us: no changes (the ownership record will be updated)\n  ap: failed (E_CONNECT)\n'), out);
});

test('markdown: a heading per target and the error in a code block', () => {
  const out = renderTargets([{ target: 'ap', error: down }], 'markdown');
  assert.match(out, /^## Target `ap`\n\n```\nhttp:\/\/ap:15672: error E_CONNECT: .*\n```\n/);
});

test('json: every plan exactly as --format json writes it alone, errors by code', () => {
  const doc = JSON.parse(renderTargetsJson([{ target: 'eu', plan: changed }, { target: 'ap', error: down }])) as { format_version: string; targets: { target: string; plan?: unknown; error?: { code: string } }[] };
  assert.equal(doc.format_version, '1');
  assert.deepEqual(doc.targets[0]?.plan, JSON.parse(renderPlanJson(changed)));
  assert.deepEqual(doc.targets[1], { target: 'ap', error: { code: 'E_CONNECT', message: down.message } });
});
