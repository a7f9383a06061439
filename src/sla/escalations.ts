// Escalations: the engine that fires warnings, breaches and escalation levels when a clock crosses them,
// and the escalations people make by hand (a technician to the next group or to the manager; the manager
// resolves or hands on). Every firing is a row under a unique key (ticket, target, level, cycle) written in
// the same transaction as its effects — the ticket's timeline, the change, the events — so nothing fires
// twice, across restarts and across instances.
import type { Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import { toIso } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, EscalationStatus } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import { type HistoryEntry, raisePriority, reassignTicket, recordTicketChange } from '../helpdesk/index.js';
import { requireSla } from './permissions.js';
import { getEscalationPath } from './policies.js';
import {
  type DueFiring,
  deriveClocks,
  firedKey,
  firingsOf,
  loadFired,
  loadSlaSetup,
  loadTicketFacts,
  refreshTicketClocks,
  type SlaSetup,
  targetKey,
} from './ticket-clocks.js';

type Trx = Transaction<Database>;

const str = (v: number | null) => (v === null ? null : String(v));

/** Hand a ticket to a group through the help desk's command, adding what it changed to the caller's lists. */
async function reassign(
  trx: Trx,
  ticketId: number,
  groupId: number,
  actorId: number | null,
  now: number,
  history: HistoryEntry[],
  events: NewEvent[],
): Promise<void> {
  const changes = await reassignTicket(trx, { ticketId, groupId, actorId, now });
  history.push(...changes.history);
  events.push(...changes.events);
}

async function nextLevel(trx: Trx, ticketId: number): Promise<number> {
  const r = await trx
    .selectFrom('sla_escalations')
    .select((eb) => eb.fn.max('level').as('m'))
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
  return Number(r?.m ?? 0) + 1;
}

// ---- the engine -----------------------------------------------------------------------------------------

export interface CycleResult {
  checked: number;
  fired: number;
  backfilled: number;
}

/**
 * One evaluation cycle: give clocks to tickets that have none (open or not: the reports read them), then take
 * the tickets whose next check is due (an indexed range, never a scan of every ticket), fire what they have
 * crossed, and store their next check. Safe to run anywhere at any time: a firing that another instance made first is skipped.
 */
export function runEscalationCycle(
  ctx: ServiceContext,
  // setup: the SLA configuration, when the caller holds it and it cannot change meanwhile (the demo's replay).
  options: { batch?: number; maxBatches?: number; setup?: SlaSetup } = {},
): Promise<CycleResult> {
  // SLA clocks keep their pace: ingest yields to the cycle (core/foreground-work.ts).
  return ctx.foreground.run(() => escalationCycle(ctx, options));
}

async function escalationCycle(
  ctx: ServiceContext,
  options: { batch?: number; maxBatches?: number; setup?: SlaSetup },
): Promise<CycleResult> {
  const batch = options.batch ?? 500;
  const maxBatches = options.maxBatches ?? 200;
  const now = ctx.clock.now();
  const setup = options.setup ?? (await loadSlaSetup(ctx.db));
  const result: CycleResult = { checked: 0, fired: 0, backfilled: 0 };

  for (let i = 0; i < maxBatches; i++) {
    // Tickets filed before the engine ran (an upgrade, an import) have no clock yet. New tickets get theirs
    // from the subscriber, so looking above the highest clocked id is an index range, not a scan.
    const high = await ctx.db
      .selectFrom('sla_ticket_clocks')
      .select((eb) => eb.fn.max('ticket_id').as('id'))
      .executeTakeFirst();
    const missing = await ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('id', '>', Number(high?.id ?? 0))
      .orderBy('id')
      .limit(batch)
      .execute();
    if (missing.length === 0) break;
    result.backfilled += await refreshTicketClocks(
      ctx.db,
      missing.map((m) => m.id),
      now,
      setup,
    );
  }

  let lastIds = '';
  for (let i = 0; i < maxBatches; i++) {
    const due = await ctx.db
      .selectFrom('sla_ticket_clocks')
      .select('ticket_id')
      .where('next_check_at', '<=', now)
      .orderBy('next_check_at')
      .orderBy('ticket_id')
      .limit(batch)
      .execute();
    const ids = due.map((d) => d.ticket_id);
    if (ids.length === 0 || ids.join() === lastIds) break;
    lastIds = ids.join();
    result.checked += ids.length;
    const facts = await loadTicketFacts(ctx.db, ids);
    const fired = await loadFired(ctx.db, ids);
    for (const f of facts.values()) {
      const d = deriveClocks(setup, f, now);
      const owed = firingsOf(d.policy, d.clocks).filter(
        (x) => x.reachedAt !== null && !fired.has(firedKey(f.id, targetKey(x.clock), x.level, x.clock.cycle)),
      );
      if (owed.length > 0) result.fired += await fire(ctx, f.id, owed, now);
    }
    await refreshTicketClocks(ctx.db, ids, now, setup);
  }
  if (result.fired > 0) ctx.events.nudge();
  return result;
}

