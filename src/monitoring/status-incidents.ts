// Announcements on a status page ("status incidents"): a title, an impact, a state that moves investigating →
// identified → monitoring → resolved, the components it affects, an optional link to an opsdesk incident, and
// updates (a message at a time). Each post, update and resolution is written with its subscriber notices in one
// transaction. A requester's new ticket in a category mapped to an affected component is linked to the active
// announcement (on the ticket's history, the announcement, and the linked incident's timeline).
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import type { StoredEvent } from '../core/events.js';
import { recordTicketChange } from '../helpdesk/index.js';
import { writeTimeline } from '../incidents/index.js';
import { mailText } from '../mail/index.js';
import { requireMonitor } from './permissions.js';
import {
  loadPageById,
  type StatusImpact,
  type StatusIncidentState,
  type StatusPageRow,
  statusPageLimits,
} from './status-page-model.js';
import { notifySubscribers } from './status-subscriptions.js';

type Db = Kysely<Database> | Transaction<Database>;
type Trx = Transaction<Database>;

export interface StatusIncidentUpdate {
  id: number;
  state: StatusIncidentState;
  message: string;
  at: number;
}

export interface StatusIncident {
  id: number;
  pageId: number;
  title: string;
  impact: StatusImpact;
  state: StatusIncidentState;
  /** The opsdesk incident it reports on (staff only; the public view leaves it out). */
  incidentId: number | null;
  componentIds: number[];
  startedAt: number;
  resolvedAt: number | null;
  updates: StatusIncidentUpdate[];
  /** Tickets filed about it (staff only). */
  ticketIds: number[];
}

export interface StatusIncidentInput {
  title: string;
  impact: StatusImpact;
  state?: StatusIncidentState;
  message: string;
  componentIds: number[];
  incidentId?: number | null;
}

export interface StatusIncidentChange {
  message: string;
  state?: StatusIncidentState;
  impact?: StatusImpact;
  componentIds?: number[];
}

/** Announcements of pages, newest first, with updates (newest first), components and linked tickets. */
export async function readStatusIncidents(
  db: Db,
  where: { pageIds: number[]; active?: boolean; limit: number; ids?: number[] },
): Promise<StatusIncident[]> {
  if (where.pageIds.length === 0) return [];
  let q = db.selectFrom('status_incidents').selectAll().where('page_id', 'in', where.pageIds);
  if (where.active !== undefined) q = q.where('resolved_at', where.active ? 'is' : 'is not', null);
  if (where.ids) q = q.where('id', 'in', where.ids.length ? where.ids : [0]);
  const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(where.limit).execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [updates, components, tickets] = await Promise.all([
    db
      .selectFrom('status_incident_updates')
      .selectAll()
      .where('status_incident_id', 'in', ids)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    db.selectFrom('status_incident_components').selectAll().where('status_incident_id', 'in', ids).execute(),
    db
      .selectFrom('status_incident_tickets')
      .selectAll()
      .where('status_incident_id', 'in', ids)
      .orderBy('ticket_id')
      .execute(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    pageId: r.page_id,
    title: r.title,
    impact: r.impact,
    state: r.state,
    incidentId: r.incident_id,
    componentIds: components
      .filter((c) => c.status_incident_id === r.id)
      .map((c) => c.component_id)
      .sort((a, b) => a - b),
    startedAt: r.started_at,
    resolvedAt: r.resolved_at,
    updates: updates
      .filter((u) => u.status_incident_id === r.id)
      .map((u) => ({ id: u.id, state: u.state, message: u.message, at: u.at })),
    ticketIds: tickets.filter((t) => t.status_incident_id === r.id).map((t) => t.ticket_id),
  }));
}

async function checkComponents(db: Db, pageId: number, componentIds: number[]): Promise<number[]> {
  const unique = [...new Set(componentIds)];
  if (unique.length === 0) return [];
  const found = await db
    .selectFrom('status_page_components')
    .select('id')
    .where('page_id', '=', pageId)
    .where('id', 'in', unique)
    .execute();
  if (found.length !== unique.length)
    throw new Invalid('invalid_status_page', 'An affected component is not one of this page’s components.', [
      { field: '/componentIds', message: 'must name components of this page' },
    ]);
  return unique.sort((a, b) => a - b);
}

