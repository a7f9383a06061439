// Articles: FAQs, guides, manuals, runbooks, policies and procedures, in Markdown. Every write is a named
// command in one transaction: the article row, a new entry in its versions (content changes only), its tags,
// its full-text index, the audit log and the suggestion index's version. Status moves follow one transition
// table; an edit names the version it started from, so two editors cannot silently overwrite each other.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { ArticleAudience, ArticleKind, ArticleStatus, Database } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import { articleIndex, articleVersionIndex } from './article-indexes.js';
import { type Heading, renderArticle } from './article-rendering.js';
import { canKnowledge, canReadArticle, isManagerRole } from './policies.js';
import { changingSuggestions } from './suggestion-index.js';

type Db = Kysely<Database> | Transaction<Database>;
type Trx = Transaction<Database>;

export const articleKinds: readonly ArticleKind[] = [
  'faq',
  'guide',
  'manual',
  'runbook',
  'policy',
  'procedure',
];
export const articleAudiences: readonly ArticleAudience[] = ['public', 'internal', 'managers'];
export const articleStatuses: readonly ArticleStatus[] = ['draft', 'in_review', 'published', 'archived'];

/** The kinds that carry an owner, an effective date and reviews. */
export function isPolicyKind(kind: ArticleKind): boolean {
  return kind === 'policy' || kind === 'procedure';
}

/**
 * Where a status may go, and who may move it: technicians write drafts and put them up for review (or take
 * them back); managers publish, send back, archive and bring back.
 */
const transitions: Record<ArticleStatus, Partial<Record<ArticleStatus, 'writer' | 'publisher'>>> = {
  draft: { in_review: 'writer', published: 'publisher', archived: 'publisher' },
  in_review: { draft: 'writer', published: 'publisher', archived: 'publisher' },
  published: { draft: 'publisher', archived: 'publisher' },
  archived: { draft: 'publisher', published: 'publisher' },
};

export function allowedArticleTransitions(from: ArticleStatus): ArticleStatus[] {
  return Object.keys(transitions[from]) as ArticleStatus[];
}

export const articleLimits = {
  title: 200,
  body: 200_000,
  tags: 20,
  tag: 50,
  note: 500,
} as const;

export interface Article {
  id: number;
  kind: ArticleKind;
  audience: ArticleAudience;
  status: ArticleStatus;
  title: string;
  body: string;
  categoryId: number | null;
  categoryName: string | null;
  tags: string[];
  version: number;
  createdBy: { id: number; name: string } | null;
  updatedBy: { id: number; name: string } | null;
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
  ownerId: number | null;
  ownerName: string | null;
  effectiveAt: number | null;
  reviewIntervalDays: number | null;
  nextReviewAt: number | null;
  lastReviewedAt: number | null;
  requiresAck: boolean;
  generated: string | null;
  sourceTicketId: number | null;
  helpedCount: number;
  /** Tickets linked to it that were resolved or closed. */
  solvedCount: number;
}

export interface ArticleInput {
  title: string;
  body: string;
  kind: ArticleKind;
  audience: ArticleAudience;
  categoryId?: number | null;
  tags?: string[];
  ownerId?: number | null;
  /** ISO dates are parsed at the edge: epoch ms here. */
  effectiveAt?: number | null;
  reviewIntervalDays?: number | null;
  requiresAck?: boolean;
  note?: string;
}

export interface ArticleChanges extends Partial<ArticleInput> {
  /** The version the edit started from: refused when the article has moved on. */
  baseVersion: number;
}

function invalid(field: string, message: string): Invalid {
  return new Invalid('validation_failed', `${field.slice(1)}: ${message}`, [{ field, message }]);
}

export function cleanArticleTags(tags: string[]): string[] {
  const out = [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))].sort();
  if (out.length > articleLimits.tags) throw invalid('/tags', `at most ${articleLimits.tags} tags`);
  for (const t of out)
    if (t.length > articleLimits.tag || !/^[\p{L}\p{N}][\p{L}\p{N}._:/-]*$/u.test(t))
      throw invalid(
        '/tags',
        `tag "${t.slice(0, 60)}" must be up to ${articleLimits.tag} letters, digits or . _ : / -`,
      );
  return out;
}

