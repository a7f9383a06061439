// Vendors: who supplies what (categories, products and services), whom to call (contacts), notes, and their
// performance as far as the desk knows it today, scored out of 100 (none below 0) with each deduction stated:
// the tickets waiting on them now (pending tickets carrying the vendor's ticket tag: 10 points each); their own
// response target met or missed on the tickets that waited on them (vendor-sla.ts: up to 30 points, pro rata of
// the misses); and their repairs (vendor-rma.ts: a point a day of median turnaround, or of the longest repair
// still out, beyond 14 days, at most 20; up to 20 for the share returned unrepairable). A vendor with no record
// scores 100. Every write is audited in its transaction. Lists are sorted by name, then id.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, VendorsTable } from '../core/db/index.js';
import { Conflict, NotFound } from '../core/errors.js';
import { requireVendorRight } from './policies.js';
import type { VendorPerformance } from './quote-comparison.js';
import { type RmaRecord, rmaReason, vendorRmaRecords } from './vendor-rma.js';
import { type SlaRecord, vendorSlaRecords } from './vendor-sla.js';
import { readSpend, type SpendRow, spendSpan } from './vendor-spend.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface VendorContact {
  name: string;
  role: string;
  email: string;
  phone: string;
}

export interface Vendor {
  id: number;
  name: string;
  categories: string[];
  supplies: string[];
  contacts: VendorContact[];
  notes: string;
  ticketTag: string | null;
  active: boolean;
  performance: VendorPerformance & {
    waitingTickets: number | null;
    /** Tickets that waited on the vendor within / beyond its contracts' response target (vendor-sla.ts). */
    slaMet: number;
    slaMissed: number;
    slaTargetMs: number | null;
    /** Asset repairs sent to the vendor (vendor-rma.ts): returned, still out, the median turnaround. */
    rmaReturned: number;
    rmaOpen: number;
    rmaMedianTurnaroundMs: number | null;
  };
  createdAt: number;
  updatedAt: number;
}

export interface VendorInput {
  name?: string;
  categories?: string[];
  supplies?: string[];
  contacts?: VendorContact[];
  notes?: string;
  ticketTag?: string | null;
  active?: boolean;
}

export const vendorLimits = {
  name: 200,
  listItems: 50,
  listItem: 200,
  contacts: 50,
  notes: 20_000,
  tag: 100,
};

/** Points off (of 10000) per ticket waiting on the vendor. */
export const waitingTicketPenaltyBp = 1_000;
/** Points off for missing the vendor's own response target on every ticket judged; pro rata of the misses. */
export const slaMissPenaltyBp = 3_000;
/** RMA turnaround allowed before it costs points; then each day costs rmaDayPenaltyBp, up to rmaTurnaroundCapBp. */
export const rmaAllowanceDays = 14;
export const rmaDayPenaltyBp = 100;
export const rmaTurnaroundCapBp = 2_000;
/** Points off when every returned repair came back unrepairable; pro rata of those. */
export const unrepairablePenaltyBp = 2_000;

const dayMs = 86_400_000;
const pointsText = (bp: number) => (bp / 100).toFixed(2).replace(/\.00$/, '');

/**
 * A vendor's score from its record, every deduction with its reason. Pure: the same record gives the same score.
 * `waiting` is null for a vendor without a ticket tag (no record of tickets waiting on it).
 */
export function scoreVendorPerformance(
  tag: string | null,
  waiting: number | null,
  sla: Pick<SlaRecord, 'met' | 'missed'> | undefined,
  rma: RmaRecord | undefined,
): VendorPerformance {
  let scoreBp = 10_000;
  const reasons: string[] = [];
  if (waiting === null || tag === null)
    reasons.push('no ticket tag set, so no record of tickets waiting on it');
  else {
    scoreBp -= waiting * waitingTicketPenaltyBp;
    reasons.push(
      waiting === 0
        ? `no pending tickets tagged "${tag}" wait on it`
        : `${waiting} pending ticket${waiting === 1 ? '' : 's'} tagged "${tag}" wait${waiting === 1 ? 's' : ''} on it (−${waitingTicketPenaltyBp / 100} points each)`,
    );
  }
  const judged = (sla?.met ?? 0) + (sla?.missed ?? 0);
  if (sla && judged > 0 && sla.missed > 0) {
    const off = Math.round((slaMissPenaltyBp * sla.missed) / judged);
    scoreBp -= off;
    reasons.push(
      `missed its response target on ${sla.missed} of ${judged} ticket${judged === 1 ? '' : 's'} (−${pointsText(off)} points)`,
    );
  }
  if (rma) {
    const said = rmaReason(rma);
    const slowest = Math.max(rma.medianTurnaroundMs ?? 0, rma.longestOpenMs ?? 0);
    const lateDays = Math.floor(slowest / dayMs) - rmaAllowanceDays;
    const lateOff = lateDays > 0 ? Math.min(rmaTurnaroundCapBp, lateDays * rmaDayPenaltyBp) : 0;
    const brokenOff =
      rma.returned > 0 ? Math.round((unrepairablePenaltyBp * rma.unrepairable) / rma.returned) : 0;
    scoreBp -= lateOff + brokenOff;
    const offs = [
      lateOff > 0 ? `−${pointsText(lateOff)} points for ${lateDays} days beyond ${rmaAllowanceDays}` : '',
      brokenOff > 0 ? `−${pointsText(brokenOff)} points for the unrepairable` : '',
    ].filter((x) => x !== '');
    if (said !== null) reasons.push(offs.length > 0 ? `${said} (${offs.join(', ')})` : said);
  }
  return { scoreBp: Math.max(0, scoreBp), reasons };
}