/** Fire what a ticket owes, in one transaction; returns how many this instance fired. */
async function fire(ctx: ServiceContext, ticketId: number, owed: DueFiring[], now: number): Promise<number> {
  // Warnings before breaches before levels; levels in their order.
  const order = { warning: 0, breach: 1, level: 2 } as const;
  owed.sort(
    (a, b) => order[a.kind] - order[b.kind] || (a.escalation?.level ?? 0) - (b.escalation?.level ?? 0),
  );
  return ctx.db.transaction().execute(async (trx) => {
    let count = 0;
    const history: HistoryEntry[] = [];
    const events: NewEvent[] = [];
    const base = { subjectType: 'ticket', subjectId: ticketId, actorId: null };
    for (const f of owed) {
      const c = f.clock;
      const inserted = await trx
        .insertInto('sla_fired')
        .values({
          ticket_id: ticketId,
          target: targetKey(c),
          level: f.level,
          cycle: c.cycle,
          due_at: c.dueAt,
          fired_at: now,
        })
        .onConflict((oc) => oc.columns(['ticket_id', 'target', 'level', 'cycle']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) continue;
      count++;
      const dueAt = toIso(c.dueAt);
      const label = c.target === 'ola' ? `OLA of group ${c.groupId}` : c.target;
      if (f.kind === 'warning' || f.kind === 'breach') {
        history.push({
          field: 'sla',
          from: null,
          to: `${label} ${f.kind === 'warning' ? 'warning' : 'breached'}`,
        });
        // An OLA is the group's own target: its events say which group, apart from the SLA's.
        events.push(
          c.target === 'ola'
            ? {
                type: f.kind === 'warning' ? 'ticket.ola_warning' : 'ticket.ola_breached',
                ...base,
                payload: { ticketId, target: 'ola', groupId: c.groupId, dueAt },
              }
            : {
                type: f.kind === 'warning' ? 'ticket.sla_warning' : 'ticket.sla_breached',
                ...base,
                payload: { ticketId, target: c.target, dueAt },
              },
        );
        continue;
      }
      const level = f.escalation!;
      let toGroupId: number | null = null;
      let raised = false;
      const notify = level.actions.flatMap((a) => (a.type === 'notify' ? [a.who] : []));
      for (const a of level.actions) {
        if (a.type === 'reassign') {
          toGroupId = a.groupId;
          await reassign(trx, ticketId, a.groupId, null, now, history, events);
        } else if (a.type === 'raise_priority') {
          // The raise says an SLA escalation fired: staff only, like the escalation's own entry.
          const changes = await raisePriority(trx, { ticketId, actorId: null, now, internal: true });
          raised ||= changes.raised;
          history.push(...changes.history);
          events.push(...changes.events);
        }
      }
      const toManager = notify.includes('manager');
      const when =
        level.offsetMinutes < 0
          ? `${-level.offsetMinutes} min before`
          : level.offsetMinutes > 0
            ? `${level.offsetMinutes} min after`
            : 'at';
      const reason = `${c.target} level ${level.level}: ${when} the due time${raised ? '; priority raised' : ''}`;
      await trx
        .insertInto('sla_escalations')
        .values({
          ticket_id: ticketId,
          kind: 'automatic',
          level: level.level,
          target: c.target,
          reason,
          from_group_id: null,
          to_group_id: toGroupId,
          to_manager: toManager ? 1 : 0,
          actor_id: null,
          status: 'open',
          created_at: now,
        })
        .execute();
      history.push({ field: 'escalation', from: null, to: reason });
      events.push({
        type: 'ticket.escalated',
        ...base,
        payload: {
          ticketId,
          target: c.target,
          dueAt,
          level: level.level,
          reason,
          toGroupId,
          toManager,
          notify,
        },
      });
    }
    await recordTicketChange(trx, ticketId, null, now, history);
    await ctx.events.record(trx, events);
    return count;
  });
}

// ---- by hand ---------------------------------------------------------------------------------------------

export interface Escalation {
  id: number;
  ticketId: number;
  kind: 'manual' | 'automatic';
  level: number;
  target: string | null;
  reason: string;
  fromGroupId: number | null;
  toGroupId: number | null;
  toManager: boolean;
  actorId: number | null;
  status: EscalationStatus;
  createdAt: number;
  closedAt: number | null;
  closedBy: number | null;
  note: string | null;
}

type EscalationRow = import('kysely').Selectable<Database['sla_escalations']>;

function escalationOf(r: EscalationRow): Escalation {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    kind: r.kind,
    level: r.level,
    target: r.target,
    reason: r.reason,
    fromGroupId: r.from_group_id,
    toGroupId: r.to_group_id,
    toManager: r.to_manager === 1,
    actorId: r.actor_id,
    status: r.status,
    createdAt: r.created_at,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    note: r.note,
  };
}