function cleanTitle(title: string): string {
  const t = title.trim();
  if (t.length === 0 || t.length > articleLimits.title)
    throw invalid('/title', `must be 1–${articleLimits.title} characters`);
  return t;
}

function cleanBody(body: string): string {
  if (body.length > articleLimits.body)
    throw invalid('/body', `must be at most ${articleLimits.body} characters`);
  // NUL is refused by PostgreSQL's text and means nothing in Markdown.
  return body.replace(/\u0000/g, '');
}

const dayMs = 86_400_000;

/** The next review of a policy: from its last review (or effective date) one interval on. */
export function nextReviewAfter(from: number | null, intervalDays: number | null): number | null {
  if (from === null || intervalDays === null) return null;
  return from + intervalDays * dayMs;
}

async function checkCategory(db: Db, id: number | null | undefined): Promise<void> {
  if (id === null || id === undefined) return;
  const row = await db.selectFrom('kb_categories').select('id').where('id', '=', id).executeTakeFirst();
  if (!row)
    throw new Invalid('invalid_reference', `No knowledge base category ${id}.`, [
      { field: '/categoryId', message: 'no such category' },
    ]);
}

async function checkOwner(db: Db, id: number | null | undefined): Promise<void> {
  if (id === null || id === undefined) return;
  const row = await db
    .selectFrom('users')
    .select(['id', 'role'])
    .where('id', '=', id)
    .where('active', '=', 1)
    .executeTakeFirst();
  if (!row || row.role === 'requester')
    throw new Invalid('invalid_reference', `User ${id} is not a staff member who can own a policy.`, [
      { field: '/ownerId', message: 'must be an active staff member' },
    ]);
}

function checkAudienceFor(actor: Actor, audience: ArticleAudience): void {
  if (audience === 'managers' && !isManagerRole(actor))
    throw new Forbidden('forbidden', 'Only managers and admins write articles for managers.');
}

/** The article's words into its index (FTS5; PostgreSQL's generated column follows the row). */
export async function indexArticle(
  ctx: ServiceContext,
  trx: Trx,
  id: number,
  fields: { title: string; tag_text: string; body: string },
  replace: boolean,
): Promise<void> {
  await ctx.caps.search.index(trx, articleIndex, id, fields, replace);
}

async function writeTags(trx: Trx, id: number, tags: string[]): Promise<void> {
  await trx.deleteFrom('article_tags').where('article_id', '=', id).execute();
  if (tags.length > 0)
    await trx
      .insertInto('article_tags')
      .values(tags.map((tag) => ({ article_id: id, tag })))
      .execute();
}

