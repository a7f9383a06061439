// Links between tickets: parent/child, related, duplicate-of, caused-by — each stored once (from → to) and
// read from either end, with the role it plays for the ticket read (a parent_of row is "child" seen from
// its child). A ticket has at most one parent and no ticket is above itself; a parent cannot be resolved or
// closed while a child is open, unless an admin turns that rule off (settings 'ticket_links').
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import { type Actor, canAccounts } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, TicketLinkKind, TicketStatus } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import { recordTicketChange } from './history.js';
import { canSeeTicket, canTicket } from './policies.js';
import { findVisibleTicket, loadVisibleTicket } from './ticket-reads.js';
import { isOpenStatus, refuseMerged } from './ticket-states.js';

type Db = Kysely<Database> | Transaction<Database>;
type Trx = Transaction<Database>;

export const ticketLinkKinds: readonly TicketLinkKind[] = [
  'parent_of',
  'related',
  'duplicate_of',
  'caused_by',
];

/** What the other ticket is to the one being read. */
export type TicketLinkRole =
  | 'parent'
  | 'child'
  | 'related'
  | 'duplicate_of'
  | 'duplicated_by'
  | 'caused_by'
  | 'causes';

export const ticketLinkRoles: readonly TicketLinkRole[] = [
  'parent',
  'child',
  'related',
  'duplicate_of',
  'duplicated_by',
  'caused_by',
  'causes',
];

export interface TicketLink {
  id: number;
  kind: TicketLinkKind;
  /** The stored direction: this ticket is the link's "from" (outgoing) or its "to" (incoming). */
  direction: 'outgoing' | 'incoming';
  role: TicketLinkRole;
  ticket: { id: number; title: string; status: TicketStatus; mergedIntoId: number | null };
  createdBy: number | null;
  createdAt: number;
}

const outgoingRole: Record<TicketLinkKind, TicketLinkRole> = {
  parent_of: 'child',
  related: 'related',
  duplicate_of: 'duplicate_of',
  caused_by: 'caused_by',
};
const incomingRole: Record<TicketLinkKind, TicketLinkRole> = {
  parent_of: 'parent',
  related: 'related',
  duplicate_of: 'duplicated_by',
  caused_by: 'causes',
};

/** How far a parent chain is followed before it is taken for a cycle (it cannot be one: links are checked). */
const maxDepth = 1000;

// ---- settings ------------------------------------------------------------------------------------------

export interface TicketLinkSettings {
  /** A parent cannot be resolved or closed while a child is open. */
  parentWaitsForChildren: boolean;
}

const settingsKey = 'ticket_links';
const defaultSettings: TicketLinkSettings = { parentWaitsForChildren: true };

async function readSettings(db: Db): Promise<TicketLinkSettings> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', settingsKey)
    .executeTakeFirst();
  if (!row) return defaultSettings;
  const v = JSON.parse(row.value) as Partial<TicketLinkSettings>;
  return { parentWaitsForChildren: v.parentWaitsForChildren !== false };
}

export async function getTicketLinkSettings(ctx: ServiceContext, actor: Actor): Promise<TicketLinkSettings> {
  if (!canAccounts(actor, 'settings.read'))
    throw new Forbidden('forbidden', 'Requesters may not read settings.');
  return readSettings(ctx.db);
}

export async function setTicketLinkSettings(
  ctx: ServiceContext,
  actor: Actor,
  input: TicketLinkSettings,
): Promise<TicketLinkSettings> {
  if (!canAccounts(actor, 'settings.manage'))
    throw new Forbidden('forbidden', 'Only an admin may change how linked tickets behave.');
  const after: TicketLinkSettings = { parentWaitsForChildren: input.parentWaitsForChildren };
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await readSettings(trx);
    const value = JSON.stringify(after);
    await trx
      .insertInto('settings')
      .values({ key: settingsKey, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'settings.ticket_links',
      subjectType: 'settings',
      subjectId: settingsKey,
      details: { before, after },
    });
  });
  return after;
}

/**
 * The parent rule, asked when a ticket is about to be resolved or closed (in the changing transaction):
 * Conflict naming the open children, unless the rule is off.
 */
export async function checkChildrenDone(trx: Db, ticketId: number): Promise<void> {
  const open = await trx
    .selectFrom('ticket_links as l')
    .innerJoin('tickets as c', 'c.id', 'l.to_ticket_id')
    .select(['c.id', 'c.status'])
    .where('l.from_ticket_id', '=', ticketId)
    .where('l.kind', '=', 'parent_of')
    .orderBy('c.id')
    .execute();
  const waiting = open.filter((c) => isOpenStatus(c.status));
  if (waiting.length === 0) return;
  if (!(await readSettings(trx)).parentWaitsForChildren) return;
  const list = waiting.map((c) => `#${c.id}`).join(', ');
  throw new Conflict(
    'children_open',
    `Ticket ${ticketId} has open child tickets (${list}); resolve them first, or turn the parent rule off in the settings.`,
  );
}

// ---- merged tickets -----------------------------------------------------------------------------------

