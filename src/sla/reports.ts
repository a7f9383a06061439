// SLA compliance: per policy, group or technician over a period, for first response and resolution, and
// the breaches with their causes. Read from the stored clocks (kept current by the subscriber and the job),
// for tickets created in the period.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid } from '../core/errors.js';
import { requireSla } from './permissions.js';

export type ReportGrouping = 'policy' | 'group' | 'technician';

export interface Compliance {
  /** Achieved on time. */
  met: number;
  /** Achieved late, or still open past the due time. */
  breached: number;
  /** Still running within the target. */
  open: number;
  /** met / (met + breached), as a percentage; null when nothing is decided yet. */
  percent: number | null;
  /** Average margin of the achieved ones, in seconds (negative: late on average). */
  averageMarginSeconds: number | null;
}

export interface ComplianceRow {
  key: number | null;
  name: string;
  tickets: number;
  firstResponse: Compliance;
  resolution: Compliance;
}

export type BreachCause = 'unassigned' | 'waiting_in_group_queue' | 'with_technician' | 'reopened';

export interface Breach {
  ticketId: number;
  title: string;
  target: 'first_response' | 'resolution';
  policyId: number | null;
  groupId: number | null;
  assigneeId: number | null;
  dueAt: number | null;
  achievedAt: number | null;
  overdueSeconds: number | null;
  cause: BreachCause;
}

export interface SlaReport {
  from: number;
  to: number;
  groupBy: ReportGrouping;
  total: ComplianceRow;
  rows: ComplianceRow[];
  breaches: Breach[];
}

interface Acc {
  met: number;
  breached: number;
  open: number;
  marginSum: number;
  marginCount: number;
}

const emptyAcc = (): Acc => ({ met: 0, breached: 0, open: 0, marginSum: 0, marginCount: 0 });

function add(
  acc: Acc,
  achievedAt: number | null,
  breached: number,
  margin: number | null,
  hasTarget: boolean,
): void {
  if (!hasTarget) return;
  if (breached === 1) acc.breached++;
  else if (achievedAt !== null) acc.met++;
  else acc.open++;
  if (achievedAt !== null && margin !== null) {
    acc.marginSum += margin;
    acc.marginCount++;
  }
}

function compliance(a: Acc): Compliance {
  const decided = a.met + a.breached;
  return {
    met: a.met,
    breached: a.breached,
    open: a.open,
    percent: decided === 0 ? null : Math.round((a.met / decided) * 10_000) / 100,
    averageMarginSeconds: a.marginCount === 0 ? null : Math.round(a.marginSum / a.marginCount / 1000),
  };
}