/** A new version of the article's content, indexed for the technicians' search within versions. */
export async function writeVersion(
  ctx: ServiceContext,
  trx: Trx,
  row: {
    id: number;
    version: number;
    kind: ArticleKind;
    audience: ArticleAudience;
    status: ArticleStatus;
    title: string;
    body: string;
    category_id: number | null;
    tag_text: string;
  },
  authorId: number | null,
  note: string,
  at: number,
): Promise<void> {
  // The version's body, rendered once, here, for every reader to come.
  await storeRendered(trx, row.id, row.version, row.body);
  const v = await trx
    .insertInto('article_versions')
    .values({
      article_id: row.id,
      version: row.version,
      kind: row.kind,
      audience: row.audience,
      status: row.status,
      title: row.title,
      body: row.body,
      category_id: row.category_id,
      tag_text: row.tag_text,
      author_id: authorId,
      note: note.slice(0, articleLimits.note),
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await ctx.caps.search.index(
    trx,
    articleVersionIndex,
    v.id,
    { title: row.title, tag_text: row.tag_text, body: row.body },
    false,
  );
}

/** Write a new article (a draft unless `status` says otherwise), its first version and its index entry. */
export async function createArticle(
  ctx: ServiceContext,
  actor: Actor,
  input: ArticleInput & { status?: ArticleStatus; sourceTicketId?: number | null; generated?: string | null },
  options: { at?: number; trx?: Trx } = {},
): Promise<Article> {
  if (!canKnowledge(actor, 'article.write'))
    throw new Forbidden('forbidden', 'Only technicians, managers and admins write articles.');
  checkAudienceFor(actor, input.audience);
  const status = input.status ?? 'draft';
  if (status !== 'draft' && status !== 'in_review' && !canKnowledge(actor, 'article.publish'))
    throw new Forbidden('forbidden', 'Only managers and admins publish articles.');
  const title = cleanTitle(input.title);
  const body = cleanBody(input.body);
  const tags = cleanArticleTags(input.tags ?? []);
  const now = options.at ?? ctx.clock.now();
  const policy = isPolicyKind(input.kind);
  const run = async (trx: Trx): Promise<number> => {
    await checkCategory(trx, input.categoryId);
    await checkOwner(trx, input.ownerId);
    const effectiveAt = policy ? (input.effectiveAt ?? null) : null;
    const interval = policy ? (input.reviewIntervalDays ?? null) : null;
    const row = {
      kind: input.kind,
      audience: input.audience,
      status,
      title,
      body,
      category_id: input.categoryId ?? null,
      tag_text: tags.join(' '),
      version: 1,
      created_by: actor.id,
      updated_by: actor.id,
      created_at: now,
      updated_at: now,
      published_at: status === 'published' ? now : null,
      owner_id: policy ? (input.ownerId ?? null) : null,
      effective_at: effectiveAt,
      review_interval_days: interval,
      next_review_at: nextReviewAfter(effectiveAt ?? (status === 'published' ? now : null), interval),
      last_reviewed_at: null,
      reminded_for: null,
      requires_ack: input.requiresAck ? 1 : 0,
      generated: input.generated ?? null,
      source_ticket_id: input.sourceTicketId ?? null,
    };
    const { id } = await trx.insertInto('articles').values(row).returning('id').executeTakeFirstOrThrow();
    await writeTags(trx, id, tags);
    await indexArticle(ctx, trx, id, row, false);
    await writeVersion(ctx, trx, { id, ...row }, actor.id, input.note ?? '', now);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'article.created',
      subjectType: 'article',
      subjectId: id,
      details: { title, kind: input.kind, audience: input.audience, status },
    });
    return id;
  };
  const id = await changingSuggestions(ctx, run, options.trx);
  return getArticle(ctx, actor, id, options.trx);
}

/** The article row, locked for the transaction's write (PostgreSQL); hidden from who may not read it. */
async function articleForWrite(ctx: ServiceContext, trx: Trx, actor: Actor, id: number) {
  let q = trx.selectFrom('articles').selectAll().where('id', '=', id);
  if (ctx.caps.supportsSkipLocked) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row || !canReadArticle(actor, row)) throw new NotFound('article_not_found', `No article ${id}.`);
  return row;
}

/**
 * Change an article: content changes make a new version (with the author and note); status is moved by
 * transitionArticle. The edit must start from the current version.
 */