/** The ticket that carries a merged one on (following a chain of merges); the id itself when not merged. */
export async function resolveMergedTicket(db: Db, id: number): Promise<number> {
  let current = id;
  for (let i = 0; i < maxDepth; i++) {
    const row = await db
      .selectFrom('tickets')
      .select('merged_into_id')
      .where('id', '=', current)
      .executeTakeFirst();
    if (!row || row.merged_into_id === null) return current;
    current = row.merged_into_id;
  }
  return current;
}

// ---- reading ---------------------------------------------------------------------------------------------

/**
 * A ticket's links from both ends, ordered by id. A requester sees only links to tickets they may see too
 * (the ticket on the other end may be someone else's).
 */
export async function readTicketLinks(db: Db, actor: Actor, ticketId: number): Promise<TicketLink[]> {
  const rows = await db
    .selectFrom('ticket_links as l')
    .innerJoin('tickets as t', (j) =>
      j.on((eb) =>
        eb.or([
          eb.and([eb('l.from_ticket_id', '=', ticketId), eb('t.id', '=', eb.ref('l.to_ticket_id'))]),
          eb.and([eb('l.to_ticket_id', '=', ticketId), eb('t.id', '=', eb.ref('l.from_ticket_id'))]),
        ]),
      ),
    )
    .select([
      'l.id',
      'l.kind',
      'l.from_ticket_id',
      'l.created_by',
      'l.created_at',
      't.id as other_id',
      't.title',
      't.status',
      't.merged_into_id',
      't.requester_id',
    ])
    .orderBy('l.id')
    .execute();
  const links: TicketLink[] = [];
  for (const r of rows) {
    if (!canSeeTicket(actor, r) && !(await findVisibleTicket(db, actor, r.other_id))) continue;
    const outgoing = r.from_ticket_id === ticketId;
    links.push({
      id: r.id,
      kind: r.kind,
      direction: outgoing ? 'outgoing' : 'incoming',
      role: outgoing ? outgoingRole[r.kind] : incomingRole[r.kind],
      ticket: { id: r.other_id, title: r.title, status: r.status, mergedIntoId: r.merged_into_id },
      createdBy: r.created_by,
      createdAt: r.created_at,
    });
  }
  return links;
}

export async function listTicketLinks(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
): Promise<TicketLink[]> {
  await loadVisibleTicket(ctx.db, actor, ticketId);
  return readTicketLinks(ctx.db, actor, ticketId);
}

// ---- writing ---------------------------------------------------------------------------------------------

/**
 * Why a link from → to of this kind cannot be stored, or null. One-way kinds (duplicate_of, caused_by) refuse
 * the opposite link too; related is one link whichever end names it; a ticket has one parent and is never
 * above itself.
 */
export async function linkRefusal(
  trx: Db,
  from: number,
  to: number,
  kind: TicketLinkKind,
): Promise<Conflict | Invalid | null> {
  if (from === to)
    return new Invalid('invalid_ticket_link', 'A ticket cannot be linked to itself.', [
      { field: '/ticketId', message: 'the ticket itself' },
    ]);
  const existing = await trx
    .selectFrom('ticket_links')
    .select('id')
    .where('kind', '=', kind)
    .where((eb) =>
      eb.or([
        eb.and([eb('from_ticket_id', '=', from), eb('to_ticket_id', '=', to)]),
        eb.and([eb('from_ticket_id', '=', to), eb('to_ticket_id', '=', from)]),
      ]),
    )
    .executeTakeFirst();
  if (existing)
    return new Conflict('ticket_link_exists', `Tickets ${from} and ${to} are already linked as ${kind}.`);
  if (kind !== 'parent_of') return null;
  const parent = await trx
    .selectFrom('ticket_links')
    .select('from_ticket_id')
    .where('to_ticket_id', '=', to)
    .where('kind', '=', 'parent_of')
    .executeTakeFirst();
  if (parent)
    return new Conflict(
      'ticket_has_parent',
      `Ticket ${to} already has a parent (#${parent.from_ticket_id}).`,
    );
  // Walk up from the new parent: meeting the child means the child is above it (a cycle).
  let current: number | undefined = from;
  for (let i = 0; current !== undefined && i < maxDepth; i++) {
    if (current === to)
      return new Conflict(
        'ticket_link_cycle',
        `Ticket ${to} is above ticket ${from}; it cannot become its child.`,
      );
    const up = await trx
      .selectFrom('ticket_links')
      .select('from_ticket_id')
      .where('to_ticket_id', '=', current)
      .where('kind', '=', 'parent_of')
      .executeTakeFirst();
    current = up?.from_ticket_id;
  }
  return null;
}

/** What a link's kind is called in each ticket's history. */
function historyLine(kind: TicketLinkKind, outgoing: boolean): string {
  return outgoing ? `link.${outgoingRole[kind]}` : `link.${incomingRole[kind]}`;
}

/** Lock the rows of these tickets in id order (PostgreSQL; SQLite runs one write transaction at a time). */
export async function lockTickets(ctx: ServiceContext, trx: Trx, ids: number[]): Promise<void> {
  if (!ctx.caps.supportsSkipLocked) return;
  for (const id of [...new Set(ids)].sort((a, b) => a - b))
    await trx.selectFrom('tickets').select('id').where('id', '=', id).forUpdate().execute();
}

