// Automatic assignment as tickets arrive: a subscriber to ticket.created queues the ticket (in the relay's
// transaction, so none is lost), and a runner — nudged once the relay's pass has committed, and a periodic job
// for what a nudge missed — routes it by the rules and lets its group's policy pick a person, through the help
// desk's commands. Every few minutes each automatic group retries its waiting tickets (the optimiser's groups
// have their queue optimised).
// Instance-safe: a queued ticket is claimed by deleting its row (one instance wins), a group's assignments take
// its lock (lockGroupPolicy), and a periodic optimisation is claimed by a conditional UPDATE.
import type { Transaction } from 'kysely';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import type { JobScheduler } from '../core/jobs.js';
import {
  assignTicket,
  type HistoryEntry,
  reassignTicket,
  recordTicketChange,
  workQueueStatuses,
} from '../helpdesk/index.js';
import { chooseAssignee } from './assignment-choice.js';
import { loadTechnicians, loadWorkingCalendars } from './availability.js';
import { lockGroupPolicy, moveCursor } from './group-policies.js';
import { assignProposals } from './queue-proposals.js';
import { loadRules } from './routing-rules.js';
import { loadSkills } from './skills.js';
import { firstMatchingRule, neededSkills } from './ticket-needs.js';

/** How often the runner looks for queued tickets a nudge missed, and for groups due an optimisation. */
export const assignmentIntervalMs = 30_000;
/** How often a group whose policy is the optimiser (with auto) has its queue optimised. */
export const optimiseEveryMs = 5 * 60_000;
/** Attempts at one queued ticket before it is left to people (logged). */
const maxAttempts = 5;
const retryDelayMs = 30_000;
/** Queued tickets taken per pass. */
const passSize = 100;

export interface AutoAssignment {
  ticketId: number;
  /** The group it ended in (set by a rule, or as it arrived); null: no group. */
  groupId: number | null;
  /** Who it was given to; null: nobody (the reason says why). */
  userId: number | null;
  reason: string;
}

/** The field of the internal history entry that says why an automatic assignment went (or did not go) so. */
export const assignmentReasonField = 'assignment_reason';

async function requesterGroupIds(trx: Transaction<Database>, userId: number): Promise<number[]> {
  const rows = await trx
    .selectFrom('group_members')
    .select('group_id')
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.group_id);
}

/**
 * Route one arriving ticket by the rules (when it came without a group) and, if its group assigns on its own,
 * give it to the person the group's policy picks among those on shift, not on leave and under capacity. With
 * `claim`, only if its queue row is still there (another instance did not take it first).
 */
