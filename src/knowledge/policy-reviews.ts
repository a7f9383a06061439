// Reviews of policies and procedures: the owner (or a manager) records a review, which sets the next one an
// interval on; the list of reviews due for the manager (or the owner's own); and the reminder mail to the owner
// before a review is due — one per due date, claimed by a conditional update so two instances never both send.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import { isStaff } from '../core/auth/index.js';
import { toIso } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import type { ArticleKind, ArticleStatus, Database } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import { getOrganisationLocale } from '../core/organisation-locale.js';
import { decodeCursor, encodeCursor } from '../helpdesk/index.js';
import { escapeHtml, formatMailDate, mailText, recipientLocale } from '../mail/index.js';
import { type MailPayload, queueDeliveries } from '../notify/index.js';
import { type Article, articleLimits, getArticle, isPolicyKind, nextReviewAfter } from './articles.js';
import { canKnowledge, canReadArticle, readableAudiences } from './policies.js';

type Trx = Transaction<Database>;
type Db = Kysely<Database> | Trx;

const dayMs = 86_400_000;
const policyKinds: ArticleKind[] = ['policy', 'procedure'];
const mailDisabled = 'outbound mail is disabled: OPSDESK_SMTP_OUT_URL is not set';

/** How long before a review is due its owner is reminded (an overdue one is reminded at once). */
export const reviewReminderLeadDays = 14;
/** Reminders claimed per pass: a backlog is worked off over a few passes, never in one long transaction. */
const remindersPerPass = 200;

export const reviewLimits = { dueWithinDays: 3650, note: articleLimits.note } as const;

/**
 * Record a review of a policy or procedure: reviewed now, next due one interval on, and the reminder armed
 * again for that date. Its owner or a manager/admin may.
 */
export async function markReviewed(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: { note?: string } = {},
): Promise<Article> {
  const now = ctx.clock.now();
  const note = (input.note ?? '').trim().slice(0, reviewLimits.note);
  await ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('articles').selectAll().where('id', '=', id);
    if (ctx.caps.supportsSkipLocked) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row || !canReadArticle(actor, row)) throw new NotFound('article_not_found', `No article ${id}.`);
    if (!isPolicyKind(row.kind))
      throw new Conflict(
        'article_not_policy',
        `Article ${id} is not a policy or procedure: it has no reviews.`,
      );
    const owner = row.owner_id !== null && row.owner_id === actor.id && isStaff(actor);
    if (!owner && !canKnowledge(actor, 'article.publish', row))
      throw new Forbidden('forbidden', "Only the policy's owner, a manager or an admin records its review.");
    const nextReviewAt = nextReviewAfter(now, row.review_interval_days);
    await trx
      .updateTable('articles')
      .set({ last_reviewed_at: now, next_review_at: nextReviewAt, reminded_for: null })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'article.reviewed',
      subjectType: 'article',
      subjectId: id,
      details: {
        note,
        previousDue: row.next_review_at === null ? null : toIso(Number(row.next_review_at)),
        nextReviewAt: nextReviewAt === null ? null : toIso(nextReviewAt),
      },
    });
  });
  return getArticle(ctx, actor, id);
}

export interface ReviewDue {
  id: number;
  title: string;
  kind: ArticleKind;
  status: ArticleStatus;
  ownerId: number | null;
  ownerName: string | null;
  nextReviewAt: number;
  lastReviewedAt: number | null;
  overdue: boolean;
}

export interface ReviewQuery {
  dueWithinDays: number;
  /** Only the actor's own policies (any staff member); otherwise every one (managers and admins). */
  mine?: boolean;
  limit?: number;
  cursor?: string;
}

