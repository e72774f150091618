// How a plan is shown: text for terminals, JSON for machines, Markdown for pull requests.
export { renderPlanText, writePlanText, type TextOptions } from './text.js';
export { renderPlanJson, PLAN_JSON_FORMAT_VERSION } from './json.js';
export { renderPlanMarkdown } from './markdown.js';
export { useColor } from './color.js';
export { renderTargets, renderTargetsJson, targetHeading, targetsSummary, type TargetPart, TARGETS_JSON_FORMAT_VERSION } from './targets.js';
