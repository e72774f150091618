// What the YAML reader finds wrong while it assembles the tree (duplicate keys, misplaced dashes):
// at most one problem per line, and duplicates listed up to a bound, then counted. A file of
// 100,000 repeated keys gets a screenful and a count, in time linear in the file (scanning the
// problems so far for each new one took 44 s there).
import type { Diagnostic, Origin } from '../errors.js';

/** Duplicate keys listed one by one; past these, one line counts the rest. */
export const MAX_REPORTED_DUPLICATES = 20;

export class ReaderProblems {
  readonly #problems: Diagnostic[] = [];
  readonly #lines = new Set<number>();
  #duplicates = 0;
  #firstUnlisted: Origin | undefined;

  /** One E_YAML problem, unless its line already has one: one per line is enough to fix it. */
  add(origin: Origin, message: string): void {
    if (this.#lines.has(origin.line)) return;
    this.#lines.add(origin.line);
    this.#problems.push({ severity: 'error', code: 'E_YAML', message, origin });
  }

  duplicate(name: string, origin: Origin): void {
    if (this.#lines.has(origin.line)) return;
    if (this.#duplicates++ >= MAX_REPORTED_DUPLICATES) {
      this.#lines.add(origin.line);
      this.#firstUnlisted ??= origin;
      return;
    }
    const shown = name.length <= 80 && !name.includes('\n') ? ` \`${name}\`` : '';
    this.add(origin, `duplicate key${shown}: keys must be unique within a mapping`);
  }

  /** Every problem, the count of unlisted duplicates last (placed at the first of them). */
  all(): Diagnostic[] {
    const more = this.#duplicates - MAX_REPORTED_DUPLICATES;
    if (more <= 0 || !this.#firstUnlisted) return this.#problems;
    const message = `${more.toLocaleString('en-US')} more duplicate keys from here on, not listed one by one: keys must be unique within a mapping`;
    return [...this.#problems, { severity: 'error', code: 'E_YAML', message, origin: this.#firstUnlisted }];
  }
}
