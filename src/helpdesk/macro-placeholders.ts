// The placeholders of canned responses and macro replies: `{{ticket.number}}`, `{{requester.firstName}}`,
// `{{article:12}}`… A small closed syntax, parsed into text and placeholder parts and filled by lookup — never
// evaluated. An unknown or malformed placeholder is refused when the text is saved (parseTemplate); rendering
// a parsed text cannot fail. `{{` always opens a placeholder (the last two of a run of braces); values are inserted as they are and never
// parsed again, so a requester named "{{agent.name}}" stays that.
import { Invalid } from '../core/errors.js';

/** The names a text may use, with what each becomes (docs: README "Macros and templates"). */
export const placeholderNames = {
  'ticket.number': 'the ticket number, e.g. 42',
  'ticket.subject': "the ticket's subject (title)",
  'ticket.status': "the ticket's state, e.g. in_progress",
  'ticket.priority': "the ticket's priority, e.g. high",
  'ticket.url': "the ticket's address in the web app",
  'requester.name': "the requester's name",
  'requester.firstName': "the first word of the requester's name",
  'requester.email': "the requester's email address",
  'agent.name': 'the name of the person inserting the text or applying the macro',
  'agent.firstName': "the first word of the agent's name",
  'agent.email': "the agent's email address",
  'group.name': "the name of the ticket's group (empty without one)",
} as const;
export type PlaceholderName = keyof typeof placeholderNames;

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'value'; name: PlaceholderName }
  | { kind: 'article'; id: number };

/** Longest text a template may hold, and most placeholders in one (bounds work at save and render). */
export const templateLimits = { length: 20_000, placeholders: 200 } as const;

const articlePattern = /^article:([1-9][0-9]{0,9})$/;

function isName(s: string): s is PlaceholderName {
  return Object.hasOwn(placeholderNames, s);
}

/**
 * Split a text into parts, or throw Invalid (code invalid_placeholder, field `field`) naming every unknown,
 * unclosed or malformed placeholder. Linear in the text's length.
 */
export function parseTemplate(text: string, field = '/body'): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const problems: string[] = [];
  let at = 0;
  let count = 0;
  while (at < text.length) {
    let open = text.indexOf('{{', at);
    // In a run of braces the last two open it: "{{{x}}" is "{" and then {{x}}.
    while (open >= 0 && text[open + 2] === '{') open++;
    if (open < 0) {
      parts.push({ kind: 'text', text: text.slice(at) });
      break;
    }
    if (open > at) parts.push({ kind: 'text', text: text.slice(at, open) });
    const close = text.indexOf('}}', open + 2);
    if (close < 0) {
      problems.push(`unclosed placeholder at character ${open + 1}`);
      break;
    }
    const inner = text.slice(open + 2, close).trim();
    count++;
    const article = articlePattern.exec(inner);
    if (isName(inner)) parts.push({ kind: 'value', name: inner });
    else if (article) parts.push({ kind: 'article', id: Number(article[1]) });
    else problems.push(`unknown placeholder {{${inner.slice(0, 40)}}}`);
    at = close + 2;
  }
  if (count > templateLimits.placeholders)
    problems.push(`at most ${templateLimits.placeholders} placeholders`);
  if (problems.length > 0) {
    const message = `${problems.slice(0, 5).join('; ')} (known: ${Object.keys(placeholderNames).join(', ')}, article:ID)`;
    throw new Invalid('invalid_placeholder', `${field.replace(/^\//, '')}: ${message}`, [{ field, message }]);
  }
  return parts;
}

/** The article ids a text links to, in order, without repeats. */
export function articleIds(parts: readonly TemplatePart[]): number[] {
  return [...new Set(parts.flatMap((p) => (p.kind === 'article' ? [p.id] : [])))];
}

/** What the placeholders become for one ticket and one agent; an article missing here renders as nothing. */
export interface PlaceholderValues {
  values: Record<PlaceholderName, string>;
  /** Articles the reader may see, by id: their title and link. */
  articles: ReadonlyMap<number, { title: string; url: string }>;
}

/** Fill a parsed text. Pure: lookups only, and a value is never parsed again. */
export function renderTemplate(parts: readonly TemplatePart[], with_: PlaceholderValues): string {
  let out = '';
  for (const p of parts) {
    if (p.kind === 'text') out += p.text;
    else if (p.kind === 'value') out += with_.values[p.name];
    else {
      const a = with_.articles.get(p.id);
      if (a) out += `${a.title} (${a.url})`;
    }
  }
  return out;
}

/** The first word of a name ("Ada Lovelace" → "Ada"); the whole when it has one word. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}
