// "Optimise the queue": a group's unassigned open tickets (with their SLA due times) and its people, handed to
// the queue optimiser; the manager reads its explained proposals and accepts them per ticket or all at once.
// Accepting recomputes and assigns through the help desk's command, skipping tickets taken meanwhile.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import { type Actor, systemActor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { NotFound } from '../core/errors.js';
import { assignTicket, recordTicketChange, workQueueStatuses } from '../helpdesk/index.js';
import { storedTicketSlas } from '../sla/index.js';
import { unavailability } from './assignment-choice.js';
import { loadTechnicians, loadWorkingCalendars, type Technician } from './availability.js';
import { lockGroupPolicy, moveCursor } from './group-policies.js';
import { requireStaffing } from './permissions.js';
import { type Proposal, proposeAssignments, type QueueTicket } from './queue-optimiser.js';
import { loadRules } from './routing-rules.js';
import { loadSkills } from './skills.js';
import { firstMatchingRule, neededSkills } from './ticket-needs.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The most tickets of one group's queue proposed for at once (the oldest first). */
export const proposalTicketLimit = 1000;

export interface ProposalItem extends Proposal {
  ticketTitle: string;
  userName: string | null;
}

export interface AcceptOutcome {
  ticketId: number;
  outcome: 'assigned' | 'skipped';
  userId: number | null;
  reason: string;
}

interface QueuedTicket extends QueueTicket {
  title: string;
}

/** The requester's groups of each ticket. */
async function requesterGroups(db: Db, requesterIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (requesterIds.length === 0) return out;
  const rows = await db
    .selectFrom('group_members')
    .select(['user_id', 'group_id'])
    .where('user_id', 'in', [...new Set(requesterIds)])
    .execute();
  for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.group_id]);
  return out;
}

/** The earliest due time among a ticket's running SLA clocks (what is about to breach), or null. */
function earliestDue(clocks: { dueAt: number | null; achievedAt: number | null }[]): number | null {
  let due: number | null = null;
  for (const c of clocks)
    if (c.achievedAt === null && c.dueAt !== null && (due === null || c.dueAt < due)) due = c.dueAt;
  return due;
}

/** The group's unassigned open tickets as the optimiser sees them: needed skills, SLA due time, priority. */
export async function loadGroupQueue(ctx: ServiceContext, groupId: number): Promise<QueuedTicket[]> {
  const rows = await ctx.db
    .selectFrom('tickets')
    .select(['id', 'title', 'description', 'category_id', 'requester_id', 'priority', 'created_at'])
    .where('group_id', '=', groupId)
    .where('assignee_id', 'is', null)
    .where('status', 'in', workQueueStatuses)
    .orderBy('created_at')
    .orderBy('id')
    .limit(proposalTicketLimit)
    .execute();
  if (rows.length === 0) return [];
  const [skills, rules, groupsOf, slas] = await Promise.all([
    loadSkills(ctx.db),
    loadRules(ctx.db),
    requesterGroups(
      ctx.db,
      rows.map((r) => r.requester_id),
    ),
    storedTicketSlas(
      ctx,
      systemActor(0),
      rows.map((r) => r.id),
    ),
  ]);
  return rows.map((r) => {
    const facts = {
      title: r.title,
      description: r.description,
      categoryId: r.category_id,
      requesterGroupIds: groupsOf.get(r.requester_id) ?? [],
    };
    const rule = firstMatchingRule(rules, facts);
    const ruleSkill =
      rule && rule.groupId === groupId && rule.skillId !== null
        ? { skillId: rule.skillId, level: rule.skillLevel }
        : null;
    return {
      id: r.id,
      title: r.title,
      skills: neededSkills(facts, skills, ruleSkill),
      dueAt: earliestDue(slas.get(r.id)?.clocks ?? []),
      priority: r.priority,
      createdAt: r.created_at,
    };
  });
}

async function requireGroup(db: Db, groupId: number): Promise<void> {
  const g = await db.selectFrom('groups').select('id').where('id', '=', groupId).executeTakeFirst();
  if (!g) throw new NotFound('group_not_found', `No group ${groupId}.`);
}

