// How lint findings are shown: text for people, JSON for scripts, SARIF 2.1.0 for GitHub code
// scanning, and workflow commands for annotations in a GitHub Actions run.
import { formatOrigin } from '../errors.js';
import type { Finding, LintResult, LintRule } from '../analyse/lint/index.js';
import { WARREN_VERSION } from '../version.js';
import { palette } from './color.js';
import { printable } from './format.js';
import { githubAnnotation } from './github.js';

export const LINT_JSON_FORMAT_VERSION = 1;

export function renderLintText(result: LintResult, color: boolean): string {
  const c = palette(color);
  const lines: string[] = [];
  for (const f of result.findings) {
    const where = f.origin ? `${printable(formatOrigin(f.origin))}: ` : '';
    const sev = f.severity === 'error' ? c.red('error') : f.severity === 'warning' ? c.yellow('warning') : 'note';
    lines.push(`${where}${sev} ${f.rule}: ${printable(f.object)}: ${printable(f.message)}`);
    lines.push(`    why: ${f.why}`);
    lines.push(`    fix: ${f.fix}`);
  }
  for (const id of result.unknownRules) lines.push(`${c.yellow('warning')}: lint settings name rule ${printable(JSON.stringify(id))}, which does not exist (see \`warren lint --list-rules\`)`);
  lines.push(summary(result));
  return `${lines.join('\n')}\n`;
}

export function summary(result: LintResult): string {
  const count = (s: Finding['severity']) => result.findings.filter((f) => f.severity === s).length;
  const off = result.suppressed > 0 ? `, ${result.suppressed} switched off in the spec` : '';
  if (result.findings.length === 0) return `lint: no findings${off}`;
  return `lint: ${count('error')} errors, ${count('warning')} warnings, ${count('note')} notes${off}`;
}

export function renderLintJson(result: LintResult): string {
  const findings = result.findings.map((f) => ({ rule: f.rule, severity: f.severity, object: f.object, message: f.message, file: f.origin?.file ?? null, line: f.origin?.line ?? null, col: f.origin?.col ?? null, why: f.why, fix: f.fix }));
  return `${JSON.stringify({ format_version: LINT_JSON_FORMAT_VERSION, findings, suppressed: result.suppressed, unknown_rules: result.unknownRules }, null, 2)}\n`;
}

export function renderLintGithub(result: LintResult): string {
  let out = '';
  for (const f of result.findings) {
    out += githubAnnotation(f.severity === 'note' ? 'notice' : f.severity, `${f.object}: ${f.message}\nwhy: ${f.why}\nfix: ${f.fix}`, { origin: f.origin, title: `warren lint ${f.rule}` });
  }
  return `${out}${summary(result)}\n`;
}

/** SARIF 2.1.0, the shape github/codeql-action/upload-sarif reads. */
export function renderLintSarif(result: LintResult, rules: readonly LintRule[]): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'warren',
            version: WARREN_VERSION,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: r.why },
              help: { text: `Fix: ${r.fix}` },
              defaultConfiguration: { level: r.severity },
            })),
          },
        },
        results: result.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: rules.findIndex((r) => r.id === f.rule),
          level: f.severity,
          message: { text: `${f.object}: ${f.message}` },
          locations: f.origin ? [{ physicalLocation: { artifactLocation: { uri: f.origin.file.replace(/\\/g, '/').replace(/^\.\//, '') }, region: { startLine: f.origin.line, startColumn: f.origin.col } } }] : [],
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
