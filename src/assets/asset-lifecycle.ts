// Assets' lifecycle: the hourly reminders (a warranty ending, an end of life coming, a licence over-assigned or
// expiring — each raised once per asset and date: a row in asset_reminders claimed in the transaction of its
// event, so racing instances raise one; the pass runs on one instance at a time besides), the manager's view of
// what ends within a window ("warranties ending next quarter"), and failure rates per model ("the models that fail
// most": linked tickets and repairs per asset-year). registerAssets wires the job and the subscriber that retires
// an asset when its replacement's request for quotes is awarded.
import { DateTime, Duration } from 'luxon';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { AssetReminderKind, AssetType } from '../core/db/index.js';
import { Forbidden, Invalid } from '../core/errors.js';
import { runExclusively } from '../core/exclusive-work.js';
import type { JobScheduler } from '../core/jobs.js';
import { formatDay } from './asset-model.js';
import { retireReplacedAsset } from './asset-repairs.js';
import { canAsset } from './policies.js';

const dayMs = 86_400_000;
const yearMs = 365.25 * dayMs;

/** Dates are whole days: hourly is prompt enough. */
export const lifecycleReminderIntervalMs = 60 * 60_000;

export const lifecycleLimits = {
  /** The longest window the lifecycle view looks ahead. */
  withinMaxMs: 3 * 366 * dayMs,
  itemsMax: 500,
  monthsMax: 60,
  modelsMax: 200,
} as const;

/** Not hardware that fails: software and licences have no failure rate, warranty or end of life to remind of. */
const hardwareTypes: AssetType[] = [
  'computer',
  'server',
  'network_device',
  'printer',
  'phone',
  'peripheral',
  'monitor',
];

const startOfDay = (ms: number) => Math.floor(ms / dayMs) * dayMs;
const daysLeft = (day: number, now: number) => Math.max(0, Math.round((day - startOfDay(now)) / dayMs));

/** Claim a reminder and record its event in one transaction; false when another pass raised it already. */
async function claimReminder(
  ctx: ServiceContext,
  assetId: number,
  kind: AssetReminderKind,
  about: number,
  now: number,
  event: Parameters<ServiceContext['events']['record']>[1][number],
): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('asset_reminders')
      .values({ asset_id: assetId, kind, about, raised_at: now })
      .onConflict((oc) => oc.columns(['asset_id', 'kind', 'about']).doNothing())
      .executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
    await ctx.events.record(trx, [event]);
    return true;
  });
}

export interface RaisedReminder {
  assetId: number;
  kind: AssetReminderKind;
}

