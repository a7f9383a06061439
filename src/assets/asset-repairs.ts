// Repair or replace, from a ticket: a technician starts a repair of an asset the ticket names (in house or a
// vendor's RMA; the asset goes in_repair; a loaner from stock may go to the ticket's requester), closes it with
// what it cost and how it ended (back in use, or retired), or asks for a replacement — a request for quotes in
// the vendors domain (through its face) whose requirements come from the asset, and whose award retires the
// asset (subscriber `asset-replacement`). Each write is one transaction with the assets' history, the ticket's
// history, the audit log and an event. repairOptions puts the figures side by side for the ticket page:
// "ThinkPad T14: 3 repairs in 12 months, €420 spent, replacement €900".
import type { Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import {
  type AssetRepairKind,
  type AssetRepairOutcome,
  type AssetRepairsTable,
  type AssetType,
  type Database,
  isUniqueViolation,
} from '../core/db/index.js';
import { Conflict, Forbidden, NotFound } from '../core/errors.js';
import { findVisibleTicket, recordTicketChange } from '../helpdesk/index.js';
import {
  currencyExponent,
  latestReplacementQuote,
  openQuoteRequestIn,
  type Requirement,
} from '../vendors/index.js';
import { assetLimits, checkCost, formatDay, type HardwareFacts, invalidField } from './asset-model.js';
import { type AssetRow, loadAsset, recordAssetChange, updateAssetIn } from './assets.js';
import { canAsset } from './policies.js';

type Trx = Transaction<Database>;
const dayMs = 86_400_000;
const yearMs = 365 * dayMs;

export const repairLimits = { rmaNumber: 100, notes: 5_000 } as const;

export interface AssetRepair {
  id: number;
  assetId: number;
  ticketId: number | null;
  kind: AssetRepairKind;
  vendorId: number | null;
  rmaNumber: string;
  loanerAssetId: number | null;
  notes: string;
  cost: { amountMinor: number; currency: string } | null;
  openedBy: number | null;
  openedAt: number;
  closedBy: number | null;
  closedAt: number | null;
  outcome: AssetRepairOutcome | null;
}

export interface RepairInput {
  kind: AssetRepairKind;
  vendorId?: number | null;
  rmaNumber?: string;
  /** An asset in stock lent to the ticket's requester meanwhile. */
  loanerAssetId?: number | null;
  notes?: string;
}

export interface CloseRepairInput {
  outcome: AssetRepairOutcome;
  cost?: { amountMinor: number; currency: string } | null;
  notes?: string;
}

export interface ReplacementInput {
  budgetLineId?: number | null;
  currency?: string | null;
  quantity?: number;
  notes?: string;
}

export interface RepairOption {
  assetId: number;
  name: string;
  type: AssetType;
  status: AssetRow['status'];
  manufacturer: string;
  model: string;
  repairsLast12Months: number;
  /** What those repairs cost, in the asset's currency (repairs in another currency are left out and counted). */
  spentLast12Months: { amountMinor: number; currency: string } | null;
  repairsInOtherCurrencies: number;
  openRepairId: number | null;
  purchaseCost: { amountMinor: number; currency: string } | null;
  ageMonths: number | null;
  endOfLifePassed: boolean;
  replacement: {
    amountMinor: number;
    currency: string;
    source: 'award' | 'quote' | 'purchase_cost';
    quoteRequestId: number | null;
  } | null;
  replacementRequestId: number | null;
  advice: 'repair' | 'replace';
  summary: string;
}

export function toRepair(r: Selectable<AssetRepairsTable>): AssetRepair {
  return {
    id: r.id,
    assetId: r.asset_id,
    ticketId: r.ticket_id,
    kind: r.kind,
    vendorId: r.vendor_id,
    rmaNumber: r.rma_number,
    loanerAssetId: r.loaner_asset_id,
    notes: r.notes,
    cost:
      r.cost_minor !== null && r.cost_currency !== null
        ? { amountMinor: Number(r.cost_minor), currency: r.cost_currency }
        : null,
    openedBy: r.opened_by,
    openedAt: Number(r.opened_at),
    closedBy: r.closed_by,
    closedAt: r.closed_at === null ? null : Number(r.closed_at),
    outcome: r.outcome,
  };
}

function requireRepairRight(actor: Actor): void {
  if (!canAsset(actor, 'asset.repair'))
    throw new Forbidden('forbidden', 'Repairs and replacements are for staff.');
}

/** The ticket's visibility first (404 for a ticket the actor may not see), then the staff rule (403). */
async function ticketFor(ctx: ServiceContext, actor: Actor, ticketId: number) {
  const ticket = await findVisibleTicket(ctx.db, actor, ticketId);
  if (!ticket) throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
  requireRepairRight(actor);
  return ticket;
}

async function requireLinked(trx: Trx, ticketId: number, assetId: number): Promise<void> {
  const link = await trx
    .selectFrom('asset_tickets')
    .select('asset_id')
    .where('asset_id', '=', assetId)
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
  if (!link)
    throw new NotFound('asset_ticket_link_not_found', `Ticket ${ticketId} does not name asset ${assetId}.`);
}

function cleanText(field: string, v: string | undefined, max: number): string {
  const t = (v ?? '').trim();
  if (t.length > max) throw invalidField(field, `must be at most ${max} characters`);
  return t;
}

export async function listRepairs(
  ctx: ServiceContext,
  actor: Actor,
  assetId: number,
): Promise<AssetRepair[]> {
  requireRepairRight(actor);
  await loadAsset(ctx.db, assetId);
  return listRepairsOf(ctx, assetId);
}

/** An asset's repairs, newest first (no policy: the caller's). */
export async function listRepairsOf(ctx: ServiceContext, assetId: number): Promise<AssetRepair[]> {
  const rows = await ctx.db
    .selectFrom('asset_repairs')
    .selectAll()
    .where('asset_id', '=', assetId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toRepair);
}

async function readRepair(ctx: ServiceContext, id: number): Promise<AssetRepair> {
  const row = await ctx.db
    .selectFrom('asset_repairs')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return toRepair(row);
}

/** Start a repair of an asset the ticket names: in_repair, the repair, perhaps a loaner — one transaction. */
export async function startRepair(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  assetId: number,
  input: RepairInput,
): Promise<AssetRepair> {
  const ticket = await ticketFor(ctx, actor, ticketId);
  const rma = cleanText('/rmaNumber', input.rmaNumber, repairLimits.rmaNumber);
  const notes = cleanText('/notes', input.notes, repairLimits.notes);
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    await requireLinked(trx, ticketId, assetId);
    const row = await loadAsset(trx, assetId);
    if (row.status === 'retired')
      throw new Conflict('asset_not_available', `Asset ${assetId} is retired: it is not repaired.`);
    if (input.vendorId != null) {
      const v = await trx
        .selectFrom('vendors')
        .select('id')
        .where('id', '=', input.vendorId)
        .executeTakeFirst();
      if (!v) throw invalidField('/vendorId', `no vendor ${input.vendorId}`, 'invalid_reference');
    }
    let loaner: AssetRow | null = null;
    if (input.loanerAssetId != null) {
      if (input.loanerAssetId === assetId) throw invalidField('/loanerAssetId', 'must be another asset');
      loaner =
        (await trx
          .selectFrom('assets')
          .selectAll()
          .where('id', '=', input.loanerAssetId)
          .executeTakeFirst()) ?? null;
      if (!loaner)
        throw invalidField('/loanerAssetId', `no asset ${input.loanerAssetId}`, 'invalid_reference');
      if (loaner.status !== 'in_stock')
        throw new Conflict('asset_not_available', `Loaner ${loaner.id} is ${loaner.status}, not in stock.`);
    }
    let repairId: number;
    try {
      const made = await trx
        .insertInto('asset_repairs')
        .values({
          asset_id: assetId,
          ticket_id: ticketId,
          kind: input.kind,
          vendor_id: input.vendorId ?? null,
          rma_number: rma,
          loaner_asset_id: loaner?.id ?? null,
          notes,
          cost_minor: null,
          cost_currency: null,
          opened_by: actor.id,
          opened_at: now,
          closed_by: null,
          closed_at: null,
          outcome: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      repairId = made.id;
    } catch (err) {
      if (isUniqueViolation(err))
        throw new Conflict('asset_repair_open', `Asset ${assetId} is in repair already.`);
      throw err;
    }
    await updateAssetIn(trx, row, actor.id, { status: 'in_repair' }, now);
    await recordAssetChange(trx, assetId, actor.id, now, [
      {
        field: 'repair',
        from: null,
        to: `#${repairId} ${input.kind}${rma ? ` ${rma}` : ''} (ticket #${ticketId})`,
      },
    ]);
    if (loaner) {
      // Conditional on still being in stock: two repairs cannot lend the same loaner.
      const lent = await trx
        .updateTable('assets')
        .set({ status: 'in_use', owner_id: ticket.requester_id, updated_at: now })
        .where('id', '=', loaner.id)
        .where('status', '=', 'in_stock')
        .executeTakeFirst();
      if (Number(lent.numUpdatedRows) !== 1)
        throw new Conflict('asset_not_available', `Loaner ${loaner.id} was lent meanwhile.`);
      await recordAssetChange(trx, loaner.id, actor.id, now, [
        { field: 'status', from: loaner.status, to: 'in_use' },
        {
          field: 'owner',
          from: loaner.owner_id === null ? null : String(loaner.owner_id),
          to: String(ticket.requester_id),
        },
        {
          field: 'loan',
          from: null,
          to: `loaner for #${assetId} (repair #${repairId}, ticket #${ticketId})`,
        },
      ]);
    }
    await recordTicketChange(trx, ticketId, actor.id, now, [
      {
        field: 'asset_repair',
        from: null,
        to: `#${assetId} ${row.name}: ${input.kind === 'vendor_rma' ? 'vendor RMA' : 'in-house repair'}${loaner ? `, loaner #${loaner.id}` : ''}`,
        visibility: 'internal',
      },
    ]);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'asset.repair_start',
      subjectType: 'asset',
      subjectId: assetId,
      details: {
        repairId,
        ticketId,
        kind: input.kind,
        vendorId: input.vendorId ?? null,
        loanerAssetId: loaner?.id ?? null,
      },
    });
    await ctx.events.record(trx, [
      {
        type: 'asset.repair_started',
        subjectType: 'asset',
        subjectId: assetId,
        actorId: actor.id,
        payload: {
          assetId,
          repairId,
          ticketId,
          kind: input.kind,
          vendorId: input.vendorId ?? null,
          loanerAssetId: loaner?.id ?? null,
        },
      },
    ]);
    return repairId;
  });
  ctx.events.nudge();
  return readRepair(ctx, id);
}

