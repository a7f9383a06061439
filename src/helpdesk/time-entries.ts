// Time tracking on tickets, as Zammad, Freshservice and GLPI have it: technicians log time on a ticket — a
// timer started and stopped (kept in time_timers, so a reload, another tab or another instance sees it) or a
// manual entry — billable or not, with a note. Each entry is on the ticket's history (internal). An entry
// is its owner's to change; managers and admins change anyone's. The setting "time entry required on
// resolve" makes updateTicket refuse to resolve a ticket with no time logged (requireTimeBeforeResolve).
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import { type Actor, canAccounts } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, TimeEntrySource } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import { type HistoryEntry, recordTicketChange } from './history.js';
import { canTicket, type TicketAction } from './policies.js';
import { loadVisibleTicket } from './ticket-reads.js';

type Db = Kysely<Database> | Transaction<Database>;

const minuteMs = 60_000;

export const timeTrackingLimits = {
  /** One entry holds at most a day's work: longer is a forgotten timer or a typo. */
  maxMinutes: 1440,
  noteMaxLength: 2000,
  /** How far ahead of now an entry may say the work was done (a time zone's worth). */
  futureSlackMs: 86_400_000,
} as const;

export interface TimeEntry {
  id: number;
  ticketId: number;
  userId: number;
  userName: string;
  minutes: number;
  startedAt: number | null;
  endedAt: number | null;
  workedOn: number;
  billable: boolean;
  note: string;
  source: TimeEntrySource;
  createdAt: number;
  updatedAt: number;
}

export interface TicketTime {
  items: TimeEntry[];
  totals: { minutes: number; billableMinutes: number };
  /** The caller's own timer on this ticket, when running. */
  timer: { startedAt: number } | null;
}

export interface LogTimeInput {
  /** Whole minutes; or give startedAt and endedAt instead. */
  minutes?: number;
  startedAt?: number;
  endedAt?: number;
  /** The moment the work counts for (default: startedAt, else now). */
  workedOn?: number;
  billable?: boolean;
  note?: string;
}

export interface ChangeTimeInput {
  minutes?: number;
  workedOn?: number;
  billable?: boolean;
  note?: string;
}

export interface StopTimerInput {
  billable?: boolean;
  note?: string;
  /** Log this many minutes instead of the elapsed time (a timer left running over lunch). */
  minutes?: number;
}

const invalid = (field: string, message: string) =>
  new Invalid('validation_failed', `${field.slice(1)}: ${message}`, [{ field, message }]);

function checkMinutes(minutes: number, field = '/minutes'): number {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > timeTrackingLimits.maxMinutes)
    throw invalid(field, `must be a whole number of minutes, 1–${timeTrackingLimits.maxMinutes}`);
  return minutes;
}

function cleanNote(note: string | undefined): string | undefined {
  if (note === undefined) return undefined;
  if (note.length > timeTrackingLimits.noteMaxLength)
    throw invalid('/note', `must be at most ${timeTrackingLimits.noteMaxLength} characters`);
  return note.trim();
}

function checkWorkedOn(at: number, now: number, field = '/workedOn'): number {
  if (!Number.isFinite(at) || at > now + timeTrackingLimits.futureSlackMs)
    throw invalid(field, 'must be a time no later than tomorrow');
  return at;
}

/** A timer's minutes: every minute begun counts (as billing does), at least one. */
export function timerMinutes(elapsedMs: number): number {
  return Math.max(1, Math.ceil(elapsedMs / minuteMs));
}

/** The ticket, if the actor may see it (else 404) and may do this to its time (else 403). */
async function loadTicketFor(db: Db, actor: Actor, ticketId: number, action: TicketAction) {
  const ticket = await loadVisibleTicket(db, actor, ticketId);
  if (!canTicket(actor, action, ticket))
    throw new Forbidden('forbidden', 'Time tracking is for staff: requesters neither see nor log time.');
  return ticket;
}