export async function getSlaReport(
  ctx: ServiceContext,
  actor: Actor,
  input: { from: number; to: number; groupBy: ReportGrouping; breachLimit?: number },
): Promise<SlaReport> {
  requireSla(actor, 'report.read');
  if (!(input.to > input.from)) {
    throw new Invalid('validation_failed', 'to: must be after from', [
      { field: 'querystring/to', message: 'must be after from' },
    ]);
  }
  const rows = await ctx.db
    .selectFrom('sla_ticket_clocks as c')
    .innerJoin('tickets as t', 't.id', 'c.ticket_id')
    .select([
      'c.ticket_id',
      't.title',
      't.status',
      'c.policy_id',
      't.group_id',
      't.assignee_id',
      'c.clocks',
      'c.first_response_due_at',
      'c.first_response_achieved_at',
      'c.first_response_margin_ms',
      'c.first_response_breached',
      'c.resolution_due_at',
      'c.resolution_achieved_at',
      'c.resolution_margin_ms',
      'c.resolution_breached',
    ])
    .where('c.ticket_created_at', '>=', input.from)
    .where('c.ticket_created_at', '<', input.to)
    .where('c.policy_id', 'is not', null)
    .orderBy('c.ticket_id')
    .execute();

  const names = new Map<string, string>();
  for (const p of await ctx.db.selectFrom('sla_policies').select(['id', 'name']).execute())
    names.set(`policy:${p.id}`, p.name);
  for (const g of await ctx.db.selectFrom('groups').select(['id', 'name']).execute())
    names.set(`group:${g.id}`, g.name);
  for (const u of await ctx.db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('role', '!=', 'requester')
    .execute()) {
    names.set(`technician:${u.id}`, u.name);
  }

  const groups = new Map<string, { key: number | null; tickets: number; fr: Acc; res: Acc }>();
  const total = { key: null, tickets: 0, fr: emptyAcc(), res: emptyAcc() };
  const breaches: Breach[] = [];
  for (const r of rows) {
    const key =
      input.groupBy === 'policy' ? r.policy_id : input.groupBy === 'group' ? r.group_id : r.assignee_id;
    const id = `${input.groupBy}:${key}`;
    let g = groups.get(id);
    if (!g) {
      g = { key, tickets: 0, fr: emptyAcc(), res: emptyAcc() };
      groups.set(id, g);
    }
    const targets = (JSON.parse(r.clocks) as { clocks: { target: string }[] }).clocks.map((c) => c.target);
    const hasFr = targets.includes('first_response');
    const hasRes = targets.includes('resolution');
    for (const bucket of [g, total]) {
      bucket.tickets++;
      add(
        bucket.fr,
        r.first_response_achieved_at,
        r.first_response_breached,
        r.first_response_margin_ms,
        hasFr,
      );
      add(bucket.res, r.resolution_achieved_at, r.resolution_breached, r.resolution_margin_ms, hasRes);
    }
    for (const target of ['first_response', 'resolution'] as const) {
      const breached = target === 'first_response' ? r.first_response_breached : r.resolution_breached;
      if (breached !== 1) continue;
      const dueAt = target === 'first_response' ? r.first_response_due_at : r.resolution_due_at;
      const achievedAt =
        target === 'first_response' ? r.first_response_achieved_at : r.resolution_achieved_at;
      breaches.push({
        ticketId: r.ticket_id,
        title: r.title,
        target,
        policyId: r.policy_id,
        groupId: r.group_id,
        assigneeId: r.assignee_id,
        dueAt,
        achievedAt,
        overdueSeconds:
          dueAt !== null && achievedAt !== null ? Math.round((achievedAt - dueAt) / 1000) : null,
        cause: 'with_technician',
      });
    }
  }
  const shown = breaches.slice(0, input.breachLimit ?? 200);
  await explainBreaches(ctx, shown);
  const label = (key: number | null) =>
    key === null
      ? input.groupBy === 'technician'
        ? 'unassigned'
        : input.groupBy === 'group'
          ? 'no group'
          : 'no policy'
      : (names.get(`${input.groupBy}:${key}`) ?? `${input.groupBy} ${key}`);
  const toRow = (
    g: { key: number | null; tickets: number; fr: Acc; res: Acc },
    name: string,
  ): ComplianceRow => ({
    key: g.key,
    name,
    tickets: g.tickets,
    firstResponse: compliance(g.fr),
    resolution: compliance(g.res),
  });
  return {
    from: input.from,
    to: input.to,
    groupBy: input.groupBy,
    total: toRow(total, 'all'),
    rows: [...groups.values()]
      .map((g) => toRow(g, label(g.key)))
      .sort((a, b) => a.name.localeCompare(b.name)),
    breaches: shown,
  };
}

/**
 * Why a target was missed, from the ticket's history at its due time: nobody held it, it waited in a group's
 * queue, a technician held it, or it had been resolved and reopened before the due time.
 */
async function explainBreaches(ctx: ServiceContext, breaches: Breach[]): Promise<void> {
  if (breaches.length === 0) return;
  const ids = [...new Set(breaches.map((b) => b.ticketId))];
  const history = await ctx.db
    .selectFrom('ticket_history')
    .select(['ticket_id', 'at', 'field', 'to_value'])
    .where('ticket_id', 'in', ids)
    .where('field', 'in', ['assignee', 'group', 'status'])
    .orderBy('ticket_id')
    .orderBy('id')
    .execute();
  for (const b of breaches) {
    const at = b.dueAt ?? Number.POSITIVE_INFINITY;
    let assignee: string | null = null;
    let group: string | null = null;
    let reopened = false;
    let wasResolved = false;
    for (const h of history) {
      if (h.ticket_id !== b.ticketId || h.at > at) continue;
      if (h.field === 'assignee') assignee = h.to_value;
      else if (h.field === 'group') group = h.to_value;
      else if (h.field === 'status') {
        if (h.to_value === 'resolved') wasResolved = true;
        else if (wasResolved) reopened = true;
      }
    }
    b.cause = reopened
      ? 'reopened'
      : assignee !== null
        ? 'with_technician'
        : group !== null
          ? 'waiting_in_group_queue'
          : 'unassigned';
  }
}
