// An article to print or file: a standalone HTML page (the rendered, sanitised article with a print stylesheet;
// the route forbids script with its Content-Security-Policy) and a PDF drawn with pdfkit's built-in fonts from
// markdown-it's token stream. Readers print what they may read: requesters published articles, staff drafts too.
import MarkdownIt from 'markdown-it';

import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { renderArticle } from './article-rendering.js';
import { type Article, getArticle } from './articles.js';

const kindNames: Record<Article['kind'], string> = {
  faq: 'FAQ',
  guide: 'How-to guide',
  manual: 'Manual',
  runbook: 'Runbook',
  policy: 'Policy',
  procedure: 'Procedure',
};

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const day = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().slice(0, 10));

/** The lines under the title: kind, version, dates, owner. */
function facts(a: Article): string[] {
  const out = [`${kindNames[a.kind]} · version ${a.version}`];
  out.push(
    `Updated ${day(a.updatedAt)}${a.publishedAt !== null ? ` · published ${day(a.publishedAt)}` : ''}`,
  );
  if (a.status !== 'published') out.push(`Status: ${a.status.replace('_', ' ')}`);
  if (a.effectiveAt !== null) out.push(`Effective ${day(a.effectiveAt)}`);
  if (a.ownerName) out.push(`Owner: ${a.ownerName}`);
  if (a.nextReviewAt !== null) out.push(`Next review ${day(a.nextReviewAt)}`);
  return out;
}

const printStyle = `
body{font:11pt/1.5 Georgia,"Times New Roman",serif;color:#111;max-width:46rem;margin:2rem auto;padding:0 1rem}
h1,h2,h3,h4{font-family:Helvetica,Arial,sans-serif;line-height:1.25;page-break-after:avoid}
header{border-bottom:1px solid #999;margin-bottom:1.5rem}header p{margin:.2rem 0;color:#444;font-size:9.5pt}
pre,code{font-family:"DejaVu Sans Mono",Menlo,monospace;font-size:9pt}pre{background:#f4f4f4;padding:.6rem;white-space:pre-wrap;page-break-inside:avoid}
img{max-width:100%}table{border-collapse:collapse}th,td{border:1px solid #999;padding:.2rem .4rem}
blockquote{border-left:3px solid #999;margin-left:0;padding-left:1rem;color:#333}
@media print{body{margin:0;max-width:none}a{color:inherit}a[href^="http"]::after{content:" (" attr(href) ")";font-size:8pt}}`;

/** The Content-Security-Policy of the printable page: no script at all, our own images, its inline style. */
export const printablePagePolicy =
  "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A standalone printable HTML page of an article the actor may read. */
export async function printableArticle(ctx: ServiceContext, actor: Actor, id: number): Promise<string> {
  const a = await getArticle(ctx, actor, id);
  const { html } = renderArticle(a.body);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(a.title)}</title><style>${printStyle}</style></head>
<body><article><header><h1>${escapeHtml(a.title)}</h1>
${facts(a)
  .map((f) => `<p>${escapeHtml(f)}</p>`)
  .join('\n')}