function refuseClosed(ticket: { id: number; status: string }): void {
  if (ticket.status === 'closed')
    throw new Conflict('ticket_closed', `Ticket ${ticket.id} is closed; its time can no longer change.`);
}

async function readEntries(db: Db, where: { ticketId: number } | { id: number }): Promise<TimeEntry[]> {
  const rows = await db
    .selectFrom('time_entries as e')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .selectAll('e')
    .select('u.name as user_name')
    .$call((q) =>
      'id' in where ? q.where('e.id', '=', where.id) : q.where('e.ticket_id', '=', where.ticketId),
    )
    .orderBy('e.worked_on')
    .orderBy('e.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    ticketId: r.ticket_id,
    userId: r.user_id,
    userName: r.user_name,
    minutes: r.minutes,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    workedOn: r.worked_on,
    billable: r.billable === 1,
    note: r.note,
    source: r.source,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

async function readEntry(db: Db, id: number): Promise<TimeEntry> {
  const [entry] = await readEntries(db, { id });
  if (!entry) throw new NotFound('time_entry_not_found', `No time entry ${id}.`);
  return entry;
}

/** The history entry for logged time: minutes before and after (null: none), internal to staff. */
function timeHistory(from: number | null, to: number | null): HistoryEntry {
  return {
    field: 'time_entry',
    from: from === null ? null : String(from),
    to: to === null ? null : String(to),
    visibility: 'internal',
  };
}

export async function listTimeEntries(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
): Promise<TicketTime> {
  await loadTicketFor(ctx.db, actor, ticketId, 'time.read');
  const [items, timer] = await Promise.all([
    readEntries(ctx.db, { ticketId }),
    ctx.db
      .selectFrom('time_timers')
      .select('started_at')
      .where('user_id', '=', actor.id)
      .where('ticket_id', '=', ticketId)
      .executeTakeFirst(),
  ]);
  let minutes = 0;
  let billableMinutes = 0;
  for (const e of items) {
    minutes += e.minutes;
    if (e.billable) billableMinutes += e.minutes;
  }
  return {
    items,
    totals: { minutes, billableMinutes },
    timer: timer ? { startedAt: timer.started_at } : null,
  };
}

async function insertEntry(
  trx: Transaction<Database>,
  actor: Actor,
  ticketId: number,
  values: {
    minutes: number;
    startedAt: number | null;
    endedAt: number | null;
    workedOn: number;
    billable: boolean;
    note: string;
    source: TimeEntrySource;
  },
  now: number,
): Promise<number> {
  const row = await trx
    .insertInto('time_entries')
    .values({
      ticket_id: ticketId,
      user_id: actor.id,
      minutes: values.minutes,
      started_at: values.startedAt,
      ended_at: values.endedAt,
      worked_on: values.workedOn,
      billable: values.billable ? 1 : 0,
      note: values.note,
      source: values.source,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordTicketChange(trx, ticketId, actor.id, now, [timeHistory(null, values.minutes)]);
  return row.id;
}

/** Log time by hand: a number of minutes, or a span (startedAt–endedAt) whose minutes are counted. */
export async function logTime(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  input: LogTimeInput,
): Promise<TimeEntry> {
  const now = ctx.clock.now();
  const note = cleanNote(input.note) ?? '';
  const span = input.startedAt !== undefined || input.endedAt !== undefined;
  let minutes: number;
  let startedAt: number | null = null;
  let endedAt: number | null = null;
  if (span) {
    if (input.minutes !== undefined)
      throw invalid('/minutes', 'give either minutes or startedAt and endedAt');
    if (input.startedAt === undefined || input.endedAt === undefined)
      throw invalid(input.startedAt === undefined ? '/startedAt' : '/endedAt', 'a span needs both ends');
    startedAt = checkWorkedOn(input.startedAt, now, '/startedAt');
    endedAt = checkWorkedOn(input.endedAt, now, '/endedAt');
    if (endedAt <= startedAt) throw invalid('/endedAt', 'must be after startedAt');
    minutes = checkMinutes(Math.round((endedAt - startedAt) / minuteMs), '/endedAt');
  } else {
    if (input.minutes === undefined) throw invalid('/minutes', 'required (or startedAt and endedAt)');
    minutes = checkMinutes(input.minutes);
  }
  const workedOn = checkWorkedOn(input.workedOn ?? startedAt ?? now, now);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const ticket = await loadTicketFor(trx, actor, ticketId, 'time.log');
    refuseClosed(ticket);
    return insertEntry(
      trx,
      actor,
      ticketId,
      { minutes, startedAt, endedAt, workedOn, billable: input.billable ?? true, note, source: 'manual' },
      now,
    );
  });
  return readEntry(ctx.db, id);
}

/**
 * An entry the actor may change: hidden (404) with its ticket from who may not see that, refused (403) to
 * requesters and to technicians for someone else's entry.
 */
async function loadEntryToChange(trx: Transaction<Database>, actor: Actor, id: number) {
  const row = await trx.selectFrom('time_entries').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('time_entry_not_found', `No time entry ${id}.`);
  let ticket: Awaited<ReturnType<typeof loadTicketFor>>;
  try {
    ticket = await loadTicketFor(trx, actor, row.ticket_id, 'time.log');
  } catch (err) {
    if (err instanceof NotFound) throw new NotFound('time_entry_not_found', `No time entry ${id}.`);
    throw err;
  }
  if (row.user_id !== actor.id && !canTicket(actor, 'time.manage_any'))
    throw new Forbidden('forbidden', 'A time entry is changed by its owner, a manager or an admin.');
  refuseClosed(ticket);
  return row;
}

export async function updateTimeEntry(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: ChangeTimeInput,
): Promise<TimeEntry> {
  const now = ctx.clock.now();
  const minutes = input.minutes === undefined ? undefined : checkMinutes(input.minutes);
  const workedOn = input.workedOn === undefined ? undefined : checkWorkedOn(input.workedOn, now);
  const note = cleanNote(input.note);
  await ctx.db.transaction().execute(async (trx) => {
    const row = await loadEntryToChange(trx, actor, id);
    const set = {
      ...(minutes !== undefined ? { minutes } : {}),
      ...(workedOn !== undefined ? { worked_on: workedOn } : {}),
      ...(input.billable !== undefined ? { billable: input.billable ? 1 : 0 } : {}),
      ...(note !== undefined ? { note } : {}),
    };
    if (Object.keys(set).length === 0) return;
    await trx
      .updateTable('time_entries')
      .set({ ...set, updated_at: now })
      .where('id', '=', id)
      .execute();
    if (minutes !== undefined && minutes !== row.minutes)
      await recordTicketChange(trx, row.ticket_id, actor.id, now, [timeHistory(row.minutes, minutes)]);
  });
  return readEntry(ctx.db, id);
}

export async function deleteTimeEntry(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await loadEntryToChange(trx, actor, id);
    await trx.deleteFrom('time_entries').where('id', '=', id).execute();
    await recordTicketChange(trx, row.ticket_id, actor.id, now, [timeHistory(row.minutes, null)]);
  });
}

