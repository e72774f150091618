// js-yaml's errors as diagnostics. Only its `reason` and `mark` are used, never its `message`,
// which quotes the source line (and that line may hold a password). Errors that name a node (an
// unknown alias or tag, a bad merge) are placed at that node, found from where the parser opened it.
import type { YAMLException } from 'js-yaml';
import type { Code, Diagnostic, Origin } from '../errors.js';
import { MAX_ALIAS_EXPANSION_NODES, type YamlNode } from './yaml-nodes.js';
import { Scanner } from './yaml-scanner.js';

/** The node the parser was reading when it stopped. */
export interface OpenNode {
  open: number;
  line: number;
  lineStart: number;
  children: readonly YamlNode[];
}

export interface ErrorPlace {
  file: string;
  text: string;
  open: OpenNode | undefined;
  /** Where a second document starts, if the file has one. */
  secondDocument: Origin | undefined;
}

export function yamlErrorDiagnostic(err: YAMLException, at: ErrorPlace): Diagnostic {
  const reason = err.reason || 'not valid YAML';
  const { file, open } = at;
  const error = (message: string, origin: Origin | undefined, code: Code = 'E_YAML'): Diagnostic => ({ severity: 'error', code, message, origin: origin ?? markOrigin(err, file) });
  const alias = /^unidentified alias "(.*)"$/.exec(reason);
  if (alias) {
    const name = alias[1] ?? '';
    const origin = open && new Scanner(at.text).at(open.open, open.line, open.lineStart).skipSpace().origin(file);
    return error(`unknown alias \`*${name}\`: an anchor \`&${name}\` must come before it`, origin);
  }
  if (/^(unknown tag|unacceptable node kind for|cannot resolve a node with|undeclared tag handle)/.test(reason)) {
    const tag = open && tagOf(open, at);
    const name = /!<(.*)>/.exec(reason)?.[1] ?? tag?.text ?? '';
    return error(`Unresolved tag: ${name} (warren knows no custom YAML tags)`, tag?.origin);
  }
  if (reason.startsWith('merge keys exceeded')) {
    return error(`aliases expand to more than ${MAX_ALIAS_EXPANSION_NODES} values: the file is not read further`, undefined, 'E_YAML_ALIAS');
  }
  if (reason.startsWith('cannot merge mappings')) {
    // Thrown as the mapping stores the pair: the value just read is the one that is not a mapping.
    return error('`<<` can only merge mappings', open?.children[open.children.length - 1]?.origin);
  }
  if (reason.startsWith('expected a single document')) {
    return error('a spec file holds one YAML document: remove the `---` that starts a second one', at.secondDocument);
  }
  // Some reasons end with a piece of the source (`tag name is malformed: ...`): cut it off.
  const colon = reason.indexOf(': ');
  return error(colon < 0 ? reason : reason.slice(0, colon), undefined);
}

function markOrigin(err: YAMLException, file: string): Origin {
  const mark = err.mark as YAMLException['mark'] | undefined;
  return mark ? { file, line: mark.line + 1, col: mark.column + 1 } : { file, line: 1, col: 1 };
}

/** The `!tag` property of the node being read, and where it is written. */
function tagOf(open: OpenNode, at: ErrorPlace): { text: string; origin: Origin } | undefined {
  const scan = new Scanner(at.text).at(open.open, open.line, open.lineStart);
  for (;;) {
    scan.skipSpace();
    const start = scan.offset;
    const origin = scan.origin(at.file);
    const kind = scan.skipProperty();
    if (kind === undefined) return undefined;
    if (kind === '!') return { text: at.text.slice(start, scan.offset), origin };
  }
}