/** Close an open repair: what it cost, how it ended; the asset back in use (repaired) or retired (unrepairable). */
export async function closeRepair(
  ctx: ServiceContext,
  actor: Actor,
  assetId: number,
  repairId: number,
  input: CloseRepairInput,
): Promise<AssetRepair> {
  requireRepairRight(actor);
  const cost = input.cost ? checkCost('/cost', input.cost) : null;
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const repair = await trx
      .selectFrom('asset_repairs')
      .selectAll()
      .where('id', '=', repairId)
      .where('asset_id', '=', assetId)
      .executeTakeFirst();
    if (!repair) throw new NotFound('asset_repair_not_found', `Asset ${assetId} has no repair ${repairId}.`);
    const notes =
      input.notes === undefined ? repair.notes : cleanText('/notes', input.notes, repairLimits.notes);
    const closed = await trx
      .updateTable('asset_repairs')
      .set({
        closed_at: now,
        closed_by: actor.id,
        outcome: input.outcome,
        cost_minor: cost?.amountMinor ?? null,
        cost_currency: cost?.currency ?? null,
        notes,
      })
      .where('id', '=', repairId)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    if (Number(closed.numUpdatedRows) !== 1)
      throw new Conflict('asset_repair_open', `Repair ${repairId} is closed already.`);
    const row = await loadAsset(trx, assetId);
    const status = input.outcome === 'repaired' ? 'in_use' : 'retired';
    await updateAssetIn(trx, row, actor.id, { status }, now);
    await recordAssetChange(trx, assetId, actor.id, now, [
      {
        field: 'repair',
        from: `#${repairId} open`,
        to: `#${repairId} ${input.outcome}${cost ? ` (${cost.amountMinor} ${cost.currency})` : ''}`,
      },
    ]);
    const loanerReturnedId = await returnLoaner(trx, actor, repair, now);
    if (repair.ticket_id !== null)
      await recordTicketChange(trx, repair.ticket_id, actor.id, now, [
        {
          field: 'asset_repair',
          from: `#${assetId} in repair`,
          to: `#${assetId} ${input.outcome}${loanerReturnedId !== null ? `, loaner #${loanerReturnedId} returned` : ''}`,
          visibility: 'internal',
        },
      ]);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'asset.repair_close',
      subjectType: 'asset',
      subjectId: assetId,
      details: { repairId, outcome: input.outcome, cost, loanerReturnedId },
    });
    await ctx.events.record(trx, [
      {
        type: 'asset.repair_closed',
        subjectType: 'asset',
        subjectId: assetId,
        actorId: actor.id,
        payload: {
          assetId,
          repairId,
          outcome: input.outcome,
          costMinor: cost?.amountMinor ?? null,
          currency: cost?.currency ?? null,
          loanerReturnedId,
        },
      },
    ]);
  });
  ctx.events.nudge();
  return readRepair(ctx, repairId);
}

