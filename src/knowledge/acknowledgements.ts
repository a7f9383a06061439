// Acknowledgements of a policy that must be read: a reader records that they read the current version; the
// manager sees, for the current version, who in the article's audience has and has not. Rows are per version,
// so a new version asks everyone again.
import { recordAudit } from '../core/audit.js';
import { type Actor, roles } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import { decodeCursor, encodeCursor } from '../helpdesk/index.js';
import { canKnowledge, canReadArticle, readableAudiences } from './policies.js';

export interface Acknowledgement {
  version: number;
  acknowledgedAt: number;
}

export interface OwnAcknowledgement {
  /** The article asks its readers to acknowledge it (published, with requires_ack). */
  required: boolean;
  version: number;
  acknowledgedAt: number | null;
}

export interface AcknowledgementReport {
  version: number;
  total: { acknowledged: number; pending: number };
  acknowledged: { userId: number; name: string; acknowledgedAt: number }[];
  pending: { userId: number; name: string }[];
  /** The audience is paged by user id: both lists hold this page's users. */
  nextCursor: string | null;
}

async function readableArticle(ctx: ServiceContext, actor: Actor, id: number) {
  const row = await ctx.db
    .selectFrom('articles')
    .select(['id', 'audience', 'status', 'version', 'requires_ack'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || !canReadArticle(actor, row)) throw new NotFound('article_not_found', `No article ${id}.`);
  return row;
}

const asksForAck = (row: { status: string; requires_ack: number }) =>
  row.status === 'published' && row.requires_ack === 1;

/** Record that the actor read the article's current version. Idempotent: a second call answers the first. */
export async function acknowledgeArticle(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<Acknowledgement> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('articles')
      .select(['id', 'audience', 'status', 'version', 'requires_ack'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || !canReadArticle(actor, row)) throw new NotFound('article_not_found', `No article ${id}.`);
    if (!asksForAck(row))
      throw new Conflict(
        'article_ack_not_required',
        `Article ${id} is not a published page that asks to be acknowledged.`,
      );
    const inserted = await trx
      .insertInto('article_acknowledgements')
      .values({ article_id: id, user_id: actor.id, version: row.version, acknowledged_at: now })
      .onConflict((oc) => oc.columns(['article_id', 'user_id', 'version']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0)
      await recordAudit(trx, {
        actorId: actor.id,
        at: now,
        action: 'article.acknowledged',
        subjectType: 'article',
        subjectId: id,
        details: { version: row.version },
      });
    const ack = await trx
      .selectFrom('article_acknowledgements')
      .select('acknowledged_at')
      .where('article_id', '=', id)
      .where('user_id', '=', actor.id)
      .where('version', '=', row.version)
      .executeTakeFirstOrThrow();
    return { version: row.version, acknowledgedAt: Number(ack.acknowledged_at) };
  });
}

/** The reader's own acknowledgement of the current version, and whether one is asked for. */
export async function getOwnAcknowledgement(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<OwnAcknowledgement> {
  const row = await readableArticle(ctx, actor, id);
  const ack = await ctx.db
    .selectFrom('article_acknowledgements')
    .select('acknowledged_at')
    .where('article_id', '=', id)
    .where('user_id', '=', actor.id)
    .where('version', '=', row.version)
    .executeTakeFirst();
  return {
    required: asksForAck(row),
    version: row.version,
    acknowledgedAt: ack ? Number(ack.acknowledged_at) : null,
  };
}

/**
 * For the manager: every active user in the article's audience, split into who acknowledged the current
 * version and who has not, a page of users (by id) at a time, with the totals.
 */
export async function listAcknowledgements(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  page: { limit?: number; cursor?: string } = {},
): Promise<AcknowledgementReport> {
  const row = await readableArticle(ctx, actor, id);
  if (!canKnowledge(actor, 'kb.reports', row))
    throw new Forbidden('forbidden', 'Only managers and admins see who acknowledged an article.');
  // The help desk's opaque cursor; this list's key is the user id alone (the first key part is always 0).
  let after = 0;
  if (page.cursor !== undefined) {
    const c = decodeCursor(page.cursor);
    if (c.k === undefined || c.k[0] !== 0)
      throw new Invalid('invalid_cursor', 'The cursor was not issued for this list.', [
        { field: 'query/cursor', message: 'unknown cursor' },
      ]);
    after = c.k[1];
  }
  const limit = Math.min(Math.max(page.limit ?? 100, 1), 500);
  // Who the audience is: the roles that read it, by the one audience rule turned round.
  const audienceRoles = roles.filter((role) => readableAudiences({ role }).includes(row.audience));
  const audience = ctx.db
    .selectFrom('users as u')
    .leftJoin('article_acknowledgements as k', (j) =>
      j.onRef('k.user_id', '=', 'u.id').on('k.article_id', '=', id).on('k.version', '=', row.version),
    )
    .where('u.active', '=', 1)
    .where('u.role', 'in', audienceRoles);
  const users = await audience
    .select(['u.id', 'u.name', 'k.acknowledged_at'])
    .where('u.id', '>', after)
    .orderBy('u.id')
    .limit(limit + 1)
    .execute();
  const totals = await audience
    .select((eb) => [
      eb.fn.countAll<string>().as('users'),
      eb.fn.count<string>('k.acknowledged_at').as('acknowledged'),
    ])
    .executeTakeFirstOrThrow();
  const pageUsers = users.slice(0, limit);
  const last = pageUsers[pageUsers.length - 1];
  const acknowledged = Number(totals.acknowledged);
  return {
    version: row.version,
    total: { acknowledged, pending: Number(totals.users) - acknowledged },
    acknowledged: pageUsers
      .filter((u) => u.acknowledged_at !== null)
      .map((u) => ({ userId: u.id, name: u.name, acknowledgedAt: Number(u.acknowledged_at) })),
    pending: pageUsers.filter((u) => u.acknowledged_at === null).map((u) => ({ userId: u.id, name: u.name })),
    nextCursor: users.length > limit && last ? encodeCursor({ k: [0, last.id] }) : null,
  };
}
