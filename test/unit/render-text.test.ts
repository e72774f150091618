// The text plan against golden files in test/golden/*.txt.
// To accept an intended change: UPDATE_GOLDEN=1 npm run test:unit, then review `git diff test/golden`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderPlanText } from '../../src/render/index.js';
import { matchGolden } from '../support/golden.js';
import { SCENARIOS, plan } from '../support/render-plans.js';
import { exchange, keysOf, queue, vhost } from '../support/build.js';

const ANSI = /\u001b\[[0-9;]*m/g;

describe('text plan: goldens', () => {
  for (const [name, build] of SCENARIOS) {
    it(name, () => matchGolden(`${name}.txt`, renderPlanText(build(), { color: false })));
  }
});

describe('text plan: colour', () => {
  it('adds nothing but ANSI codes when colour is on', () => {
    for (const [, build] of SCENARIOS) {
      const p = build();
      const coloured = renderPlanText(p, { color: true });
      assert.equal(coloured.replace(ANSI, ''), renderPlanText(p, { color: false }));
    }
  });

  it('has no escape codes when colour is off', () => {
    for (const [, build] of SCENARIOS) assert.doesNotMatch(renderPlanText(build(), { color: false }), /\u001b/);
  });

  it('colours create green, update yellow, delete red and the summary bold', () => {
    const p = plan([vhost('v', { description: 'd' }), queue('v', 'q')], [vhost('v'), exchange('v', 'old')], {
      ownership: new Map([['orders', keysOf(exchange('v', 'old'))]]),
    });
    const out = renderPlanText(p, { color: true });
    assert.match(out, /^ {2}\u001b\[33m~\u001b\[39m \u001b\[1mvhost v/m);
    assert.match(out, /^ {2}\u001b\[32m\+\u001b\[39m \u001b\[1mqueue v\/q/m);
    assert.match(out, /^ {2}\u001b\[31m-\u001b\[39m \u001b\[1mexchange v\/old/m);
    assert.match(out, /\u001b\[1mPlan: 1 to create, 1 to update, 0 to replace, 1 to delete, 0 unchanged\.\u001b\[22m/);
  });

  it('shows a replace as red minus, green plus', () => {
    const out = renderPlanText(plan([queue('v', 'q', { type: 'quorum' })], [queue('v', 'q')]), { color: true });
    assert.match(out, /^\u001b\[31m-\u001b\[39m\/\u001b\[32m\+\u001b\[39m /m);
  });
});

describe('text plan: wording', () => {
  it('ends with the summary line', () => {
    const out = renderPlanText(plan([vhost('v'), queue('v', 'q')], [vhost('v')]), { color: false });
    assert.ok(out.endsWith('Plan: 1 to create, 0 to update, 0 to replace, 0 to delete, 1 unchanged.\n'));
  });

  it('says "1 object" and "No changes" when nothing changes', () => {
    const p = plan([vhost('v')], [vhost('v')], { ownership: new Map([['orders', keysOf(vhost('v'))]]) });
    assert.equal(renderPlanText(p, { color: false }), 'No changes. The broker matches the spec (1 object).\n');
  });

  it('never lets a name write control characters to the terminal', () => {
    const out = renderPlanText(plan([queue('v', 'evil\u001b[2Jname\u202e')], []), { color: false });
    assert.doesNotMatch(out, /\u001b|\u202e/);
    assert.match(out, /queue v\/evil\\u001b\[2Jname\\u202e/);
  });

  it('marks each forcing field and argument with # forces replacement', () => {
    const out = renderPlanText(plan([queue('v', 'q', { type: 'quorum', arguments: { 'x-max-length': 10 } })], [queue('v', 'q')]), { color: false });
    assert.match(out, /# forces replacement: arguments\.x-max-length, type\n/);
    assert.match(out, /\+ "x-max-length": 10 {2}# forces replacement\n/);
    assert.match(out, /~ type {6}= "classic" -> "quorum" {2}# forces replacement\n/);
  });
});