/** One pass: the reminders raised now, in order (warranties, ends of life, licences expiring, over-assigned). */
export async function raiseLifecycleReminders(ctx: ServiceContext): Promise<RaisedReminder[]> {
  const now = ctx.clock.now();
  const today = startOfDay(now);
  const horizon = today + ctx.config.assetReminderDays * dayMs;
  const raised: RaisedReminder[] = [];
  const already = await ctx.db
    .selectFrom('asset_reminders')
    .select(['asset_id', 'kind', 'about'])
    .where('about', '>=', today)
    .execute();
  const done = new Set(already.map((r) => `${r.asset_id}:${r.kind}:${r.about}`));

  for (const [kind, column] of [
    ['warranty_ending', 'warranty_ends_on'],
    ['end_of_life', 'end_of_life_on'],
  ] as const) {
    const rows = await ctx.db
      .selectFrom('assets')
      .select(['id', 'name', 'manufacturer', 'model', column])
      .where('status', '!=', 'retired')
      .where('type', 'in', hardwareTypes)
      .where(column, '>=', today)
      .where(column, '<=', horizon)
      .orderBy(column)
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const day = Number(r[column]);
      if (done.has(`${r.id}:${kind}:${day}`)) continue;
      const base = { assetId: r.id, name: r.name, manufacturer: r.manufacturer, model: r.model };
      const ok = await claimReminder(
        ctx,
        r.id,
        kind,
        day,
        now,
        kind === 'warranty_ending'
          ? {
              type: 'asset.warranty_ending',
              subjectType: 'asset',
              subjectId: r.id,
              actorId: null,
              payload: { ...base, warrantyEnd: formatDay(day), daysLeft: daysLeft(day, now) },
            }
          : {
              type: 'asset.end_of_life',
              subjectType: 'asset',
              subjectId: r.id,
              actorId: null,
              payload: { ...base, endOfLife: formatDay(day), daysLeft: daysLeft(day, now) },
            },
      );
      if (ok) raised.push({ assetId: r.id, kind });
    }
  }

  const expiring = await ctx.db
    .selectFrom('asset_licences as l')
    .innerJoin('assets as a', 'a.id', 'l.asset_id')
    .select(['a.id', 'a.name', 'l.expires_on'])
    .where('a.status', '!=', 'retired')
    .where('l.expires_on', '>=', today)
    .where('l.expires_on', '<=', horizon)
    .orderBy('l.expires_on')
    .orderBy('a.id')
    .execute();
  for (const r of expiring) {
    const day = Number(r.expires_on);
    if (done.has(`${r.id}:licence_expiring:${day}`)) continue;
    const ok = await claimReminder(ctx, r.id, 'licence_expiring', day, now, {
      type: 'licence.expiring',
      subjectType: 'asset',
      subjectId: r.id,
      actorId: null,
      payload: { assetId: r.id, name: r.name, expiresOn: formatDay(day), daysLeft: daysLeft(day, now) },
    });
    if (ok) raised.push({ assetId: r.id, kind: 'licence_expiring' });
  }

  // Over-assigned: once per seat count (buying seats that still fall short raises it again).
  const over = await overAssignedLicences(ctx);
  const claimedOver = await ctx.db
    .selectFrom('asset_reminders')
    .select(['asset_id', 'about'])
    .where('kind', '=', 'licence_over_assigned')
    .execute();
  const overDone = new Set(claimedOver.map((r) => `${r.asset_id}:${r.about}`));
  for (const l of over) {
    if (overDone.has(`${l.assetId}:${l.seats}`)) continue;
    const ok = await claimReminder(ctx, l.assetId, 'licence_over_assigned', l.seats, now, {
      type: 'licence.over_assigned',
      subjectType: 'asset',
      subjectId: l.assetId,
      actorId: null,
      payload: { assetId: l.assetId, name: l.name, seats: l.seats, used: l.used },
    });
    if (ok) raised.push({ assetId: l.assetId, kind: 'licence_over_assigned' });
  }
  if (raised.length > 0) ctx.events.nudge();
  return raised;
}

async function overAssignedLicences(ctx: ServiceContext): Promise<
  {
    assetId: number;
    name: string;
    softwareName: string;
    seats: number;
    used: number;
    expiresOn: number | null;
  }[]
> {
  const rows = await ctx.db
    .selectFrom('asset_licences as l')
    .innerJoin('assets as a', 'a.id', 'l.asset_id')
    .innerJoin('licence_assignments as s', 's.licence_id', 'l.asset_id')
    .select([
      'a.id',
      'a.name',
      'l.software_name',
      'l.seats',
      'l.expires_on',
      (eb) => eb.fn.countAll<number>().as('used'),
    ])
    .where('a.status', '!=', 'retired')
    .groupBy(['a.id', 'a.name', 'l.software_name', 'l.seats', 'l.expires_on'])
    .having((eb) => eb(eb.fn.countAll(), '>', eb.ref('l.seats')))
    .orderBy('a.id')
    .limit(lifecycleLimits.itemsMax)
    .execute();
  return rows.map((r) => ({
    assetId: r.id,
    name: r.name,
    softwareName: r.software_name,
    seats: r.seats,
    used: Number(r.used),
    expiresOn: r.expires_on === null ? null : Number(r.expires_on),
  }));
}

/** The pass on one instance at a time; null when another instance ran it. */
export async function runLifecycleReminders(ctx: ServiceContext): Promise<RaisedReminder[] | null> {
  const r = await runExclusively(ctx, 'assets.lifecycle-reminders', () => raiseLifecycleReminders(ctx));
  return r.ran ? r.value : null;
}

/** What the serve command calls once: the hourly reminders, and replacements retired when their request is awarded. */
export function registerAssets(ctx: ServiceContext, jobs: JobScheduler): void {
  jobs.every('assets.lifecycle-reminders', lifecycleReminderIntervalMs, () => runLifecycleReminders(ctx));
  subscribeAssets(ctx);
}

/** An awarded request for quotes that replaces an asset retires it (at least once: retiring twice changes nothing). */
export function subscribeAssets(ctx: ServiceContext): () => void {
  return ctx.events.subscribe('asset-replacement', ['quote_request.awarded'], async (event, trx) => {
    await retireReplacedAsset(trx, event.payload.quoteRequestId, ctx.clock.now());
  });
}

// ---- the manager's view --------------------------------------------------------------------------------

