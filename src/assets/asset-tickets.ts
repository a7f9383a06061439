// The assets a ticket names ("my laptop", "printer on floor 2"), linked from either side: from the asset
// ("this ticket is about it") or from the ticket. Many to many, as change management links changes to
// tickets. Each link is one transaction with the asset's history, the ticket's history (through the help
// desk's recordTicketChange), the audit log and a ticket.updated event. An asset's page lists its tickets —
// a requester sees only the tickets they may see.
import type { Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { AssetStatus, AssetType, Database, TicketStatus } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import { canSeeTicket, findVisibleTicket, recordTicketChange } from '../helpdesk/index.js';
import { loadAsset, loadReadableAsset, recordAssetChange, requireAssetWrite } from './assets.js';
import { canAsset } from './policies.js';

type Trx = Transaction<Database>;

export interface AssetTicket {
  id: number;
  title: string;
  status: TicketStatus;
  type: string;
  requesterId: number;
  priority: number;
  createdAt: number;
  resolvedAt: number | null;
  linkedAt: number;
}

export interface TicketAsset {
  id: number;
  name: string;
  type: AssetType;
  status: AssetStatus;
  serial: string | null;
  assetTag: string | null;
  ownerId: number | null;
  linkedAt: number;
}

/** The tickets naming an asset, newest first, that the actor may see. */
export async function listTicketsOf(
  ctx: ServiceContext,
  actor: Actor,
  assetId: number,
): Promise<AssetTicket[]> {
  const rows = await ctx.db
    .selectFrom('asset_tickets as at')
    .innerJoin('tickets as t', 't.id', 'at.ticket_id')
    .selectAll('t')
    .select('at.linked_at')
    .where('at.asset_id', '=', assetId)
    .orderBy('t.id', 'desc')
    .execute();
  return rows
    .filter((r) => canSeeTicket(actor, r))
    .map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      type: r.type,
      requesterId: r.requester_id,
      priority: r.priority,
      createdAt: r.created_at,
      resolvedAt: r.resolved_at,
      linkedAt: r.linked_at,
    }));
}

export async function getAssetTickets(
  ctx: ServiceContext,
  actor: Actor,
  assetId: number,
): Promise<AssetTicket[]> {
  await loadReadableAsset(ctx.db, actor, assetId);
  return listTicketsOf(ctx, actor, assetId);
}

/** The assets a ticket names (404 for a ticket the actor may not see); a requester sees only their own assets. */
export async function getTicketAssets(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
): Promise<TicketAsset[]> {
  const ticket = await findVisibleTicket(ctx.db, actor, ticketId);
  if (!ticket) throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
  const rows = await ctx.db
    .selectFrom('asset_tickets as at')
    .innerJoin('assets as a', 'a.id', 'at.asset_id')
    .select(['a.id', 'a.name', 'a.type', 'a.status', 'a.serial', 'a.asset_tag', 'a.owner_id', 'at.linked_at'])
    .where('at.ticket_id', '=', ticketId)
    .orderBy('a.id')
    .execute();
  return rows
    .filter((r) => canAsset(actor, 'asset.read', r))
    .map((r) => ({
      id: r.id,
      name: r.name,
      type: r.type,
      status: r.status,
      serial: r.serial,
      assetTag: r.asset_tag,
      ownerId: r.owner_id,
      linkedAt: r.linked_at,
    }));
}