/** Insert a link checked by linkRefusal, with a history line on both tickets and a ticket.updated on each. */
export async function insertLink(
  trx: Trx,
  input: { from: number; to: number; kind: TicketLinkKind; actorId: number | null; now: number },
): Promise<{ id: number; events: NewEvent[] }> {
  const { from, to, kind, actorId, now } = input;
  // related has no direction: kept with the lower id first, so both ends name one row.
  const [a, b] = kind === 'related' && from > to ? [to, from] : [from, to];
  const row = await trx
    .insertInto('ticket_links')
    .values({ from_ticket_id: a, to_ticket_id: b, kind, created_by: actorId, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const fromLine = { field: historyLine(kind, true), from: null, to: String(b) };
  const toLine = { field: historyLine(kind, false), from: null, to: String(a) };
  await recordTicketChange(trx, a, actorId, now, [fromLine]);
  await recordTicketChange(trx, b, actorId, now, [toLine]);
  await trx.updateTable('tickets').set({ updated_at: now }).where('id', 'in', [a, b]).execute();
  const event = (subjectId: number, change: typeof fromLine): NewEvent => ({
    type: 'ticket.updated',
    subjectType: 'ticket',
    subjectId,
    actorId,
    payload: { changes: [change] },
  });
  return { id: row.id, events: [event(a, fromLine), event(b, toLine)] };
}

/** What a person asks for: this ticket <kind> that one; child_of is parent_of seen from the child. */
export type LinkRequestKind = TicketLinkKind | 'child_of';

export async function addTicketLink(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  input: { kind: LinkRequestKind; ticketId: number },
): Promise<TicketLink> {
  const now = ctx.clock.now();
  const [from, to, kind]: [number, number, TicketLinkKind] =
    input.kind === 'child_of'
      ? [input.ticketId, ticketId, 'parent_of']
      : [ticketId, input.ticketId, input.kind];
  const linkId = await ctx.db.transaction().execute(async (trx) => {
    const self = await loadVisibleTicket(trx, actor, ticketId);
    if (!canTicket(actor, 'ticket.link', self)) throw new Forbidden('forbidden', 'Only staff link tickets.');
    const other = await findVisibleTicket(trx, actor, input.ticketId);
    if (!other)
      throw new Invalid('invalid_ticket_link', `No ticket ${input.ticketId}.`, [
        { field: '/ticketId', message: 'no such ticket' },
      ]);
    // Parent links are checked against the whole chain: one at a time (PostgreSQL), in id order.
    await lockTickets(ctx, trx, [from, to]);
    refuseMerged(self);
    refuseMerged(other);
    const refusal = await linkRefusal(trx, from, to, kind);
    if (refusal) throw refusal;
    const { id, events } = await insertLink(trx, { from, to, kind, actorId: actor.id, now });
    await ctx.events.record(trx, events);
    return id;
  });
  ctx.events.nudge();
  const links = await readTicketLinks(ctx.db, actor, ticketId);
  const link = links.find((l) => l.id === linkId);
  if (!link) throw new NotFound('ticket_link_not_found', `No link ${linkId} on ticket ${ticketId}.`);
  return link;
}

export async function removeTicketLink(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  linkId: number,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const self = await loadVisibleTicket(trx, actor, ticketId);
    if (!canTicket(actor, 'ticket.link', self))
      throw new Forbidden('forbidden', 'Only staff unlink tickets.');
    const link = await trx
      .selectFrom('ticket_links')
      .selectAll()
      .where('id', '=', linkId)
      .where((eb) => eb.or([eb('from_ticket_id', '=', ticketId), eb('to_ticket_id', '=', ticketId)]))
      .executeTakeFirst();
    if (!link) throw new NotFound('ticket_link_not_found', `No link ${linkId} on ticket ${ticketId}.`);
    refuseMerged(self);
    await trx.deleteFrom('ticket_links').where('id', '=', linkId).execute();
    const fromLine = { field: historyLine(link.kind, true), from: String(link.to_ticket_id), to: null };
    const toLine = { field: historyLine(link.kind, false), from: String(link.from_ticket_id), to: null };
    await recordTicketChange(trx, link.from_ticket_id, actor.id, now, [fromLine]);
    await recordTicketChange(trx, link.to_ticket_id, actor.id, now, [toLine]);
    await trx
      .updateTable('tickets')
      .set({ updated_at: now })
      .where('id', 'in', [link.from_ticket_id, link.to_ticket_id])
      .execute();
    await ctx.events.record(
      trx,
      [
        [link.from_ticket_id, fromLine],
        [link.to_ticket_id, toLine],
      ].map(([subjectId, change]) => ({
        type: 'ticket.updated' as const,
        subjectType: 'ticket',
        subjectId: subjectId as number,
        actorId: actor.id,
        payload: { changes: [change as typeof fromLine] },
      })),
    );
  });
  ctx.events.nudge();
}
