// The spec package: read YAML spec files into the desired Model, offline.
export { loadSpec, assertValidSpec, type LoadedSpec } from './load-spec.js';
export { assertVariablesSet, neededUnresolved, type VariableScope } from './variables.js';
export type { UnresolvedVariable } from './build-tree.js';
export { specSchema, specSchemaText } from './schema.js';
export { interpolate, type Env, type Interpolated } from './interpolate.js';
export { MAX_ALIAS_COUNT } from './yaml-source.js';