export interface EscalateInput {
  reason: string;
  to: 'group' | 'manager';
  /** The group to hand to; by default the next one on the escalation path. */
  groupId?: number;
}

function cleanReason(reason: string, field = '/reason'): string {
  const r = reason.trim();
  if (r.length === 0 || r.length > 1000) {
    throw new Invalid('validation_failed', `${field.slice(1)}: must be 1–1000 characters`, [
      { field, message: 'must be 1–1000 characters' },
    ]);
  }
  return r;
}

async function groupName(trx: Trx, groupId: number): Promise<string> {
  const g = await trx.selectFrom('groups').select('name').where('id', '=', groupId).executeTakeFirst();
  if (!g)
    throw new Invalid('invalid_reference', `groupId: no group ${groupId}`, [
      { field: '/groupId', message: 'unknown group' },
    ]);
  return g.name;
}

/** A technician escalates a ticket they cannot resolve: to the next group on the path, or to the manager. */
export async function escalateTicket(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  input: EscalateInput,
): Promise<Escalation> {
  requireSla(actor, 'escalation.create');
  const reason = cleanReason(input.reason);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const ticket = await trx
      .selectFrom('tickets')
      .select(['id', 'status', 'group_id'])
      .where('id', '=', ticketId)
      .executeTakeFirst();
    if (!ticket) throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
    if (ticket.status === 'closed')
      throw new Conflict(
        'ticket_closed',
        `Ticket ${ticketId} is closed; file a new request that references it.`,
      );
    const history: HistoryEntry[] = [];
    const events: NewEvent[] = [];
    let toGroupId: number | null = null;
    let to = 'the manager';
    if (input.to === 'group') {
      if (input.groupId !== undefined) toGroupId = input.groupId;
      else {
        const path = await getEscalationPath(trx);
        const at = ticket.group_id === null ? -1 : path.indexOf(ticket.group_id);
        toGroupId = path[at + 1] ?? null;
        if (toGroupId === null) {
          throw new Conflict(
            'no_next_group',
            'The ticket is at the top of the escalation path; escalate to the manager.',
          );
        }
      }
      to = `group ${await groupName(trx, toGroupId)}`;
      await reassign(trx, ticketId, toGroupId, actor.id, now, history, events);
    }
    const level = await nextLevel(trx, ticketId);
    const row = await trx
      .insertInto('sla_escalations')
      .values({
        ticket_id: ticketId,
        kind: 'manual',
        level,
        target: null,
        reason,
        from_group_id: ticket.group_id,
        to_group_id: toGroupId,
        to_manager: input.to === 'manager' ? 1 : 0,
        actor_id: actor.id,
        status: 'open',
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    history.push({ field: 'escalation', from: str(ticket.group_id), to: `to ${to}: ${reason}` });
    events.push({
      type: 'ticket.escalated',
      subjectType: 'ticket',
      subjectId: ticketId,
      actorId: actor.id,
      payload: { ticketId, level, reason, toGroupId, toManager: input.to === 'manager' },
    });
    await recordTicketChange(trx, ticketId, actor.id, now, history);
    await ctx.events.record(trx, events);
    return row;
  });
  ctx.events.nudge();
  return escalationOf(row);
}

export interface EscalationFilter {
  status?: EscalationStatus;
  toManager?: boolean;
  groupId?: number;
  ticketId?: number;
  limit?: number;
}

