// Resolving a problem, optionally together with its incidents: the problem becomes resolved (with its root
// cause) and each linked incident still open gets a public reply with the message to its requester and is
// resolved — all in ONE transaction (the help desk's resolveTicketsWithReply runs the problem's write and
// the tickets' replies and resolutions together), so an incident that refuses (open child tickets, time
// required on resolve) leaves everything as it was, with an error naming it. Answers how many were resolved.
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid } from '../core/errors.js';
import { commentMaxLength, openStatuses, resolveTicketsWithReply } from '../helpdesk/index.js';
import { checkProblemTransition } from './problem-states.js';
import {
  getProblem,
  loadProblem,
  type ProblemChange,
  type ProblemDetail,
  problemLimits,
  recordProblemChange,
  requireProblemRight,
  stateStamps,
} from './problems.js';

export interface ResolveProblemInput {
  rootCause?: string;
  /** Resolve every open linked incident too, each with `message` as a public reply. */
  resolveIncidents: boolean;
  message?: string;
}

export interface ResolvedProblem {
  problem: ProblemDetail;
  /** The incidents resolved with it, in id order (empty when not asked). */
  resolvedIncidentIds: number[];
}

export async function resolveProblem(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: ResolveProblemInput,
): Promise<ResolvedProblem> {
  requireProblemRight(actor, 'problem.write');
  const message = input.message?.trim() ?? '';
  if (input.resolveIncidents && (message.length === 0 || message.length > commentMaxLength))
    throw new Invalid(
      'validation_failed',
      `message: the requesters' message must be 1–${commentMaxLength} characters`,
      [{ field: '/message', message: `must be 1–${commentMaxLength} characters` }],
    );
  if (input.rootCause !== undefined && input.rootCause.length > problemLimits.textMaxLength)
    throw new Invalid(
      'validation_failed',
      `rootCause: must be at most ${problemLimits.textMaxLength} characters`,
      [{ field: '/rootCause', message: `must be at most ${problemLimits.textMaxLength} characters` }],
    );
  const now = ctx.clock.now();
  const resolvedIncidentIds = await resolveTicketsWithReply(ctx, actor, message, async (trx) => {
    let q = trx.selectFrom('problems').selectAll().where('id', '=', id);
    // One resolution at a time per problem (PostgreSQL; SQLite runs one write transaction at a time).
    if (ctx.caps.supportsSkipLocked) q = q.forUpdate();
    const row = (await q.executeTakeFirst()) ?? (await loadProblem(trx, id));
    checkProblemTransition(id, row.status, 'resolved');
    const changes: ProblemChange[] = [];
    const set = { ...stateStamps(row, 'resolved', now) };
    if (row.status !== 'resolved') changes.push({ field: 'status', from: row.status, to: 'resolved' });
    const rootCause = input.rootCause?.trim();
    if (rootCause !== undefined && rootCause !== row.root_cause) {
      changes.push({ field: 'root_cause', from: row.root_cause, to: rootCause });
      Object.assign(set, { root_cause: rootCause });
    }
    const open = input.resolveIncidents
      ? (
          await trx
            .selectFrom('problem_incidents as pi')
            .innerJoin('tickets as t', 't.id', 'pi.ticket_id')
            .select('t.id')
            .where('pi.problem_id', '=', id)
            .where('t.status', 'in', openStatuses)
            .orderBy('t.id')
            .execute()
        ).map((t) => t.id)
      : [];
    if (open.length > 0) changes.push({ field: 'incidents_resolved', from: null, to: String(open.length) });
    if (changes.length > 0) {
      await trx
        .updateTable('problems')
        .set({ ...set, updated_at: now })
        .where('id', '=', id)
        .execute();
      await recordProblemChange(trx, id, actor.id, now, changes);
    }
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'problem.resolve',
      subjectType: 'problem',
      subjectId: id,
      details: { from: row.status, incidentIds: open, message: input.resolveIncidents ? message : null },
    });
    return open;
  });
  return { problem: await getProblem(ctx, actor, id), resolvedIncidentIds };
}
