// Blackout periods: times when changes are frozen (a quarter-end close, a sales peak), for every service or
// for some. The rule, chosen and documented here: a normal or standard change cannot be sent to the CAB,
// scheduled, or kept committed with a window that overlaps a blackout concerning one of its services
// (change_in_blackout); an emergency change may, and its page shows the blackout as a warning. Windows and
// blackouts are half-open: a change ending when a blackout starts is outside it.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import { listServices } from '../incidents/index.js';
import type { Window } from './change-windows.js';
import { requireChanges } from './policies.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ChangeBlackout {
  id: number;
  name: string;
  startsAt: number;
  endsAt: number;
  /** The services it freezes; empty: every service. */
  serviceIds: number[];
}

export interface BlackoutInput {
  name: string;
  startsAt: number;
  endsAt: number;
  serviceIds?: number[];
}

export const blackoutLimits = { name: 200, maxSpanMs: 366 * 86_400_000, services: 50 } as const;

async function withServices(
  db: Db,
  rows: { id: number; name: string; starts_at: number; ends_at: number }[],
) {
  const ids = rows.map((r) => r.id);
  const links =
    ids.length === 0
      ? []
      : await db
          .selectFrom('change_blackout_services')
          .select(['blackout_id', 'service_id'])
          .where('blackout_id', 'in', ids)
          .orderBy('service_id')
          .execute();
  return rows.map(
    (r): ChangeBlackout => ({
      id: r.id,
      name: r.name,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      serviceIds: links.filter((l) => l.blackout_id === r.id).map((l) => l.service_id),
    }),
  );
}

/** Blackouts overlapping a window (all of them, or only those concerning one of these services). */
export async function blackoutsOver(
  db: Db,
  window: Window,
  serviceIds?: number[],
): Promise<ChangeBlackout[]> {
  const rows = await db
    .selectFrom('change_blackouts')
    .select(['id', 'name', 'starts_at', 'ends_at'])
    .where('starts_at', '<', window.end)
    .where('ends_at', '>', window.start)
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
  const all = await withServices(db, rows);
  if (serviceIds === undefined) return all;
  return all.filter((b) => b.serviceIds.length === 0 || b.serviceIds.some((s) => serviceIds.includes(s)));
}

/** The blackout rule for a committed window of a normal or standard change. */
export async function refuseBlackouts(db: Db, window: Window, serviceIds: number[]): Promise<void> {
  const [hit] = await blackoutsOver(db, window, serviceIds);
  if (hit)
    throw new Conflict(
      'change_in_blackout',
      `The window overlaps the blackout "${hit.name}" (${new Date(hit.startsAt).toISOString()} – ${new Date(hit.endsAt).toISOString()}); move the window, or raise an emergency change.`,
    );
}

export async function listBlackouts(
  ctx: ServiceContext,
  actor: Actor,
  window?: Window,
): Promise<ChangeBlackout[]> {
  requireChanges(actor, 'changes.work');
  if (window) return blackoutsOver(ctx.db, window);
  const rows = await ctx.db
    .selectFrom('change_blackouts')
    .select(['id', 'name', 'starts_at', 'ends_at'])
    .where('ends_at', '>', ctx.clock.now())
    .orderBy('starts_at')
    .orderBy('id')
    .limit(500)
    .execute();
  return withServices(ctx.db, rows);
}

function checkBlackout(input: BlackoutInput): void {
  const fields: { field: string; message: string }[] = [];
  const name = input.name.trim();
  if (name.length === 0 || name.length > blackoutLimits.name)
    fields.push({ field: '/name', message: `must be 1–${blackoutLimits.name} characters` });
  if (!Number.isSafeInteger(input.startsAt)) fields.push({ field: '/startsAt', message: 'must be a time' });
  else if (!Number.isSafeInteger(input.endsAt) || input.endsAt <= input.startsAt)
    fields.push({ field: '/endsAt', message: 'must be after startsAt' });
  else if (input.endsAt - input.startsAt > blackoutLimits.maxSpanMs)
    fields.push({ field: '/endsAt', message: 'a blackout is at most a year' });
  const ids = input.serviceIds ?? [];
  if (ids.length > blackoutLimits.services || new Set(ids).size !== ids.length)
    fields.push({ field: '/serviceIds', message: `at most ${blackoutLimits.services} distinct services` });
  if (fields.length > 0)
    throw new Invalid('validation_failed', `${fields[0].field.slice(1)}: ${fields[0].message}`, fields);
}

export async function createBlackout(
  ctx: ServiceContext,
  actor: Actor,
  input: BlackoutInput,
): Promise<ChangeBlackout> {
  requireChanges(actor, 'changes.manage');
  checkBlackout(input);
  const serviceIds = [...(input.serviceIds ?? [])].sort((a, b) => a - b);
  if (serviceIds.length > 0) {
    const known = new Set((await listServices(ctx, actor)).map((s) => s.id));
    const missing = serviceIds.filter((s) => !known.has(s));
    if (missing.length > 0)
      throw new Invalid('invalid_reference', `serviceIds: no service ${missing.join(', ')}`, [
        { field: '/serviceIds', message: `no service ${missing.join(', ')}` },
      ]);
  }
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('change_blackouts')
      .values({
        name: input.name.trim(),
        starts_at: input.startsAt,
        ends_at: input.endsAt,
        created_by: actor.id,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (serviceIds.length > 0)
      await trx
        .insertInto('change_blackout_services')
        .values(serviceIds.map((service_id) => ({ blackout_id: row.id, service_id })))
        .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'change_blackout.create',
      subjectType: 'change_blackout',
      subjectId: row.id,
      details: { name: input.name.trim(), startsAt: input.startsAt, endsAt: input.endsAt, serviceIds },
    });
    return row.id;
  });
  return { id, name: input.name.trim(), startsAt: input.startsAt, endsAt: input.endsAt, serviceIds };
}

export async function deleteBlackout(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  requireChanges(actor, 'changes.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('change_blackouts')
      .select(['name'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFound('change_blackout_not_found', `No blackout period ${id}.`);
    await trx.deleteFrom('change_blackout_services').where('blackout_id', '=', id).execute();
    await trx.deleteFrom('change_blackouts').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'change_blackout.delete',
      subjectType: 'change_blackout',
      subjectId: id,
      details: { name: row.name },
    });
  });
}