async function linkIn(
  ctx: ServiceContext,
  trx: Trx,
  actor: Actor,
  input: { assetId: number; ticketId: number; now: number; from: 'asset' | 'ticket' },
): Promise<void> {
  const { assetId, ticketId, now } = input;
  const ticket = await findVisibleTicket(trx, actor, ticketId);
  if (!ticket) {
    if (input.from === 'ticket') throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
    throw new Invalid('invalid_reference', `ticketId: no ticket ${ticketId}`, [
      { field: '/ticketId', message: 'no such ticket' },
    ]);
  }
  if (ticket.merged_into_id !== null)
    throw new Conflict(
      'ticket_merged',
      `Ticket ${ticketId} was merged into #${ticket.merged_into_id}; link #${ticket.merged_into_id} instead.`,
    );
  const asset = await trx
    .selectFrom('assets')
    .select(['id', 'name'])
    .where('id', '=', assetId)
    .executeTakeFirst();
  if (!asset) {
    if (input.from === 'asset') throw new NotFound('asset_not_found', `No asset ${assetId}.`);
    throw new Invalid('invalid_reference', `assetId: no asset ${assetId}`, [
      { field: '/assetId', message: 'no such asset' },
    ]);
  }
  const inserted = await trx
    .insertInto('asset_tickets')
    .values({ asset_id: assetId, ticket_id: ticketId, linked_by: actor.id, linked_at: now })
    .onConflict((oc) => oc.columns(['asset_id', 'ticket_id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return; // linked already: nothing changes
  await recordAssetChange(trx, assetId, actor.id, now, [
    { field: 'ticket', from: null, to: String(ticketId) },
  ]);
  const change = { field: 'asset', from: null, to: `#${assetId} ${asset.name}` };
  await recordTicketChange(trx, ticketId, actor.id, now, [{ ...change, visibility: 'internal' }]);
  await recordAudit(trx, {
    actorId: actor.id,
    at: now,
    action: 'asset.link_ticket',
    subjectType: 'asset',
    subjectId: assetId,
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

async function unlinkIn(
  ctx: ServiceContext,
  trx: Trx,
  actor: Actor,
  input: { assetId: number; ticketId: number; now: number },
) {
  const { assetId, ticketId, now } = input;
  const removed = await trx
    .deleteFrom('asset_tickets')
    .where('asset_id', '=', assetId)
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
  if (Number(removed.numDeletedRows) !== 1)
    throw new NotFound('asset_ticket_link_not_found', `Ticket ${ticketId} does not name asset ${assetId}.`);
  await recordAssetChange(trx, assetId, actor.id, now, [
    { field: 'ticket', from: String(ticketId), to: null },
  ]);
  const change = { field: 'asset', from: `#${assetId}`, to: null };
  await recordTicketChange(trx, ticketId, actor.id, now, [{ ...change, visibility: 'internal' }]);
  await recordAudit(trx, {
    actorId: actor.id,
    at: now,
    action: 'asset.unlink_ticket',
    subjectType: 'asset',
    subjectId: assetId,
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

/** From the asset: "ticket T is about this asset". */
export async function linkAssetTicket(
  ctx: ServiceContext,
  actor: Actor,
  assetId: number,
  ticketId: number,
): Promise<AssetTicket[]> {
  requireAssetWrite(actor);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await loadAsset(trx, assetId);
    await linkIn(ctx, trx, actor, { assetId, ticketId, now, from: 'asset' });
  });
  ctx.events.nudge();
  return listTicketsOf(ctx, actor, assetId);
}

export async function unlinkAssetTicket(
  ctx: ServiceContext,
  actor: Actor,
  assetId: number,
  ticketId: number,
): Promise<void> {
  requireAssetWrite(actor);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await loadAsset(trx, assetId);
    await unlinkIn(ctx, trx, actor, { assetId, ticketId, now });
  });
  ctx.events.nudge();
}

/** The ticket's visibility first (404 for a ticket the actor may not see), then the staff rule (403). */
async function checkTicketSide(ctx: ServiceContext, actor: Actor, ticketId: number): Promise<void> {
  const ticket = await findVisibleTicket(ctx.db, actor, ticketId);
  if (!ticket) throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
  requireAssetWrite(actor);
}

/** From the ticket: "this ticket affects asset A". */
export async function linkTicketAsset(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  assetId: number,
): Promise<TicketAsset[]> {
  await checkTicketSide(ctx, actor, ticketId);
  const now = ctx.clock.now();
  await ctx.db
    .transaction()
    .execute((trx) => linkIn(ctx, trx, actor, { assetId, ticketId, now, from: 'ticket' }));
  ctx.events.nudge();
  return getTicketAssets(ctx, actor, ticketId);
}

export async function unlinkTicketAsset(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  assetId: number,
): Promise<void> {
  await checkTicketSide(ctx, actor, ticketId);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute((trx) => unlinkIn(ctx, trx, actor, { assetId, ticketId, now }));
  ctx.events.nudge();
}
