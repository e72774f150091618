export * from './types.js';
export { planChanges } from './plan.js';
export { isProtected } from './prune.js';
export { HOLDING_QUEUE_PREFIX, blockedMigrations, holdingQueueName, needsQueueFacts, originalOfHolding, resolveMigrations, type MigrationFlags } from './migration.js';
