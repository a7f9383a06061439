// The incidents (tickets) a problem causes, linked from either side: from the problem ("add incident #42")
// or from the ticket ("caused by known problem P"). A ticket is caused by at most one problem — the key of
// problem_incidents — since resolving a problem resolves its incidents: two problems owning one ticket would
// each claim to end it. Each link and unlink is one transaction with both histories (the problem's, and the
// ticket's through the help desk's recordTicketChange), the audit log and a ticket.updated event.
import type { Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, ProblemStatus } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import { findVisibleTicket, recordTicketChange } from '../helpdesk/index.js';
import {
  createProblem,
  getProblem,
  loadProblem,
  type ProblemDetail,
  type ProblemInput,
  problemLimits,
  recordProblemChange,
  refuseClosed,
  requireProblemRight,
} from './problems.js';

type Trx = Transaction<Database>;

/** A ticket's problem, as the ticket page shows it ("caused by known problem P", with its workaround). */
export interface TicketProblem {
  id: number;
  title: string;
  status: ProblemStatus;
  knownError: boolean;
  rootCause: string;
  workaround: string;
  linkedAt: number;
}

async function readTicketProblem(
  db: ServiceContext['db'] | Trx,
  ticketId: number,
): Promise<TicketProblem | null> {
  const row = await db
    .selectFrom('problem_incidents as pi')
    .innerJoin('problems as p', 'p.id', 'pi.problem_id')
    .select([
      'p.id',
      'p.title',
      'p.status',
      'p.known_error_at',
      'p.root_cause',
      'p.workaround',
      'pi.linked_at',
    ])
    .where('pi.ticket_id', '=', ticketId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    knownError: row.status === 'known_error' || row.known_error_at !== null,
    rootCause: row.root_cause,
    workaround: row.workaround,
    linkedAt: row.linked_at,
  };
}

