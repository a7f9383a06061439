// Import and export of the whole knowledge base. In: a Markdown file (YAML front matter optional), an HTML page
// (a manual exported in pieces: sanitised, then turned into Markdown), or a zip of a folder tree of them whose
// images become attachments. Out: a zip of Markdown files with front matter, in folders by category, with
// their attachments beside them — which imports again. Every article is written by createArticle, so its
// versions, index and audit are the same as if typed in.

import { strikethrough, tables } from '@joplin/turndown-plugin-gfm';
import { strToU8, unzipSync, zipSync } from 'fflate';
import type { Transaction } from 'kysely';
import TurndownService from 'turndown';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { ArticleKind, ArticleStatus, Database } from '../core/db/index.js';
import { DomainError, Forbidden, Invalid, TooLarge } from '../core/errors.js';
import {
  attachmentsOfArticles,
  cleanAttachmentName,
  insertArticleAttachment,
} from './article-attachments.js';
import { articleIndex, articleVersionIndex } from './article-indexes.js';
import { sanitizeImportedHtml } from './article-rendering.js';
import {
  type Article,
  type ArticleInput,
  articleAudiences,
  articleKinds,
  articleLimits,
  articleStatuses,
  createArticle,
  readArticles,
  storeRendered,
  transitionArticle,
} from './articles.js';
import { listKbCategories, saveKbCategory } from './kb-categories.js';
import { canKnowledge } from './policies.js';

export const kbImportLimits = {
  /** The uploaded file (a zip of a manual with its screenshots). */
  uploadBytes: 50 * 1_048_576,
  /** What a zip may unpack to, summed over its entries: more is refused as a zip bomb. */
  unpackedBytes: 200 * 1_048_576,
  /** Entries of a zip (folders included). */
  entries: 5000,
  /** One HTML page: turning HTML into Markdown costs far more than reading it. */
  htmlChars: 5 * 1_048_576,
  /** Elements within elements: turndown's cost grows with the square of the depth. */
  htmlDepth: 100,
} as const;

export interface KbImportResult {
  created: { id: number; title: string; path: string; notes: string[] }[];
  skipped: { path: string; reason: string }[];
}

const textExtensions = /\.(md|markdown|html?)$/i;
const isMarkdownPath = (p: string) => /\.(md|markdown)$/i.test(p);

function badImport(message: string): Invalid {
  return new Invalid('invalid_kb_import', message, [{ field: '/file', message }]);
}

/** A zip entry's path as folders and a name; null when it tries to leave the archive. */
function normalisePath(name: string): string | null {
  const parts: string[] = [];
  for (const part of name.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' || part.includes('\u0000')) return null;
    parts.push(part);
  }
  return parts.length > 0 ? parts.join('/') : null;
}

/** Unpack a zip, refusing before inflating anything when its entries declare too many bytes or files. */
export function unpackZip(data: Uint8Array): Map<string, Uint8Array> {
  let entries = 0;
  let bytes = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(data, {
      filter: (f) => {
        entries += 1;
        bytes += f.originalSize;
        if (entries > kbImportLimits.entries)
          throw new TooLarge(
            'kb_import_too_large',
            `The zip has more than ${kbImportLimits.entries} entries.`,
          );
        if (bytes > kbImportLimits.unpackedBytes)
          throw new TooLarge(
            'kb_import_too_large',
            `The zip unpacks to more than ${kbImportLimits.unpackedBytes} bytes: refused (a zip bomb or too large an import).`,
          );
        return !f.name.endsWith('/');
      },
    });
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw badImport(`The zip cannot be read: ${(err as Error).message}.`);
  }
  const out = new Map<string, Uint8Array>();
  for (const [name, bytes] of Object.entries(files)) {
    const p = normalisePath(name);
    // Paths that climb out (../), and the metadata of macOS archivers, are not part of the tree.
    if (p === null || p.split('/').some((s) => s === '__MACOSX' || s.startsWith('.'))) continue;
    out.set(p, bytes);
  }
  return out;
}

// Windows-1252's characters at 0x80–0x9F (a space where it has none).
const windows1252C1 = '€ ‚ƒ„…†‡ˆ‰Š‹Œ Ž  ‘’“”•–—˜™š›œ žŸ';

