// Notification preferences: which kinds of ticket mail reach a person, and how — off, at once, or in one
// daily digest at a local time of their choosing. A stage of the one mail fan-out (outbound.ts asks
// `loadModes` per recipient), not a second pipeline: the kinds are the mails the fan-out already writes, plus
// new ones (a ticket entering my group, an @mention in an internal note, approvals waiting).
import type { Transaction } from 'kysely';
import { DateTime, IANAZone } from 'luxon';
import { recordAudit } from '../core/audit.js';
import { type Actor, isStaff } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, NotificationMode, Role } from '../core/db/index.js';
import { Forbidden, Invalid, NotFound } from '../core/errors.js';
import { canMail } from './policies.js';
import type { MailTemplateName } from './templates.js';

type Trx = Transaction<Database>;

export const notificationModes: readonly NotificationMode[] = ['off', 'immediate', 'digest'];

export interface NotificationKindInfo {
  kind: string;
  /** What the person chooses about, in their words. */
  label: string;
  /** everyone: requesters too (their own requests); staff: technicians, managers, admins. */
  audience: 'everyone' | 'staff';
  /** What the mail stage did before preferences existed (off for kinds that are new). */
  defaultMode: NotificationMode;
  /** The mail templates of this kind. */
  templates: readonly MailTemplateName[];
  /** Said next to the choice where it matters (a kind whose events do not exist yet). */
  note: string | null;
}

/**
 * The kinds, in the order the account page shows them. approval_waiting is mailed by approval-mail.ts (one
 * signed link per approver), the others by outbound.ts's fan-out.
 */
export const notificationKinds = [
  {
    kind: 'ticket_assigned',
    label: 'A ticket is assigned to me',
    audience: 'staff',
    defaultMode: 'immediate',
    templates: ['ticket_assigned'],
    note: null,
  },
  {
    kind: 'group_ticket',
    label: "A ticket comes into my group's queue (new or moved there)",
    audience: 'staff',
    defaultMode: 'off',
    templates: ['group_ticket'],
    note: null,
  },
  {
    kind: 'mentioned',
    label: 'Someone mentions me (@name) in an internal note',
    audience: 'staff',
    defaultMode: 'immediate',
    templates: ['mentioned'],
    note: null,
  },
  {
    kind: 'requester_replied',
    label: 'The requester replies on a ticket assigned to me',
    audience: 'staff',
    defaultMode: 'immediate',
    templates: ['requester_replied'],
    note: null,
  },
  {
    kind: 'sla_warning',
    label: 'An SLA or OLA target of my ticket or my group is due soon',
    audience: 'staff',
    defaultMode: 'immediate',
    templates: ['sla_warning'],
    note: null,
  },
  {
    kind: 'sla_breached',
    label: 'An SLA or OLA target of my ticket or my group is breached',
    audience: 'staff',
    defaultMode: 'immediate',
    templates: ['sla_breached'],
    note: null,
  },
  {
    kind: 'escalated',
    label: 'A ticket is escalated to me, my group or the managers',
    audience: 'staff',
    defaultMode: 'immediate',
    templates: ['escalated'],
    note: null,
  },
  {
    kind: 'approval_waiting',
    label: 'An approval waits for me',
    // A requester may be a manager asked to approve their report's request.
    audience: 'everyone',
    defaultMode: 'immediate',
    templates: ['approval_waiting'],
    note: null,
  },
  {
    kind: 'ticket_created',
    label: 'My request was received',
    audience: 'everyone',
    defaultMode: 'immediate',
    templates: ['ticket_created'],
    note: null,
  },
  {
    kind: 'comment_added',
    label: 'Staff reply on a request I filed or watch',
    audience: 'everyone',
    defaultMode: 'immediate',
    templates: ['comment_added'],
    note: null,
  },
  {
    kind: 'ticket_resolved',
    label: 'My request is resolved',
    audience: 'everyone',
    defaultMode: 'immediate',
    templates: ['ticket_resolved'],
    note: null,
  },
] as const satisfies readonly NotificationKindInfo[];

export type NotificationKind = (typeof notificationKinds)[number]['kind'];

const kindByTemplate = new Map<string, NotificationKindInfo>(
  notificationKinds.flatMap((k) => k.templates.map((t) => [t, k] as const)),
);
const kindByName = new Map<string, NotificationKindInfo>(notificationKinds.map((k) => [k.kind, k]));

/** The kind a mail template belongs to; null for mail no one may turn off (a password reset). */
export function kindOfTemplate(template: string): NotificationKindInfo | null {
  return kindByTemplate.get(template) ?? null;
}

/** The kinds a person of this role may receive: requesters only those about their own requests. */
export function kindsFor(role: Role): NotificationKindInfo[] {
  return notificationKinds.filter((k) => k.audience === 'everyone' || isStaff({ role }));
}

/** 08:00 in UTC until the person says otherwise (the account page proposes the browser's zone). */
export const defaultDigestMinute = 8 * 60;
export const defaultTimeZone = 'UTC';

