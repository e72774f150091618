// `warren explain VHOST/NAME [PATH...]`: one queue's or exchange's effective settings and where each
// comes from; against a broker (--target, --management), also what the broker reports.
import { useColor } from '../../render/color.js';
import { compareWithBroker, renderExplainJson, renderExplainText } from '../../render/explain.js';
import { explainObject, type ExplainRequest } from '../../workflow/explain-object.js';
import type { Outcome } from '../exit.js';
import { processIo, type CommandIo } from '../io.js';

export interface ExplainOptions extends ExplainRequest {
  format: 'text' | 'json';
}

export async function explainCommand(options: ExplainOptions, io: CommandIo = processIo()): Promise<Outcome> {
  const { effective, broker } = await explainObject(options, (line) => io.progress(line));
  const comparison = broker ? compareWithBroker(effective, broker) : undefined;
  io.stdout.write(options.format === 'json' ? renderExplainJson(effective, comparison) : renderExplainText(effective, comparison, useColor(io.stdout, io.env)));
  return { kind: 'ok' };
}
