// The problem source: an open problem that keeps recurring on one host — at least N of its incidents (tickets)
// had a monitoring incident on the same target within a window (the incident's time: when it happened there) — becomes a 'hardware' proposal for that target, with
// the problem, its tickets and their incidents as evidence. One open proposal per (problem, target), refreshed as
// incidents come.
//
// How a ticket concerns a target: nothing stores it directly. A ticket opened by monitoring has an incident
// (incidents.ticket_id) whose details keep the alert group's labels, and the default routing groups by
// ['alertname', 'target'], so details.groupLabels.target names the target. (The alert groups and alerts that carry
// target ids are deleted once resolved, so they cannot serve history.) A routing that does not group by target,
// or a ticket a person filed, concerns no target here.
import type { ServiceContext } from '../core/context.js';
import { day, isoDay, type ProposalEvidence, proposalLimits } from './proposal-model.js';
import { recordProposalWrite } from './proposals.js';

export interface ProblemSourceOptions {
  /** Incidents on one target within the window that make it recurring. Default 3. */
  minIncidents?: number;
  /** Default 30 days. */
  windowMs?: number;
  /** The due date of a new proposal: now plus this. Default 30 days. */
  leadTimeMs?: number;
  /** How long a decided (approved or rejected) (problem, target) is left alone. Default 30 days. */
  quietMs?: number;
}

export interface ProblemSourceResult {
  created: number[];
  updated: number[];
}

export const problemKey = (problemId: number, targetId: number) => `problem:${problemId}:target:${targetId}`;

/** The target name an incident's details name (the alert group's `target` label), if any. */
function targetNameOf(details: string): string | null {
  try {
    const d = JSON.parse(details) as { groupLabels?: Record<string, unknown> };
    const t = d.groupLabels?.target;
    return typeof t === 'string' && t !== '' ? t : null;
  } catch {
    // Details are written as JSON by incidents.ts; anything else names no target.
    return null;
  }
}

interface Recurrence {
  problemId: number;
  problemTitle: string;
  targetId: number;
  targetName: string;
  tickets: { ticketId: number; incidentId: number }[];
}

/** Open problems recurring on one target: at least minIncidents of their tickets in the window. */
export async function findRecurringProblems(
  ctx: ServiceContext,
  options: { minIncidents: number; windowMs: number },
): Promise<Recurrence[]> {
  const since = ctx.clock.now() - options.windowMs;
  const rows = await ctx.db
    .selectFrom('problem_incidents as pi')
    .innerJoin('problems as p', 'p.id', 'pi.problem_id')
    .innerJoin('tickets as t', 't.id', 'pi.ticket_id')
    .innerJoin('incidents as i', 'i.ticket_id', 't.id')
    .select([
      'p.id as problemId',
      'p.title as problemTitle',
      't.id as ticketId',
      'i.id as incidentId',
      'i.details',
    ])
    .where('p.status', 'in', ['new', 'investigating', 'known_error'])
    .where('i.created_at', '>=', since)
    .orderBy('p.id')
    .orderBy('t.id')
    .orderBy('i.id')
    .execute();
  const groups = new Map<string, Omit<Recurrence, 'targetId'>>();
  for (const r of rows) {
    const name = targetNameOf(r.details);
    if (name === null) continue;
    const key = `${r.problemId}\u0000${name}`;
    let g = groups.get(key);
    if (!g) {
      g = { problemId: r.problemId, problemTitle: r.problemTitle, targetName: name, tickets: [] };
      groups.set(key, g);
    }
    // One ticket counts once, however many incidents it had.
    if (!g.tickets.some((t) => t.ticketId === r.ticketId))
      g.tickets.push({ ticketId: r.ticketId, incidentId: r.incidentId });
  }
  const recurring = [...groups.values()].filter((g) => g.tickets.length >= options.minIncidents);
  if (recurring.length === 0) return [];
  const targets = await ctx.db
    .selectFrom('monitoring_targets')
    .select(['id', 'name'])
    .where('name', 'in', [...new Set(recurring.map((g) => g.targetName))])
    .execute();
  const idOf = new Map(targets.map((t) => [t.name, t.id]));
  return recurring.flatMap((g) => {
    const targetId = idOf.get(g.targetName);
    return targetId === undefined ? [] : [{ ...g, targetId }];
  });
}

