// Answers before a ticket and beside one: suggestions for what a requester types (and for a ticket's
// technician), "this solved my problem" counted as a deflection, articles linked to tickets (and how many
// tickets each solved), a resolved ticket's solution turned into a draft, and the manager's measure of it all.
import { sql } from 'kysely';
import { recordAudit } from '../core/audit.js';
import { type Actor, isStaff } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Conflict, Forbidden, NotFound } from '../core/errors.js';
import { canTicket, findVisibleTicket, listComments } from '../helpdesk/index.js';
import { type Article, createArticle, readArticles } from './articles.js';
import { canKnowledge, canReadArticle, readableAudiences } from './policies.js';
import { changingSuggestions, currentSuggestionIndex } from './suggestion-index.js';

export interface SuggestedArticle {
  article: Article;
  score: number;
}

/** What suggestions read of a typed request: its title and description, bounded. */
export const suggestionTextMax = 4000;

/** The published articles that best answer a text, best first, within what the reader may read. */
export async function suggestArticles(
  ctx: ServiceContext,
  actor: Actor,
  text: string,
  limit: number,
): Promise<SuggestedArticle[]> {
  const index = await currentSuggestionIndex(ctx);
  const found = index.suggest(text.slice(0, suggestionTextMax), readableAudiences(actor), limit);
  const articles = await readArticles(
    ctx.db,
    actor,
    found.map((f) => f.id),
  );
  const score = new Map(found.map((f) => [f.id, f.score]));
  // Published only: the index holds nothing else, but an article may have been archived since it was built.
  return articles
    .filter((a) => a.status === 'published')
    .map((article) => ({ article, score: score.get(article.id) ?? 0 }));
}

/** Suggestions for a ticket: what answers its title and description, linked articles left out. */
export async function suggestForTicket(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  limit: number,
): Promise<SuggestedArticle[]> {
  const ticket = await findVisibleTicket(ctx.db, actor, ticketId);
  if (!ticket) throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
  const linked = new Set(
    (
      await ctx.db
        .selectFrom('ticket_articles')
        .select('article_id')
        .where('ticket_id', '=', ticketId)
        .execute()
    ).map((r) => r.article_id),
  );
  const found = await suggestArticles(
    ctx,
    actor,
    `${ticket.title}\n${ticket.description}`,
    limit + linked.size,
  );
  return found.filter((s) => !linked.has(s.article.id)).slice(0, limit);
}

/**
 * "This solved my problem": the request is not filed, and the article is counted as having answered it —
 * its text joins what the article is found by next time.
 */
export async function recordDeflection(
  ctx: ServiceContext,
  actor: Actor,
  articleId: number,
  text: string,
): Promise<{ articleId: number; helpedCount: number }> {
  const now = ctx.clock.now();
  return changingSuggestions(ctx, async (trx) => {
    const row = await trx
      .selectFrom('articles')
      .select(['id', 'audience', 'status'])
      .where('id', '=', articleId)
      .executeTakeFirst();
    if (!row || !canReadArticle(actor, row) || row.status !== 'published')
      throw new NotFound('article_not_found', `No article ${articleId}.`);
    await trx
      .insertInto('article_deflections')
      .values({
        article_id: articleId,
        user_id: actor.id,
        text: text.slice(0, suggestionTextMax),
        created_at: now,
      })
      .execute();
    const updated = await trx
      .updateTable('articles')
      .set({ helped_count: sql<number>`helped_count + 1` })
      .where('id', '=', articleId)
      .returning('helped_count')
      .executeTakeFirstOrThrow();
    return { articleId, helpedCount: Number(updated.helped_count) };
  });
}

export interface DeflectionReport {
  since: number;
  until: number;
  /** Requests closed by an article before a ticket was filed. */
  deflected: number;
  /** Requests requesters filed themselves in the period. */
  filed: number;
  /** deflected / (deflected + filed); null when there was neither. */
  rate: number | null;
  /** The articles that helped most in the period. */
  top: { id: number; title: string; kind: string; deflected: number; solved: number }[];
}