/** Policies and procedures (not archived) due for review within N days or overdue, soonest first. */
export async function listReviews(
  ctx: ServiceContext,
  actor: Actor,
  query: ReviewQuery,
): Promise<{ items: ReviewDue[]; nextCursor: string | null }> {
  if (query.mine ? !isStaff(actor) : !canKnowledge(actor, 'kb.reports'))
    throw new Forbidden(
      'forbidden',
      query.mine
        ? 'Only staff members own policies.'
        : 'Only managers and admins see every review due; add mine=true for your own.',
    );
  if (!Number.isInteger(query.dueWithinDays) || query.dueWithinDays < 0)
    throw new Invalid('validation_failed', 'dueWithinDays: must be a whole number of days', [
      { field: '/dueWithinDays', message: 'must be a whole number of days' },
    ]);
  const now = ctx.clock.now();
  const horizon = now + Math.min(query.dueWithinDays, reviewLimits.dueWithinDays) * dayMs;
  const limit = Math.min(Math.max(query.limit ?? 25, 1), 200);
  let q = ctx.db
    .selectFrom('articles as a')
    .leftJoin('users as u', 'u.id', 'a.owner_id')
    .select([
      'a.id',
      'a.title',
      'a.kind',
      'a.status',
      'a.owner_id',
      'u.name as owner_name',
      'a.next_review_at',
      'a.last_reviewed_at',
    ])
    .where('a.kind', 'in', policyKinds)
    .where('a.status', '!=', 'archived')
    .where('a.audience', 'in', readableAudiences(actor))
    .where('a.next_review_at', 'is not', null)
    .where('a.next_review_at', '<=', horizon);
  if (query.mine) q = q.where('a.owner_id', '=', actor.id);
  if (query.cursor !== undefined) {
    const key = decodeCursor(query.cursor).k;
    if (!key)
      throw new Invalid('invalid_cursor', 'The cursor was not issued by this list.', [
        { field: 'query/cursor', message: 'unknown cursor' },
      ]);
    const [at, after] = key;
    q = q.where((eb) =>
      eb.or([
        eb('a.next_review_at', '>', at),
        eb.and([eb('a.next_review_at', '=', at), eb('a.id', '>', after)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('a.next_review_at')
    .orderBy('a.id')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const items = page.map((r) => ({
    id: r.id,
    title: r.title,
    kind: r.kind,
    status: r.status,
    ownerId: r.owner_id,
    ownerName: r.owner_name ?? null,
    nextReviewAt: Number(r.next_review_at),
    lastReviewedAt: r.last_reviewed_at === null ? null : Number(r.last_reviewed_at),
    overdue: Number(r.next_review_at) <= now,
  }));
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor({ k: [last.nextReviewAt, last.id] }) : null,
  };
}

/** Policies whose owner should be reminded now: due within the lead time (or overdue), not yet reminded for it. */
async function remindersDue(db: Db, now: number) {
  return db
    .selectFrom('articles')
    .select(['id', 'next_review_at'])
    .where('kind', 'in', policyKinds)
    .where('status', '!=', 'archived')
    .where('owner_id', 'is not', null)
    .where('next_review_at', 'is not', null)
    .where('next_review_at', '<=', now + reviewReminderLeadDays * dayMs)
    .where((eb) =>
      eb.or([eb('reminded_for', 'is', null), eb('reminded_for', '!=', eb.ref('next_review_at'))]),
    )
    .orderBy('next_review_at')
    .orderBy('id')
    .limit(remindersPerPass)
    .execute();
}

/**
 * Queue the owner's reminder for each policy coming due. Each is claimed by a conditional update (reminded_for
 * set to the due date it reminds of, only where it was not) in the same transaction as the queued mail: of two
 * instances running this at once, one updates the row and queues, the other updates nothing and moves on.
 * Returns how many reminders were queued.
 */
export async function queueReviewReminders(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock.now();
  let queued = 0;
  for (const due of await remindersDue(ctx.db, now)) {
    const dueAt = Number(due.next_review_at);
    const sent = await ctx.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('articles')
        .set({ reminded_for: dueAt })
        .where('id', '=', due.id)
        .where('next_review_at', '=', dueAt)
        .where('status', '!=', 'archived')
        .where((eb) => eb.or([eb('reminded_for', 'is', null), eb('reminded_for', '!=', dueAt)]))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) return false;
      const a = await trx
        .selectFrom('articles as a')
        .innerJoin('users as u', 'u.id', 'a.owner_id')
        .select([
          'a.id',
          'a.title',
          'a.kind',
          'u.id as owner_id',
          'u.email',
          'u.name',
          'u.active',
          'u.language',
          'u.time_zone',
        ])
        .where('a.id', '=', due.id)
        .executeTakeFirst();
      // An owner who left is not mailed; the manager's list of reviews due still shows the policy.
      if (a?.active !== 1) return false;
      await queueReminder(ctx, trx, a, dueAt, now);
      return true;
    });
    if (sent) queued++;
  }
  if (queued > 0) ctx.deliveries?.nudge();
  return queued;
}

async function queueReminder(
  ctx: ServiceContext,
  trx: Trx,
  a: {
    id: number;
    title: string;
    kind: ArticleKind;
    owner_id: number;
    email: string;
    name: string;
    language: string | null;
    time_zone: string | null;
  },
  dueAt: number,
  now: number,
): Promise<void> {
  // The owner's language and zone (else the organisation's): the due day as they read it.
  const { language, timeZone } = recipientLocale(a, await getOrganisationLocale(trx));
  const day = formatMailDate(dueAt, language, timeZone);
  const overdue = dueAt <= now;
  const link = ctx.config.publicUrl ? `${ctx.config.publicUrl.replace(/\/$/, '')}/kb/${a.id}` : null;
  const what = a.kind === 'procedure' ? 'procedure' : 'policy';
  const subject = overdue
    ? mailText(language, 'policyReview.subject.overdue', { title: a.title })
    : mailText(language, 'policyReview.subject.due', { day, title: a.title });
  const paragraphs = [
    mailText(language, 'mail.greeting', { name: a.name }),
    mailText(language, `policyReview.${what}.${overdue ? 'overdue' : 'due'}`, { title: a.title, day }),
    mailText(language, `policyReview.${what}.ask`),
  ];
  const text = `${[...paragraphs, ...(link ? [link] : [])].join('\n\n')}\n`;
  const html = `${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}${
    link
      ? `<p><a href="${escapeHtml(link)}">${escapeHtml(mailText(language, `policyReview.${what}.open`))}</a></p>`
      : ''
  }`;
  const mail: MailPayload = {
    subject,
    text,
    html,
    // One id per policy and due date: queued twice, it is the same mail (the delivery log keeps one).
    messageId: `opsdesk.kb.review.${a.id}.${dueAt.toString(36)}@${ctx.config.mailDomain}`,
    inReplyTo: null,
    references: null,
  };
  await queueDeliveries(trx, now, [
    {
      channel: 'mail',
      eventId: null,
      userId: a.owner_id,
      target: a.email,
      kind: 'kb.review_reminder',
      payload: mail as unknown as Record<string, unknown>,
      idempotencyKey: `message:${mail.messageId}`,
      disabledBecause: ctx.config.smtpOutUrl ? null : mailDisabled,
    },
  ]);
}