function requirePlan(actor: Actor): void {
  if (!canAsset(actor, 'asset.plan'))
    throw new Forbidden('forbidden', 'The lifecycle view and failure rates are for managers and admins.');
}

/** "P3M" → the moment that far from now (calendar months, UTC), within the bounds; Invalid naming the field otherwise. */
export function windowEnd(now: number, within: string, field = 'querystring/within'): number {
  const d = Duration.fromISO(within.toUpperCase());
  const end = d.isValid ? DateTime.fromMillis(now, { zone: 'utc' }).plus(d).toMillis() : Number.NaN;
  if (!Number.isFinite(end) || end <= now || end - now > lifecycleLimits.withinMaxMs)
    throw new Invalid(
      'validation_failed',
      `${field.split('/').pop()} must be an ISO 8601 duration from P1D to P3Y, such as P3M.`,
      [{ field, message: 'a duration P1D–P3Y' }],
    );
  return end;
}

export interface LifecycleAsset {
  id: number;
  name: string;
  type: AssetType;
  status: string;
  manufacturer: string;
  model: string;
  location: string;
  ownerId: number | null;
  /** Midnight UTC of the warranty's end or the end of life. */
  on: number;
  daysLeft: number;
}

export interface LifecycleLicence {
  assetId: number;
  name: string;
  softwareName: string;
  seats: number;
  used: number;
  expiresOn: number | null;
  overAssigned: boolean;
  expiring: boolean;
}

export interface LifecycleView {
  from: number;
  until: number;
  warrantiesEnding: LifecycleAsset[];
  endOfLife: LifecycleAsset[];
  licences: LifecycleLicence[];
}

export async function lifecycleView(
  ctx: ServiceContext,
  actor: Actor,
  within: string,
): Promise<LifecycleView> {
  requirePlan(actor);
  const now = ctx.clock.now();
  const until = windowEnd(now, within);
  const today = startOfDay(now);
  const ending = async (column: 'warranty_ends_on' | 'end_of_life_on') => {
    const rows = await ctx.db
      .selectFrom('assets')
      .select(['id', 'name', 'type', 'status', 'manufacturer', 'model', 'location', 'owner_id', column])
      .where('status', '!=', 'retired')
      .where('type', 'in', hardwareTypes)
      .where(column, '>=', today)
      .where(column, '<', until)
      .orderBy(column)
      .orderBy('id')
      .limit(lifecycleLimits.itemsMax)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      type: r.type,
      status: r.status,
      manufacturer: r.manufacturer,
      model: r.model,
      location: r.location,
      ownerId: r.owner_id,
      on: Number(r[column]),
      daysLeft: daysLeft(Number(r[column]), now),
    }));
  };
  const expiring = await ctx.db
    .selectFrom('asset_licences as l')
    .innerJoin('assets as a', 'a.id', 'l.asset_id')
    .select(['a.id', 'a.name', 'l.software_name', 'l.seats', 'l.expires_on'])
    .where('a.status', '!=', 'retired')
    .where('l.expires_on', '>=', today)
    .where('l.expires_on', '<', until)
    .orderBy('l.expires_on')
    .limit(lifecycleLimits.itemsMax)
    .execute();
  const over = await overAssignedLicences(ctx);
  const licences = new Map<number, LifecycleLicence>();
  for (const o of over)
    licences.set(o.assetId, {
      ...o,
      overAssigned: true,
      expiring: o.expiresOn !== null && o.expiresOn >= today && o.expiresOn < until,
    });
  const counts = expiring.length
    ? await ctx.db
        .selectFrom('licence_assignments')
        .select(['licence_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where(
          'licence_id',
          'in',
          expiring.map((e) => e.id),
        )
        .groupBy('licence_id')
        .execute()
    : [];
  const used = new Map(counts.map((c) => [c.licence_id, Number(c.n)]));
  for (const e of expiring)
    if (!licences.has(e.id))
      licences.set(e.id, {
        assetId: e.id,
        name: e.name,
        softwareName: e.software_name,
        seats: e.seats,
        used: used.get(e.id) ?? 0,
        expiresOn: Number(e.expires_on),
        overAssigned: false,
        expiring: true,
      });
  return {
    from: now,
    until,
    warrantiesEnding: await ending('warranty_ends_on'),
    endOfLife: await ending('end_of_life_on'),
    licences: [...licences.values()].sort(
      (a, b) =>
        (a.expiresOn ?? Number.MAX_SAFE_INTEGER) - (b.expiresOn ?? Number.MAX_SAFE_INTEGER) ||
        a.assetId - b.assetId,
    ),
  };
}