/** The manager's measure: how many requests the knowledge base answered, and which articles did. */
export async function deflectionReport(
  ctx: ServiceContext,
  actor: Actor,
  range: { since: number; until: number },
): Promise<DeflectionReport> {
  if (!canKnowledge(actor, 'kb.reports'))
    throw new Forbidden('forbidden', 'Only managers and admins see the report.');
  const { since, until } = range;
  const deflected = Number(
    (
      await ctx.db
        .selectFrom('article_deflections')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('created_at', '>=', since)
        .where('created_at', '<=', until)
        .executeTakeFirstOrThrow()
    ).n,
  );
  const filed = Number(
    (
      await ctx.db
        .selectFrom('tickets as t')
        .innerJoin('users as u', 'u.id', 't.created_by')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('u.role', '=', 'requester')
        .where('t.created_at', '>=', since)
        .where('t.created_at', '<=', until)
        .executeTakeFirstOrThrow()
    ).n,
  );
  const byDeflection = await ctx.db
    .selectFrom('article_deflections')
    .select(['article_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('created_at', '>=', since)
    .where('created_at', '<=', until)
    .groupBy('article_id')
    .execute();
  const bySolved = await ctx.db
    .selectFrom('ticket_articles as ta')
    .innerJoin('tickets as t', 't.id', 'ta.ticket_id')
    .select(['ta.article_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('t.status', 'in', ['resolved', 'closed'])
    .where('t.resolved_at', '>=', since)
    .where('t.resolved_at', '<=', until)
    .groupBy('ta.article_id')
    .execute();
  const counts = new Map<number, { deflected: number; solved: number }>();
  for (const r of byDeflection) counts.set(r.article_id, { deflected: Number(r.n), solved: 0 });
  for (const r of bySolved) {
    const c = counts.get(r.article_id) ?? { deflected: 0, solved: 0 };
    c.solved = Number(r.n);
    counts.set(r.article_id, c);
  }
  const ranked = [...counts.entries()]
    .sort((a, b) => b[1].deflected + b[1].solved - (a[1].deflected + a[1].solved) || a[0] - b[0])
    .slice(0, 10);
  const titles = new Map(
    (
      await ctx.db
        .selectFrom('articles')
        .select(['id', 'title', 'kind'])
        .where('id', 'in', ranked.length > 0 ? ranked.map(([id]) => id) : [0])
        .execute()
    ).map((r) => [r.id, r]),
  );
  return {
    since,
    until,
    deflected,
    filed,
    rate: deflected + filed > 0 ? deflected / (deflected + filed) : null,
    top: ranked.flatMap(([id, c]) => {
      const a = titles.get(id);
      return a ? [{ id, title: a.title, kind: a.kind, ...c }] : [];
    }),
  };
}

/** The articles linked to a ticket that the reader may read. */
export async function listTicketArticles(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
): Promise<Article[]> {
  const ticket = await findVisibleTicket(ctx.db, actor, ticketId);
  if (!ticket) throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
  const ids = (
    await ctx.db
      .selectFrom('ticket_articles')
      .select('article_id')
      .where('ticket_id', '=', ticketId)
      .orderBy('linked_at')
      .orderBy('article_id')
      .execute()
  ).map((r) => r.article_id);
  return readArticles(ctx.db, actor, ids);
}

async function ticketForLinks(ctx: ServiceContext, actor: Actor, ticketId: number) {
  const ticket = await findVisibleTicket(ctx.db, actor, ticketId);
  if (!ticket) throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
  if (!isStaff(actor) || !canTicket(actor, 'ticket.update_fields', ticket))
    throw new Forbidden('forbidden', 'Only technicians, managers and admins link articles to tickets.');
  return ticket;
}

/** Link an article to a ticket (the one used in the reply). Linking twice is one link. */
export async function linkArticle(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  articleId: number,
): Promise<Article[]> {
  await ticketForLinks(ctx, actor, ticketId);
  const now = ctx.clock.now();
  await changingSuggestions(ctx, async (trx) => {
    const row = await trx
      .selectFrom('articles')
      .select(['id', 'audience', 'status'])
      .where('id', '=', articleId)
      .executeTakeFirst();
    if (!row || !canReadArticle(actor, row))
      throw new NotFound('article_not_found', `No article ${articleId}.`);
    await trx
      .insertInto('ticket_articles')
      .values({ ticket_id: ticketId, article_id: articleId, linked_by: actor.id, linked_at: now })
      .onConflict((oc) => oc.columns(['ticket_id', 'article_id']).doNothing())
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'article.linked',
      subjectType: 'ticket',
      subjectId: ticketId,
      details: { articleId },
    });
  });
  return listTicketArticles(ctx, actor, ticketId);
}

export async function unlinkArticle(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  articleId: number,
): Promise<void> {
  await ticketForLinks(ctx, actor, ticketId);
  const now = ctx.clock.now();
  await changingSuggestions(ctx, async (trx) => {
    const gone = await trx
      .deleteFrom('ticket_articles')
      .where('ticket_id', '=', ticketId)
      .where('article_id', '=', articleId)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0)
      throw new NotFound('article_not_found', `Article ${articleId} is not linked to ticket ${ticketId}.`);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'article.unlinked',
      subjectType: 'ticket',
      subjectId: ticketId,
      details: { articleId },
    });
  });
}

/**
 * A resolved ticket's solution as a draft article, in one step: the problem (its title and description), the
 * solution (what staff wrote last before it was resolved), linked back to the ticket. Internal audience: a
 * technician reviews what a requester may read before it is made public.
 */
export async function draftFromTicket(ctx: ServiceContext, actor: Actor, ticketId: number): Promise<Article> {
  const ticket = await ticketForLinks(ctx, actor, ticketId);
  if (ticket.status !== 'resolved' && ticket.status !== 'closed')
    throw new Conflict(
      'ticket_not_resolved',
      `Ticket ${ticketId} is ${ticket.status}: resolve it first, then write up its solution.`,
    );
  const comments = await listComments(ctx, actor, ticketId);
  const resolvedAt = ticket.resolved_at ?? Number.POSITIVE_INFINITY;
  const byStaff = comments.filter((c) => c.authorId !== ticket.requester_id && c.createdAt <= resolvedAt);
  const solution = (byStaff.filter((c) => !c.internal).at(-1) ?? byStaff.at(-1))?.body.trim();
  const body = [
    '## Problem',
    '',
    ticket.description.trim() || ticket.title,
    '',
    '## Solution',
    '',
    solution || '_Write the steps that solved it._',
    '',
  ].join('\n');
  return changingSuggestions(ctx, async (trx) => {
    const article = await createArticle(
      ctx,
      actor,
      {
        title: ticket.title.slice(0, 200),
        body,
        kind: 'faq',
        audience: 'internal',
        categoryId: null,
        tags: [],
        sourceTicketId: ticketId,
        note: `Drafted from ticket #${ticketId}`,
      },
      { trx },
    );
    await trx
      .insertInto('ticket_articles')
      .values({
        ticket_id: ticketId,
        article_id: article.id,
        linked_by: actor.id,
        linked_at: ctx.clock.now(),
      })
      .onConflict((oc) => oc.columns(['ticket_id', 'article_id']).doNothing())
      .execute();
    return article;
  });
}
