// Silences (Alertmanager's): matchers, a start and an end, who made it and why. Active from startsAt until endsAt;
// expiring one ends it now. An alert every matcher of an active silence matches is muted, with the silences' ids.
// Staff make and expire them (silence.manage), as on-call engineers do in Alertmanager.
import type { Selectable } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Invalid, NotFound } from '../core/errors.js';
import { type AlertMatcher, type CompiledMatcher, compileMatcher, parseMatcher } from './alert-matchers.js';
import { type Alert, alertLimits, type MuteReason, type Muter } from './alert-model.js';
import { requireMonitor } from './permissions.js';

export type SilenceState = 'pending' | 'active' | 'expired';

export interface Silence {
  id: number;
  matchers: AlertMatcher[];
  startsAt: number;
  endsAt: number;
  createdBy: number | null;
  comment: string;
  state: SilenceState;
  createdAt: number;
  updatedAt: number;
}

export interface SilenceInput {
  /** Alertmanager's text form: name="value", name=~"regex", …; every one must match. */
  matchers: string[];
  /** Epoch ms; now when absent. */
  startsAt?: number;
  endsAt: number;
  comment: string;
}

function bad(field: string, message: string): Invalid {
  return new Invalid('validation_failed', `${field}: ${message}`, [{ field, message }]);
}

export function silenceState(s: { startsAt: number; endsAt: number }, atMs: number): SilenceState {
  if (s.endsAt <= atMs) return 'expired';
  return s.startsAt <= atMs ? 'active' : 'pending';
}

function silenceOf(row: Selectable<Database['monitoring_silences']>, atMs: number): Silence {
  const s = {
    id: row.id,
    matchers: JSON.parse(row.matchers) as AlertMatcher[],
    startsAt: Number(row.starts_at),
    endsAt: Number(row.ends_at),
    createdBy: row.created_by,
    comment: row.comment,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  return { ...s, state: silenceState(s, atMs) };
}

export async function createSilence(
  ctx: ServiceContext,
  actor: Actor,
  input: SilenceInput,
): Promise<Silence> {
  requireMonitor(actor, 'silence.manage');
  if (input.matchers.length === 0 || input.matchers.length > alertLimits.silenceMatchers)
    throw bad('/matchers', `1–${alertLimits.silenceMatchers} matchers`);
  const matchers = input.matchers.map((m, i) => parseMatcher(m, `/matchers/${i}`));
  // Alertmanager refuses a silence that would match every alert: one matcher at least must not match "".
  if (matchers.every((m) => compileMatcher(m).test({})))
    throw bad(
      '/matchers',
      'at least one matcher must not match the empty string (it would silence everything)',
    );
  const comment = input.comment.trim();
  if (comment.length === 0 || comment.length > alertLimits.silenceComment)
    throw bad('/comment', `1–${alertLimits.silenceComment} characters`);
  const now = ctx.clock.now();
  const startsAt = input.startsAt ?? now;
  if (input.endsAt <= startsAt) throw bad('/endsAt', 'must come after startsAt');
  if (input.endsAt <= now) throw bad('/endsAt', 'must be in the future');
  const row = await ctx.db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('monitoring_silences')
      .values({
        matchers: JSON.stringify(matchers),
        starts_at: startsAt,
        ends_at: input.endsAt,
        created_by: actor.id,
        comment,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.silence.created',
      subjectType: 'monitoring_silence',
      subjectId: created.id,
      details: { matchers: input.matchers, startsAt, endsAt: input.endsAt, comment },
    });
    return created;
  });
  return silenceOf(row, now);
}

/** End a silence now (a pending one never starts). Expiring an expired one changes nothing. */
export async function expireSilence(ctx: ServiceContext, actor: Actor, id: number): Promise<Silence> {
  requireMonitor(actor, 'silence.manage');
  const now = ctx.clock.now();
  const row = await ctx.db
    .selectFrom('monitoring_silences')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound('silence_not_found', `No silence ${id}.`);
  if (Number(row.ends_at) <= now) return silenceOf(row, now);
  const updated = await ctx.db.transaction().execute(async (trx) => {
    const expired = await trx
      .updateTable('monitoring_silences')
      .set({ ends_at: now, starts_at: Math.min(Number(row.starts_at), now), updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.silence.expired',
      subjectType: 'monitoring_silence',
      subjectId: id,
      details: { endsAt: now, wasEndingAt: Number(row.ends_at) },
    });
    return expired;
  });
  return silenceOf(updated, now);
}

export async function listSilences(
  ctx: ServiceContext,
  actor: Actor,
  filter: { state?: SilenceState } = {},
): Promise<Silence[]> {
  requireMonitor(actor, 'alert.read');
  const now = ctx.clock.now();
  const rows = await ctx.db
    .selectFrom('monitoring_silences')
    .selectAll()
    .$if(filter.state === 'expired', (q) => q.where('ends_at', '<=', now))
    .$if(filter.state === 'active', (q) => q.where('ends_at', '>', now).where('starts_at', '<=', now))
    .$if(filter.state === 'pending', (q) => q.where('starts_at', '>', now))
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => silenceOf(r, now));
}

/** The silences not yet expired at an instant, ready to match. */
export async function loadSilencer(ctx: ServiceContext, atMs: number): Promise<Silencer> {
  const rows = await ctx.db
    .selectFrom('monitoring_silences')
    .select(['id', 'matchers', 'starts_at', 'ends_at'])
    .where('ends_at', '>', atMs)
    .execute();
  return new Silencer(
    rows.map((r) => ({
      id: r.id,
      startsAt: Number(r.starts_at),
      endsAt: Number(r.ends_at),
      matchers: (JSON.parse(r.matchers) as AlertMatcher[]).map((m) => compileMatcher(m)),
    })),
  );
}

export class Silencer implements Muter {
  constructor(
    private readonly silences: {
      id: number;
      startsAt: number;
      endsAt: number;
      matchers: CompiledMatcher[];
    }[],
  ) {}

  mutes(alert: Alert, atMs: number): MuteReason | null {
    const ids = this.silences
      .filter((s) => s.startsAt <= atMs && s.endsAt > atMs && s.matchers.every((m) => m.test(alert.labels)))
      .map((s) => s.id);
    return ids.length > 0 ? { kind: 'silenced', silenceIds: ids } : null;
  }
}
