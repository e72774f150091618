// `warren schema`: the JSON Schema of the spec format, for editors and other tools.
import { specSchemaText } from '../../spec/schema.js';
import type { Outcome } from '../exit.js';

export async function schemaCommand(stdout: { write(s: string): unknown } = process.stdout): Promise<Outcome> {
  const text = specSchemaText();
  stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return { kind: 'ok' };
}
