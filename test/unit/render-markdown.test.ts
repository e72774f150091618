// The Markdown plan against golden files in test/golden/*.md.
// To accept an intended change: UPDATE_GOLDEN=1 npm run test:unit, then review `git diff test/golden`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderPlanMarkdown } from '../../src/render/index.js';
import { matchGolden } from '../support/golden.js';
import { SCENARIOS, plan } from '../support/render-plans.js';
import { policy, queue, vhost } from '../support/build.js';

/** Splits a table row the way GFM does: on pipes not escaped by a backslash pair. */
function cells(row: string): string[] {
  const out: string[] = [];
  let cell = '';
  for (let i = 1; i < row.length - 1; i++) {
    const ch = row[i];
    if (ch === '\\') {
      cell += row.slice(i, i + 2);
      i++;
    } else if (ch === '|') {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  return [...out, cell];
}

describe('markdown plan: goldens', () => {
  for (const [name, build] of SCENARIOS) {
    it(name, () => matchGolden(`${name}.md`, renderPlanMarkdown(build())));
  }
});

describe('markdown plan: user data', () => {
  it('keeps every table row at three cells whatever the names hold', () => {
    for (const [, build] of SCENARIOS) {
      for (const row of renderPlanMarkdown(build()).split('\n').filter((l) => l.startsWith('| '))) {
        assert.equal(cells(row).length, 3, row);
      }
    }
  });

  it('prints names that a code span cannot hold as entity-escaped <code>', () => {
    const out = renderPlanMarkdown(plan([vhost('v'), queue('v', 'a|b`c')], [vhost('v')]));
    assert.match(out, /<code>queue v\/a&#124;b&#96;c<\/code>/);
  });

  it('prints plain names as code spans, so @mentions, emoji and maths stay inert', () => {
    const out = renderPlanMarkdown(plan([vhost('v'), queue('v', '@team :tada: $x$')], [vhost('v')]));
    assert.match(out, /`queue v\/@team :tada: \$x\$`/);
  });

  it('uses a fence longer than any backtick run in a diff', () => {
    const out = renderPlanMarkdown(plan([policy('v', 'p', { definition: { 'a```b': 1 } })], [policy('v', 'p')]));
    assert.match(out, /^````diff$/m);
  });

  it('calls out data loss before the table', () => {
    const out = renderPlanMarkdown(SCENARIOS.find(([n]) => n === 'data-loss')?.[1]() ?? assert.fail());
    const callout = out.indexOf('[!CAUTION]');
    const table = out.indexOf('| Action |');
    assert.ok(callout >= 0, 'the data-loss callout is missing');
    assert.ok(table >= 0, 'the table is missing');
    assert.ok(callout < table, 'the callout comes after the table');
  });
});
