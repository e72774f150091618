// The library entry point: everything the CLI does is importable by other programs. The pipeline,
// in order: load a spec, read the live side, plan (pure), render, apply.
export * from './errors.js';
export * from './model/index.js';
export { resolveCredentials } from './model/credentials.js';
export { adaptToVersion } from './model/compat.js';
export * from './spec/index.js';
export { ManagementClient, type ManagementClientOptions } from './live/management-client.js';
export { readBroker, readMessageCounts } from './live/read-broker.js';
export { readDefinitions, readDefinitionsFile } from './live/read-definitions.js';
export type { LiveState } from './live/types.js';
export { BrokerWriter } from './live/broker-writer.js';
export { AmqpWriter } from './live/amqp-writer.js';
export * from './plan/index.js';
export * from './render/index.js';
export { applyPlan, refuseDataLoss, type ApplyOptions, type ApplyTarget } from './apply/apply.js';
export { BrokerApplyTarget } from './apply/broker-target.js';
export { preparePlan, type PlanRequest, type PreparedPlan } from './cli/get-plan.js';