export async function autoAssignTicket(
  ctx: ServiceContext,
  ticketId: number,
  options: {
    claim?: boolean;
    optimise?: (groupId: number) => void;
    /** A periodic retry of a waiting ticket: when still nobody can take it, say nothing new. */
    retry?: boolean;
  } = {},
): Promise<AutoAssignment | null> {
  const [calendars, skills, rules] = await Promise.all([
    loadWorkingCalendars(ctx),
    loadSkills(ctx.db),
    loadRules(ctx.db),
  ]);
  const now = ctx.clock.now();
  let optimiseGroup: number | null = null;
  const result = await ctx.db.transaction().execute(async (trx): Promise<AutoAssignment | null> => {
    if (options.claim) {
      const claimed = await trx
        .deleteFrom('assignment_queue')
        .where('ticket_id', '=', ticketId)
        .executeTakeFirst();
      if (Number(claimed.numDeletedRows) === 0) return null;
    }
    const t = await trx
      .selectFrom('tickets')
      .select([
        'id',
        'title',
        'description',
        'category_id',
        'requester_id',
        'group_id',
        'assignee_id',
        'status',
      ])
      .where('id', '=', ticketId)
      .executeTakeFirst();
    if (!t || t.assignee_id !== null || !workQueueStatuses.includes(t.status)) return null;
    const facts = {
      title: t.title,
      description: t.description,
      categoryId: t.category_id,
      requesterGroupIds: await requesterGroupIds(trx, t.requester_id),
    };
    const rule = firstMatchingRule(rules, facts);
    // An explicit group (chosen by whoever filed it) wins over the rules.
    const groupId = t.group_id ?? rule?.groupId ?? null;
    if (groupId === null) return { ticketId, groupId: null, userId: null, reason: 'no routing rule matched' };
    // The group's lock before any write to the ticket: every assignment path takes the two in this order.
    const policy = await lockGroupPolicy(trx, groupId);
    const history: HistoryEntry[] = [];
    if (t.group_id === null) {
      const routed = await reassignTicket(trx, { ticketId, groupId, actorId: null, now });
      history.push(...routed.history);
      await ctx.events.record(trx, routed.events);
    }
    const say = async (reason: string, userId: number | null) => {
      await recordTicketChange(trx, ticketId, null, now, [
        ...history,
        { field: assignmentReasonField, from: null, to: reason, visibility: 'internal' },
      ]);
      return { ticketId, groupId, userId, reason };
    };
    const routedBy = t.group_id === null && rule ? `routing rule #${rule.id}` : null;
    if (!policy?.auto || policy.policy === 'manual') {
      if (history.length === 0)
        return { ticketId, groupId, userId: null, reason: 'the group assigns by hand' };
      return say(`${routedBy}; the group assigns by hand`, null);
    }
    if (policy.policy === 'optimise') {
      optimiseGroup = groupId;
      if (history.length > 0) await recordTicketChange(trx, ticketId, null, now, history);
      return { ticketId, groupId, userId: null, reason: 'left to the queue optimiser' };
    }
    const ruleSkill =
      rule && rule.groupId === groupId && rule.skillId !== null
        ? { skillId: rule.skillId, level: rule.skillLevel }
        : null;
    const needs = neededSkills(facts, skills, ruleSkill);
    const people = await loadTechnicians(trx, calendars, now, { groupId });
    const choice = chooseAssignee(policy.policy, people, needs, policy.lastUserId, now);
    const prefix = routedBy ? `${routedBy}; ` : '';
    // Nobody qualifies: it stays in the group's queue, and the history says why.
    if (choice.userId === null) {
      if (options.retry && history.length === 0)
        return { ticketId, groupId, userId: null, reason: choice.reason };
      return say(`${prefix}${choice.reason}`, null);
    }
    const changes = await assignTicket(trx, {
      ticketId,
      groupId,
      assigneeId: choice.userId,
      actorId: null,
      now,
    });
    if (!changes) return null;
    history.push(...changes.history);
    await ctx.events.record(trx, changes.events);
    await moveCursor(trx, groupId, choice.userId);
    return say(`${prefix}${choice.reason}`, choice.userId);
  });
  if (result) ctx.events.nudge();
  if (optimiseGroup !== null) {
    // A batch of arrivals optimises each group once, after the batch (the caller says so); alone, at once.
    if (options.optimise) options.optimise(optimiseGroup);
    else await assignProposals(ctx, null, optimiseGroup, { all: true });
  }
  return result;
}

/** Whether arriving tickets need the runner at all: a rule to route them, or a group that assigns on its own. */
async function assignmentWanted(trx: Transaction<Database>): Promise<boolean> {
  const rule = await trx
    .selectFrom('assignment_rules')
    .select('id')
    .where('active', '=', 1)
    .limit(1)
    .executeTakeFirst();
  if (rule) return true;
  const auto = await trx
    .selectFrom('assignment_policies')
    .select('group_id')
    .where('auto', '=', 1)
    .limit(1)
    .executeTakeFirst();
  return auto !== undefined;
}

/** Queue a ticket for the runner, in the caller's (the relay's) transaction. */
export async function queueForAssignment(
  trx: Transaction<Database>,
  ticketId: number,
  now: number,
): Promise<boolean> {
  if (!(await assignmentWanted(trx))) return false;
  await trx
    .insertInto('assignment_queue')
    .values({ ticket_id: ticketId, queued_at: now, attempts: 0, next_attempt_at: now })
    .onConflict((oc) => oc.column('ticket_id').doNothing())
    .execute();
  return true;
}

/**
 * Assign the queued tickets that are due, oldest first. A failure leaves the row for a later pass (with a
 * delay); after a few the ticket is left in its queue for people, and the failure logged.
 */
export async function runAssignmentQueue(ctx: ServiceContext): Promise<AutoAssignment[]> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('assignment_queue')
    .select(['ticket_id', 'attempts'])
    .where('next_attempt_at', '<=', now)
    .orderBy('queued_at')
    .orderBy('ticket_id')
    .limit(passSize)
    .execute();
  const done: AutoAssignment[] = [];
  const optimise = new Set<number>();
  for (const row of due) {
    try {
      const r = await autoAssignTicket(ctx, row.ticket_id, { claim: true, optimise: (g) => optimise.add(g) });
      if (r) done.push(r);
    } catch (err) {
      const attempts = row.attempts + 1;
      ctx.log.error({ err, ticketId: row.ticket_id, attempts }, 'automatic assignment failed');
      if (attempts >= maxAttempts)
        await ctx.db.deleteFrom('assignment_queue').where('ticket_id', '=', row.ticket_id).execute();
      else
        await ctx.db
          .updateTable('assignment_queue')
          .set({ attempts, next_attempt_at: now + retryDelayMs * attempts })
          .where('ticket_id', '=', row.ticket_id)
          .execute();
    }
  }
  for (const groupId of optimise) await assignProposals(ctx, null, groupId, { all: true });
  return done;
}

