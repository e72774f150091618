// The library entry point: everything the CLI does is importable by other programs. The pipeline,
// in order: load a spec, read the live side, plan (pure), render, apply; workflow/ strings the
// stages together exactly as the CLI runs them.
export * from './errors.js';
export * from './model/index.js';
export { resolveCredentials } from './model/credentials.js';
export { adaptToVersion } from './model/compat.js';
export * from './spec/index.js';
export { ManagementClient, type ManagementClientOptions } from './live/management-client.js';
export { readBroker, readMessageCounts } from './live/read-broker.js';
export { readDefinitions, readDefinitionsFile } from './live/read-definitions.js';
export type { LiveState } from './live/types.js';
export { BrokerWriter } from './apply/broker-writer.js';
export { AmqpWriter } from './apply/amqp-writer.js';
export * from './plan/index.js';
export * from './render/index.js';
export * from './analyse/index.js';
export { applyPlan, refuseDataLoss, type ApplyOptions, type ApplyTarget } from './apply/apply.js';
export { BrokerApplyTarget } from './apply/broker-target.js';
export { planSpec, type PlanRequest, type PreparedPlan } from './workflow/plan-spec.js';
export { applySpec, type ApplyRequest } from './workflow/apply-spec.js';
export { planTargets, type MultiPlanRequest, type TargetOutcome } from './workflow/plan-targets.js';
export { applyTargets, type MultiApplyRequest, type MultiApplyHooks } from './workflow/apply-targets.js';
export { applySavedPlan, type SavedPlanRequest } from './workflow/apply-saved-plan.js';
export type { ApplyHooks, ApplyOptions as ApplyRunOptions, ApplyResult } from './workflow/apply-hooks.js';
export { exportLive, type ExportRequest } from './workflow/export-live.js';
export { resolveTarget, type ConnectionFlags, type Env } from './workflow/resolve-target.js';
export { loadTopology, type TopologyRequest, type Topology } from './workflow/load-topology.js';
export { explainObject, findObject, type ExplainRequest, type Explained } from './workflow/explain-object.js';
