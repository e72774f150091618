// The URI passwords an export reads from variables (WARREN_..._PASSWORD), with their values from
// the live source: the environment a test sets so that the export plans to no changes.
import { uriPasswordVariables } from '../../src/export/runtime-documents.js';
import type { LiveState } from '../../src/live/types.js';
import type { VhostParameter } from '../../src/model/types.js';

export function uriPasswordsOf(live: LiveState): Record<string, string> {
  const parameters = [...live.model.resources.values()].filter((r): r is VhostParameter => r.kind === 'federation_upstream' || r.kind === 'shovel');
  const out: Record<string, string> = {};
  for (const fields of uriPasswordVariables(parameters).values()) for (const { variable, password } of fields.values()) out[variable] = password;
  return out;
}