async function componentNames(db: Db, ids: number[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('status_page_components')
    .select('display_name')
    .where('id', 'in', ids)
    .orderBy('position')
    .execute();
  return rows.map((r) => r.display_name);
}

async function queueNotice(
  ctx: ServiceContext,
  trx: Trx,
  page: StatusPageRow,
  incident: {
    id: number;
    title: string;
    impact: StatusImpact;
    state: StatusIncidentState;
    componentIds: number[];
  },
  update: { id: number; message: string; at: number },
  kind: 'incident.posted' | 'incident.updated' | 'incident.resolved',
): Promise<void> {
  const components = await componentNames(trx, incident.componentIds);
  await notifySubscribers(ctx, trx, page, {
    key: `update.${update.id}`,
    kind,
    words: ({ language }) => {
      const stateWord = mailText(language, `statusPage.state.${incident.state}`);
      return {
        subject: `${stateWord}: ${incident.title}`,
        text: `${incident.title} — ${stateWord}${components.length ? ` (${components.join(', ')})` : ''}\n\n${update.message}`,
      };
    },
    details: {
      incident: {
        id: incident.id,
        title: incident.title,
        impact: incident.impact,
        state: incident.state,
        components,
      },
      update: { message: update.message, at: new Date(update.at).toISOString() },
    },
  });
}

/** Post an announcement on a page (managers): its first update, and the notices to its subscribers. */
export async function postStatusIncident(
  ctx: ServiceContext,
  actor: Actor,
  pageId: number,
  input: StatusIncidentInput,
): Promise<StatusIncident> {
  requireMonitor(actor, 'statuspage.manage');
  const title = input.title.trim();
  const message = input.message.trim();
  if (!title)
    throw new Invalid('validation_failed', 'The title is empty.', [{ field: '/title', message: 'is empty' }]);
  if (!message)
    throw new Invalid('validation_failed', 'The message is empty.', [
      { field: '/message', message: 'is empty' },
    ]);
  const state = input.state ?? 'investigating';
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const page = await loadPageById(trx, pageId);
    const componentIds = await checkComponents(trx, page.id, input.componentIds);
    if (input.incidentId != null) {
      const exists = await trx
        .selectFrom('incidents')
        .select('id')
        .where('id', '=', input.incidentId)
        .executeTakeFirst();
      if (!exists)
        throw new Invalid('invalid_reference', `There is no incident ${input.incidentId}.`, [
          { field: '/incidentId', message: 'no such incident' },
        ]);
    }
    const row = await trx
      .insertInto('status_incidents')
      .values({
        page_id: page.id,
        title,
        impact: input.impact,
        state,
        incident_id: input.incidentId ?? null,
        started_at: now,
        resolved_at: state === 'resolved' ? now : null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (componentIds.length)
      await trx
        .insertInto('status_incident_components')
        .values(componentIds.map((c) => ({ status_incident_id: row.id, component_id: c })))
        .execute();
    const update = await trx
      .insertInto('status_incident_updates')
      .values({ status_incident_id: row.id, state, message, at: now, created_by: actor.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await queueNotice(
      ctx,
      trx,
      page,
      { id: row.id, title, impact: input.impact, state, componentIds },
      { id: update.id, message, at: now },
      state === 'resolved' ? 'incident.resolved' : 'incident.posted',
    );
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.status_incident.posted',
      subjectType: 'status_incident',
      subjectId: row.id,
      details: {
        pageId: page.id,
        title,
        impact: input.impact,
        state,
        componentIds,
        incidentId: input.incidentId ?? null,
        updateId: update.id,
      },
    });
    return row.id;
  });
  ctx.deliveries?.nudge();
  return getStatusIncident(ctx, actor, pageId, id);
}

/** Post an update (managers): a message, and maybe a new state, impact or set of components. */
export async function updateStatusIncident(
  ctx: ServiceContext,
  actor: Actor,
  pageId: number,
  incidentId: number,
  change: StatusIncidentChange,
): Promise<StatusIncident> {
  requireMonitor(actor, 'statuspage.manage');
  const message = change.message.trim();
  if (!message)
    throw new Invalid('validation_failed', 'The message is empty.', [
      { field: '/message', message: 'is empty' },
    ]);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const page = await loadPageById(trx, pageId);
    const row = await trx
      .selectFrom('status_incidents')
      .selectAll()
      .where('id', '=', incidentId)
      .where('page_id', '=', page.id)
      .executeTakeFirst();
    if (!row)
      throw new NotFound('status_incident_not_found', `There is no announcement ${incidentId} on this page.`);
    if (row.state === 'resolved')
      throw new Conflict('status_incident_resolved', 'The announcement is resolved; post a new one.');
    const state = change.state ?? row.state;
    const impact = change.impact ?? row.impact;
    let componentIds: number[];
    if (change.componentIds) {
      componentIds = await checkComponents(trx, page.id, change.componentIds);
      await trx.deleteFrom('status_incident_components').where('status_incident_id', '=', row.id).execute();
      if (componentIds.length)
        await trx
          .insertInto('status_incident_components')
          .values(componentIds.map((c) => ({ status_incident_id: row.id, component_id: c })))
          .execute();
    } else {
      componentIds = (
        await trx
          .selectFrom('status_incident_components')
          .select('component_id')
          .where('status_incident_id', '=', row.id)
          .execute()
      ).map((c) => c.component_id);
    }
    await trx
      .updateTable('status_incidents')
      .set({ state, impact, resolved_at: state === 'resolved' ? now : null, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    const update = await trx
      .insertInto('status_incident_updates')
      .values({ status_incident_id: row.id, state, message, at: now, created_by: actor.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await queueNotice(
      ctx,
      trx,
      page,
      { id: row.id, title: row.title, impact, state, componentIds },
      { id: update.id, message, at: now },
      state === 'resolved' ? 'incident.resolved' : 'incident.updated',
    );
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.status_incident.updated',
      subjectType: 'status_incident',
      subjectId: row.id,
      details: {
        pageId: page.id,
        updateId: update.id,
        ...Object.fromEntries(Object.entries(change).filter(([k, v]) => v !== undefined && k !== 'message')),
      },
    });
  });
  ctx.deliveries?.nudge();
  return getStatusIncident(ctx, actor, pageId, incidentId);
}

export async function getStatusIncident(
  ctx: ServiceContext,
  actor: Actor,
  pageId: number,
  incidentId: number,
): Promise<StatusIncident> {
  requireMonitor(actor, 'statuspage.manage');
  const [found] = await readStatusIncidents(ctx.db, { pageIds: [pageId], limit: 1, ids: [incidentId] });
  if (!found)
    throw new NotFound('status_incident_not_found', `There is no announcement ${incidentId} on this page.`);
  return found;
}

/** A page's announcements for its managers: the active ones, then the latest resolved. */
export async function listStatusIncidents(
  ctx: ServiceContext,
  actor: Actor,
  pageId: number,
): Promise<StatusIncident[]> {
  requireMonitor(actor, 'statuspage.manage');
  await loadPageById(ctx.db, pageId);
  const active = await readStatusIncidents(ctx.db, { pageIds: [pageId], active: true, limit: 200 });
  const past = await readStatusIncidents(ctx.db, {
    pageIds: [pageId],
    active: false,
    limit: statusPageLimits.history,
  });
  return [...active, ...past];
}

/**
 * The ticket.created subscriber: a requester's new ticket whose category is mapped to a component of an active
 * announcement is linked to it — on the ticket's history (through the help desk's command), on the announcement,
 * and on the timeline of the opsdesk incident the announcement reports on. Runs in the relay's transaction.
 */
export async function linkNewTicket(
  ctx: ServiceContext,
  event: StoredEvent<'ticket.created'>,
  trx: Trx,
): Promise<number> {
  const ticket = event.payload.ticket;
  if (ticket.categoryId === null) return 0;
  const requester = await trx
    .selectFrom('users')
    .select(['role'])
    .where('id', '=', ticket.requesterId)
    .executeTakeFirst();
  if (requester?.role !== 'requester') return 0;
  const matches = await trx
    .selectFrom('status_incidents as i')
    .innerJoin('status_incident_components as ic', 'ic.status_incident_id', 'i.id')
    .innerJoin('status_page_components as c', 'c.id', 'ic.component_id')
    .select(['i.id', 'i.title', 'i.incident_id'])
    .distinct()
    .where('i.resolved_at', 'is', null)
    .where('c.category_id', '=', ticket.categoryId)
    .orderBy('i.id')
    .execute();
  if (matches.length === 0) return 0;
  const now = ctx.clock.now();
  let linked = 0;
  for (const m of matches) {
    const written = await trx
      .insertInto('status_incident_tickets')
      .values({ status_incident_id: m.id, ticket_id: ticket.id, at: now })
      .onConflict((oc) => oc.columns(['status_incident_id', 'ticket_id']).doNothing())
      .returning('ticket_id')
      .execute();
    // A second dispatch of the same event writes nothing twice.
    if (written.length === 0) continue;
    linked++;
    await recordTicketChange(trx, ticket.id, null, now, [
      { field: 'status_incident', from: null, to: m.title.slice(0, 200), visibility: 'public' },
    ]);
    if (m.incident_id !== null)
      await writeTimeline(trx, m.incident_id, now, [
        {
          kind: 'linked_ticket',
          detail: `Ticket #${ticket.id} filed about "${m.title}" (status page announcement ${m.id})`,
        },
      ]);
  }
  return linked;
}
