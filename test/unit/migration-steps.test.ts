// The migration's next step, inferred from broker state alone: every state a crash can leave
// (between any two steps) maps to the step that continues from it, and the procedure walked
// from the start reaches `done` in the documented order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextStep, type BindingEnd, type Observed } from '../../src/apply/migrate/next-step.js';

const k: BindingEnd = { source: 'x', routing_key: 'k', arguments: {} };
const h: BindingEnd = { source: 'h', routing_key: '', arguments: { 'x-match': 'all', a: 1 } };

const state = (original: false | { new: boolean; bindings: BindingEnd[] }, holding: false | BindingEnd[]): Observed => ({
  original: original === false ? { exists: false } : { exists: true, bindings: original.bindings, matchesDesired: original.new },
  holding: holding === false ? { exists: false } : { exists: true, bindings: holding },
});

describe('migration: next step from broker state', () => {
  it('walks the whole procedure in order', () => {
    const seen: string[] = [];
    // A tiny model of the broker, changed the way run-migration.ts changes it.
    let s = state({ new: false, bindings: [k, h] }, false);
    for (let i = 0; i < 20; i++) {
      const step = nextStep(s);
      seen.push(step.step === 'switch-bindings' || step.step === 'unbind' || step.step === 'drain-and-delete' ? `${step.step} ${step.direction}` : step.step);
      if (step.step === 'done') break;
      const o = s.original;
      const held = s.holding.exists ? s.holding.bindings : [];
      switch (step.step) {
        case 'declare-holding':
          s = state(o.exists ? { new: o.matchesDesired === true, bindings: o.bindings } : false, []);
          break;
        case 'declare-new':
          s = state({ new: true, bindings: [] }, held);
          break;
        case 'switch-bindings':
          s = step.direction === 'out' ? state({ new: false, bindings: [] }, step.bindings) : state({ new: true, bindings: step.bindings }, []);
          break;
        case 'unbind':
          s = step.direction === 'out' ? state({ new: false, bindings: [] }, held) : state({ new: true, bindings: o.exists ? o.bindings : [] }, []);
          break;
        case 'drain-and-delete':
          s = step.direction === 'out' ? state(false, held) : state({ new: true, bindings: o.exists ? o.bindings : [] }, false);
          break;
      }
    }
    assert.deepEqual(seen, ['declare-holding', 'switch-bindings out', 'drain-and-delete out', 'declare-new', 'switch-bindings back', 'drain-and-delete back', 'done']);
  });

  it('resumes from every state a crash can leave', () => {
    const cases: [string, Observed, string][] = [
      ['holding declared, nothing moved', state({ new: false, bindings: [k] }, []), 'switch-bindings'],
      ['holding bound with one of two bindings', state({ new: false, bindings: [k, h] }, [k]), 'switch-bindings'],
      ['holding bound, original still bound', state({ new: false, bindings: [k, h] }, [h, k]), 'unbind'],
      ['original unbound, messages left', state({ new: false, bindings: [] }, [k]), 'drain-and-delete'],
      ['original deleted', state(false, [k]), 'declare-new'],
      ['new queue declared, unbound', state({ new: true, bindings: [] }, [k]), 'switch-bindings'],
      ['new queue bound, holding still bound', state({ new: true, bindings: [k] }, [k]), 'unbind'],
      ['holding unbound', state({ new: true, bindings: [k] }, []), 'drain-and-delete'],
      ['finished', state({ new: true, bindings: [k] }, false), 'done'],
      ['nothing there at all', state(false, false), 'declare-new'],
    ];
    for (const [what, observed, expected] of cases) assert.equal(nextStep(observed).step, expected, what);
  });

  it('moves the holding queue with the original bindings, arguments compared whatever their key order', () => {
    const reordered: BindingEnd = { source: 'h', routing_key: '', arguments: { a: 1, 'x-match': 'all' } };
    assert.equal(nextStep(state({ new: true, bindings: [reordered] }, [h])).step, 'unbind');
    const step = nextStep(state({ new: true, bindings: [] }, [h, k]));
    assert.equal(step.step === 'switch-bindings' && step.direction, 'back');
    assert.deepEqual(step.step === 'switch-bindings' ? step.bindings : [], [h, k]);
  });
});