/** A person's stored choices: kind → mode where it differs from the default, and their digest settings. */
export interface StoredPreferences {
  modes: Map<string, NotificationMode>;
  digestMinute: number;
  timeZone: string;
  nextDigestAt: number | null;
  lastDigestDate: string | null;
  stored: boolean;
}

/** Several people's choices in two reads (the fan-out asks for every recipient of a relay pass at once). */
export async function loadPreferences(
  db: Trx | ServiceContext['db'],
  userIds: number[],
): Promise<Map<number, StoredPreferences>> {
  const out = new Map<number, StoredPreferences>();
  if (userIds.length === 0) return out;
  for (const id of userIds)
    out.set(id, {
      modes: new Map(),
      digestMinute: defaultDigestMinute,
      timeZone: defaultTimeZone,
      nextDigestAt: null,
      lastDigestDate: null,
      stored: false,
    });
  for (const s of await db
    .selectFrom('notification_settings')
    .selectAll()
    .where('user_id', 'in', userIds)
    .execute()) {
    Object.assign(out.get(s.user_id) as StoredPreferences, {
      digestMinute: s.digest_minute,
      timeZone: s.time_zone,
      nextDigestAt: s.next_digest_at === null ? null : Number(s.next_digest_at),
      lastDigestDate: s.last_digest_date,
      stored: true,
    });
  }
  for (const p of await db
    .selectFrom('notification_preferences')
    .select(['user_id', 'kind', 'mode'])
    .where('user_id', 'in', userIds)
    .execute())
    out.get(p.user_id)?.modes.set(p.kind, p.mode);
  return out;
}

/** How this person gets this kind: their choice, else the kind's default. */
export function modeOf(prefs: StoredPreferences | undefined, kind: NotificationKindInfo): NotificationMode {
  return prefs?.modes.get(kind.kind) ?? kind.defaultMode;
}

/** Whether any of the person's kinds goes to the digest. */
function hasDigestKind(modes: Map<string, NotificationMode>): boolean {
  for (const m of modes.values()) if (m === 'digest') return true;
  const kinds: readonly NotificationKindInfo[] = notificationKinds;
  return kinds.some((k) => k.defaultMode === 'digest' && !modes.has(k.kind));
}

/** The local calendar date of an instant in a zone (YYYY-MM-DD). */
export function localDate(at: number, timeZone: string): string {
  return DateTime.fromMillis(at, { zone: timeZone }).toISODate() as string;
}

/**
 * The next digest instant after `now`: the local time `minute` (after midnight) in `timeZone`, on the first
 * day that is not `lastDate` (one digest a day, even when the time is moved after today's went out). On the
 * day a DST gap swallows the time (02:30 on a spring-forward night) it is the first instant after the gap, as
 * Luxon normalises it; in a repeated hour, the first of the two.
 */
export function nextDigestAt(now: number, minute: number, timeZone: string, lastDate: string | null): number {
  const today = DateTime.fromMillis(now, { zone: timeZone }).startOf('day');
  for (let day = 0; day < 3; day++) {
    const date = today.plus({ days: day });
    const at = date.set({ hour: Math.floor(minute / 60), minute: minute % 60 });
    if (at.toMillis() > now && date.toISODate() !== lastDate) return at.toMillis();
  }
  // Unreachable: of three consecutive days at most one is lastDate and at most one is not after now.
  throw new Error('no digest day found');
}

/**
 * Make sure each person who has items waiting has a digest coming (the settings row and its next instant):
 * called by the fan-out after it wrote digest items. A person whose digest is already due keeps it.
 */
