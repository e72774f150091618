// Stage 1: one file's text -> a yaml Document that remembers positions. Syntax errors and alias
// bombs become diagnostics here; a file with either goes no further.
import { LineCounter, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml';
import type { Diagnostic, Origin } from '../errors.js';

export interface SourceFile {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/**
 * yaml's own guard against billion-laughs documents: it throws once an anchor's expansions times
 * the aliases nested in it pass this number. Generous enough for a spec that shares one argument
 * block across thousands of queues; an exponential bomb passes it within a few levels.
 */
export const MAX_ALIAS_COUNT = 10_000;

/** 1-based line and column of an offset: a binary search over the line starts yaml recorded. */
export function originAt(source: Pick<SourceFile, 'file' | 'lineCounter'>, offset: number): Origin {
  // Same answer as lineCounter.linePos(), without its intermediate object per call: this runs
  // for every node of the file.
  const starts = source.lineCounter.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { file: source.file, line: lo + 1, col: offset - (starts[lo] ?? 0) + 1 };
}

export function parseSource(file: string, text: string, diagnostics: Diagnostic[]): SourceFile | undefined {
  const lineCounter = new LineCounter();
  // prettyErrors off: its messages quote the source line, and that line may hold a password.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const source: SourceFile = { file, text, doc, lineCounter };
  const before = diagnostics.length;
  const lines = new Set<number>();
  for (const problem of [...doc.errors, ...doc.warnings]) {
    // One mistake in a flow collection makes the parser report every token after it; the first
    // error on a line is the one that helps.
    const origin = originAt(source, problem.pos[0]);
    if (lines.has(origin.line)) continue;
    lines.add(origin.line);
    diagnostics.push({
      severity: 'error',
      code: 'E_YAML',
      message: yamlMessage(problem.code, problem.message, text.slice(problem.pos[0], problem.pos[1])),
      origin,
    });
  }
  if (diagnostics.length > before) return undefined;
  if (!checkAliases(source, diagnostics)) return undefined;
  return source;
}

/**
 * yaml's messages may end with the offending source text (`Unexpected scalar token in YAML
 * stream: "..."`, `Not a YAML token: ...`), and that text may be a password: keep only what
 * comes before it. Tag names and duplicate keys are names, safe to show.
 */
function yamlMessage(code: string, message: string, excerpt: string): string {
  const first = message.split('\n')[0] ?? message;
  if (code === 'DUPLICATE_KEY' && excerpt.length > 0 && excerpt.length <= 80 && !excerpt.includes('\n')) {
    return `duplicate key \`${excerpt}\`: keys must be unique within a mapping`;
  }
  if (code === 'TAG_RESOLVE_FAILED') return `${first} (warren knows no custom YAML tags)`;
  const colon = first.indexOf(': ');
  return colon < 0 ? first : first.slice(0, colon);
}

/** Lets yaml's maxAliasCount judge the document before anything expands an alias. */
function checkAliases(source: SourceFile, diagnostics: Diagnostic[]): boolean {
  if (!source.text.includes('*')) return true; // no alias can exist: skip the walk
  let firstAlias: YamlNode | undefined;
  visit(source.doc, {
    Alias(_key, node) {
      firstAlias = node;
      return visit.BREAK;
    },
  });
  if (!firstAlias) return true;
  try {
    source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /resource exhaustion|alias count/i.test(err.message)) {
      diagnostics.push({
        severity: 'error',
        code: 'E_YAML_ALIAS',
        message: `aliases expand past ${MAX_ALIAS_COUNT} copies: this looks like a "billion laughs" document, so it is not read further`,
        origin: originAt(source, firstAlias.range?.[0] ?? 0),
      });
      return false;
    }
    // Other failures (an unknown anchor, a bad merge) are reported with a position by build-tree.
  }
  return true;
}