/**
 * The repair's loaner comes back to stock when the repair closes (the asset is back, or its replacement is the
 * next step): in stock, no owner, the return in its history. Only while it is still out on this loan — in use by
 * the ticket's requester; a loaner given away for good or retired meanwhile is left as it is. Returns its id.
 */
async function returnLoaner(
  trx: Trx,
  actor: Actor,
  repair: Selectable<AssetRepairsTable>,
  now: number,
): Promise<number | null> {
  if (repair.loaner_asset_id === null) return null;
  const loaner = await trx
    .selectFrom('assets')
    .selectAll()
    .where('id', '=', repair.loaner_asset_id)
    .executeTakeFirst();
  if (loaner?.status !== 'in_use') return null;
  if (repair.ticket_id !== null) {
    const ticket = await trx
      .selectFrom('tickets')
      .select('requester_id')
      .where('id', '=', repair.ticket_id)
      .executeTakeFirst();
    if (ticket && loaner.owner_id !== ticket.requester_id) return null;
  }
  await updateAssetIn(trx, loaner, actor.id, { status: 'in_stock', ownerId: null }, now);
  await recordAssetChange(trx, loaner.id, actor.id, now, [
    {
      field: 'loan',
      from: `loaner for #${repair.asset_id} (repair #${repair.id})`,
      to: `returned to stock (repair #${repair.id} closed)`,
    },
  ]);
  return loaner.id;
}

