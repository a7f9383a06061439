// A vendor's RMA turnaround: the repairs the desk sent to the vendor (asset repairs of kind vendor_rma, opened from
// a ticket in the assets domain) and how long each took, opened to closed. A returned repair's turnaround is whole
// milliseconds; the record gives the median of the returned ones (the lower middle of an even count, so it is one
// real repair's figure, never an average of two) and the repairs still out with how long they have been. Read-only:
// the assets domain writes the repairs, this reads them as vendor-sla.ts reads tickets. Pure parts are exported.
import type { Kysely, Transaction } from 'kysely';
import type { AssetRepairOutcome, Database } from '../core/db/index.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface RmaRepair {
  repairId: number;
  assetId: number;
  ticketId: number | null;
  rmaNumber: string;
  openedAt: number;
  closedAt: number | null;
  /** Closed: opened to closed; open: opened to now. */
  turnaroundMs: number;
  outcome: AssetRepairOutcome | null;
}

export interface RmaRecord {
  returned: number;
  open: number;
  /** The median turnaround of the returned repairs (the lower middle of an even count); null with none. */
  medianTurnaroundMs: number | null;
  /** The longest time a repair still at the vendor has been out; null with none. */
  longestOpenMs: number | null;
  unrepairable: number;
  /** Newest first. */
  repairs: RmaRepair[];
}

/** The lower median: with an even count, the smaller of the two middle values. */
export function lowerMedian(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

/** A vendor's record from its repairs (any order); `now` ages the open ones. */
export function rmaRecordOf(repairs: readonly Omit<RmaRepair, 'turnaroundMs'>[], now: number): RmaRecord {
  const withTimes = repairs
    .map((r) => ({ ...r, turnaroundMs: Math.max(0, (r.closedAt ?? now) - r.openedAt) }))
    .sort((a, b) => b.openedAt - a.openedAt || b.repairId - a.repairId);
  const closed = withTimes.filter((r) => r.closedAt !== null);
  const open = withTimes.filter((r) => r.closedAt === null);
  return {
    returned: closed.length,
    open: open.length,
    medianTurnaroundMs: lowerMedian(closed.map((r) => r.turnaroundMs)),
    longestOpenMs: open.length === 0 ? null : Math.max(...open.map((r) => r.turnaroundMs)),
    unrepairable: closed.filter((r) => r.outcome === 'unrepairable').length,
    repairs: withTimes,
  };
}

const dayMs = 86_400_000;

/** "6.5 days", "18 hours": one decimal of a day from a day on, whole hours below. */
export function formatTurnaround(ms: number): string {
  if (ms >= dayMs) {
    const d = Math.round((ms / dayMs) * 10) / 10;
    return `${d} day${d === 1 ? '' : 's'}`;
  }
  const h = Math.round(ms / 3_600_000);
  return `${h} hour${h === 1 ? '' : 's'}`;
}

/** One sentence for a vendor's performance reasons, or null when nothing was ever sent to it. */
export function rmaReason(r: RmaRecord): string | null {
  if (r.returned === 0 && r.open === 0) return null;
  const parts: string[] = [];
  if (r.returned > 0)
    parts.push(
      `${r.returned} RMA repair${r.returned === 1 ? '' : 's'} returned, median turnaround ${formatTurnaround(r.medianTurnaroundMs as number)}${r.unrepairable > 0 ? ` (${r.unrepairable} unrepairable)` : ''}`,
    );
  if (r.open > 0)
    parts.push(
      `${r.open} still at the vendor, the longest for ${formatTurnaround(r.longestOpenMs as number)}`,
    );
  return parts.join('; ');
}

/** The RMA records of some vendors, keyed by vendor id (a vendor never sent a repair has an empty record). */
export async function vendorRmaRecords(
  db: Db,
  vendorIds: readonly number[],
  now: number,
): Promise<Map<number, RmaRecord>> {
  const out = new Map<number, RmaRecord>();
  if (vendorIds.length === 0) return out;
  const byVendor = new Map<number, Omit<RmaRepair, 'turnaroundMs'>[]>();
  for (let i = 0; i < vendorIds.length; i += 500) {
    const rows = await db
      .selectFrom('asset_repairs')
      .select(['id', 'asset_id', 'ticket_id', 'vendor_id', 'rma_number', 'opened_at', 'closed_at', 'outcome'])
      .where('kind', '=', 'vendor_rma')
      .where('vendor_id', 'in', vendorIds.slice(i, i + 500))
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const list = byVendor.get(r.vendor_id as number) ?? [];
      list.push({
        repairId: r.id,
        assetId: r.asset_id,
        ticketId: r.ticket_id,
        rmaNumber: r.rma_number,
        openedAt: Number(r.opened_at),
        closedAt: r.closed_at === null ? null : Number(r.closed_at),
        outcome: r.outcome,
      });
      byVendor.set(r.vendor_id as number, list);
    }
  }
  for (const id of vendorIds) out.set(id, rmaRecordOf(byVendor.get(id) ?? [], now));
  return out;
}
