// Articles are Markdown; readers get HTML. Two guards, each enough alone: markdown-it is run with raw HTML
// off (a <script> in the Markdown is text) and its own link check (no javascript:, vbscript:, data: except
// images), and its output then goes through sanitize-html's allow-list (tags, attributes, URL schemes), so a
// renderer bug or a plugin cannot let script or style through. Headings get ids for a table of contents.
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

export interface Heading {
  level: number;
  text: string;
  id: string;
}

export interface RenderedArticle {
  html: string;
  headings: Heading[];
}

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

/** A heading's anchor: its words, lower-case, hyphenated; numbered when the page has it twice. */
function anchorOf(text: string, taken: Map<string, number>): string {
  const base =
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .trim()
      .replace(/\s+/g, '-')
      .slice(0, 80) || 'section';
  const seen = taken.get(base) ?? 0;
  taken.set(base, seen + 1);
  return seen === 0 ? base : `${base}-${seen + 1}`;
}

// Relative URLs (an attachment of the article, another article) and these schemes only.
const allowedSchemes = ['http', 'https', 'mailto', 'tel'];

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'blockquote',
    'pre',
    'code',
    'em',
    'strong',
    's',
    'del',
    'ul',
    'ol',
    'li',
    'a',
    'img',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title'],
    h1: ['id'],
    h2: ['id'],
    h3: ['id'],
    h4: ['id'],
    h5: ['id'],
    h6: ['id'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
    code: ['class'],
  },
  allowedClasses: { code: [/^language-[a-z0-9_+-]+$/] },
  allowedSchemes,
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: 'noopener noreferrer nofollow' },
    }),
  },
};
// rel is added by the transform above; let it through.
(sanitizeOptions.allowedAttributes as Record<string, string[]>).a.push('rel');

/** The article's Markdown as safe HTML, with its headings. */
export function renderArticle(body: string): RenderedArticle {
  const tokens = markdown.parse(body, {});
  const headings: Heading[] = [];
  const taken = new Map<string, number>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type !== 'heading_open') continue;
    const inline = tokens[i + 1];
    const text = inline?.type === 'inline' ? (inline.children?.map((c) => c.content).join('') ?? '') : '';
    const id = anchorOf(text, taken);
    t.attrSet('id', id);
    headings.push({ level: Number(t.tag.slice(1)), text, id });
  }
  const html = markdown.renderer.render(tokens, markdown.options, {});
  return { html: sanitizeHtml(html, sanitizeOptions), headings };
}

/** Sanitise HTML from outside (an import) with the same allow-list, before it is turned into Markdown. */
export function sanitizeImportedHtml(html: string): string {
  return sanitizeHtml(html, { ...sanitizeOptions, transformTags: {} });
}

/** The article's text without Markdown's marks: what snippets are cut from. */
export function plainText(body: string): string {
  const tokens = markdown.parse(body, {});
  const parts: string[] = [];
  for (const t of tokens) {
    if (t.type === 'inline') {
      for (const c of t.children ?? [])
        if (c.type === 'text' || c.type === 'code_inline') parts.push(c.content);
      parts.push(' ');
    } else if (t.type === 'fence' || t.type === 'code_block') parts.push(t.content, ' ');
  }
  return parts.join('').replace(/\s+/g, ' ').trim();
}