/** Link in the caller's transaction: checks, the row, both histories, audit and event. False: it was linked already. */
export async function linkIncidentIn(
  ctx: ServiceContext,
  trx: Trx,
  actor: Actor,
  input: { problemId: number; ticketId: number; now: number; ticketFrom: 'body' | 'path' },
): Promise<boolean> {
  const { problemId, ticketId, now } = input;
  const ticket = await findVisibleTicket(trx, actor, ticketId);
  if (!ticket) {
    if (input.ticketFrom === 'path') throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
    throw new Invalid('invalid_reference', `ticketId: no ticket ${ticketId}`, [
      { field: '/ticketId', message: 'no such ticket' },
    ]);
  }
  const problem = await loadProblem(trx, problemId);
  refuseClosed(problem);
  if (ticket.merged_into_id !== null)
    throw new Conflict(
      'ticket_merged',
      `Ticket ${ticketId} was merged into #${ticket.merged_into_id}; link #${ticket.merged_into_id} instead.`,
    );
  const inserted = await trx
    .insertInto('problem_incidents')
    .values({ ticket_id: ticketId, problem_id: problemId, linked_by: actor.id, linked_at: now })
    .onConflict((oc) => oc.column('ticket_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) {
    const existing = await trx
      .selectFrom('problem_incidents')
      .select('problem_id')
      .where('ticket_id', '=', ticketId)
      .executeTakeFirstOrThrow();
    if (existing.problem_id === problemId) return false;
    throw new Conflict(
      'ticket_has_problem',
      `Ticket ${ticketId} is already linked to problem ${existing.problem_id}; unlink it there first.`,
    );
  }
  await recordProblemChange(trx, problemId, actor.id, now, [
    { field: 'incident', from: null, to: String(ticketId) },
  ]);
  await trx.updateTable('problems').set({ updated_at: now }).where('id', '=', problemId).execute();
  const change = { field: 'problem', from: null, to: String(problemId) };
  await recordTicketChange(trx, ticketId, actor.id, now, [{ ...change, visibility: 'internal' }]);
  await recordAudit(trx, {
    actorId: actor.id,
    at: now,
    action: 'problem.link_incident',
    subjectType: 'problem',
    subjectId: problemId,
    details: { ticketId },
  });
  await ctx.events.record(trx, [
    {
      type: 'ticket.updated',
      subjectType: 'ticket',
      subjectId: ticketId,
      actorId: actor.id,
      payload: { changes: [change] },
    },
  ]);
  return true;
}

async function unlinkIn(
  ctx: ServiceContext,
  trx: Trx,
  actor: Actor,
  input: { problemId: number; ticketId: number; now: number },
): Promise<void> {
  const { problemId, ticketId, now } = input;
  const problem = await loadProblem(trx, problemId);
  refuseClosed(problem);
  const removed = await trx
    .deleteFrom('problem_incidents')
    .where('ticket_id', '=', ticketId)
    .where('problem_id', '=', problemId)
    .executeTakeFirst();
  if (Number(removed.numDeletedRows) !== 1)
    throw new NotFound(
      'problem_incident_not_found',
      `Ticket ${ticketId} is not linked to problem ${problemId}.`,
    );
  await recordProblemChange(trx, problemId, actor.id, now, [
    { field: 'incident', from: String(ticketId), to: null },
  ]);
  await trx.updateTable('problems').set({ updated_at: now }).where('id', '=', problemId).execute();
  const change = { field: 'problem', from: String(problemId), to: null };
  await recordTicketChange(trx, ticketId, actor.id, now, [{ ...change, visibility: 'internal' }]);
  await recordAudit(trx, {
    actorId: actor.id,
    at: now,
    action: 'problem.unlink_incident',
    subjectType: 'problem',
    subjectId: problemId,
    details: { ticketId },
  });
  await ctx.events.record(trx, [
    {
      type: 'ticket.updated',
      subjectType: 'ticket',
      subjectId: ticketId,
      actorId: actor.id,
      payload: { changes: [change] },
    },
  ]);
}

// ---- from the problem ------------------------------------------------------------------------------------

export async function linkIncident(
  ctx: ServiceContext,
  actor: Actor,
  problemId: number,
  ticketId: number,
): Promise<ProblemDetail> {
  requireProblemRight(actor, 'problem.write');
  const now = ctx.clock.now();
  await ctx.db
    .transaction()
    .execute((trx) => linkIncidentIn(ctx, trx, actor, { problemId, ticketId, now, ticketFrom: 'body' }));
  ctx.events.nudge();
  return getProblem(ctx, actor, problemId);
}

export async function unlinkIncident(
  ctx: ServiceContext,
  actor: Actor,
  problemId: number,
  ticketId: number,
): Promise<ProblemDetail> {
  requireProblemRight(actor, 'problem.write');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute((trx) => unlinkIn(ctx, trx, actor, { problemId, ticketId, now }));
  ctx.events.nudge();
  return getProblem(ctx, actor, problemId);
}

// ---- from the ticket -------------------------------------------------------------------------------------

/** The ticket's visibility first (404 for a ticket the actor may not see), then the staff rule (403). */
async function checkTicketSide(ctx: ServiceContext, actor: Actor, ticketId: number, write: boolean) {
  const ticket = await findVisibleTicket(ctx.db, actor, ticketId);
  if (!ticket) throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
  requireProblemRight(actor, write ? 'problem.write' : 'problem.read');
}

/** The problem that causes this ticket, or null. */
export async function getTicketProblem(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
): Promise<TicketProblem | null> {
  await checkTicketSide(ctx, actor, ticketId, false);
  return readTicketProblem(ctx.db, ticketId);
}

/** "This ticket is caused by problem P": link it (already linked to P: nothing changes). */
export async function setTicketProblem(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  problemId: number,
): Promise<TicketProblem> {
  await checkTicketSide(ctx, actor, ticketId, true);
  const now = ctx.clock.now();
  const linked = await ctx.db.transaction().execute(async (trx) => {
    try {
      await linkIncidentIn(ctx, trx, actor, { problemId, ticketId, now, ticketFrom: 'path' });
    } catch (e) {
      // The problem is named in the body here: an unknown one is a bad reference, not a missing page.
      if (e instanceof NotFound && e.code === 'problem_not_found')
        throw new Invalid('invalid_reference', `problemId: no problem ${problemId}`, [
          { field: '/problemId', message: 'no such problem' },
        ]);
      throw e;
    }
    return readTicketProblem(trx, ticketId);
  });
  ctx.events.nudge();
  if (!linked) throw new NotFound('problem_incident_not_found', `Ticket ${ticketId} has no problem.`);
  return linked;
}

/** The ticket is not caused by its problem after all: unlink it. */
export async function clearTicketProblem(ctx: ServiceContext, actor: Actor, ticketId: number): Promise<void> {
  await checkTicketSide(ctx, actor, ticketId, true);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('problem_incidents')
      .select('problem_id')
      .where('ticket_id', '=', ticketId)
      .executeTakeFirst();
    if (!row)
      throw new NotFound('problem_incident_not_found', `Ticket ${ticketId} is not linked to a problem.`);
    await unlinkIn(ctx, trx, actor, { problemId: row.problem_id, ticketId, now });
  });
  ctx.events.nudge();
}

/** The tickets a problem causes, for the tickets list's problemId filter. */
export async function listProblemIncidentIds(
  ctx: ServiceContext,
  actor: Actor,
  problemId: number,
): Promise<number[]> {
  requireProblemRight(actor, 'problem.read');
  await loadProblem(ctx.db, problemId);
  const rows = await ctx.db
    .selectFrom('problem_incidents')
    .select('ticket_id')
    .where('problem_id', '=', problemId)
    .orderBy('ticket_id')
    .execute();
  return rows.map((r) => r.ticket_id);
}

/** A new problem, with the incidents it is known to cause linked in the same transaction. */
export async function createProblemWithIncidents(
  ctx: ServiceContext,
  actor: Actor,
  input: ProblemInput & { title: string; incidentIds?: number[] },
): Promise<ProblemDetail> {
  const { incidentIds = [], ...problem } = input;
  if (incidentIds.length > problemLimits.incidentsOnCreate)
    throw new Invalid('validation_failed', `incidentIds: at most ${problemLimits.incidentsOnCreate}`, [
      { field: '/incidentIds', message: `at most ${problemLimits.incidentsOnCreate}` },
    ]);
  return createProblem(ctx, actor, problem, async (trx, problemId, now) => {
    for (const ticketId of new Set(incidentIds))
      await linkIncidentIn(ctx, trx, actor, { problemId, ticketId, now, ticketFrom: 'body' });
  });
}
