// Whether to colour human output, and the few ANSI codes we use. No colour library: five codes
// do not justify a dependency, and owning them keeps plain output byte-identical minus the codes.

/**
 * Colour only on a terminal, as no-color.org asks: a non-empty NO_COLOR turns it off.
 * FORCE_COLOR wins over both (CI logs that render ANSI), as in Node and chalk; FORCE_COLOR=0
 * or =false is the explicit "off". TERM=dumb terminals cannot show colour at all.
 */
export function useColor(stream: { isTTY?: boolean | undefined }, env: Record<string, string | undefined>): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

export interface Palette {
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => (s === '' ? s : `\u001b[${open}m${s}\u001b[${close}m`);

const ANSI: Palette = { green: wrap(32, 39), yellow: wrap(33, 39), red: wrap(31, 39), bold: wrap(1, 22), dim: wrap(2, 22) };

const identity = (s: string): string => s;
const PLAIN: Palette = { green: identity, yellow: identity, red: identity, bold: identity, dim: identity };

export function palette(color: boolean): Palette {
  return color ? ANSI : PLAIN;
}
