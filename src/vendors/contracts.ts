// Contracts with vendors: type, first term, renewal (automatic or by hand), notice period, costs (one-off and
// recurring by period, in one currency), the budget line they draw on, the services and assets they cover (asset
// ids are kept as a list until the assets domain exists to link them), the vendor's SLA, and the renewals
// calendar: every contract's running term, its end and its notice deadline. Every write is audited.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type {
  ContractStatus,
  ContractsTable,
  ContractType,
  Database,
  RecurringPeriod,
} from '../core/db/index.js';
import { type FieldError, Invalid, NotFound } from '../core/errors.js';
import { addMonthsUtc, type ContractTerms, type CurrentTerm, currentTerm, dayMs } from './contract-terms.js';
import { isCurrency } from './money.js';
import { requireVendorRight } from './policies.js';

type Db = Kysely<Database> | Transaction<Database>;

export const contractTypes = ['support', 'maintenance', 'licence', 'lease', 'service'] as const;
export const contractStatuses = ['active', 'cancelled'] as const;
export const recurringPeriods = ['month', 'quarter', 'year'] as const;

export const contractLimits = {
  title: 200,
  text: 20_000,
  listItems: 200,
  listItem: 200,
  months: 600,
  days: 3_650,
  amountMinor: 1e13,
  /** The renewals calendar looks this many days ahead at most. */
  withinDays: 3_660,
};

export interface SlaTarget {
  name: string;
  target: string;
}

export interface Contract {
  id: number;
  vendorId: number;
  vendorName: string;
  title: string;
  type: ContractType;
  status: ContractStatus;
  startsAt: number;
  endsAt: number;
  autoRenew: boolean;
  renewalMonths: number;
  noticeDays: number;
  remindDays: number;
  currency: string;
  oneOffMinor: number;
  recurringMinor: number;
  recurringPeriod: RecurringPeriod | null;
  budgetLineId: number | null;
  services: string[];
  assetIds: number[];
  slaText: string;
  slaTargets: SlaTarget[];
  notes: string;
  /** Units or seats covered; null: not stated. */
  units: number | null;
  /** The term running now, its end and notice deadline. */
  current: CurrentTerm;
  createdAt: number;
  updatedAt: number;
}

export interface ContractInput {
  vendorId?: number;
  title?: string;
  type?: ContractType;
  status?: ContractStatus;
  startsAt?: number;
  /** Either the end of the first term, or its length in months from the start. */
  endsAt?: number;
  termMonths?: number;
  autoRenew?: boolean;
  renewalMonths?: number;
  noticeDays?: number;
  remindDays?: number;
  currency?: string;
  oneOffMinor?: number;
  recurringMinor?: number;
  recurringPeriod?: RecurringPeriod | null;
  budgetLineId?: number | null;
  services?: string[];
  assetIds?: number[];
  slaText?: string;
  slaTargets?: SlaTarget[];
  notes?: string;
  units?: number | null;
}

export function termsOf(
  r: Pick<
    Selectable<ContractsTable>,
    | 'status'
    | 'starts_at'
    | 'ends_at'
    | 'auto_renew'
    | 'renewal_months'
    | 'notice_days'
    | 'one_off_minor'
    | 'recurring_minor'
    | 'recurring_period'
  >,
): ContractTerms {
  return {
    status: r.status,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    autoRenew: r.auto_renew === 1,
    renewalMonths: r.renewal_months,
    noticeDays: r.notice_days,
    oneOffMinor: r.one_off_minor,
    recurringMinor: r.recurring_minor,
    recurringPeriod: r.recurring_period,
  };
}

type ContractRow = Selectable<ContractsTable> & { vendor_name: string };