export async function updateArticle(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  changes: ArticleChanges,
): Promise<Article> {
  const now = ctx.clock.now();
  await changingSuggestions(ctx, async (trx) => {
    const row = await articleForWrite(ctx, trx, actor, id);
    if (!canKnowledge(actor, 'article.write', row))
      throw new Forbidden('forbidden', 'Only technicians, managers and admins edit articles.');
    if (row.audience === 'managers' || changes.audience === 'managers') checkAudienceFor(actor, 'managers');
    if (row.generated !== null)
      throw new Conflict('article_generated', 'This page is written by the service from the SLA policies.');
    if (changes.baseVersion !== row.version)
      throw new Conflict(
        'article_edit_conflict',
        `The article is at version ${row.version}; the edit started from version ${changes.baseVersion}.`,
      );
    const kind = changes.kind ?? row.kind;
    const policy = isPolicyKind(kind);
    // Policy fields on a published policy are the publisher's (an owner or interval is a decision).
    const policyFieldsChange =
      changes.ownerId !== undefined ||
      changes.effectiveAt !== undefined ||
      changes.reviewIntervalDays !== undefined;
    if (policyFieldsChange && row.status === 'published' && !canKnowledge(actor, 'article.publish', row))
      throw new Forbidden(
        'forbidden',
        "Only managers and admins change a published policy's owner, dates or reviews.",
      );
    if (changes.categoryId !== undefined) await checkCategory(trx, changes.categoryId);
    if (changes.ownerId !== undefined) await checkOwner(trx, changes.ownerId);
    const tags =
      changes.tags !== undefined ? cleanArticleTags(changes.tags) : row.tag_text.split(' ').filter(Boolean);
    const next = {
      kind,
      audience: changes.audience ?? row.audience,
      title: changes.title !== undefined ? cleanTitle(changes.title) : row.title,
      body: changes.body !== undefined ? cleanBody(changes.body) : row.body,
      category_id: changes.categoryId !== undefined ? changes.categoryId : row.category_id,
      tag_text: tags.join(' '),
    };
    const contentChanged =
      next.kind !== row.kind ||
      next.audience !== row.audience ||
      next.title !== row.title ||
      next.body !== row.body ||
      next.category_id !== row.category_id ||
      next.tag_text !== row.tag_text;
    const ownerId = policy ? (changes.ownerId !== undefined ? changes.ownerId : row.owner_id) : null;
    const effectiveAt = policy
      ? changes.effectiveAt !== undefined
        ? changes.effectiveAt
        : row.effective_at
      : null;
    const interval = policy
      ? changes.reviewIntervalDays !== undefined
        ? changes.reviewIntervalDays
        : row.review_interval_days
      : null;
    const scheduleChanged = interval !== row.review_interval_days || effectiveAt !== row.effective_at;
    const nextReviewAt = scheduleChanged
      ? nextReviewAfter(row.last_reviewed_at ?? effectiveAt ?? row.published_at, interval)
      : row.next_review_at;
    const version = contentChanged ? row.version + 1 : row.version;
    await trx
      .updateTable('articles')
      .set({
        ...next,
        version,
        updated_by: actor.id,
        updated_at: now,
        owner_id: ownerId,
        effective_at: effectiveAt,
        review_interval_days: interval,
        next_review_at: nextReviewAt,
        requires_ack:
          changes.requiresAck !== undefined ? (changes.requiresAck ? 1 : 0) : policy ? row.requires_ack : 0,
      })
      .where('id', '=', id)
      .execute();
    if (changes.tags !== undefined) await writeTags(trx, id, tags);
    if (contentChanged) {
      await indexArticle(ctx, trx, id, next, true);
      await writeVersion(
        ctx,
        trx,
        { id, version, status: row.status, ...next },
        actor.id,
        changes.note ?? '',
        now,
      );
    }
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'article.updated',
      subjectType: 'article',
      subjectId: id,
      details: { version, fields: Object.keys(changes).filter((k) => k !== 'baseVersion' && k !== 'note') },
    });
  });
  return getArticle(ctx, actor, id);
}

/** Move an article along draft → in review → published → archived (and back, as the table allows). */
export async function transitionArticle(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  to: ArticleStatus,
): Promise<Article> {
  const now = ctx.clock.now();
  await changingSuggestions(ctx, async (trx) => {
    const row = await articleForWrite(ctx, trx, actor, id);
    if (!canKnowledge(actor, 'article.write', row))
      throw new Forbidden('forbidden', 'Only technicians, managers and admins change articles.');
    if (row.status === to) return;
    const who = transitions[row.status][to];
    if (!who)
      throw new Conflict(
        'article_transition_not_allowed',
        `A ${row.status.replace('_', ' ')} article cannot become ${to.replace('_', ' ')}; allowed: ${allowedArticleTransitions(row.status).join(', ')}.`,
      );
    if (who === 'publisher' && !canKnowledge(actor, 'article.publish', row))
      throw new Forbidden(
        'forbidden',
        `Only managers and admins move an article to ${to.replace('_', ' ')}.`,
      );
    const publishing = to === 'published';
    const firstPublication = publishing && row.published_at === null;
    await trx
      .updateTable('articles')
      .set({
        status: to,
        updated_by: actor.id,
        updated_at: now,
        published_at: publishing ? now : row.published_at,
        // A policy's review clock starts when it first takes effect.
        next_review_at:
          firstPublication && row.next_review_at === null
            ? nextReviewAfter(row.effective_at ?? now, row.review_interval_days)
            : row.next_review_at,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'article.status_changed',
      subjectType: 'article',
      subjectId: id,
      details: { from: row.status, to },
    });
  });
  return getArticle(ctx, actor, id);
}

