// Attachments of articles: screenshots and files a guide points to. The bytes live in the database (so every
// instance serves them, and a backup holds them). Only what the first bytes prove to be a PNG, JPEG, GIF or
// WebP is ever served as an image; everything else — SVG and HTML included — is a download of unknown type.
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound, TooLarge } from '../core/errors.js';
import { canKnowledge, canReadArticle } from './policies.js';

type Db = Kysely<Database> | Transaction<Database>;

export const articleAttachmentLimits = {
  /** One file: a screenshot or a manual's PDF, not a video. */
  bytes: 10 * 1_048_576,
  /** Per article: a guide's screenshots, bounded so one article cannot fill the database. */
  perArticle: 50,
} as const;

/** The types served inline: images a browser renders without running anything. */
export const inlineImageTypes = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

/** The image type the bytes prove, or null. Never the client's word: a "PNG" that is HTML is not an image. */
export function sniffImageType(data: Uint8Array): (typeof inlineImageTypes)[number] | null {
  const b = (i: number) => data[i];
  const ascii = (from: number, to: number) => String.fromCharCode(...data.subarray(from, to));
  if (data.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b(i) === x))
    return 'image/png';
  if (data.length >= 3 && b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'image/jpeg';
  if (data.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'image/gif';
  if (data.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export interface ArticleAttachment {
  id: number;
  articleId: number;
  filename: string;
  /** A proven image type, or the type the uploader declared (shown, never served). */
  contentType: string;
  size: number;
  sha256: string;
  createdBy: number | null;
  createdAt: number;
  /** Served inline as an image (its type proven by its bytes); otherwise a download. */
  inline: boolean;
}

export interface IncomingArticleFile {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/** A file name without folders, control characters or quotes; never empty. */
export function cleanAttachmentName(name: string): string {
  const base = (name.replace(/\\/g, '/').split('/').pop() ?? '')
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim();
  const cut = base.slice(-200);
  return cut.length > 0 && cut !== '.' && cut !== '..' ? cut : 'attachment';
}

/** The type to keep: a proven image type; a declared image type the bytes deny is kept as unknown. */
function storedType(declared: string, data: Uint8Array): string {
  const image = sniffImageType(data);
  if (image) return image;
  const t = declared.split(';')[0].trim().toLowerCase();
  if (t.startsWith('image/') || !/^[a-z]+\/[a-z0-9.+-]{1,100}$/.test(t)) return 'application/octet-stream';
  return t;
}

const columns = [
  'id',
  'article_id',
  'filename',
  'content_type',
  'size',
  'sha256',
  'created_by',
  'created_at',
] as const;

function fromRow(r: {
  id: number;
  article_id: number;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  created_by: number | null;
  created_at: number;
}): ArticleAttachment {
  return {
    id: r.id,
    articleId: r.article_id,
    filename: r.filename,
    contentType: r.content_type,
    size: Number(r.size),
    sha256: r.sha256,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    inline: (inlineImageTypes as readonly string[]).includes(r.content_type),
  };
}

/** The article as the actor may see it: NotFound when it does not exist or is not theirs to read. */
async function readableArticle(db: Db, actor: Actor, articleId: number) {
  const row = await db
    .selectFrom('articles')
    .select(['id', 'audience', 'status'])
    .where('id', '=', articleId)
    .executeTakeFirst();
  if (!row || !canReadArticle(actor, row))
    throw new NotFound('article_not_found', `No article ${articleId}.`);
  return row;
}

/**
 * Store a file as an attachment of the article, in the caller's transaction (the importer attaches a zip's
 * images while it writes the article). Checks the writer, the size and the count.
 */
export async function insertArticleAttachment(
  trx: Transaction<Database>,
  actor: Actor,
  articleId: number,
  file: IncomingArticleFile,
  at: number,
): Promise<ArticleAttachment> {
  const article = await readableArticle(trx, actor, articleId);
  if (!canKnowledge(actor, 'article.write', article))
    throw new Forbidden('forbidden', 'Only technicians, managers and admins attach files to articles.');
  if (file.data.length > articleAttachmentLimits.bytes)
    throw new TooLarge(
      'attachment_too_large',
      `An article's attachment may be at most ${articleAttachmentLimits.bytes} bytes.`,
    );
  if (file.data.length === 0)
    throw new Invalid('validation_failed', 'file: the file is empty', [
      { field: '/file', message: 'empty file' },
    ]);
  const count = await trx
    .selectFrom('article_attachments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('article_id', '=', articleId)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= articleAttachmentLimits.perArticle)
    throw new Conflict(
      'article_attachment_limit',
      `An article may have at most ${articleAttachmentLimits.perArticle} attachments.`,
    );
  const filename = cleanAttachmentName(file.filename);
  const row = await trx
    .insertInto('article_attachments')
    .values({
      article_id: articleId,
      filename,
      content_type: storedType(file.contentType, file.data),
      size: file.data.length,
      sha256: createHash('sha256').update(file.data).digest('hex'),
      data: Buffer.from(file.data.buffer, file.data.byteOffset, file.data.length),
      created_by: actor.id,
      created_at: at,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actorId: actor.id,
    at,
    action: 'article.attachment_added',
    subjectType: 'article',
    subjectId: articleId,
    details: { attachmentId: row.id, filename, size: row.size },
  });
  return fromRow(row);
}

/** Attach a file to an article (writers of the article). */
export async function addArticleAttachment(
  ctx: ServiceContext,
  actor: Actor,
  articleId: number,
  file: IncomingArticleFile,
): Promise<ArticleAttachment> {
  const at = ctx.clock.now();
  return ctx.db.transaction().execute((trx) => insertArticleAttachment(trx, actor, articleId, file, at));
}

/** An article's attachments, oldest first (readers of the article). */
export async function listArticleAttachments(
  ctx: ServiceContext,
  actor: Actor,
  articleId: number,
): Promise<ArticleAttachment[]> {
  await readableArticle(ctx.db, actor, articleId);
  const rows = await ctx.db
    .selectFrom('article_attachments')
    .select(columns)
    .where('article_id', '=', articleId)
    .orderBy('id')
    .execute();
  return rows.map(fromRow);
}

/** One attachment with its bytes, for a reader of the article; NotFound otherwise. */
export async function readArticleAttachment(
  ctx: ServiceContext,
  actor: Actor,
  articleId: number,
  attachmentId: number,
): Promise<{ attachment: ArticleAttachment; data: Buffer }> {
  await readableArticle(ctx.db, actor, articleId);
  const row = await ctx.db
    .selectFrom('article_attachments')
    .select([...columns, 'data'])
    .where('id', '=', attachmentId)
    .where('article_id', '=', articleId)
    .executeTakeFirst();
  if (!row)
    throw new NotFound(
      'article_attachment_not_found',
      `Article ${articleId} has no attachment ${attachmentId}.`,
    );
  const { data, ...rest } = row;
  return { attachment: fromRow(rest), data: Buffer.from(data) };
}

/** Every attachment of the given articles with its bytes: what an export writes beside each article. */
export async function attachmentsOfArticles(
  db: Db,
  articleIds: readonly number[],
): Promise<Map<number, { attachment: ArticleAttachment; data: Buffer }[]>> {
  const out = new Map<number, { attachment: ArticleAttachment; data: Buffer }[]>();
  if (articleIds.length === 0) return out;
  const rows = await db
    .selectFrom('article_attachments')
    .select([...columns, 'data'])
    .where('article_id', 'in', articleIds)
    .orderBy('id')
    .execute();
  for (const { data, ...rest } of rows) {
    const list = out.get(rest.article_id) ?? [];
    list.push({ attachment: fromRow(rest), data: Buffer.from(data) });
    out.set(rest.article_id, list);
  }
  return out;
}

/** Remove an attachment (writers of the article). */
export async function deleteArticleAttachment(
  ctx: ServiceContext,
  actor: Actor,
  articleId: number,
  attachmentId: number,
): Promise<void> {
  const at = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const article = await readableArticle(trx, actor, articleId);
    if (!canKnowledge(actor, 'article.write', article))
      throw new Forbidden('forbidden', "Only technicians, managers and admins remove an article's files.");
    const gone = await trx
      .deleteFrom('article_attachments')
      .where('id', '=', attachmentId)
      .where('article_id', '=', articleId)
      .returning(['filename'])
      .executeTakeFirst();
    if (!gone)
      throw new NotFound(
        'article_attachment_not_found',
        `Article ${articleId} has no attachment ${attachmentId}.`,
      );
    await recordAudit(trx, {
      actorId: actor.id,
      at,
      action: 'article.attachment_removed',
      subjectType: 'article',
      subjectId: articleId,
      details: { attachmentId, filename: gone.filename },
    });
  });
}