/** The performance of each vendor from its record: waiting tickets, its own SLA and its repairs. */
export async function vendorPerformance(
  db: Db,
  vendors: readonly { id: number; ticket_tag: string | null }[],
  now: number,
): Promise<
  Map<number, VendorPerformance & { waitingTickets: number | null; sla?: SlaRecord; rma?: RmaRecord }>
> {
  const tags = [...new Set(vendors.map((v) => v.ticket_tag).filter((t): t is string => t !== null))];
  const waiting = new Map<string, number>();
  if (tags.length > 0) {
    const rows = await db
      .selectFrom('ticket_tags')
      .innerJoin('tickets', 'tickets.id', 'ticket_tags.ticket_id')
      .select(['ticket_tags.tag', (eb) => eb.fn.countAll<number>().as('n')])
      .where('ticket_tags.tag', 'in', tags)
      .where('tickets.status', '=', 'pending')
      .groupBy('ticket_tags.tag')
      .execute();
    for (const r of rows) waiting.set(r.tag, Number(r.n));
  }
  const slas = await vendorSlaRecords(db, vendors, now);
  const rmas = await vendorRmaRecords(
    db,
    vendors.map((v) => v.id),
    now,
  );
  const out = new Map<
    number,
    VendorPerformance & { waitingTickets: number | null; sla?: SlaRecord; rma?: RmaRecord }
  >();
  for (const v of vendors) {
    const n = v.ticket_tag === null ? null : (waiting.get(v.ticket_tag) ?? 0);
    const sla = slas.get(v.id);
    const rma = rmas.get(v.id);
    out.set(v.id, { ...scoreVendorPerformance(v.ticket_tag, n, sla, rma), waitingTickets: n, sla, rma });
  }
  return out;
}

