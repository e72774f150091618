// The CLI is a thin shell over a library: a program can load a spec and plan it without the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as warren from '../../src/index.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');

test('the library plans the example against its bundled definitions export', async () => {
  const spec = warren.loadSpec([EXAMPLES], {});
  warren.assertValidSpec(spec);
  const live = await warren.readDefinitionsFile(join(EXAMPLES, 'live', 'definitions.json'));
  const desired = warren.resolveCredentials(spec.model.resources, live.model.resources);
  const plan = warren.planChanges({ stack: spec.stack ?? '', desired, live: live.model.resources, ownership: live.ownership, prune: 'managed', specVhosts: new Set(spec.vhosts) });
  assert.deepEqual(plan.summary, { create: 1, update: 1, replace: 1, delete: 2, unchanged: 41 });
  assert.match(warren.renderPlanText(plan, { color: false }), /^Plan: 1 to create, 1 to update, 1 to replace, 2 to delete, 41 unchanged\.$/m);
});