const typeWords: Record<AssetType, string> = {
  computer: 'computer',
  server: 'server',
  network_device: 'network device',
  printer: 'printer',
  phone: 'phone',
  peripheral: 'peripheral',
  monitor: 'monitor',
  software: 'software',
  licence: 'licence',
};

/** The requirements a replacement must meet, read from the asset: its type, its model (or better), its specs. */
export function replacementRequirements(row: AssetRow, hardware: HardwareFacts | null): Requirement[] {
  const out: Requirement[] = [{ key: 'type', text: `A ${typeWords[row.type]}`, mandatory: true, weight: 10 }];
  const model = [row.manufacturer, row.model].filter(Boolean).join(' ');
  if (model) out.push({ key: 'model', text: `${model} or its successor`, mandatory: false, weight: 30 });
  const cpu = hardware?.cpus?.[0];
  if (cpu)
    out.push({
      key: 'cpu',
      text: `CPU at least ${cpu.name}${cpu.cores ? ` (${cpu.cores} cores)` : ''}`,
      mandatory: false,
      weight: 20,
    });
  if (hardware?.memoryMb)
    out.push({
      key: 'memory',
      text: `At least ${Math.round(hardware.memoryMb / 1024)} GiB of memory`,
      mandatory: true,
      weight: 20,
    });
  const diskMb = (hardware?.disks ?? []).reduce((n, d) => n + (d.sizeMb ?? 0), 0);
  if (diskMb > 0)
    out.push({
      key: 'storage',
      text: `At least ${Math.round(diskMb / 1000)} GB of storage`,
      mandatory: true,
      weight: 20,
    });
  return out;
}

function parseHardware(json: string | null): HardwareFacts | null {
  try {
    return json ? (JSON.parse(json) as HardwareFacts) : null;
  } catch {
    return null;
  }
}

/**
 * Ask for a replacement: a request for quotes (vendors) with requirements from the asset, linked to the asset and
 * the ticket; the asset is marked for retirement when the request is awarded. One transaction.
 */