/** Waiting tickets a periodic retry takes per group (the oldest first). */
const retryBatch = 100;

/**
 * Every few minutes, per group that assigns on its own (at most once per interval across instances: the
 * instance whose conditional UPDATE moves `optimised_at` runs it): the optimiser's groups have their queue
 * optimised; the others retry their waiting tickets, so what arrived while nobody could take it goes to the
 * first person whose shift begins or who comes back. Returns the groups it ran for.
 */
export async function runQueueOptimisation(ctx: ServiceContext): Promise<number[]> {
  const now = ctx.clock.now();
  const groups = await ctx.db
    .selectFrom('assignment_policies')
    .select(['group_id', 'policy'])
    .where('policy', '!=', 'manual')
    .where('auto', '=', 1)
    .execute();
  const ran: number[] = [];
  for (const { group_id, policy } of groups) {
    const claimed = await ctx.db
      .updateTable('assignment_policies')
      .set({ optimised_at: now })
      .where('group_id', '=', group_id)
      .where((eb) => eb.or([eb('optimised_at', 'is', null), eb('optimised_at', '<=', now - optimiseEveryMs)]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    ran.push(group_id);
    if (policy === 'optimise') {
      await assignProposals(ctx, null, group_id, { all: true });
      continue;
    }
    const waiting = await ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('group_id', '=', group_id)
      .where('assignee_id', 'is', null)
      .where('status', 'in', workQueueStatuses)
      .orderBy('created_at')
      .orderBy('id')
      .limit(retryBatch)
      .execute();
    for (const { id } of waiting) {
      const r = await autoAssignTicket(ctx, id, { retry: true });
      // Who is available does not depend on the ticket: nobody for this one means nobody for the rest.
      if (r?.userId === null) break;
    }
  }
  return ran;
}

/** The runner: one pass at a time in this process, started by a nudge once the relay's pass has committed. */
class AssignmentRunner {
  private nudged = false;
  private closed = false;
  private running: Promise<unknown> | null = null;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: ServiceContext) {}

  nudge(): void {
    if (this.nudged || this.closed) return;
    this.nudged = true;
    setImmediate(() => {
      this.nudged = false;
      if (this.closed) return;
      // The queue row was written in the relay's pass: wait for it to commit, or it is not visible yet.
      this.pending = this.ctx.events
        .idle()
        .then(() => this.run())
        .catch((err) => this.ctx.log.error({ err }, 'automatic assignment pass failed'));
    });
  }

  /** No more nudged passes; waits for the one in progress (the service's shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.pending;
    await this.running?.catch(() => undefined);
  }

  async run(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    const pass = runAssignmentQueue(this.ctx);
    this.running = pass;
    try {
      await pass;
    } finally {
      if (this.running === pass) this.running = null;
    }
  }
}

/**
 * Queue each arriving ticket for automatic assignment, in the relay's transaction; `onQueued` is told (the
 * runner's nudge; a test passes its own and runs the queue itself).
 */
export function subscribeAssignment(ctx: ServiceContext, onQueued: () => void): void {
  ctx.events.subscribe(
    'technicians.auto-assign',
    ['ticket.created'],
    async (event, trx) => {
      if (await queueForAssignment(trx, Number(event.subjectId), ctx.clock.now())) onQueued();
    },
    // A ticket filed with an assignee is already someone's.
    { wants: (event) => event.payload.ticket.assigneeId === null },
  );
}

/** What the serve command calls once: the arrival subscriber, the runner and its periodic job. */
export function registerTechnicians(ctx: ServiceContext, jobs: JobScheduler): void {
  const runner = new AssignmentRunner(ctx);
  jobs.onStop(() => runner.close());
  subscribeAssignment(ctx, () => runner.nudge());
  jobs.every('technicians.assignment', assignmentIntervalMs, async () => {
    await runner.run();
    await runQueueOptimisation(ctx);
  });
}
