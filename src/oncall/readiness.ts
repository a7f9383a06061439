// The readiness report: the people on call in the coming days who could not be reached if paged now — no
// contact method, none verified, only channels that cannot send (sms without a gateway, email without SMTP), or
// methods whose last delivery failed — each with the reasons, so a manager fixes it before it matters.
import { sql } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid } from '../core/errors.js';
import { type ContactMethod, contactMethodsOfUsers } from './contact-methods.js';
import { onCallSegments } from './on-call.js';
import { requireOncall } from './permissions.js';

export const readinessDaysMax = 90;
const dayMs = 86_400_000;

/** Who is on call somewhere in [from, to): one entry per person and schedule, with their first shift's start. */
export type UpcomingOnCall = (
  ctx: ServiceContext,
  from: number,
  to: number,
) => Promise<{ userId: number; scheduleId: number; start: number }[]>;

export type ReadinessReasonCode =
  | 'no_contact_methods'
  | 'not_verified'
  | 'channel_disabled'
  | 'last_delivery_failed';

export interface ReadinessReason {
  code: ReadinessReasonCode;
  /** The methods it is about (none for no_contact_methods). */
  contactMethodIds: number[];
  message: string;
}

export interface ReadinessEntry {
  userId: number;
  name: string;
  email: string;
  /** When their first shift in the range starts (epoch ms; the range's start when they are on call now). */
  firstOnCallAt: number;
  scheduleIds: number[];
  reasons: ReadinessReason[];
}

export interface ReadinessReport {
  from: number;
  to: number;
  /** How many people are on call in the range. */
  onCallPeople: number;
  /** Those without a working contact method, soonest on call first. */
  unreachable: ReadinessEntry[];
}

/** Why a method would not reach its person now; empty when it works. */
export function methodProblems(m: ContactMethod): ReadinessReasonCode[] {
  const problems: ReadinessReasonCode[] = [];
  if (!m.verified) problems.push('not_verified');
  if (!m.channelEnabled) problems.push('channel_disabled');
  if (m.lastDelivery && (m.lastDelivery.state === 'failed' || m.lastDelivery.state === 'dead'))
    problems.push('last_delivery_failed');
  return problems;
}

const messages: Record<ReadinessReasonCode, string> = {
  no_contact_methods: 'has no contact method',
  not_verified: 'not verified: send a test message',
  channel_disabled: 'its channel cannot send (sms needs OPSDESK_SMS_GATEWAY_URL, email OPSDESK_SMTP_OUT_URL)',
  last_delivery_failed: 'its last delivery failed',
};

/** The reasons a person cannot be reached, or null when at least one method works. */
export function readinessReasons(methods: readonly ContactMethod[]): ReadinessReason[] | null {
  if (methods.length === 0)
    return [{ code: 'no_contact_methods', contactMethodIds: [], message: messages.no_contact_methods }];
  const byCode = new Map<ReadinessReasonCode, number[]>();
  for (const m of methods) {
    const problems = methodProblems(m);
    if (problems.length === 0) return null;
    for (const p of problems) byCode.set(p, [...(byCode.get(p) ?? []), m.id]);
  }
  return [...byCode].map(([code, ids]) => ({ code, contactMethodIds: ids, message: messages[code] }));
}

export async function readinessReport(
  ctx: ServiceContext,
  actor: Actor,
  query: { days: number },
  upcoming: UpcomingOnCall,
): Promise<ReadinessReport> {
  requireOncall(actor, 'readiness.read');
  if (!Number.isInteger(query.days) || query.days < 1 || query.days > readinessDaysMax)
    throw new Invalid('validation_failed', `days is a whole number from 1 to ${readinessDaysMax}.`, [
      { field: 'querystring/days', message: `must be from 1 to ${readinessDaysMax}` },
    ]);
  const from = ctx.clock.now();
  const to = from + query.days * dayMs;
  const people = new Map<number, { first: number; schedules: Set<number> }>();
  for (const u of await upcoming(ctx, from, to)) {
    const p = people.get(u.userId) ?? { first: Number.POSITIVE_INFINITY, schedules: new Set<number>() };
    p.first = Math.min(p.first, Math.max(u.start, from));
    p.schedules.add(u.scheduleId);
    people.set(u.userId, p);
  }
  const ids = [...people.keys()];
  const users =
    ids.length === 0
      ? []
      : await ctx.db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', ids).execute();
  const methods = await contactMethodsOfUsers(ctx, ctx.db, ids);
  const unreachable: ReadinessEntry[] = [];
  for (const u of users) {
    const reasons = readinessReasons(methods.filter((m) => m.userId === u.id));
    if (reasons === null) continue;
    const p = people.get(u.id) as { first: number; schedules: Set<number> };
    unreachable.push({
      userId: u.id,
      name: u.name,
      email: u.email,
      firstOnCallAt: p.first,
      scheduleIds: [...p.schedules].sort((a, b) => a - b),
      reasons,
    });
  }
  unreachable.sort((a, b) => a.firstOnCallAt - b.firstOnCallAt || a.userId - b.userId);
  return { from, to, onCallPeople: users.length, unreachable };
}

/** The real source: every schedule's final segments over the range (onCallSegments), people only. */
export function upcomingFromSchedules(
  scheduleIds: (ctx: ServiceContext) => Promise<number[]>,
): UpcomingOnCall {
  return async (ctx, from, to) => {
    const out: { userId: number; scheduleId: number; start: number }[] = [];
    for (const scheduleId of await scheduleIds(ctx)) {
      for (const s of await onCallSegments(ctx, scheduleId, from, to))
        if (s.userId !== null) out.push({ userId: s.userId, scheduleId, start: s.start });
    }
    return out;
  };
}

/**
 * Every stored schedule's id. Read raw from the schedules' table (migration 2026-11-30-oncall-schedules) until
 * their face offers a list; the on-call people come from onCallSegments either way.
 */
export async function storedScheduleIds(ctx: ServiceContext): Promise<number[]> {
  const result = await sql<{ id: number }>`SELECT id FROM oncall_schedules ORDER BY id`.execute(ctx.db);
  return result.rows.map((r) => Number(r.id));
}

/** Who is on call in the coming days, from every stored schedule: what the readiness route asks. */
export const upcomingOnCall: UpcomingOnCall = upcomingFromSchedules(storedScheduleIds);