function toContract(r: ContractRow, now: number): Contract {
  return {
    id: r.id,
    vendorId: r.vendor_id,
    vendorName: r.vendor_name,
    title: r.title,
    type: r.type,
    status: r.status,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    autoRenew: r.auto_renew === 1,
    renewalMonths: r.renewal_months,
    noticeDays: r.notice_days,
    remindDays: r.remind_days,
    currency: r.currency,
    oneOffMinor: r.one_off_minor,
    recurringMinor: r.recurring_minor,
    recurringPeriod: r.recurring_period,
    budgetLineId: r.budget_line_id,
    services: JSON.parse(r.services) as string[],
    assetIds: JSON.parse(r.asset_ids) as number[],
    slaText: r.sla_text,
    slaTargets: JSON.parse(r.sla_targets) as SlaTarget[],
    notes: r.notes,
    units: r.units ?? null,
    current: currentTerm(termsOf(r), now),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function selectContracts(db: Db) {
  return db
    .selectFrom('contracts')
    .innerJoin('vendors', 'vendors.id', 'contracts.vendor_id')
    .selectAll('contracts')
    .select('vendors.name as vendor_name');
}

export async function readContract(db: Db, id: number, now: number): Promise<Contract> {
  const row = await selectContracts(db).where('contracts.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('contract_not_found', `Contract ${id} does not exist.`);
  return toContract(row, now);
}

export async function getContract(ctx: ServiceContext, actor: Actor, id: number): Promise<Contract> {
  requireVendorRight(actor, 'vendors.read');
  return readContract(ctx.db, id, ctx.clock.now());
}

export interface ContractFilter {
  vendorId?: number;
  type?: ContractType;
  status?: ContractStatus;
  budgetLineId?: number;
  /** Only running contracts whose term ends within this many days from now (the renewals calendar). */
  renewingWithinDays?: number;
  limit: number;
  /** Keyset: [term end, id] of the last item of the previous page. */
  after?: [number, number];
}

/**
 * A page of contracts by the end of their running term, then id (soonest first), and one more to tell whether
 * another page follows. The running term of a renewing contract is worked out per contract, so the sort and the
 * renewal window are applied here rather than in SQL; the SQL narrows to contracts that can be in the window.
 */
export async function listContracts(
  ctx: ServiceContext,
  actor: Actor,
  f: ContractFilter,
): Promise<Contract[]> {
  requireVendorRight(actor, 'vendors.read');
  const now = ctx.clock.now();
  // A first pass over the few columns the term needs, then whole rows for the page alone: the calendar looks at
  // thousands of contracts and shows a page of them.
  let q = ctx.db
    .selectFrom('contracts')
    .select([
      'id',
      'status',
      'starts_at',
      'ends_at',
      'auto_renew',
      'renewal_months',
      'notice_days',
      'one_off_minor',
      'recurring_minor',
      'recurring_period',
    ]);
  if (f.vendorId !== undefined) q = q.where('vendor_id', '=', f.vendorId);
  if (f.type !== undefined) q = q.where('type', '=', f.type);
  if (f.budgetLineId !== undefined) q = q.where('budget_line_id', '=', f.budgetLineId);
  const within = f.renewingWithinDays;
  const until = within === undefined ? 0 : now + within * dayMs;
  if (within !== undefined)
    q = q
      .where('status', '=', 'active')
      .where((eb) =>
        eb.or([eb('auto_renew', '=', 1), eb.and([eb('ends_at', '>', now), eb('ends_at', '<=', until)])]),
      );
  else if (f.status !== undefined) q = q.where('status', '=', f.status);
  let keyed = (await q.execute()).map((r) => ({ id: r.id, end: currentTerm(termsOf(r), now).termEnd }));
  if (within !== undefined) keyed = keyed.filter((c) => c.end > now && c.end <= until);
  if (f.after) {
    const [end, id] = f.after;
    keyed = keyed.filter((c) => c.end > end || (c.end === end && c.id > id));
  }
  keyed.sort((a, b) => a.end - b.end || a.id - b.id);
  const ids = keyed.slice(0, f.limit + 1).map((c) => c.id);
  if (ids.length === 0) return [];
  const rows = await selectContracts(ctx.db).where('contracts.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, toContract(r, now)]));
  return ids.map((id) => byId.get(id)).filter((c): c is Contract => c !== undefined);
}

function checkInput(input: ContractInput, creating: boolean): FieldError[] {
  const fields: FieldError[] = [];
  if (creating) {
    for (const k of ['vendorId', 'title', 'type', 'startsAt', 'currency'] as const)
      if (input[k] === undefined) fields.push({ field: `/${k}`, message: 'required' });
    if (input.endsAt === undefined && input.termMonths === undefined)
      fields.push({
        field: '/endsAt',
        message: 'give the end of the first term (endsAt) or its length (termMonths)',
      });
  }
  if (input.endsAt !== undefined && input.termMonths !== undefined)
    fields.push({ field: '/termMonths', message: 'give endsAt or termMonths, not both' });
  if (input.currency !== undefined && !isCurrency(input.currency))
    fields.push({ field: '/currency', message: 'must be an ISO 4217 code such as EUR' });
  const hasRecurring = (input.recurringMinor ?? 0) !== 0;
  if (hasRecurring && input.recurringPeriod === null)
    fields.push({ field: '/recurringPeriod', message: 'a recurring cost needs its period' });
  return fields;
}

async function checkReferences(
  db: Db,
  fields: FieldError[],
  c: {
    vendor_id: number;
    budget_line_id: number | null;
    currency: string;
    starts_at: number;
    ends_at: number;
    recurring_minor: number;
    recurring_period: RecurringPeriod | null;
  },
): Promise<void> {
  if (!(await db.selectFrom('vendors').select('id').where('id', '=', c.vendor_id).executeTakeFirst()))
    fields.push({ field: '/vendorId', message: 'no such vendor' });
  if (c.budget_line_id !== null) {
    const line = await db
      .selectFrom('budget_lines')
      .select('currency')
      .where('id', '=', c.budget_line_id)
      .executeTakeFirst();
    if (!line) fields.push({ field: '/budgetLineId', message: 'no such budget line' });
    else if (line.currency !== c.currency)
      fields.push({
        field: '/budgetLineId',
        message: `the budget line is in ${line.currency}, the contract in ${c.currency}: one currency per line`,
      });
  }
  if (c.ends_at <= c.starts_at) fields.push({ field: '/endsAt', message: 'must be after startsAt' });
  if (c.recurring_minor !== 0 && c.recurring_period === null)
    fields.push({ field: '/recurringPeriod', message: 'a recurring cost needs its period' });
}

function endOf(startsAt: number, input: ContractInput): number | undefined {
  if (input.endsAt !== undefined) return input.endsAt;
  if (input.termMonths !== undefined) return addMonthsUtc(startsAt, input.termMonths);
  return undefined;
}

export async function createContract(
  ctx: ServiceContext,
  actor: Actor,
  input: ContractInput,
): Promise<Contract> {
  requireVendorRight(actor, 'vendors.manage');
  const fields = checkInput(input, true);
  if (fields.length > 0) throw new Invalid('validation_failed', fields[0]?.message ?? 'invalid', fields);
  const now = ctx.clock.now();
  const startsAt = input.startsAt as number;
  const values = {
    vendor_id: input.vendorId as number,
    title: (input.title as string).trim(),
    type: input.type as ContractType,
    status: input.status ?? 'active',
    starts_at: startsAt,
    ends_at: endOf(startsAt, input) as number,
    auto_renew: input.autoRenew ? 1 : 0,
    renewal_months: input.renewalMonths ?? 12,
    notice_days: input.noticeDays ?? 0,
    remind_days: input.remindDays ?? 30,
    currency: input.currency as string,
    one_off_minor: input.oneOffMinor ?? 0,
    recurring_minor: input.recurringMinor ?? 0,
    recurring_period: input.recurringPeriod ?? null,
    budget_line_id: input.budgetLineId ?? null,
    services: JSON.stringify(input.services ?? []),
    asset_ids: JSON.stringify(input.assetIds ?? []),
    sla_text: input.slaText ?? '',
    sla_targets: JSON.stringify(input.slaTargets ?? []),
    notes: input.notes ?? '',
    units: input.units ?? null,
    created_by: actor.id,
    created_at: now,
    updated_at: now,
  } as const;
  const id = await ctx.db.transaction().execute(async (trx) => {
    const refs: FieldError[] = [];
    await checkReferences(trx, refs, values);
    if (refs.length > 0) throw new Invalid('validation_failed', refs[0]?.message ?? 'invalid', refs);
    const row = await trx.insertInto('contracts').values(values).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'contract.create',
      subjectType: 'contract',
      subjectId: row.id,
      details: { vendorId: values.vendor_id, title: values.title, type: values.type },
    });
    return row.id;
  });
  return readContract(ctx.db, id, now);
}

export async function updateContract(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: ContractInput,
): Promise<Contract> {
  requireVendorRight(actor, 'vendors.manage');
  const fields = checkInput(input, false);
  if (fields.length > 0) throw new Invalid('validation_failed', fields[0]?.message ?? 'invalid', fields);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound('contract_not_found', `Contract ${id} does not exist.`);
    const startsAt = input.startsAt ?? row.starts_at;
    const endsAt = endOf(startsAt, input) ?? row.ends_at;
    const next = {
      vendor_id: input.vendorId ?? row.vendor_id,
      title: input.title?.trim() ?? row.title,
      type: input.type ?? row.type,
      status: input.status ?? row.status,
      starts_at: startsAt,
      ends_at: endsAt,
      auto_renew: input.autoRenew === undefined ? row.auto_renew : input.autoRenew ? 1 : 0,
      renewal_months: input.renewalMonths ?? row.renewal_months,
      notice_days: input.noticeDays ?? row.notice_days,
      remind_days: input.remindDays ?? row.remind_days,
      currency: input.currency ?? row.currency,
      one_off_minor: input.oneOffMinor ?? row.one_off_minor,
      recurring_minor: input.recurringMinor ?? row.recurring_minor,
      recurring_period: input.recurringPeriod === undefined ? row.recurring_period : input.recurringPeriod,
      budget_line_id: input.budgetLineId === undefined ? row.budget_line_id : input.budgetLineId,
      services: input.services ? JSON.stringify(input.services) : row.services,
      asset_ids: input.assetIds ? JSON.stringify(input.assetIds) : row.asset_ids,
      sla_text: input.slaText ?? row.sla_text,
      sla_targets: input.slaTargets ? JSON.stringify(input.slaTargets) : row.sla_targets,
      notes: input.notes ?? row.notes,
      units: input.units === undefined ? (row.units ?? null) : input.units,
      updated_at: now,
    };
    const refs: FieldError[] = [];
    await checkReferences(trx, refs, next);
    if (refs.length > 0) throw new Invalid('validation_failed', refs[0]?.message ?? 'invalid', refs);
    await trx.updateTable('contracts').set(next).where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'contract.update',
      subjectType: 'contract',
      subjectId: id,
      details: { fields: Object.keys(input) },
    });
  });
  return readContract(ctx.db, id, now);
}
