// Names are user data and may hold anything RabbitMQ accepts: `|` would split a table cell,
// backticks end a code span, `@team` pings people, `:tada:` becomes an emoji, `$x$` becomes
// maths. Everything user-supplied is therefore printed as code, which GitHub leaves alone.
import { printable } from './format.js';

/**
 * A code span where one is safe, otherwise `<code>` with entities. GFM splits table cells
 * before it parses code spans, so a `|` (escaped or not, since `\\|` reads as an escaped
 * backslash then a bare pipe) must not appear; a code span also cannot hold a backtick run
 * cheaply or keep leading and trailing spaces.
 */
export function inlineCode(text: string): string {
  const shown = printable(text);
  if (shown !== '' && !/[`|]|^ | $/.test(shown)) return `\`${shown}\``;
  return htmlCode(shown);
}

/** `<code>` for HTML contexts (`<summary>`) and for text a code span cannot hold. */
export function htmlCode(text: string): string {
  return `<code>${entities(printable(text))}</code>`;
}

/**
 * What Markdown's inline parser (emphasis, links, escapes, entities, HTML, maths) or a table
 * could act on, as numeric entities. Mentions, emoji and issue links are left alone: GitHub
 * does not expand them inside <code>.
 */
function entities(text: string): string {
  return text.replace(/[&<>"'`\\*_~[\]|$]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A fence longer than any backtick run inside, so no content can close the block early. */
export function fenced(info: string, lines: readonly string[]): string[] {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...lines.map(printable), fence];
}