export async function scheduleDigests(trx: Trx, now: number, userIds: number[]): Promise<void> {
  if (userIds.length === 0) return;
  const prefs = await loadPreferences(trx, userIds);
  for (const [userId, p] of prefs) {
    if (p.nextDigestAt !== null) continue;
    const next = nextDigestAt(now, p.digestMinute, p.timeZone, p.lastDigestDate);
    if (p.stored)
      await trx
        .updateTable('notification_settings')
        .set({ next_digest_at: next })
        .where('user_id', '=', userId)
        .where('next_digest_at', 'is', null)
        .execute();
    else
      await trx
        .insertInto('notification_settings')
        .values({
          user_id: userId,
          digest_minute: p.digestMinute,
          time_zone: p.timeZone,
          next_digest_at: next,
          last_digest_date: null,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
  }
}

// ---- reading and choosing (the API) ----------------------------------------------------------------------

export interface KindPreference {
  kind: string;
  label: string;
  mode: NotificationMode;
  defaultMode: NotificationMode;
  note: string | null;
}

export interface NotificationPreferences {
  userId: number;
  kinds: KindPreference[];
  digest: {
    /** HH:MM, local. */
    time: string;
    timeZone: string;
    /** False: never saved; the zone is the default (the page proposes the browser's). */
    timeZoneSaved: boolean;
    nextAt: number | null;
    pending: number;
  };
}

export interface PreferencesInput {
  preferences?: { kind: string; mode: NotificationMode }[];
  digest?: { time: string; timeZone: string };
}

/** At most this many entries in one PUT (each kind once; a little room for a later kind). */
export const preferenceEntriesMax = 40;

async function subjectUser(ctx: ServiceContext, actor: Actor, userId: number, write: boolean) {
  const own = actor.id === userId;
  if (!own && !canMail(actor, 'preferences.manage_any'))
    throw new Forbidden(
      'forbidden',
      write
        ? "Only an admin may change another person's notification preferences."
        : "Only an admin may read another person's notification preferences.",
    );
  const user = await ctx.db
    .selectFrom('users')
    .select(['id', 'role'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new NotFound('user_not_found', `No user ${userId}.`);
  return user;
}

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

async function readPreferences(
  ctx: ServiceContext,
  user: { id: number; role: Role },
): Promise<NotificationPreferences> {
  const p = (await loadPreferences(ctx.db, [user.id])).get(user.id) as StoredPreferences;
  const pending = await ctx.db
    .selectFrom('notification_digest_items')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('user_id', '=', user.id)
    .executeTakeFirstOrThrow();
  return {
    userId: user.id,
    kinds: kindsFor(user.role).map((k) => ({
      kind: k.kind,
      label: k.label,
      mode: modeOf(p, k),
      defaultMode: k.defaultMode,
      note: k.note,
    })),
    digest: {
      time: hhmm(p.digestMinute),
      timeZone: p.timeZone,
      timeZoneSaved: p.stored,
      nextAt: p.nextDigestAt,
      pending: Number(pending.n),
    },
  };
}

export async function getNotificationPreferences(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
): Promise<NotificationPreferences> {
  return readPreferences(ctx, await subjectUser(ctx, actor, userId, false));
}

function invalid(field: string, message: string): Invalid {
  return new Invalid('invalid_notification_preferences', `${field}: ${message}`, [{ field, message }]);
}

/** "HH:MM" (00:00–23:59) → minutes after midnight. */
export function parseDigestTime(text: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/**
 * Change some of a person's choices (kinds not named keep theirs) and, if given, their digest time and zone;
 * audited. Choosing a kind's default removes the stored choice, so the person follows the default.
 */
export async function setNotificationPreferences(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  input: PreferencesInput,
): Promise<NotificationPreferences> {
  const user = await subjectUser(ctx, actor, userId, true);
  const allowed = new Set(kindsFor(user.role).map((k) => k.kind));
  const entries = input.preferences ?? [];
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const field = `/preferences/${i}/kind`;
    if (!kindByName.has(e.kind))
      throw invalid(
        field,
        `unknown kind "${e.kind.slice(0, 40)}"; known: ${[...kindByName.keys()].join(', ')}`,
      );
    if (!allowed.has(e.kind))
      throw invalid(field, `"${e.kind}" is mail for staff; a ${user.role} does not receive it`);
    if (seen.has(e.kind)) throw invalid(field, `"${e.kind}" is named twice`);
    seen.add(e.kind);
  });
  let digestMinute: number | null = null;
  if (input.digest) {
    digestMinute = parseDigestTime(input.digest.time);
    if (digestMinute === null) throw invalid('/digest/time', 'a local time HH:MM, 00:00 to 23:59');
    if (!IANAZone.isValidZone(input.digest.timeZone))
      throw invalid('/digest/timeZone', 'an IANA time zone such as Europe/Berlin');
  }

  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    for (const e of entries) {
      const kind = kindByName.get(e.kind) as NotificationKindInfo;
      if (e.mode === kind.defaultMode)
        await trx
          .deleteFrom('notification_preferences')
          .where('user_id', '=', userId)
          .where('kind', '=', e.kind)
          .execute();
      else
        await trx
          .insertInto('notification_preferences')
          .values({ user_id: userId, kind: e.kind, mode: e.mode, updated_at: now })
          .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ mode: e.mode, updated_at: now }))
          .execute();
    }
    const p = (await loadPreferences(trx, [userId])).get(userId) as StoredPreferences;
    const minute = digestMinute ?? p.digestMinute;
    const timeZone = input.digest?.timeZone ?? p.timeZone;
    const pending = await trx
      .selectFrom('notification_digest_items')
      .select('id')
      .where('user_id', '=', userId)
      .limit(1)
      .execute();
    // A digest is coming while a kind goes to it or items wait (moving every kind off the digest still
    // sends what was collected, at the digest time).
    // A digest already due and not yet sent stays due: saving at 08:00:30 must not put today's off a day.
    const due = p.nextDigestAt !== null && p.nextDigestAt <= now && pending.length > 0;
    const next = due
      ? p.nextDigestAt
      : hasDigestKind(p.modes) || pending.length > 0
        ? nextDigestAt(now, minute, timeZone, p.lastDigestDate)
        : null;
    const values = { digest_minute: minute, time_zone: timeZone, next_digest_at: next, updated_at: now };
    await trx
      .insertInto('notification_settings')
      .values({ user_id: userId, last_digest_date: null, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'notification_preferences.updated',
      subjectType: 'user',
      subjectId: userId,
      details: {
        preferences: entries,
        ...(input.digest ? { digest: input.digest } : {}),
      },
    });
  });
  return readPreferences(ctx, user);
}
