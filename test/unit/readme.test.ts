// README's sample plan is what warren prints: the block under "What a plan means" is the golden
// file of the `readme` scenario (test/support/render-plans.ts), byte for byte.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GOLDEN_DIR } from '../support/golden.js';

test("README's sample plan is the rendered plan of the readme scenario", () => {
  const readme = readFileSync(join(GOLDEN_DIR, '..', '..', 'README.md'), 'utf8');
  const heading = readme.indexOf('## What a plan means');
  assert.ok(heading >= 0, 'README has no "What a plan means" section');
  const open = readme.indexOf('```\n', heading);
  const close = readme.indexOf('```', open + 4);
  assert.ok(open > heading && close > open, 'the section has no code block');
  assert.equal(readme.slice(open + 4, close), readFileSync(join(GOLDEN_DIR, 'readme.txt'), 'utf8'));
});
