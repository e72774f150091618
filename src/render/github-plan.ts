// A plan as GitHub annotations: one notice per change at the object's place in the spec (a delete
// has no place: it is annotated without a file), and the plan's warnings as warnings.
import type { Plan } from '../plan/index.js';
import type { Resource } from '../model/types.js';
import { diagnosticAnnotation, githubAnnotation } from './github.js';

const VERB = { create: 'create', update: 'update in place', replace: 'replace (delete and create)', delete: 'delete' } as const;

export function renderPlanGithub(plan: Plan): string {
  let out = '';
  for (const d of plan.diagnostics) out += diagnosticAnnotation(d);
  for (const c of plan.changes) {
    const desired = ('after' in c ? c.after : undefined) as Resource | undefined;
    const fields = c.fields.map((f) => f.field).filter((f, i, all) => all.indexOf(f) === i);
    const detail = fields.length > 0 ? ` (${fields.join(', ')})` : '';
    const loss = c.dataLoss ? `; holds ${Number.isFinite(c.dataLoss.messages) ? c.dataLoss.messages : 'an unknown number of'} messages` : '';
    out += githubAnnotation(c.dataLoss ? 'warning' : 'notice', `${VERB[c.action]} ${c.title}${detail}${loss}`, { origin: desired?.origin, title: `warren plan: ${c.action}` });
  }
  return `${out}plan: ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'}\n`;
}