/** The zone most of the group's people work in: times in reasons read as they would say them. */
function commonZone(people: Technician[]): string {
  const counts = new Map<string, number>();
  for (const p of people) counts.set(p.timeZone, (counts.get(p.timeZone) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? 'UTC';
}

interface Computed {
  tickets: QueuedTicket[];
  people: Technician[];
  proposals: Proposal[];
}

async function compute(ctx: ServiceContext, groupId: number): Promise<Computed> {
  const now = ctx.clock.now();
  const [tickets, calendars] = await Promise.all([loadGroupQueue(ctx, groupId), loadWorkingCalendars(ctx)]);
  const people = await loadTechnicians(ctx.db, calendars, now, { groupId });
  const proposals =
    tickets.length === 0 ? [] : proposeAssignments(tickets, people, { now, timeZone: commonZone(people) });
  return { tickets, people, proposals };
}

/** The optimiser's proposal for each unassigned ticket of the group, explained. */
export async function proposeForGroup(
  ctx: ServiceContext,
  actor: Actor,
  groupId: number,
): Promise<ProposalItem[]> {
  requireStaffing(actor, 'assignment.propose');
  await requireGroup(ctx.db, groupId);
  const { tickets, people, proposals } = await compute(ctx, groupId);
  const titles = new Map(tickets.map((t) => [t.id, t.title]));
  const names = new Map(people.map((p) => [p.userId, p.name]));
  return proposals.map((p) => ({
    ...p,
    ticketTitle: titles.get(p.ticketId) ?? '',
    userName: p.userId === null ? null : (names.get(p.userId) ?? null),
  }));
}

/** Accept the proposals for some tickets of the group's queue (or all): recomputed now, then assigned. */
export async function acceptProposals(
  ctx: ServiceContext,
  actor: Actor,
  groupId: number,
  selection: { ticketIds?: number[]; all?: boolean },
): Promise<AcceptOutcome[]> {
  requireStaffing(actor, 'assignment.accept');
  await requireGroup(ctx.db, groupId);
  return assignProposals(ctx, actor.id, groupId, selection);
}

/**
 * Recompute the group's proposals and assign the chosen ones in one transaction under the group's lock; each
 * is re-checked there (still waiting unassigned in the group, the person still available and under capacity
 * counting this batch). `actorId` null: the service itself (the periodic optimiser, an arrival).
 */
export async function assignProposals(
  ctx: ServiceContext,
  actorId: number | null,
  groupId: number,
  selection: { ticketIds?: number[]; all?: boolean },
): Promise<AcceptOutcome[]> {
  const { proposals } = await compute(ctx, groupId);
  const byTicket = new Map(proposals.map((p) => [p.ticketId, p]));
  const wanted = selection.all ? proposals.map((p) => p.ticketId) : [...new Set(selection.ticketIds ?? [])];
  const now = ctx.clock.now();
  const calendars = await loadWorkingCalendars(ctx);
  const outcomes = await ctx.db.transaction().execute(async (trx) => {
    await lockGroupPolicy(trx, groupId);
    // Loads as they are now, under the lock: what another assignment just did counts.
    const people = new Map(
      (await loadTechnicians(trx, calendars, now, { groupId })).map((p) => [p.userId, p]),
    );
    const out: AcceptOutcome[] = [];
    let last: number | null = null;
    for (const ticketId of wanted) {
      const p = byTicket.get(ticketId);
      if (!p) {
        out.push({
          ticketId,
          outcome: 'skipped',
          userId: null,
          reason: 'not waiting unassigned in this group',
        });
        continue;
      }
      if (p.userId === null) {
        out.push({ ticketId, outcome: 'skipped', userId: null, reason: p.reason });
        continue;
      }
      const person = people.get(p.userId);
      const why = person ? unavailability(person) : 'no longer a member of the group';
      if (!person || why !== null) {
        out.push({
          ticketId,
          outcome: 'skipped',
          userId: p.userId,
          reason: `${person?.name ?? p.userId}: ${why}`,
        });
        continue;
      }
      const changes = await assignTicket(trx, { ticketId, groupId, assigneeId: p.userId, actorId, now });
      if (!changes) {
        out.push({ ticketId, outcome: 'skipped', userId: p.userId, reason: 'assigned or moved meanwhile' });
        continue;
      }
      person.openTickets += 1;
      last = p.userId;
      await recordTicketChange(trx, ticketId, actorId, now, [
        ...changes.history,
        {
          field: 'assignment_reason',
          from: null,
          to: `queue optimiser: ${p.reason}`,
          visibility: 'internal',
        },
      ]);
      await ctx.events.record(trx, changes.events);
      out.push({ ticketId, outcome: 'assigned', userId: p.userId, reason: p.reason });
    }
    if (last !== null) await moveCursor(trx, groupId, last);
    if (actorId !== null && out.length > 0)
      await recordAudit(trx, {
        actorId,
        at: now,
        action: 'assignment.accepted',
        subjectType: 'group',
        subjectId: groupId,
        details: { assigned: out.filter((o) => o.outcome === 'assigned').map((o) => [o.ticketId, o.userId]) },
      });
    return out;
  });
  if (outcomes.some((o) => o.outcome === 'assigned')) ctx.events.nudge();
  return outcomes;
}