/** The escalation queue (the manager's: toManager), or a ticket's escalations. */
export async function listEscalations(
  ctx: ServiceContext,
  actor: Actor,
  filter: EscalationFilter,
): Promise<Escalation[]> {
  requireSla(actor, filter.ticketId !== undefined ? 'sla.read' : 'escalation.queue');
  let q = ctx.db.selectFrom('sla_escalations').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.toManager !== undefined) q = q.where('to_manager', '=', filter.toManager ? 1 : 0);
  if (filter.groupId !== undefined) q = q.where('to_group_id', '=', filter.groupId);
  if (filter.ticketId !== undefined) q = q.where('ticket_id', '=', filter.ticketId);
  const rows = await q
    .orderBy('id')
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map(escalationOf);
}

/** The manager closes an escalation: resolved (with a note), or handed on to a group. */
export async function closeEscalation(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: { outcome: 'resolved' | 'handed_on'; note: string; groupId?: number },
): Promise<Escalation> {
  requireSla(actor, 'escalation.queue');
  const note = cleanReason(input.note, '/note');
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const e = await trx.selectFrom('sla_escalations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!e) throw new NotFound('escalation_not_found', `No escalation ${id}.`);
    if (e.status !== 'open')
      throw new Conflict('escalation_closed', `Escalation ${id} is already ${e.status}.`);
    const history: HistoryEntry[] = [];
    const events: NewEvent[] = [];
    let text = `resolved by the manager: ${note}`;
    if (input.outcome === 'handed_on') {
      if (input.groupId === undefined) {
        throw new Invalid('validation_failed', 'groupId: required to hand on', [
          { field: '/groupId', message: 'required' },
        ]);
      }
      text = `handed on to group ${await groupName(trx, input.groupId)}: ${note}`;
      await reassign(trx, e.ticket_id, input.groupId, actor.id, now, history, events);
      events.push({
        type: 'ticket.escalated',
        subjectType: 'ticket',
        subjectId: e.ticket_id,
        actorId: actor.id,
        payload: {
          ticketId: e.ticket_id,
          level: e.level,
          reason: note,
          toGroupId: input.groupId,
          toManager: false,
        },
      });
    }
    const row = await trx
      .updateTable('sla_escalations')
      .set({
        status: input.outcome,
        closed_at: now,
        closed_by: actor.id,
        note,
        ...(input.outcome === 'handed_on' ? { to_group_id: input.groupId } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    history.push({ field: 'escalation', from: null, to: `level ${e.level} ${text}` });
    await recordTicketChange(trx, e.ticket_id, actor.id, now, history);
    await ctx.events.record(trx, events);
    return row;
  });
  ctx.events.nudge();
  return escalationOf(row);
}

/** An automatic escalation as the automation rule log shows it (src/helpdesk/automation-log.ts). */
export interface EscalationFiring {
  source: 'sla';
  id: number;
  ruleId: null;
  rule: string;
  ticketId: number;
  trigger: string;
  summary: string;
  error: null;
  at: number;
}

/**
 * The escalation engine's firings (automatic escalations), newest first, strictly before (at, id): the rows the
 * rule log merges with the automation rules' firings. Read from where escalations are recorded.
 */
export async function listEscalationFirings(
  ctx: ServiceContext,
  query: { before: { at: number; id: number | null } | null; ticketId?: number; limit: number },
): Promise<EscalationFiring[]> {
  let q = ctx.db.selectFrom('sla_escalations').selectAll().where('kind', '=', 'automatic');
  if (query.ticketId !== undefined) q = q.where('ticket_id', '=', query.ticketId);
  const before = query.before;
  if (before) {
    q = q.where((eb) =>
      before.id === null
        ? eb('created_at', '<', before.at)
        : eb.or([
            eb('created_at', '<', before.at),
            eb.and([eb('created_at', '=', before.at), eb('id', '<', before.id)]),
          ]),
    );
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
  return rows.map((r) => ({
    source: 'sla',
    id: r.id,
    ruleId: null,
    rule: `SLA escalation level ${r.level}`,
    ticketId: r.ticket_id,
    trigger: r.target ? `sla_${r.target}` : 'sla',
    summary: [
      r.reason,
      r.to_group_id !== null ? `handed to group ${r.to_group_id}` : null,
      r.to_manager === 1 ? 'escalated to the manager' : null,
    ]
      .filter(Boolean)
      .join('; '),
    error: null,
    at: Number(r.created_at),
  }));
}