export async function requestReplacement(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  assetId: number,
  input: ReplacementInput,
): Promise<{ quoteRequestId: number; assetId: number; ticketId: number }> {
  await ticketFor(ctx, actor, ticketId);
  const notes = cleanText('/notes', input.notes, repairLimits.notes);
  const now = ctx.clock.now();
  const quoteRequestId = await ctx.db.transaction().execute(async (trx) => {
    await requireLinked(trx, ticketId, assetId);
    const row = await loadAsset(trx, assetId);
    if (row.status === 'retired')
      throw new Conflict('asset_not_available', `Asset ${assetId} is retired already.`);
    if (row.replacement_request_id !== null) {
      const prior = await trx
        .selectFrom('quote_requests')
        .select(['status'])
        .where('id', '=', row.replacement_request_id)
        .executeTakeFirst();
      if (prior && prior.status !== 'cancelled')
        throw new Conflict(
          'asset_replacement_open',
          `A replacement of asset ${assetId} is asked for already (request for quotes #${row.replacement_request_id}).`,
        );
    }
    const hardware = parseHardware(row.hardware);
    const model = [row.manufacturer, row.model].filter(Boolean).join(' ');
    const spec = [
      `Replaces #${row.id} ${row.name}${model ? ` (${model})` : ''}, asked from ticket #${ticketId}.`,
      row.purchased_on !== null ? `Bought ${formatDay(row.purchased_on)}.` : '',
      notes,
    ]
      .filter(Boolean)
      .join('\n');
    const id = await openQuoteRequestIn(ctx, trx, actor.id, now, {
      what: `Replacement for ${row.name}${model ? ` (${model})` : ''}`.slice(0, 500),
      quantity: input.quantity ?? 1,
      spec,
      requirements: replacementRequirements(row, hardware),
      budgetLineId: input.budgetLineId ?? null,
      currency: input.currency ?? row.cost_currency ?? null,
      assetId,
      ticketId,
    });
    // Conditional: two technicians asking at once make one request.
    const marked = await trx
      .updateTable('assets')
      .set({ replacement_request_id: id, updated_at: now })
      .where('id', '=', assetId)
      .where((eb) =>
        row.replacement_request_id === null
          ? eb('replacement_request_id', 'is', null)
          : eb('replacement_request_id', '=', row.replacement_request_id),
      )
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) !== 1)
      throw new Conflict(
        'asset_replacement_open',
        `A replacement of asset ${assetId} was asked for meanwhile.`,
      );
    await recordAssetChange(trx, assetId, actor.id, now, [
      { field: 'replacementRequest', from: null, to: `#${id} (ticket #${ticketId}): retired when awarded` },
    ]);
    await recordTicketChange(trx, ticketId, actor.id, now, [
      {
        field: 'asset_replacement',
        from: null,
        to: `#${assetId} ${row.name}: request for quotes #${id}`,
        visibility: 'internal',
      },
    ]);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'asset.replacement_request',
      subjectType: 'asset',
      subjectId: assetId,
      details: { ticketId, quoteRequestId: id },
    });
    await ctx.events.record(trx, [
      {
        type: 'asset.replacement_requested',
        subjectType: 'asset',
        subjectId: assetId,
        actorId: actor.id,
        payload: { assetId, ticketId, quoteRequestId: id },
      },
    ]);
    return id;
  });
  ctx.events.nudge();
  return { quoteRequestId, assetId, ticketId };
}

/** The award of a replacement's request retires the asset it replaces (in the relay's transaction; idempotent). */
export async function retireReplacedAsset(
  trx: Trx,
  quoteRequestId: number,
  now: number,
): Promise<number | null> {
  const row = await trx
    .selectFrom('assets')
    .selectAll()
    .where('replacement_request_id', '=', quoteRequestId)
    .where('status', '!=', 'retired')
    .executeTakeFirst();
  if (!row) return null;
  await updateAssetIn(trx, row, null, { status: 'retired' }, now);
  await recordAssetChange(trx, row.id, null, now, [
    { field: 'replaced', from: null, to: `request for quotes #${quoteRequestId} awarded` },
  ]);
  return row.id;
}