/** Start the actor's timer on a ticket; one per person and ticket (the table's key decides, on any instance). */
export async function startTimer(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
): Promise<{ startedAt: number }> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const ticket = await loadTicketFor(trx, actor, ticketId, 'time.log');
    refuseClosed(ticket);
    const row = await trx
      .insertInto('time_timers')
      .values({ user_id: actor.id, ticket_id: ticketId, started_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'ticket_id']).doNothing())
      .returning('started_at')
      .executeTakeFirst();
    if (!row)
      throw new Conflict('timer_already_running', `Your timer on ticket ${ticketId} is running already.`);
    return { startedAt: row.started_at };
  });
}

/**
 * Stop the actor's timer and log its time (every minute begun counts). Taking the timer is a conditional
 * DELETE … RETURNING, so two stops (two tabs, two instances) log it once. A timer over a day's length is
 * refused unless `minutes` says what to log: the timer stays, to be stopped with minutes or discarded. A
 * timer on a ticket closed meanwhile still logs: the work was done.
 */
export async function stopTimer(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  input: StopTimerInput = {},
): Promise<TimeEntry> {
  const now = ctx.clock.now();
  const note = cleanNote(input.note) ?? '';
  const override = input.minutes === undefined ? undefined : checkMinutes(input.minutes);
  const id = await ctx.db.transaction().execute(async (trx) => {
    await loadTicketFor(trx, actor, ticketId, 'time.log');
    const timer = await trx
      .deleteFrom('time_timers')
      .where('user_id', '=', actor.id)
      .where('ticket_id', '=', ticketId)
      .returning('started_at')
      .executeTakeFirst();
    if (!timer) throw new Conflict('timer_not_running', `You have no timer running on ticket ${ticketId}.`);
    const elapsed = timerMinutes(now - timer.started_at);
    if (override === undefined && elapsed > timeTrackingLimits.maxMinutes)
      throw invalid(
        '/minutes',
        `the timer ran ${Math.floor(elapsed / 60)} hours; say how many minutes to log (1–${timeTrackingLimits.maxMinutes}) or discard it`,
      );
    return insertEntry(
      trx,
      actor,
      ticketId,
      {
        minutes: override ?? elapsed,
        startedAt: timer.started_at,
        endedAt: now,
        workedOn: timer.started_at,
        billable: input.billable ?? true,
        note,
        source: 'timer',
      },
      now,
    );
  });
  return readEntry(ctx.db, id);
}