export interface ModelFailureRate {
  manufacturer: string;
  model: string;
  assets: number;
  /** Tickets naming these assets, opened in the window (an asset and a ticket count once). */
  tickets: number;
  /** Of those, incidents. */
  incidents: number;
  repairs: number;
  /** Incidents, plus repairs not already counted through their incident. */
  failures: number;
  assetYears: number;
  failuresPerAssetYear: number;
}

/**
 * Per model (manufacturer + model) of hardware: its assets, the incidents and tickets that name them and their
 * repairs within the last `months`, and failures per asset-year (each asset counted from its purchase, or its
 * entry in the inventory, or the window's start). Highest rate first; models without exposure are left out.
 */
export async function failureRates(
  ctx: ServiceContext,
  actor: Actor,
  months: number,
): Promise<{ from: number; until: number; models: ModelFailureRate[] }> {
  requirePlan(actor);
  if (!Number.isInteger(months) || months < 1 || months > lifecycleLimits.monthsMax)
    throw new Invalid('validation_failed', `months must be 1–${lifecycleLimits.monthsMax}`, [
      { field: 'querystring/months', message: `1–${lifecycleLimits.monthsMax}` },
    ]);
  const now = ctx.clock.now();
  const from = DateTime.fromMillis(now, { zone: 'utc' }).minus({ months }).toMillis();
  const key = (m: { manufacturer: string; model: string }) => `${m.manufacturer}\u0000${m.model}`;
  const models = new Map<string, ModelFailureRate & { exposureMs: number }>();
  const assets = await ctx.db
    .selectFrom('assets')
    .select(['manufacturer', 'model', 'purchased_on', 'created_at'])
    .where('type', 'in', hardwareTypes)
    .where('model', '!=', '')
    .execute();
  for (const a of assets) {
    const since = Math.max(from, Number(a.purchased_on ?? a.created_at));
    let m = models.get(key(a));
    if (!m) {
      m = {
        manufacturer: a.manufacturer,
        model: a.model,
        assets: 0,
        tickets: 0,
        incidents: 0,
        repairs: 0,
        failures: 0,
        assetYears: 0,
        failuresPerAssetYear: 0,
        exposureMs: 0,
      };
      models.set(key(a), m);
    }
    m.assets++;
    m.exposureMs += Math.max(0, now - since);
  }
  const tickets = await ctx.db
    .selectFrom('asset_tickets as at')
    .innerJoin('tickets as t', 't.id', 'at.ticket_id')
    .innerJoin('assets as a', 'a.id', 'at.asset_id')
    .select(['a.id as asset_id', 'a.manufacturer', 'a.model', 't.id as ticket_id', 't.type'])
    .where('a.type', 'in', hardwareTypes)
    .where('a.model', '!=', '')
    .where('t.created_at', '>=', from)
    .execute();
  const incidentPairs = new Set<string>();
  for (const t of tickets) {
    const m = models.get(key(t));
    if (!m) continue;
    m.tickets++;
    if (t.type === 'incident') {
      m.incidents++;
      m.failures++;
      incidentPairs.add(`${t.asset_id}:${t.ticket_id}`);
    }
  }
  const repairs = await ctx.db
    .selectFrom('asset_repairs as r')
    .innerJoin('assets as a', 'a.id', 'r.asset_id')
    .select(['a.id as asset_id', 'a.manufacturer', 'a.model', 'r.ticket_id'])
    .where('a.type', 'in', hardwareTypes)
    .where('a.model', '!=', '')
    .where('r.opened_at', '>=', from)
    .execute();
  for (const r of repairs) {
    const m = models.get(key(r));
    if (!m) continue;
    m.repairs++;
    if (r.ticket_id === null || !incidentPairs.has(`${r.asset_id}:${r.ticket_id}`)) m.failures++;
  }
  const out: ModelFailureRate[] = [];
  for (const { exposureMs, ...m } of models.values()) {
    if (exposureMs <= 0) continue;
    const years = exposureMs / yearMs;
    out.push({
      ...m,
      assetYears: Math.round(years * 100) / 100,
      failuresPerAssetYear: Math.round((m.failures / years) * 100) / 100,
    });
  }
  out.sort(
    (a, b) =>
      b.failuresPerAssetYear - a.failuresPerAssetYear ||
      b.failures - a.failures ||
      a.manufacturer.localeCompare(b.manufacturer) ||
      a.model.localeCompare(b.model),
  );
  return { from, until: now, models: out.slice(0, lifecycleLimits.modelsMax) };
}