/** UTF-8 text (a BOM dropped); Windows-1252 when it is not UTF-8, as old HTML exports are. Null for binary. */
function decodeText(data: Uint8Array): string | null {
  if (data.includes(0)) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    // Node reads the label windows-1252 as Latin-1: its C1 range (curly quotes, dashes, €) is mapped here.
    text = Buffer.from(data)
      .toString('latin1')
      .replace(/[\u0080-\u009f]/g, (c) => windows1252C1[c.charCodeAt(0) - 0x80].trim() || ' ');
  }
  return text.replace(/^\uFEFF/, '');
}

// ---- HTML → Markdown ---------------------------------------------------------------------------------------

const turndown = new TurndownService({
  headingStyle: 'atx',
  codeBlockStyle: 'fenced',
  bulletListMarker: '-',
  emDelimiter: '*',
});
// Tables as GitHub-flavoured Markdown tables (markdown-it renders them again), ~~struck~~ text kept.
turndown.use([tables, strikethrough]);

const namedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** A fragment's text: tags dropped, the common entities decoded, white space folded. */
function textOf(html: string): string {
  return html
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
      }
      return namedEntities[e.toLowerCase()] ?? m;
    })
    .replace(/[\u0000-\u001f\u007f\s]+/g, ' ')
    .trim();
}

/**
 * The first <name>…</name> of a page: where it starts and ends, and what it holds. Found with indexOf, not a
 * lazy regular expression, which would rescan the rest of the page from every unclosed "<name".
 */
function firstElement(html: string, name: string): { start: number; end: number; inner: string } | null {
  const lower = html.toLowerCase();
  let start = lower.indexOf(`<${name}`);
  while (start >= 0 && !/[\s>/]/.test(lower[start + name.length + 1] ?? ''))
    start = lower.indexOf(`<${name}`, start + 1);
  if (start < 0) return null;
  const open = lower.indexOf('>', start);
  const close = open < 0 ? -1 : lower.indexOf(`</${name}>`, open);
  if (close < 0) return null;
  return { start, end: close + name.length + 3, inner: html.slice(open + 1, close) };
}

// Elements without an end tag, and those HTML closes by itself (an old page's <p> and <li> often are not).
const unclosedElements = new Set(
  'area base br col embed hr img input link meta source track wbr p li dt dd tr td th option thead tbody tfoot'.split(
    ' ',
  ),
);

/**
 * How deep elements nest, counting open and end tags. Exact for sanitised HTML (each element closed); an
 * estimate for raw HTML, which is checked first because the sanitiser's own cost grows with the square of it.
 */