/** Read articles as views, in the order of `ids`; rows the actor may not read are left out. */
export async function readArticles(db: Db, actor: Actor | null, ids: readonly number[]): Promise<Article[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('articles as a')
    .leftJoin('kb_categories as c', 'c.id', 'a.category_id')
    .leftJoin('users as cu', 'cu.id', 'a.created_by')
    .leftJoin('users as uu', 'uu.id', 'a.updated_by')
    .leftJoin('users as ou', 'ou.id', 'a.owner_id')
    .select([
      'a.id',
      'a.kind',
      'a.audience',
      'a.status',
      'a.title',
      'a.body',
      'a.category_id',
      'a.tag_text',
      'a.version',
      'a.created_by',
      'a.updated_by',
      'a.created_at',
      'a.updated_at',
      'a.published_at',
      'a.owner_id',
      'a.effective_at',
      'a.review_interval_days',
      'a.next_review_at',
      'a.last_reviewed_at',
      'a.requires_ack',
      'a.generated',
      'a.source_ticket_id',
      'a.helped_count',
      'c.name as category_name',
      'cu.name as created_by_name',
      'uu.name as updated_by_name',
      'ou.name as owner_name',
    ])
    .select((eb) =>
      eb
        .selectFrom('ticket_articles as ta')
        .innerJoin('tickets as t', 't.id', 'ta.ticket_id')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('ta.article_id', '=', 'a.id')
        .where('t.status', 'in', ['resolved', 'closed'])
        .as('solved_count'),
    )
    .where('a.id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: Article[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (!r || (actor && !canReadArticle(actor, r))) continue;
    out.push({
      id: r.id,
      kind: r.kind,
      audience: r.audience,
      status: r.status,
      title: r.title,
      body: r.body,
      categoryId: r.category_id,
      categoryName: r.category_name ?? null,
      tags: r.tag_text.split(' ').filter(Boolean),
      version: r.version,
      createdBy: r.created_by !== null ? { id: r.created_by, name: r.created_by_name ?? '' } : null,
      updatedBy: r.updated_by !== null ? { id: r.updated_by, name: r.updated_by_name ?? '' } : null,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
      publishedAt: r.published_at === null ? null : Number(r.published_at),
      ownerId: r.owner_id,
      ownerName: r.owner_name ?? null,
      effectiveAt: r.effective_at === null ? null : Number(r.effective_at),
      reviewIntervalDays: r.review_interval_days,
      nextReviewAt: r.next_review_at === null ? null : Number(r.next_review_at),
      lastReviewedAt: r.last_reviewed_at === null ? null : Number(r.last_reviewed_at),
      requiresAck: r.requires_ack === 1,
      generated: r.generated,
      sourceTicketId: r.source_ticket_id,
      helpedCount: Number(r.helped_count),
      solvedCount: Number(r.solved_count ?? 0),
    });
  }
  return out;
}

/** One article as the actor may read it; NotFound when it does not exist or is not theirs to read. */
export async function getArticle(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  db: Db = ctx.db,
): Promise<Article> {
  const [a] = await readArticles(db, actor, [id]);
  if (!a) throw new NotFound('article_not_found', `No article ${id}.`);
  return a;
}

/**
 * The article with its Markdown rendered to safe HTML. The rendering is kept (article_renderings), made when the
 * body is written (storeRendered); an article written before renderings were kept is rendered on its first read
 * and kept then, unless a writer has meanwhile kept a newer version's.
 */
export async function getRenderedArticle(ctx: ServiceContext, actor: Actor, id: number) {
  // Both at once (the rendering is used only if the reader may read the article, and only for its version).
  const [article, stored] = await Promise.all([
    getArticle(ctx, actor, id),
    ctx.db
      .selectFrom('article_renderings')
      .select(['html', 'headings_json', 'version'])
      .where('article_id', '=', id)
      .executeTakeFirst(),
  ]);
  const kept = stored?.version === article.version ? stored : undefined;
  if (kept) return { article, html: kept.html, headings: JSON.parse(kept.headings_json) as Heading[] };
  const rendered = renderArticle(article.body);
  await keepRendering(ctx.db, id, article.version, rendered, true);
  return { article, ...rendered };
}

/** In the writer's transaction: the body rendered and kept for the article's version. */
export async function storeRendered(trx: Trx, id: number, version: number, body: string): Promise<void> {
  await keepRendering(trx, id, version, renderArticle(body), false);
}