</header>
${html}
</article></body></html>
`;
}

// ---- PDF --------------------------------------------------------------------------------------------------

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
type Token = ReturnType<typeof markdown.parse>[number];

// The built-in PDF fonts know Windows-1252 only: other characters are drawn as "?" (no font is embedded).
const winAnsiExtras = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const drawable = (s: string) =>
  [...s]
    .map((c) => {
      const n = c.codePointAt(0) ?? 0;
      return (n >= 0x20 && n < 0x7f) || (n >= 0xa0 && n <= 0xff) || winAnsiExtras.has(c)
        ? c
        : n === 9
          ? '    '
          : '?';
    })
    .join('');

interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
  code: boolean;
}

/** An inline token's children as runs of text with their style. Links keep their address after the text. */
function runsOf(inline: Token | undefined): Run[] {
  const runs: Run[] = [];
  let bold = false;
  let italic = false;
  let href: string | null = null;
  for (const c of inline?.children ?? []) {
    const push = (text: string, code = false) => runs.push({ text, bold, italic, code });
    switch (c.type) {
      case 'text':
        push(c.content);
        break;
      case 'code_inline':
        push(c.content, true);
        break;
      case 'softbreak':
        push(' ');
        break;
      case 'hardbreak':
        push('\n');
        break;
      case 'strong_open':
      case 'strong_close':
        bold = c.type === 'strong_open';
        break;
      case 'em_open':
      case 'em_close':
        italic = c.type === 'em_open';
        break;
      case 'link_open':
        href = String(c.attrGet('href') ?? '');
        break;
      case 'link_close':
        if (href && /^https?:/i.test(href)) push(` (${href})`);
        href = null;
        break;
      case 'image':
        // Images are not drawn (their bytes are attachments, fetched by the browser): their text stands in.
        push(`[image: ${c.content || 'untitled'}]`);
        break;
    }
  }
  return runs;
}

function fontOf(r: Run): string {
  if (r.code) return 'Courier';
  if (r.bold && r.italic) return 'Helvetica-BoldOblique';
  if (r.bold) return 'Helvetica-Bold';
  if (r.italic) return 'Helvetica-Oblique';
  return 'Helvetica';
}

const headingSizes = [20, 16, 13.5, 12, 11, 11];

/**
 * An article the actor may read as a PDF: title, facts, then headings, paragraphs, lists, quotes, code blocks
 * and tables (as rows of text). Not drawn: images (named in their place), table borders, link targets other than
 * http(s), characters outside Windows-1252.
 */
export async function articlePdf(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const a = await getArticle(ctx, actor, id);
  // pdfkit (8 MB of memory once loaded) is loaded on the first printed article, not at start.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    compress: options.compress ?? true,
    info: { Title: drawable(a.title), CreationDate: new Date(ctx.clock.now()) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(22).text(drawable(a.title));
  doc.moveDown(0.3).font('Helvetica').fontSize(9).fillColor('#444444');
  for (const f of facts(a)) doc.text(drawable(f));
  doc.fillColor('#000000').moveDown(1);

  const left = doc.page.margins.left;
  let indent = 0;
  const lists: { ordered: boolean; n: number }[] = [];
  let bullet: string | null = null;
  const tokens = markdown.parse(a.body, {});
  const write = (runs: Run[], size: number, base?: Partial<Run>) => {
    // Deeply nested lists and quotes stop indenting at a third of the page, so the text keeps its width.
    const x = left + Math.min(indent, (doc.page.width - left - doc.page.margins.right) / 3);
    const width = doc.page.width - doc.page.margins.right - x;
    const all = bullet ? [{ text: bullet, bold: false, italic: false, code: false }, ...runs] : runs;
    bullet = null;
    if (all.length === 0) return;
    all.forEach((r, i) => {
      const run = { ...r, ...base };
      doc
        .font(fontOf(run))
        .fontSize(run.code ? size - 1 : size)
        .text(drawable(r.text), i === 0 ? x : undefined, undefined, {
          width,
          continued: i < all.length - 1,
        });
    });
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    switch (t.type) {
      case 'heading_open': {
        const level = Number(t.tag.slice(1));
        doc.moveDown(0.6);
        write(runsOf(tokens[i + 1]), headingSizes[level - 1], { bold: true });
        doc.moveDown(0.3);
        i += 2;
        break;
      }
      case 'paragraph_open':
        write(runsOf(tokens[i + 1]), 11);
        if (!t.hidden) doc.moveDown(0.5);
        i += 2;
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: t.type === 'ordered_list_open', n: Number(t.attrGet('start') ?? 1) });
        indent += 16;
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        indent -= 16;
        if (lists.length === 0) doc.moveDown(0.4);
        break;
      case 'list_item_open': {
        const list = lists[lists.length - 1];
        bullet = list?.ordered ? `${list.n++}. ` : '• ';
        break;
      }
      case 'blockquote_open':
        indent += 18;
        break;
      case 'blockquote_close':
        indent -= 18;
        break;
      case 'fence':
      case 'code_block':
        doc.fillColor('#222222');
        write([{ text: t.content.replace(/\n$/, ''), bold: false, italic: false, code: true }], 10);
        doc.fillColor('#000000').moveDown(0.5);
        break;
      case 'hr':
        doc
          .moveDown(0.3)
          .moveTo(left, doc.y)
          .lineTo(doc.page.width - doc.page.margins.right, doc.y)
          .stroke()
          .moveDown(0.5);
        break;
      case 'tr_open': {
        // A table row as its cells' text, separated by bars.
        const cells: Run[] = [];
        for (let j = i + 1; j < tokens.length && tokens[j].type !== 'tr_close'; j++)
          if (tokens[j].type === 'inline') {
            if (cells.length > 0) cells.push({ text: '  |  ', bold: false, italic: false, code: false });
            const bold = tokens[j - 1].type === 'th_open';
            cells.push(...runsOf(tokens[j]).map((r) => ({ ...r, bold: r.bold || bold })));
          }
        write(cells, 10);
        break;
      }
      case 'table_close':
        doc.moveDown(0.5);
        break;
    }
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
