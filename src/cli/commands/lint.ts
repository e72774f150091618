// `warren lint [PATH...] [--target T | --live FILE]`: best-practice and security rules over the
// spec (and the broker's objects, when one is named). Exit 1 when a finding has severity error.
import { LINT_RULES, readSpecLintSource, runLint } from '../../analyse/lint/index.js';
import { WarrenError } from '../../errors.js';
import { useColor } from '../../render/color.js';
import { wantsGithub } from '../../render/github.js';
import { renderLintGithub, renderLintJson, renderLintSarif, renderLintText, summary } from '../../render/lint.js';
import type { Outcome } from '../exit.js';
import { processIo, type CommandIo } from '../io.js';
import { loadTopology, specTexts, type TopologyRequest } from '../../workflow/load-topology.js';

export type LintFormat = 'text' | 'json' | 'sarif' | 'github';

export interface LintOptions extends TopologyRequest {
  /** Undefined: text, or github inside GitHub Actions. */
  format?: LintFormat | undefined;
  listRules?: boolean | undefined;
}

export async function lintCommand(options: LintOptions, io: CommandIo = processIo()): Promise<Outcome> {
  if (options.listRules) {
    for (const r of LINT_RULES) io.stdout.write(`${r.id} (${r.severity}): ${r.title}\n    why: ${r.why}\n    fix: ${r.fix}\n`);
    return { kind: 'ok' };
  }
  const topology = await loadTopology(options, (line) => io.progress(line));
  const source = readSpecLintSource(specTexts(topology.spec));
  const result = runLint({ model: topology.model, brokerVersion: topology.brokerVersion, clearTextSecrets: source.clearTextSecrets, places: source.places }, source.settings);
  const format: LintFormat = wantsGithub(options.format, io.env) ? 'github' : (options.format ?? 'text');
  switch (format) {
    case 'json':
      io.stdout.write(renderLintJson(result));
      break;
    case 'sarif':
      io.stdout.write(renderLintSarif(result, LINT_RULES));
      break;
    case 'github':
      io.stdout.write(renderLintGithub(result));
      break;
    case 'text':
      io.stdout.write(renderLintText(result, useColor(io.stdout, io.env)));
      break;
  }
  if (result.findings.some((f) => f.severity === 'error')) {
    throw new WarrenError('E_LINT', summary(result), { diagnostics: [{ severity: 'error', code: 'E_LINT', message: summary(result) }] });
  }
  return { kind: 'ok' };
}