/** "€420" — whole amounts without cents, as a person says them. */
export function sayMoney(amountMinor: number, currency: string): string {
  const digits = currencyExponent(currency);
  const value = amountMinor / 10 ** digits;
  const whole = Number.isInteger(value);
  try {
    return new Intl.NumberFormat('en', {
      style: 'currency',
      currency,
      minimumFractionDigits: whole ? 0 : digits,
      maximumFractionDigits: whole ? 0 : digits,
    }).format(value);
  } catch {
    return `${value} ${currency}`;
  }
}

/** For each asset the ticket names: its repairs in the last 12 months, their cost, its age and a replacement's. */
export async function repairOptions(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
): Promise<RepairOption[]> {
  await ticketFor(ctx, actor, ticketId);
  const now = ctx.clock.now();
  const since = now - yearMs;
  const assets = await ctx.db
    .selectFrom('asset_tickets as at')
    .innerJoin('assets as a', 'a.id', 'at.asset_id')
    .selectAll('a')
    .where('at.ticket_id', '=', ticketId)
    .orderBy('a.id')
    .limit(assetLimits.bulkMax)
    .execute();
  const out: RepairOption[] = [];
  for (const a of assets) {
    const repairs = await ctx.db
      .selectFrom('asset_repairs')
      .selectAll()
      .where('asset_id', '=', a.id)
      .execute();
    const recent = repairs.filter((r) => Number(r.opened_at) >= since);
    const currency = a.cost_currency ?? recent.find((r) => r.cost_currency)?.cost_currency ?? null;
    let spent = 0;
    let other = 0;
    for (const r of recent) {
      if (r.cost_minor === null) continue;
      if (r.cost_currency === currency) spent += Number(r.cost_minor);
      else other++;
    }
    const open = repairs.find((r) => r.closed_at === null);
    const purchaseCost =
      a.cost_minor !== null && a.cost_currency !== null
        ? { amountMinor: Number(a.cost_minor), currency: a.cost_currency }
        : null;
    // The same model's replacements first (any asset of that manufacturer and model), then this asset's own.
    const sameModel =
      a.model !== ''
        ? (
            await ctx.db
              .selectFrom('assets')
              .select('id')
              .where('model', '=', a.model)
              .where('manufacturer', '=', a.manufacturer)
              .execute()
          ).map((r) => r.id)
        : [a.id];
    const quoted = await latestReplacementQuote(ctx.db, sameModel);
    const replacement: RepairOption['replacement'] = quoted
      ? {
          amountMinor: quoted.amountMinor,
          currency: quoted.currency,
          source: quoted.awarded ? 'award' : 'quote',
          quoteRequestId: quoted.quoteRequestId,
        }
      : purchaseCost
        ? { ...purchaseCost, source: 'purchase_cost', quoteRequestId: null }
        : null;
    const ageMonths =
      a.purchased_on === null
        ? null
        : Math.max(0, Math.floor((now - Number(a.purchased_on)) / (30.44 * dayMs)));
    const endOfLifePassed = a.end_of_life_on !== null && Number(a.end_of_life_on) <= now;
    // Replace when the year's repairs reach half a replacement, when they recur (3 or more), or past end of life.
    const advice: RepairOption['advice'] =
      endOfLifePassed ||
      recent.length >= 3 ||
      (replacement !== null && replacement.currency === currency && spent * 2 >= replacement.amountMinor)
        ? 'replace'
        : 'repair';
    const parts = [
      `${recent.length} repair${recent.length === 1 ? '' : 's'} in 12 months`,
      currency ? `${sayMoney(spent, currency)} spent` : null,
      replacement
        ? `replacement ${sayMoney(replacement.amountMinor, replacement.currency)}`
        : 'no replacement price known',
      ageMonths !== null ? `${ageMonths} months old` : null,
    ].filter(Boolean);
    out.push({
      assetId: a.id,
      name: a.name,
      type: a.type,
      status: a.status,
      manufacturer: a.manufacturer,
      model: a.model,
      repairsLast12Months: recent.length,
      spentLast12Months: currency ? { amountMinor: spent, currency } : null,
      repairsInOtherCurrencies: other,
      openRepairId: open?.id ?? null,
      purchaseCost,
      ageMonths,
      endOfLifePassed,
      replacement,
      replacementRequestId: a.replacement_request_id,
      advice,
      summary: `${a.name}: ${parts.join(', ')}`,
    });
  }
  return out;
}
