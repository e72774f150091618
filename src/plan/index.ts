export * from './types.js';
export { planChanges } from './plan.js';
export { isProtected } from './prune.js';