/** Create or refresh a hardware proposal for every problem recurring on a target. */
export async function proposeFromProblems(
  ctx: ServiceContext,
  options: ProblemSourceOptions = {},
): Promise<ProblemSourceResult> {
  const minIncidents = options.minIncidents ?? 3;
  const windowMs = options.windowMs ?? 30 * day;
  const leadTimeMs = options.leadTimeMs ?? 30 * day;
  const quietMs = options.quietMs ?? 30 * day;
  const result: ProblemSourceResult = { created: [], updated: [] };
  for (const r of await findRecurringProblems(ctx, { minIncidents, windowMs })) {
    const now = ctx.clock.now();
    const key = problemKey(r.problemId, r.targetId);
    const shown = r.tickets.slice(-20);
    const evidence: ProposalEvidence[] = [
      { kind: 'problem', id: r.problemId } as ProposalEvidence,
      ...shown.map((t): ProposalEvidence => ({ kind: 'ticket', id: t.ticketId })),
      ...shown.map((t): ProposalEvidence => ({ kind: 'incident', id: t.incidentId })),
    ].slice(0, proposalLimits.evidence);
    const days = Math.round(windowMs / day);
    const summary = `Problem PRB-${r.problemId} (“${r.problemTitle}”) caused ${r.tickets.length} incidents on ${r.targetName} in the last ${days} days (as of ${isoDay(now)}).`;
    const title = `Hardware of ${r.targetName}: ${r.problemTitle}`.slice(0, proposalLimits.title);
    await ctx.db.transaction().execute(async (trx) => {
      const open = await trx
        .selectFrom('upgrade_proposals')
        .select(['id', 'evidence'])
        .where('open_key', '=', key)
        .executeTakeFirst();
      if (open) {
        if (open.evidence === JSON.stringify(evidence)) return;
        await trx
          .updateTable('upgrade_proposals')
          .set({ evidence: JSON.stringify(evidence), summary, updated_at: now })
          .where('id', '=', open.id)
          .execute();
        await recordProposalWrite(ctx, trx, {
          id: open.id,
          actorId: null,
          at: now,
          action: 'proposal.update',
          details: { source: 'problem', incidents: r.tickets.length },
          event: {
            type: 'proposal.updated',
            subjectType: 'upgrade_proposal',
            subjectId: open.id,
            actorId: null,
            payload: { proposalId: open.id, fields: ['evidence', 'summary'] },
          },
        });
        result.updated.push(open.id);
        return;
      }
      const decided = await trx
        .selectFrom('upgrade_proposals')
        .select('id')
        .where('source_key', '=', key)
        .where('decided_at', '>', now - quietMs)
        .where('status', 'in', ['approved', 'rejected'])
        .executeTakeFirst();
      if (decided) return;
      const inserted = await trx
        .insertInto('upgrade_proposals')
        .values({
          title,
          source: 'problem',
          target_id: r.targetId,
          subject_name: r.targetName,
          resource: 'hardware',
          detail: '',
          what: `Repair or replace the hardware of ${r.targetName}`,
          summary,
          evidence: JSON.stringify(evidence),
          forecast: null,
          due_at: now + leadTimeMs,
          due_by_hand: 0,
          cost_minor: null,
          cost_currency: null,
          cost_source: null,
          status: 'proposed',
          deferred_until: null,
          decision_reason: null,
          decided_by: null,
          decided_at: null,
          problem_id: r.problemId,
          change_id: null,
          source_key: key,
          open_key: key,
          created_by: null,
          created_at: now,
          updated_at: now,
        })
        // Another instance's pass wrote it meanwhile: it is theirs to refresh next time.
        .onConflict((oc) => oc.column('open_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return;
      await recordProposalWrite(ctx, trx, {
        id: inserted.id,
        actorId: null,
        at: now,
        action: 'proposal.create',
        details: {
          source: 'problem',
          problemId: r.problemId,
          targetId: r.targetId,
          incidents: r.tickets.length,
        },
        event: {
          type: 'proposal.created',
          subjectType: 'upgrade_proposal',
          subjectId: inserted.id,
          actorId: null,
          payload: { proposalId: inserted.id, source: 'problem', targetId: r.targetId, title },
        },
      });
      result.created.push(inserted.id);
    });
  }
  if (result.created.length + result.updated.length > 0) ctx.events.nudge();
  return result;
}