/** Keep a rendering; `ifNewer`: only over one of an older version (a reader's late fill never wins). */
async function keepRendering(
  db: Db,
  id: number,
  version: number,
  rendered: { html: string; headings: Heading[] },
  ifNewer: boolean,
): Promise<void> {
  const values = { html: rendered.html, headings_json: JSON.stringify(rendered.headings), version };
  await db
    .insertInto('article_renderings')
    .values({ article_id: id, ...values })
    .onConflict((oc) => {
      const update = oc.column('article_id').doUpdateSet(values);
      return ifNewer ? update.where('article_renderings.version', '<', version) : update;
    })
    .execute();
}

export interface ArticleVersion {
  version: number;
  kind: ArticleKind;
  audience: ArticleAudience;
  status: ArticleStatus;
  title: string;
  body: string;
  categoryId: number | null;
  tags: string[];
  author: { id: number; name: string } | null;
  note: string;
  createdAt: number;
}

async function articleForVersions(ctx: ServiceContext, actor: Actor, id: number) {
  const row = await ctx.db
    .selectFrom('articles')
    .select(['id', 'audience', 'status', 'version'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || !canReadArticle(actor, row)) throw new NotFound('article_not_found', `No article ${id}.`);
  if (!canKnowledge(actor, 'article.versions', row))
    throw new Forbidden('forbidden', "Only technicians, managers and admins read an article's versions.");
  return row;
}

/** Every version of an article, newest first (without bodies: a list). */
export async function listArticleVersions(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<Omit<ArticleVersion, 'body'>[]> {
  await articleForVersions(ctx, actor, id);
  const rows = await ctx.db
    .selectFrom('article_versions as v')
    .leftJoin('users as u', 'u.id', 'v.author_id')
    .select([
      'v.version',
      'v.kind',
      'v.audience',
      'v.status',
      'v.title',
      'v.category_id',
      'v.tag_text',
      'v.author_id',
      'u.name as author_name',
      'v.note',
      'v.created_at',
    ])
    .where('v.article_id', '=', id)
    .orderBy('v.version', 'desc')
    .execute();
  return rows.map(versionView);
}

/** A version row (with its author's name) as the API's version, without its text. */
function versionView(r: {
  version: number;
  kind: ArticleKind;
  audience: ArticleAudience;
  status: ArticleStatus;
  title: string;
  category_id: number | null;
  tag_text: string;
  author_id: number | null;
  author_name: string | null;
  note: string;
  created_at: number;
}): Omit<ArticleVersion, 'body'> {
  return {
    version: r.version,
    kind: r.kind,
    audience: r.audience,
    status: r.status,
    title: r.title,
    categoryId: r.category_id,
    tags: r.tag_text.split(' ').filter(Boolean),
    author: r.author_id !== null ? { id: r.author_id, name: r.author_name ?? '' } : null,
    note: r.note,
    createdAt: Number(r.created_at),
  };
}

export async function getArticleVersion(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  version: number,
): Promise<ArticleVersion> {
  await articleForVersions(ctx, actor, id);
  const r = await ctx.db
    .selectFrom('article_versions as v')
    .leftJoin('users as u', 'u.id', 'v.author_id')
    .selectAll('v')
    .select('u.name as author_name')
    .where('v.article_id', '=', id)
    .where('v.version', '=', version)
    .executeTakeFirst();
  if (!r) throw new NotFound('article_version_not_found', `Article ${id} has no version ${version}.`);
  return { ...versionView(r), body: r.body };
}

/**
 * Bring an earlier version back: its content becomes a new version (the history keeps what it replaced), the
 * status stays where it is.
 */
export async function restoreArticleVersion(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  version: number,
): Promise<Article> {
  const old = await getArticleVersion(ctx, actor, id, version);
  const current = await getArticle(ctx, actor, id);
  // A category deleted since leaves the restored version without one.
  const category =
    old.categoryId === null
      ? undefined
      : await ctx.db
          .selectFrom('kb_categories')
          .select('id')
          .where('id', '=', old.categoryId)
          .executeTakeFirst();
  return updateArticle(ctx, actor, id, {
    baseVersion: current.version,
    title: old.title,
    body: old.body,
    kind: old.kind,
    audience: old.audience,
    categoryId: category ? category.id : null,
    tags: old.tags,
    note: `Restored version ${version}`,
  });
}