/** Vendors with the SLA and RMA records their performance was scored from (the detail page lists them). */
async function toVendorRecords(
  db: Db,
  rows: Selectable<VendorsTable>[],
  now: number,
): Promise<{ vendor: Vendor; sla?: SlaRecord; rma?: RmaRecord }[]> {
  const perf = await vendorPerformance(db, rows, now);
  return rows.map((r) => {
    const { sla, rma, ...p } = perf.get(r.id) as NonNullable<ReturnType<typeof perf.get>>;
    const vendor: Vendor = {
      id: r.id,
      name: r.name,
      categories: JSON.parse(r.categories) as string[],
      supplies: JSON.parse(r.supplies) as string[],
      contacts: JSON.parse(r.contacts) as VendorContact[],
      notes: r.notes,
      ticketTag: r.ticket_tag,
      active: r.active === 1,
      performance: {
        ...p,
        slaMet: sla?.met ?? 0,
        slaMissed: sla?.missed ?? 0,
        slaTargetMs: sla?.targetMs ?? null,
        rmaReturned: rma?.returned ?? 0,
        rmaOpen: rma?.open ?? 0,
        rmaMedianTurnaroundMs: rma?.medianTurnaroundMs ?? null,
      },
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
    return { vendor, sla, rma };
  });
}

async function toVendors(db: Db, rows: Selectable<VendorsTable>[], now: number): Promise<Vendor[]> {
  return (await toVendorRecords(db, rows, now)).map((r) => r.vendor);
}

async function readVendorRecord(db: Db, id: number, now: number) {
  const row = await db.selectFrom('vendors').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('vendor_not_found', `Vendor ${id} does not exist.`);
  return (await toVendorRecords(db, [row], now))[0] as Awaited<ReturnType<typeof toVendorRecords>>[number];
}

export async function readVendor(db: Db, id: number, now: number): Promise<Vendor> {
  return (await readVendorRecord(db, id, now)).vendor;
}

export interface VendorDetail extends Vendor {
  /** Spend per fiscal year and currency over the default span (vendor-spend.ts). */
  spend: Omit<SpendRow, 'vendorId' | 'vendorName'>[];
  /** Each ticket that waited on the vendor, against the response target. */
  responses: SlaRecord['tickets'];
  /** Each asset repair sent to the vendor, newest first (≤ 200). */
  rmas: RmaRecord['repairs'];
}

export async function getVendor(ctx: ServiceContext, actor: Actor, id: number): Promise<VendorDetail> {
  requireVendorRight(actor, 'vendors.read');
  const now = ctx.clock.now();
  // The SLA and RMA records the score was made from, read once.
  const { vendor, sla, rma } = await readVendorRecord(ctx.db, id, now);
  const startMonth = ctx.config.fiscalYearStartMonth;
  const spend = await readSpend(ctx.db, now, startMonth, spendSpan(now, startMonth), [id]);
  return {
    ...vendor,
    spend: spend.map(({ vendorId: _v, vendorName: _n, ...rest }) => rest),
    responses: sla?.tickets.slice(0, 200) ?? [],
    rmas: rma?.repairs.slice(0, 200) ?? [],
  };
}

export interface VendorFilter {
  category?: string;
  active?: boolean;
  /** Part of the name, any case. */
  q?: string;
  limit: number;
  offset: number;
}

/** A page of vendors by name, then id, and one more to tell whether another page follows. */
export async function listVendors(ctx: ServiceContext, actor: Actor, f: VendorFilter): Promise<Vendor[]> {
  requireVendorRight(actor, 'vendors.read');
  let q = ctx.db.selectFrom('vendors').selectAll();
  if (f.active !== undefined) q = q.where('active', '=', f.active ? 1 : 0);
  if (f.q)
    q = q.where((eb) =>
      eb(eb.fn('lower', ['name']), 'like', `%${f.q?.toLowerCase().replace(/[%_\\]/g, '')}%`),
    );
  let rows = await q.orderBy('name').orderBy('id').execute();
  // Categories are a JSON list: filtered here, exactly, rather than by a LIKE on the JSON text.
  if (f.category !== undefined) {
    const c = f.category.toLowerCase();
    rows = rows.filter((r) => (JSON.parse(r.categories) as string[]).some((x) => x.toLowerCase() === c));
  }
  return toVendors(ctx.db, rows.slice(f.offset, f.offset + f.limit + 1), ctx.clock.now());
}

async function checkNameFree(db: Db, name: string, except?: number): Promise<void> {
  let q = db
    .selectFrom('vendors')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (except !== undefined) q = q.where('id', '!=', except);
  if (await q.executeTakeFirst())
    throw new Conflict('vendor_name_taken', `A vendor named "${name}" exists already.`);
}

const cleanList = (list: string[]) => [...new Set(list.map((s) => s.trim()).filter((s) => s !== ''))];

export async function createVendor(
  ctx: ServiceContext,
  actor: Actor,
  input: VendorInput & { name: string },
): Promise<Vendor> {
  requireVendorRight(actor, 'vendors.manage');
  const now = ctx.clock.now();
  const name = input.name.trim();
  const id = await ctx.db.transaction().execute(async (trx) => {
    await checkNameFree(trx, name);
    const row = await trx
      .insertInto('vendors')
      .values({
        name,
        categories: JSON.stringify(cleanList(input.categories ?? [])),
        supplies: JSON.stringify(cleanList(input.supplies ?? [])),
        contacts: JSON.stringify(input.contacts ?? []),
        notes: input.notes ?? '',
        ticket_tag: input.ticketTag?.trim() || null,
        active: input.active === false ? 0 : 1,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'vendor.create',
      subjectType: 'vendor',
      subjectId: row.id,
      details: { name },
    });
    return row.id;
  });
  return readVendor(ctx.db, id, ctx.clock.now());
}

export async function updateVendor(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: VendorInput,
): Promise<Vendor> {
  requireVendorRight(actor, 'vendors.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('vendors').select('id').where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound('vendor_not_found', `Vendor ${id} does not exist.`);
    const name = input.name?.trim();
    if (name !== undefined) await checkNameFree(trx, name, id);
    await trx
      .updateTable('vendors')
      .set({
        ...(name !== undefined ? { name } : {}),
        ...(input.categories ? { categories: JSON.stringify(cleanList(input.categories)) } : {}),
        ...(input.supplies ? { supplies: JSON.stringify(cleanList(input.supplies)) } : {}),
        ...(input.contacts ? { contacts: JSON.stringify(input.contacts) } : {}),
        ...(input.notes !== undefined ? { notes: input.notes } : {}),
        ...(input.ticketTag !== undefined ? { ticket_tag: input.ticketTag?.trim() || null } : {}),
        ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'vendor.update',
      subjectType: 'vendor',
      subjectId: id,
      details: { fields: Object.keys(input) },
    });
  });
  return readVendor(ctx.db, id, ctx.clock.now());
}
