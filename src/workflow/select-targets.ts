// `--target all` or `--target eu,us`: the spec's targets a plan or apply runs against at once
// (DESIGN.md, "Commands"). One name keeps the single-target path, with its flag and environment
// overrides; several names each take their broker from the spec alone.
import { WarrenError } from '../errors.js';
import type { Target } from '../model/target.js';
import type { ConnectionFlags, Env } from './resolve-target.js';

/** True when `--target` asks for more than one target (`all`, or a comma-separated list). */
export function namesSeveralTargets(selector: string | undefined): boolean {
  return selector !== undefined && (selector.trim() === 'all' || selector.includes(','));
}

/**
 * The targets `--target` names, in the order given (`all`: the spec's order). Unknown or repeated
 * names are errors, and so is anything that would point every target at one broker: a
 * `--management`/`--amqp` flag or `WARREN_MANAGEMENT_URL`/`WARREN_AMQP_URL`.
 */
export function selectTargets(selector: string, specTargets: readonly Target[], connection: ConnectionFlags, env: Env): string[] {
  const known = specTargets.map((t) => t.name);
  const names = selector.trim() === 'all' ? known : selector.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) throw new WarrenError('E_TARGET', `--target ${selector}: the spec has no targets; add a \`targets:\` section`);
  const seen = new Set<string>();
  for (const name of names) {
    if (!known.includes(name)) throw new WarrenError('E_TARGET', `--target ${selector}: the spec has no target ${name} (known: ${known.join(', ') || 'none'})`);
    if (seen.has(name)) throw new WarrenError('E_TARGET', `--target ${selector}: ${name} is named twice`);
    seen.add(name);
  }
  const overrides = [
    connection.management !== undefined ? '--management' : undefined,
    connection.amqp !== undefined ? '--amqp' : undefined,
    env['WARREN_MANAGEMENT_URL'] !== undefined ? 'WARREN_MANAGEMENT_URL' : undefined,
    env['WARREN_AMQP_URL'] !== undefined ? 'WARREN_AMQP_URL' : undefined,
  ].filter((o): o is string => o !== undefined);
  if (overrides.length > 0) {
    throw new WarrenError('E_TARGET', `--target ${selector}: ${overrides.join(' and ')} would send every target to one broker; with several targets each one's URLs come from the spec (unset ${overrides.join(', ')})`);
  }
  return names;
}
