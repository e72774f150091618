// Pure reasoning over a topology model: which policy applies and the settings that result,
// where a message goes, and the lint rules.
export { effectiveSettings, describeSource, RESOLVERS, type Effective, type Setting, type Source } from './effective.js';
export { judgePolicies, policyMatches, winnerOf, type Verdict } from './policy-match.js';
export { topicMatches, headersMatch, walkRoute, type HeaderValue } from './match.js';
export { routeMessage, deadLetterPaths, topologyOf, type Message, type RouteResult, type DeadLetterPath, type Hop } from './route.js';
export { LINT_RULES, runLint, readSpecLintSource, type Finding, type LintInput, type LintResult, type LintRule, type LintSettings } from './lint/index.js';
