// Calendar feeds: a schedule's final schedule, or one person's on-call shifts across every schedule, as
// iCalendar for Google Calendar or Outlook to subscribe to. A calendar app cannot sign in, so each feed has a
// secret of its own (one per schedule, one per user; rotating replaces it) carried in the URL; only its SHA-256
// is stored, and a wrong secret looks exactly like a missing one.
import { recordAudit } from '../core/audit.js';
import { type Actor, digest, newSecret } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { NotFound, Unauthenticated } from '../core/errors.js';
import { compiledSchedule, compiledSchedules } from './compiled-schedules.js';
import { requireOncall } from './permissions.js';
import { scheduleCalendar, userCalendar } from './schedule-ics.js';
import { finalSchedule } from './schedule-resolution.js';
import { loadSchedule, userNames } from './schedules.js';

/** Feed secrets start with this, so a leaked one is recognisable (and not mistaken for an API token). */
export const feedTokenPrefix = 'odfeed';

/** What a new secret gives: shown once, never stored in the clear. */
export interface FeedToken {
  token: string;
  /** The feed's path with the secret, to put after the service's public URL. */
  path: string;
  /** The whole URL when OPSDESK_PUBLIC_URL is set. */
  url: string | null;
}

function feed(ctx: ServiceContext, path: string, token: string): FeedToken {
  const withToken = `${path}?token=${encodeURIComponent(token)}`;
  const base = ctx.config.publicUrl?.replace(/\/+$/, '') ?? null;
  return { token, path: withToken, url: base ? `${base}${withToken}` : null };
}

/** A manager makes (or replaces) the schedule's feed secret: an old subscription stops working. */
export async function rotateScheduleFeedToken(
  ctx: ServiceContext,
  actor: Actor,
  scheduleId: number,
): Promise<FeedToken> {
  requireOncall(actor, 'schedule.manage');
  await loadSchedule(ctx.db, scheduleId);
  const token = newSecret(feedTokenPrefix);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('oncall_feed_tokens').where('schedule_id', '=', scheduleId).execute();
    await trx
      .insertInto('oncall_feed_tokens')
      .values({
        schedule_id: scheduleId,
        user_id: null,
        token_hash: digest(token),
        created_by: actor.id,
        created_at: now,
      })
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'schedule.feed_token_rotated',
      subjectType: 'oncall_schedule',
      subjectId: scheduleId,
    });
  });
  return feed(ctx, `/api/v1/schedules/${scheduleId}/calendar.ics`, token);
}

/** Staff make (or replace) the secret of their own on-call feed. */
export async function rotateUserFeedToken(ctx: ServiceContext, actor: Actor): Promise<FeedToken> {
  requireOncall(actor, 'schedule.read');
  const token = newSecret(feedTokenPrefix);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('oncall_feed_tokens').where('user_id', '=', actor.id).execute();
    await trx
      .insertInto('oncall_feed_tokens')
      .values({
        schedule_id: null,
        user_id: actor.id,
        token_hash: digest(token),
        created_by: actor.id,
        created_at: now,
      })
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'oncall.feed_token_rotated',
      subjectType: 'user',
      subjectId: actor.id,
    });
  });
  return feed(ctx, `/api/v1/users/${actor.id}/oncall.ics`, token);
}

/** Whether `token` is the current feed secret of the schedule (or, with `user`, of that user's feed). */
export async function feedTokenOpens(
  ctx: ServiceContext,
  subject: { scheduleId: number } | { userId: number },
  token: string,
): Promise<boolean> {
  // Secrets are 256-bit: anything much shorter or longer is not one, and is not worth a query.
  if (!token.startsWith(`${feedTokenPrefix}_`) || token.length > 100) return false;
  let q = ctx.db.selectFrom('oncall_feed_tokens').select('id').where('token_hash', '=', digest(token));
  q =
    'scheduleId' in subject
      ? q.where('schedule_id', '=', subject.scheduleId)
      : q.where('user_id', '=', subject.userId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** Who reads a feed: a signed-in person, or a calendar app holding the feed's secret. */
export type FeedAccess = { actor: Actor } | { token: string | undefined };

const dayMs = 86_400_000;
/** What a feed holds: the last four weeks and the next half year, as calendar apps show it. */
export const feedWindow = { backMs: 28 * dayMs, aheadMs: 183 * dayMs };

async function admit(
  ctx: ServiceContext,
  access: FeedAccess,
  subject: { scheduleId: number } | { userId: number },
) {
  if ('actor' in access) {
    requireOncall(access.actor, 'schedule.read');
    return;
  }
  // Missing, wrong, rotated, or for a schedule that does not exist: one answer, so a guess learns nothing.
  if (!access.token || !(await feedTokenOpens(ctx, subject, access.token)))
    throw new Unauthenticated('not_signed_in', 'Sign in, or use the feed’s link with its current secret.');
}

/** The schedule's final schedule (gaps left out) as an iCalendar feed. */
export async function scheduleFeed(
  ctx: ServiceContext,
  access: FeedAccess,
  scheduleId: number,
): Promise<string> {
  await admit(ctx, access, { scheduleId });
  const s = await compiledSchedule(ctx, scheduleId);
  const now = ctx.clock.now();
  const segments = finalSchedule(s.compiled, now - feedWindow.backMs, now + feedWindow.aheadMs);
  return scheduleCalendar({
    scheduleId: s.id,
    name: s.name,
    timeZone: s.timeZone,
    segments,
    userNames: await userNames(
      ctx.db,
      segments.flatMap((seg) => (seg.userId === null ? [] : [seg.userId])),
    ),
    now,
    layerNames: s.definition.layers.map((l) => l.name),
  });
}

/** One person's on-call stretches across every schedule as an iCalendar feed. */
export async function userFeed(ctx: ServiceContext, access: FeedAccess, userId: number): Promise<string> {
  await admit(ctx, access, { userId });
  const userName = (await userNames(ctx.db, [userId])).get(userId);
  if (userName === undefined) throw new NotFound('user_not_found', `No user ${userId}.`);
  const now = ctx.clock.now();
  const schedules = [...(await compiledSchedules(ctx)).values()].map((s) => ({
    scheduleId: s.id,
    name: s.name,
    segments: finalSchedule(s.compiled, now - feedWindow.backMs, now + feedWindow.aheadMs),
    layerNames: s.definition.layers.map((l) => l.name),
  }));
  // Events are in UTC (exact anyway); a person has no zone of their own here, so the display zone is UTC.
  return userCalendar({ userId, userName, timeZone: 'UTC', schedules, now });
}