/** Throw the actor's timer away without logging anything. */
export async function discardTimer(ctx: ServiceContext, actor: Actor, ticketId: number): Promise<void> {
  await loadTicketFor(ctx.db, actor, ticketId, 'time.log');
  const done = await ctx.db
    .deleteFrom('time_timers')
    .where('user_id', '=', actor.id)
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
  if (Number(done.numDeletedRows) === 0)
    throw new Conflict('timer_not_running', `You have no timer running on ticket ${ticketId}.`);
}

// ---- the setting: time entry required on resolve ---------------------------------------------------------

const requiredKey = 'time_entry_required_on_resolve';

export interface TimeTrackingSettings {
  /** Resolving a ticket needs at least one time entry on it. */
  requiredOnResolve: boolean;
}

export async function getTimeTrackingSettings(db: Db): Promise<TimeTrackingSettings> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', requiredKey)
    .executeTakeFirst();
  return { requiredOnResolve: row?.value === 'true' };
}

export async function setTimeTrackingSettings(
  ctx: ServiceContext,
  actor: Actor,
  input: TimeTrackingSettings,
): Promise<TimeTrackingSettings> {
  if (!canAccounts(actor, 'settings.manage'))
    throw new Forbidden('forbidden', 'Only an admin may change the time tracking settings.');
  const now = ctx.clock.now();
  const value = input.requiredOnResolve ? 'true' : 'false';
  await ctx.db.transaction().execute(async (trx) => {
    const before = await getTimeTrackingSettings(trx);
    await trx
      .insertInto('settings')
      .values({ key: requiredKey, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'settings.time_tracking',
      subjectType: 'settings',
      subjectId: requiredKey,
      details: { before, after: { requiredOnResolve: input.requiredOnResolve } },
    });
  });
  return { requiredOnResolve: input.requiredOnResolve };
}

/**
 * Called in the transaction that resolves a ticket (updateTicket, so the single change and the bulk change
 * alike): when the setting asks for it, a ticket with no time logged is not resolved.
 */
export async function requireTimeBeforeResolve(trx: Transaction<Database>, ticketId: number): Promise<void> {
  if (!(await getTimeTrackingSettings(trx)).requiredOnResolve) return;
  const any = await trx
    .selectFrom('time_entries')
    .select('id')
    .where('ticket_id', '=', ticketId)
    .limit(1)
    .executeTakeFirst();
  if (!any)
    throw new Conflict(
      'time_entry_required',
      `Ticket ${ticketId} has no time logged: log the time spent before resolving it (a running timer counts once stopped).`,
    );
}
