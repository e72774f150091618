// GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`): the runner
// turns them into annotations on the pull request's files. Escaping follows the runner's rules:
// `%`, CR and LF everywhere, and also `:` and `,` inside properties.
import type { Diagnostic, Origin } from '../errors.js';
import { printable } from './format.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** Line breaks become the runner's escapes; other control characters print as visible escapes. */
function escapeData(s: string): string {
  return s
    .split(/\r?\n/)
    .map((line) => printable(line).replace(/%/g, '%25'))
    .join('%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function githubAnnotation(level: AnnotationLevel, message: string, where: { origin?: Origin | undefined; title?: string | undefined } = {}): string {
  const props: string[] = [];
  if (where.origin) props.push(`file=${escapeProperty(where.origin.file)}`, `line=${where.origin.line}`, `col=${where.origin.col}`);
  if (where.title) props.push(`title=${escapeProperty(where.title)}`);
  return `::${level}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(message)}\n`;
}

export function diagnosticAnnotation(d: Diagnostic): string {
  const message = d.endpoint && !d.origin ? `${d.endpoint}: ${d.message}` : d.message;
  return githubAnnotation(d.severity === 'error' ? 'error' : 'warning', message, { origin: d.origin, title: `warren ${d.code}` });
}

/** `--format github`, or no --format inside GitHub Actions. */
export function wantsGithub(format: string | undefined, env: Record<string, string | undefined>): boolean {
  return format === 'github' || (format === undefined && env['GITHUB_ACTIONS'] === 'true');
}