function nestingDepth(html: string): number {
  let depth = 0;
  let deepest = 0;
  for (const m of html.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^<>]*>/gi)) {
    if (unclosedElements.has(m[2].toLowerCase())) continue;
    depth = m[1] ? depth - 1 : depth + 1;
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/**
 * An HTML page as an article: its title (the <title>, else the first <h1>) and its content as Markdown. The
 * HTML is sanitised with the articles' own allow-list first, so nothing that could run survives into the
 * Markdown (and the Markdown is rendered without raw HTML anyway).
 */
export function htmlToArticle(html: string): { title: string | null; markdown: string } {
  if (html.length > kbImportLimits.htmlChars)
    throw badImport(
      `the page is larger than ${kbImportLimits.htmlChars} characters: export it in smaller pieces`,
    );
  // The head holds no content (its <title> would otherwise become text of the body).
  const title = firstElement(html, 'title');
  const head = firstElement(html, 'head');
  let rest = head ? html.slice(0, head.start) + html.slice(head.end) : html;
  const stray = firstElement(rest, 'title');
  if (stray) rest = rest.slice(0, stray.start) + rest.slice(stray.end);
  const body = rest
    // Word and older editors write <b> and <i>: the allow-list knows them as <strong> and <em>.
    .replace(/<(\/?)b(?=[\s>/])/gi, '<$1strong')
    .replace(/<(\/?)i(?=[\s>/])/gi, '<$1em');
  if (nestingDepth(body) > kbImportLimits.htmlDepth * 10)
    throw badImport(`the page nests elements more than ${kbImportLimits.htmlDepth} deep`);
  const clean = sanitizeImportedHtml(body);
  if (nestingDepth(clean) > kbImportLimits.htmlDepth)
    throw badImport(`the page nests elements more than ${kbImportLimits.htmlDepth} deep`);
  const h1 = firstElement(clean, 'h1');
  return {
    title: textOf(title?.inner ?? '') || textOf(h1?.inner ?? '') || null,
    markdown: turndown.turndown(clean).trim(),
  };
}

// ---- front matter --------------------------------------------------------------------------------------

interface FrontMatter {
  title?: string;
  kind?: ArticleKind;
  audience?: Article['audience'];
  status?: ArticleStatus;
  category?: string | null;
  tags?: string[];
  owner?: string | null;
  effectiveAt?: number | null;
  reviewIntervalDays?: number | null;
  requiresAck?: boolean;
  generated?: string | null;
  attachments?: string[];
}

/** The YAML block at the top of a Markdown file and the text after it. */
function splitFrontMatter(text: string): { yaml: string | null; body: string } {
  const m = /^---[ \t]*\r?\n([\s\S]*?\r?\n)?---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return { yaml: null, body: text };
  return { yaml: m[1] ?? '', body: text.slice(m[0].length) };
}

const noNul = (s: string) => s.replace(/\u0000/g, '');

/** Front matter checked field by field; a wrong field names itself. */
function readFrontMatter(yaml: string): FrontMatter {
  let raw: unknown;
  try {
    raw = parseYaml(yaml, { maxAliasCount: 50, uniqueKeys: false });
  } catch (err) {
    throw badImport(`front matter is not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badImport('front matter must be a YAML mapping');
  const r = raw as Record<string, unknown>;
  const fm: FrontMatter = {};
  const str = (key: string): string | null | undefined => {
    const v = r[key];
    if (v === undefined || v === null) return v as null | undefined;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return noNul(String(v));
    if (v instanceof Date) return v.toISOString();
    throw badImport(`front matter ${key} must be text`);
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const v = str(key);
    if (v === null || v === undefined) return undefined;
    const t = v
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_') as T;
    if (!allowed.includes(t)) throw badImport(`front matter ${key} must be one of ${allowed.join(', ')}`);
    return t;
  };
  const title = str('title');
  if (title) fm.title = title;
  fm.kind = oneOf('kind', articleKinds);
  fm.audience = oneOf('audience', articleAudiences);
  fm.status = oneOf('status', articleStatuses);
  if ('category' in r) fm.category = str('category')?.trim() || null;
  if (r.tags !== undefined && r.tags !== null) {
    const tags = Array.isArray(r.tags) ? r.tags : String(r.tags).split(',');
    fm.tags = tags.map((t) => {
      if (typeof t !== 'string' && typeof t !== 'number') throw badImport('front matter tags must be text');
      return noNul(String(t));
    });
  }
  const owner = str('owner');
  if (owner !== undefined) fm.owner = owner?.trim() || null;
  const effective = str('effectiveAt');
  if (effective !== undefined) {
    const ms = effective === null ? null : Date.parse(effective);
    if (ms !== null && !Number.isFinite(ms))
      throw badImport('front matter effectiveAt must be an ISO 8601 date');
    fm.effectiveAt = ms;
  }
  const interval = r.reviewIntervalDays;
  if (interval !== undefined && interval !== null) {
    if (!Number.isInteger(interval) || (interval as number) < 1 || (interval as number) > 3650)
      throw badImport('front matter reviewIntervalDays must be a whole number of days from 1 to 3650');
    fm.reviewIntervalDays = interval as number;
  } else if (interval === null) fm.reviewIntervalDays = null;
  if (r.requiresAck !== undefined && r.requiresAck !== null) {
    if (typeof r.requiresAck !== 'boolean') throw badImport('front matter requiresAck must be true or false');
    fm.requiresAck = r.requiresAck;
  }
  const generated = str('generated');
  if (generated) fm.generated = generated;
  if (Array.isArray(r.attachments))
    fm.attachments = r.attachments.filter((a): a is string => typeof a === 'string').map(noNul);
  return fm;
}

// ---- links to files of the archive -----------------------------------------------------------------------

// A Markdown link or image destination: ](target) or ](<target>), with an optional "title".
const linkTarget = /\]\(\s*(<[^<>\n]*>|[^\s()<>]+)((?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\))/g;

/** A relative link of a file at `from` resolved within the archive, or null (absolute, a URL, an anchor). */
function resolveRelative(from: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/') || target.startsWith('#')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(target.split(/[?#]/)[0]);
  } catch {
    return null;
  }
  const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : '';
  const parts = dir ? dir.split('/') : [];
  for (const part of decoded.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/') || null;
}

/** Which archive files a text links to (relative links that name a file of the archive other than an article). */
function linkedFiles(path: string, body: string, files: Map<string, Uint8Array>): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of body.matchAll(linkTarget)) {
    const raw = unwrapped(m[1]);
    const target = resolveRelative(path, raw);
    if (target && files.has(target) && !textExtensions.test(target)) found.set(raw, target);
  }
  return found;
}

/** A link's destination as written, without the <…> Markdown allows around it. */
const unwrapped = (dest: string) => (dest.startsWith('<') ? dest.slice(1, -1) : dest);

/** The text with each link's destination replaced by `to` (its answer; undefined leaves the link as it is). */
function rewriteLinks(body: string, to: (raw: string) => string | undefined): string {
  return body.replace(linkTarget, (all, dest: string, rest: string) => {
    const url = to(unwrapped(dest));
    return url === undefined ? all : `](${url}${rest}`;
  });
}

// ---- import ----------------------------------------------------------------------------------------------

/** A file name as a title: "vpn-keeps_disconnecting.md" → "Vpn keeps disconnecting". */
function titleFromPath(path: string): string {
  const base = (path.split('/').pop() ?? '')
    .replace(/\.[^.]+$/, '')
    .replace(/[-_]+/g, ' ')
    .trim();
  return base ? base[0].toUpperCase() + base.slice(1) : 'Untitled';
}

/** A leading "# Title" line taken as the title when nothing else names one. */
function leadingHeading(body: string): { title: string; rest: string } | null {
  const m = /^\s*#[ \t]+(.+?)[ \t#]*(?:\r?\n|$)/.exec(body);
  return m ? { title: m[1].trim(), rest: body.slice(m[0].length).replace(/^\s*\n/, '') } : null;
}

interface ParsedFile {
  input: ArticleInput & { status: ArticleStatus };
  archived: boolean;
  ownerEmail: string | null;
  categoryName: string | null;
  extraFiles: string[];
  generated: string | null;
}

/** One Markdown or HTML file as an article's input; Invalid with a reason when it cannot be one. */
function parseArticleFile(path: string, text: string): ParsedFile {
  const folder = path.includes('/') ? path.split('/').slice(-2, -1)[0] : null;
  let fm: FrontMatter = {};
  let body: string;
  let title: string | null = null;
  if (isMarkdownPath(path)) {
    const split = splitFrontMatter(text);
    if (split.yaml !== null) fm = readFrontMatter(split.yaml);
    body = split.body;
    if (!fm.title) {
      const h = leadingHeading(body);
      if (h) {
        title = h.title;
        body = h.rest;
      }
    }
  } else {
    const converted = htmlToArticle(text);
    title = converted.title;
    body = converted.markdown;
  }
  const status = fm.status ?? 'draft';
  return {
    input: {
      title: (fm.title ?? title ?? titleFromPath(path)).slice(0, articleLimits.title),
      body,
      // A manual exported in pieces is a manual; a loose Markdown file a guide.
      kind: fm.kind ?? (isMarkdownPath(path) ? 'guide' : 'manual'),
      // Internal unless the file says otherwise: an import never shows requesters what nobody chose to show.
      audience: fm.audience ?? 'internal',
      status: status === 'archived' ? 'draft' : status,
      tags: fm.tags ?? [],
      effectiveAt: fm.effectiveAt ?? null,
      reviewIntervalDays: fm.reviewIntervalDays ?? null,
      requiresAck: fm.requiresAck ?? false,
      note: `Imported from ${path.slice(0, 200)}`,
    },
    archived: status === 'archived',
    ownerEmail: fm.owner ?? null,
    categoryName: 'category' in fm ? (fm.category ?? null) : folder,
    extraFiles: fm.attachments ?? [],
    generated: fm.generated ?? null,
  };
}

/** A new article's body, with its links now pointing at its attachments: same row, version and index entries. */
async function replaceNewBody(ctx: ServiceContext, trx: Transaction<Database>, id: number, body: string) {
  const row = await trx
    .updateTable('articles')
    .set({ body })
    .where('id', '=', id)
    .returning(['title', 'tag_text', 'body'])
    .executeTakeFirstOrThrow();
  const version = await trx
    .updateTable('article_versions')
    .set({ body })
    .where('article_id', '=', id)
    .where('version', '=', 1)
    .returning('id')
    .executeTakeFirstOrThrow();
  await ctx.caps.search.index(trx, articleIndex, id, row, true);
  await ctx.caps.search.index(trx, articleVersionIndex, version.id, row, true);
  await storeRendered(trx, id, 1, body);
}

function mayTransfer(actor: Actor): void {
  if (!canKnowledge(actor, 'kb.transfer'))
    throw new Forbidden('forbidden', 'Only managers and admins import and export the knowledge base.');
}

/**
 * Import a tree of files (path → bytes): each Markdown or HTML file becomes an article; the files they link to
 * become its attachments. A file that cannot become an article is skipped with the reason.
 */
export async function importKnowledgeFiles(
  ctx: ServiceContext,
  actor: Actor,
  files: Map<string, Uint8Array>,
): Promise<KbImportResult> {
  mayTransfer(actor);
  const result: KbImportResult = { created: [], skipped: [] };
  const categories = new Map((await listKbCategories(ctx)).map((c) => [c.name.toLowerCase(), c.id]));
  const used = new Set<string>();
  const articleFiles = [...files.keys()].filter((p) => textExtensions.test(p)).sort();
  for (const path of articleFiles) {
    const bytes = files.get(path) as Uint8Array;
    const text = decodeText(bytes);
    if (text === null) {
      result.skipped.push({ path, reason: 'not text (binary content)' });
      continue;
    }
    try {
      const parsed = parseArticleFile(path, text);
      if (parsed.generated !== null) {
        result.skipped.push({ path, reason: 'a page the service writes itself (generated); not imported' });
        continue;
      }
      const notes: string[] = [];
      let ownerId: number | null = null;
      if (parsed.ownerEmail) {
        const owner = await ctx.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', parsed.ownerEmail.toLowerCase())
          .where('active', '=', 1)
          .where('role', '!=', 'requester')
          .executeTakeFirst();
        if (owner) ownerId = owner.id;
        else
          notes.push(
            `owner ${parsed.ownerEmail.slice(0, 100)} is not a staff member here: left without owner`,
          );
      }
      let categoryId: number | null = null;
      const categoryName = parsed.categoryName?.trim().slice(0, 100) || null;
      if (categoryName) {
        categoryId = categories.get(categoryName.toLowerCase()) ?? null;
        if (categoryId === null) {
          categoryId = (await saveKbCategory(ctx, actor, null, { name: categoryName })).id;
          categories.set(categoryName.toLowerCase(), categoryId);
        }
      }
      const links = linkedFiles(path, parsed.input.body, files);
      // What the body links to, and what the front matter lists besides (an export's unlinked files).
      const targets = new Set(links.values());
      for (const extra of parsed.extraFiles) {
        const target = resolveRelative(path, extra);
        if (target && files.has(target) && !textExtensions.test(target)) targets.add(target);
        else notes.push(`attachment ${extra.slice(0, 100)} is not in the import`);
      }
      const at = ctx.clock.now();
      const article = await ctx.db.transaction().execute(async (trx) => {
        const created = await createArticle(
          ctx,
          actor,
          { ...parsed.input, categoryId, ownerId },
          { at, trx },
        );
        const urls = new Map<string, string>();
        for (const target of targets) {
          const a = await insertArticleAttachment(
            trx,
            actor,
            created.id,
            {
              filename: target.split('/').pop() ?? target,
              contentType: '',
              data: files.get(target) as Uint8Array,
            },
            at,
          );
          urls.set(target, `/api/v1/articles/${created.id}/attachments/${a.id}`);
          used.add(target);
        }
        const byLink = new Map([...links].map(([raw, target]) => [raw, urls.get(target) as string]));
        const body = rewriteLinks(parsed.input.body, (raw) => byLink.get(raw));
        if (body !== parsed.input.body) await replaceNewBody(ctx, trx, created.id, body);
        return created;
      });
      if (parsed.archived) await transitionArticle(ctx, actor, article.id, 'archived');
      result.created.push({ id: article.id, title: article.title, path, notes });
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind === 'internal') throw err;
      result.skipped.push({ path, reason: err.message });
    }
  }
  await linkImportedPages(ctx, result.created);
  for (const path of [...files.keys()].sort())
    if (!textExtensions.test(path) && !used.has(path))
      result.skipped.push({ path, reason: 'not a Markdown or HTML file, and no article links to it' });
  return result;
}

/**
 * Links between the imported pages ("see [the VPN guide](../network/vpn.md#windows)") made links to the
 * articles they became (`/kb/12#windows`), once every page has its article.
 */
async function linkImportedPages(ctx: ServiceContext, created: KbImportResult['created']): Promise<void> {
  const byPath = new Map(created.map((c) => [c.path, c.id]));
  for (const { id, path } of created) {
    await ctx.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('articles').select('body').where('id', '=', id).executeTakeFirst();
      if (!row) return;
      const body = rewriteLinks(row.body, (raw) => {
        const target = resolveRelative(path, raw);
        const article = target === null ? undefined : byPath.get(target);
        if (article === undefined) return undefined;
        const hash = raw.indexOf('#');
        return `/kb/${article}${hash >= 0 ? raw.slice(hash) : ''}`;
      });
      if (body !== row.body) await replaceNewBody(ctx, trx, id, body);
    });
  }
}

/** Import one uploaded file: a .md, an .html/.htm, or a .zip of a folder tree of them. */
export async function importKnowledge(
  ctx: ServiceContext,
  actor: Actor,
  upload: { filename: string; data: Uint8Array },
): Promise<KbImportResult> {
  mayTransfer(actor);
  if (upload.data.length === 0) throw badImport('The file is empty.');
  const name = cleanAttachmentName(upload.filename || 'upload');
  const zip = upload.data[0] === 0x50 && upload.data[1] === 0x4b;
  if (zip || /\.zip$/i.test(name)) return importKnowledgeFiles(ctx, actor, unpackZip(upload.data));
  if (!textExtensions.test(name))
    throw badImport('Import a Markdown file (.md), an HTML file (.html, .htm) or a zip of them.');
  if (decodeText(upload.data) === null) throw badImport(`${name} is not a text file.`);
  return importKnowledgeFiles(ctx, actor, new Map([[name, upload.data]]));
}

// ---- export ----------------------------------------------------------------------------------------------

/** A name safe as one path segment on every system. */
function segment(name: string, fallback: string): string {
  const s = name
    .normalize('NFKC')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 80)
    .trim();
  return s || fallback;
}

function slugOf(title: string): string {
  return (
    title
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'article'
  );
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The whole knowledge base as a zip: one Markdown file per article with its front matter, in a folder per
 * category (articles without one at the top), each article's attachments in a folder named like it.
 */
/** Links to other articles (`/kb/12#part`) as relative links to their files in the export, from `folder`. */
function articleLinksAsFiles(
  body: string,
  folder: string,
  pathOf: Map<number, { folder: string; base: string }>,
): string {
  return rewriteLinks(body, (raw) => {
    const link = /^\/kb\/(\d{1,10})(#.*)?$/.exec(raw);
    const target = link ? pathOf.get(Number(link[1])) : undefined;
    if (!link || !target) return undefined;
    const file = [target.folder.slice(0, -1), `${target.base}.md`].filter(Boolean).map(encodeURIComponent);
    return `${folder ? '../' : ''}${file.join('/')}${link[2] ?? ''}`;
  });
}

export async function exportKnowledge(ctx: ServiceContext, actor: Actor): Promise<Uint8Array> {
  mayTransfer(actor);
  const ids = (await ctx.db.selectFrom('articles').select('id').orderBy('id').execute()).map((r) => r.id);
  const out: Record<string, Uint8Array> = {};
  // Every article's file first, so a link to another article (/kb/12#part) can become a link to its file.
  const pathOf = new Map<number, { folder: string; base: string }>();
  const taken = new Set<string>();
  for (const a of await ctx.db
    .selectFrom('articles as a')
    .leftJoin('kb_categories as c', 'c.id', 'a.category_id')
    .select(['a.id', 'a.title', 'c.name as category'])
    .orderBy('a.id')
    .execute()) {
    const folder = a.category ? `${segment(a.category, 'category')}/` : '';
    let base = slugOf(a.title);
    if (taken.has(`${folder}${base}`.toLowerCase())) base = `${base}-${a.id}`;
    taken.add(`${folder}${base}`.toLowerCase());
    pathOf.set(a.id, { folder, base });
  }
  for (let i = 0; i < ids.length; i += 200) {
    const articles = await readArticles(ctx.db, actor, ids.slice(i, i + 200));
    const ownerIds = [...new Set(articles.map((a) => a.ownerId).filter((x): x is number => x !== null))];
    const owners = new Map(
      ownerIds.length === 0
        ? []
        : (
            await ctx.db.selectFrom('users').select(['id', 'email']).where('id', 'in', ownerIds).execute()
          ).map((u) => [u.id, u.email]),
    );
    const files = await attachmentsOfArticles(
      ctx.db,
      articles.map((a) => a.id),
    );
    for (const a of articles) {
      const { folder, base } = pathOf.get(a.id) ?? { folder: '', base: `${slugOf(a.title)}-${a.id}` };
      let body = articleLinksAsFiles(a.body, folder, pathOf);
      const attachmentPaths: string[] = [];
      const names = new Set<string>();
      for (const { attachment, data } of files.get(a.id) ?? []) {
        let name = segment(cleanAttachmentName(attachment.filename), 'attachment');
        // An attached .md or .html would import again as an article: it travels as text.
        if (textExtensions.test(name)) name = `${name}.txt`;
        if (names.has(name.toLowerCase())) name = `${attachment.id}-${name}`;
        names.add(name.toLowerCase());
        const relative = `${encodeURIComponent(base)}/${encodeURIComponent(name)}`;
        out[`${folder}${base}/${name}`] = data;
        attachmentPaths.push(relative);
        body = body.replace(
          new RegExp(`/api/v1/articles/${a.id}/attachments/${attachment.id}(?![0-9])`, 'g'),
          relative,
        );
      }
      const front = {
        id: a.id,
        title: a.title,
        kind: a.kind,
        audience: a.audience,
        status: a.status,
        category: a.categoryName,
        tags: a.tags,
        version: a.version,
        owner: a.ownerId === null ? null : (owners.get(a.ownerId) ?? null),
        effectiveAt: isoOrNull(a.effectiveAt),
        reviewIntervalDays: a.reviewIntervalDays,
        nextReviewAt: isoOrNull(a.nextReviewAt),
        lastReviewedAt: isoOrNull(a.lastReviewedAt),
        requiresAck: a.requiresAck,
        createdAt: isoOrNull(a.createdAt),
        updatedAt: isoOrNull(a.updatedAt),
        publishedAt: isoOrNull(a.publishedAt),
        ...(a.generated ? { generated: a.generated } : {}),
        ...(attachmentPaths.length > 0 ? { attachments: attachmentPaths } : {}),
      };
      out[`${folder}${base}.md`] = strToU8(`---\n${stringifyYaml(front)}---\n${body}`);
    }
  }
  // The clock's time, not the machine's: an export made on a fake clock is the same every time.
  return zipSync(out, { level: 6, mtime: new Date(ctx.clock.now()) });
}
