// A vendor's SLA record from the tickets that waited on it: a ticket carrying the vendor's ticket tag waited on
// the vendor for as long as it was pending (summed from the ticket's status history; a ticket pending now waits
// until now). The vendor's response target is the shortest "response" target of its active contracts, written
// as a duration ("4h", "30 min", "2 days", "1d 4h"); a ticket met it if it waited no longer, missed it if it
// waited longer (a ticket still pending counts once it is past the target). Pure parts are exported for tests.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../core/db/index.js';

type Db = Kysely<Database> | Transaction<Database>;

const unitMs: Record<string, number> = {
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** A duration such as "4h", "30 min", "1d 4h", "2 business days" (read as calendar days), or null. */
export function parseSlaDuration(text: string): number | null {
  const re = /(\d+(?:\.\d+)?)\s*(minutes|minute|mins|min|m|hours|hour|hrs|hr|h|days|day|d)\b/gi;
  let total = 0;
  let found = false;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * (unitMs[(m[2] as string).toLowerCase()] as number);
    found = true;
  }
  return found && total > 0 ? Math.round(total) : null;
}

/** The shortest response target among SLA targets named like "response" ("Response time", "first response"). */
export function responseTargetMs(targets: readonly { name: string; target: string }[]): number | null {
  let best: number | null = null;
  for (const t of targets) {
    if (!/respon/i.test(t.name)) continue;
    const d = parseSlaDuration(t.target);
    if (d !== null && (best === null || d < best)) best = d;
  }
  return best;
}

/** Time spent pending, from status changes in time order; pending at the end runs until `now`. */
export function pendingMs(
  changes: readonly { at: number; from: string | null; to: string | null }[],
  status: string,
  now: number,
): number {
  let total = 0;
  let since: number | null = null;
  for (const c of changes) {
    if (c.to === 'pending' && since === null) since = c.at;
    else if (c.from === 'pending' && c.to !== 'pending' && since !== null) {
      total += c.at - since;
      since = null;
    }
  }
  if (status === 'pending') total += now - (since ?? now);
  return total;
}

export interface SlaRecord {
  targetMs: number | null;
  met: number;
  missed: number;
  /** Still pending and within the target. */
  open: number;
  tickets: { ticketId: number; waitedMs: number; outcome: 'met' | 'missed' | 'open' | 'no_target' }[];
}

/** The SLA records of some vendors, keyed by vendor id (vendors without a tag have none). */
export async function vendorSlaRecords(
  db: Db,
  vendors: readonly { id: number; ticket_tag: string | null }[],
  now: number,
): Promise<Map<number, SlaRecord>> {
  const out = new Map<number, SlaRecord>();
  const tagged = vendors.filter((v) => v.ticket_tag !== null);
  if (tagged.length === 0) return out;
  const contracts = await db
    .selectFrom('contracts')
    .select(['vendor_id', 'sla_targets'])
    .where('status', '=', 'active')
    .where(
      'vendor_id',
      'in',
      tagged.map((v) => v.id),
    )
    .execute();
  const targetOf = new Map<number, number>();
  for (const c of contracts) {
    const t = responseTargetMs(JSON.parse(c.sla_targets) as { name: string; target: string }[]);
    if (t === null) continue;
    const had = targetOf.get(c.vendor_id);
    if (had === undefined || t < had) targetOf.set(c.vendor_id, t);
  }
  const tags = [...new Set(tagged.map((v) => v.ticket_tag as string))];
  const tickets = await db
    .selectFrom('ticket_tags')
    .innerJoin('tickets', 'tickets.id', 'ticket_tags.ticket_id')
    .select(['ticket_tags.tag', 'tickets.id', 'tickets.status'])
    .where('ticket_tags.tag', 'in', tags)
    .orderBy('tickets.id')
    .limit(10_000)
    .execute();
  const ids = [...new Set(tickets.map((t) => t.id))];
  const history = new Map<number, { at: number; from: string | null; to: string | null }[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('ticket_history')
      .select(['ticket_id', 'at', 'from_value', 'to_value'])
      .where('field', '=', 'status')
      .where('ticket_id', 'in', ids.slice(i, i + 500))
      .orderBy('at')
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const list = history.get(r.ticket_id) ?? [];
      list.push({ at: r.at, from: r.from_value, to: r.to_value });
      history.set(r.ticket_id, list);
    }
  }
  for (const v of tagged) {
    const targetMs = targetOf.get(v.id) ?? null;
    const rec: SlaRecord = { targetMs, met: 0, missed: 0, open: 0, tickets: [] };
    for (const t of tickets) {
      if (t.tag !== v.ticket_tag) continue;
      const waitedMs = pendingMs(history.get(t.id) ?? [], t.status, now);
      if (waitedMs === 0 && t.status !== 'pending') continue; // never waited on the vendor
      let outcome: SlaRecord['tickets'][number]['outcome'];
      if (targetMs === null) outcome = 'no_target';
      else if (waitedMs > targetMs) outcome = 'missed';
      else outcome = t.status === 'pending' ? 'open' : 'met';
      if (outcome === 'met') rec.met += 1;
      else if (outcome === 'missed') rec.missed += 1;
      else if (outcome === 'open') rec.open += 1;
      rec.tickets.push({ ticketId: t.id, waitedMs, outcome });
    }
    out.set(v.id, rec);
  }
  return out;
}
