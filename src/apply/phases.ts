// A plan is ordered; changes of one kind and direction do not depend on each other, so each run
// of them is a phase that may go in parallel. Phases themselves run one after the other.
import type { Change } from '../plan/types.js';

export function splitIntoPhases(changes: readonly Change[]): Change[][] {
  const phases: Change[][] = [];
  let current: Change[] = [];
  let currentId = '';
  for (const change of changes) {
    const id = `${change.kind}/${change.action === 'delete' ? 'delete' : 'write'}`;
    if (id !== currentId && current.length > 0) {
      phases.push(current);
      current = [];
    }
    currentId = id;
    current.push(change);
  }
  if (current.length > 0) phases.push(current);
  return phases;
}
