// Status pages (issue 11 item 9, as Uptime Kuma and OneUptime offer them): the managers' pages with their
// components (a monitoring target under a display name, in sections, optionally mapped to a help desk category),
// the readers' view (each component's state — the target's, unless an active announcement's impact overrides it —,
// 90-day uptime bars, active announcements with their updates, scheduled maintenance, past announcements), and the
// portal banner: the active announcements a signed-in user may see, so requesters do not file duplicates.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import type { JobScheduler } from '../core/jobs.js';
import { formatMailTime, mailText } from '../mail/index.js';
import { nextOccurrence } from './maintenance-occurrences.js';
import { requireMonitor } from './permissions.js';
import { linkNewTicket, readStatusIncidents, type StatusIncident } from './status-incidents.js';
import {
  type ComponentState,
  canSeeStatusPage,
  impactState,
  loadPageById,
  loadVisiblePage,
  type StatusAudience,
  type StatusImpact,
  type StatusIncidentState,
  type StatusPageRow,
  slugPattern,
  statusPageLimits,
  worseState,
} from './status-page-model.js';
import { notifySubscribers, subscriptionCounts } from './status-subscriptions.js';
import { dailyUptime } from './target-status.js';

export interface ComponentInput {
  /** An existing component's id keeps it (and the announcements that name it); without, a new one. */
  id?: number;
  targetId: number;
  displayName: string;
  section?: string;
  categoryId?: number | null;
}

export interface StatusPageInput {
  slug: string;
  title: string;
  description?: string;
  audience: StatusAudience;
  timeZone?: string;
  components?: ComponentInput[];
}

export type StatusPageChanges = Partial<StatusPageInput>;

export interface StatusComponent {
  id: number;
  targetId: number;
  targetName: string;
  displayName: string;
  section: string;
  position: number;
  categoryId: number | null;
}

export interface StatusPage {
  id: number;
  slug: string;
  title: string;
  description: string;
  audience: StatusAudience;
  timeZone: string;
  components: StatusComponent[];
  subscribers: { mail: number; mailPending: number; webhook: number };
  activeIncidents: number;
  createdAt: number;
  updatedAt: number;
}

export interface ComponentView {
  id: number;
  name: string;
  state: ComponentState;
  /** Per day, oldest first, the fraction up (0–1), null when not monitored; null when uptime is unavailable. */
  uptime: (number | null)[] | null;
  /** Over the days monitored; null when none. */
  uptimePercent: number | null;
}

export interface MaintenanceView {
  id: number;
  name: string;
  description: string;
  startsAt: number;
  endsAt: number | null;
  componentIds: number[];
  current: boolean;
}

export interface StatusPageView {
  slug: string;
  title: string;
  description: string;
  audience: StatusAudience;
  timeZone: string;
  /** The worst component state. */
  overall: ComponentState;
  sections: { name: string; components: ComponentView[] }[];
  activeIncidents: StatusIncident[];
  maintenance: MaintenanceView[];
  history: StatusIncident[];
  /** The first day of the uptime bars, and how many. */
  uptimeDays: number;
  generatedAt: number;
}

export interface BannerItem {
  id: number;
  pageSlug: string;
  pageTitle: string;
  title: string;
  impact: StatusImpact;
  state: StatusIncidentState;
  components: string[];
  startedAt: number;
  lastUpdate: { message: string; at: number } | null;
}

/** What a view needs from the targets part (a port, so a test can serve uptime without the checks running). */
export interface StatusPagePorts {
  dailyUptime: typeof dailyUptime;
}

/** The context's ports: the targets part's functions unless a test (or a demo) gave its own. */
const contextPorts = defineLocalCache('status_page_ports', (): StatusPagePorts => ({ dailyUptime }));

/** Serve a context's status pages from other ports (tests and browser tests, before the targets part lands). */
export function setStatusPagePorts(ctx: ServiceContext, ports: StatusPagePorts): void {
  Object.assign(ctx.caches.local(contextPorts), ports);
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

async function checkReferences(
  db: Kysely<Database>,
  input: { slug?: string; components?: ComponentInput[]; timeZone?: string },
) {
  if (input.slug !== undefined && !new RegExp(slugPattern).test(input.slug))
    throw new Invalid('validation_failed', 'A slug is lower-case letters, digits and inner hyphens.', [
      { field: '/slug', message: `must match ${slugPattern}` },
    ]);
  if (input.timeZone !== undefined && !validZone(input.timeZone))
    throw new Invalid('validation_failed', `${input.timeZone.slice(0, 60)} is not an IANA time zone.`, [
      { field: '/timeZone', message: 'is not an IANA time zone' },
    ]);
  const components = input.components ?? [];
  if (components.length > statusPageLimits.components)
    throw new Invalid(
      'validation_failed',
      `A page holds at most ${statusPageLimits.components} components.`,
      [{ field: '/components', message: `at most ${statusPageLimits.components}` }],
    );
  const targetIds = [...new Set(components.map((c) => c.targetId))];
  const categoryIds = [...new Set(components.flatMap((c) => (c.categoryId ? [c.categoryId] : [])))];
  const targets = targetIds.length
    ? await db.selectFrom('monitoring_targets').select('id').where('id', 'in', targetIds).execute()
    : [];
  const categories = categoryIds.length
    ? await db.selectFrom('categories').select('id').where('id', 'in', categoryIds).execute()
    : [];
  const missingTarget = targetIds.find((id) => !targets.some((t) => t.id === id));
  if (missingTarget !== undefined)
    throw new Invalid('invalid_status_page', `There is no monitoring target ${missingTarget}.`, [
      {
        field: `/components/${components.findIndex((c) => c.targetId === missingTarget)}/targetId`,
        message: 'no such target',
      },
    ]);
  const missingCategory = categoryIds.find((id) => !categories.some((c) => c.id === id));
  if (missingCategory !== undefined)
    throw new Invalid('invalid_status_page', `There is no category ${missingCategory}.`, [
      {
        field: `/components/${components.findIndex((c) => c.categoryId === missingCategory)}/categoryId`,
        message: 'no such category',
      },
    ]);
}

async function slugTaken(db: Kysely<Database>, slug: string, exceptId: number | null): Promise<boolean> {
  let q = db.selectFrom('status_pages').select('id').where('slug', '=', slug);
  if (exceptId !== null) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

async function readPage(db: Kysely<Database>, row: StatusPageRow): Promise<StatusPage> {
  const components = await db
    .selectFrom('status_page_components as c')
    .innerJoin('monitoring_targets as t', 't.id', 'c.target_id')
    .select([
      'c.id',
      'c.target_id',
      't.name as target_name',
      'c.display_name',
      'c.section',
      'c.position',
      'c.category_id',
    ])
    .where('c.page_id', '=', row.id)
    .orderBy('c.position')
    .execute();
  const active = await db
    .selectFrom('status_incidents')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('page_id', '=', row.id)
    .where('resolved_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    audience: row.audience,
    timeZone: row.time_zone,
    components: components.map((c) => ({
      id: c.id,
      targetId: c.target_id,
      targetName: c.target_name,
      displayName: c.display_name,
      section: c.section,
      position: c.position,
      categoryId: c.category_id,
    })),
    subscribers: await subscriptionCounts(db, row.id),
    activeIncidents: Number(active.n),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listStatusPages(ctx: ServiceContext, actor: Actor): Promise<StatusPage[]> {
  requireMonitor(actor, 'statuspage.manage');
  const rows = await ctx.db.selectFrom('status_pages').selectAll().orderBy('title').orderBy('id').execute();
  return Promise.all(rows.map((r) => readPage(ctx.db, r)));
}

export async function getStatusPage(ctx: ServiceContext, actor: Actor, id: number): Promise<StatusPage> {
  requireMonitor(actor, 'statuspage.manage');
  return readPage(ctx.db, await loadPageById(ctx.db, id));
}

/** Replace a page's components: those named by id are kept and changed, the rest deleted, new ones added. */
async function writeComponents(
  trx: Kysely<Database>,
  pageId: number,
  components: ComponentInput[],
): Promise<void> {
  const existing = await trx
    .selectFrom('status_page_components')
    .select('id')
    .where('page_id', '=', pageId)
    .execute();
  const keep = new Set(components.flatMap((c) => (c.id ? [c.id] : [])));
  const unknown = [...keep].find((id) => !existing.some((e) => e.id === id));
  if (unknown !== undefined)
    throw new Invalid('invalid_status_page', `Component ${unknown} is not one of this page’s.`, [
      {
        field: `/components/${components.findIndex((c) => c.id === unknown)}/id`,
        message: 'not a component of this page',
      },
    ]);
  const gone = existing.filter((e) => !keep.has(e.id)).map((e) => e.id);
  if (gone.length) await trx.deleteFrom('status_page_components').where('id', 'in', gone).execute();
  for (const [position, c] of components.entries()) {
    const values = {
      target_id: c.targetId,
      display_name: c.displayName.trim(),
      section: (c.section ?? '').trim(),
      position,
      category_id: c.categoryId ?? null,
    };
    if (c.id) await trx.updateTable('status_page_components').set(values).where('id', '=', c.id).execute();
    else
      await trx
        .insertInto('status_page_components')
        .values({ ...values, page_id: pageId })
        .execute();
  }
}

export async function createStatusPage(
  ctx: ServiceContext,
  actor: Actor,
  input: StatusPageInput,
): Promise<StatusPage> {
  requireMonitor(actor, 'statuspage.manage');
  await checkReferences(ctx.db, input);
  if ((input.components ?? []).some((c) => c.id))
    throw new Invalid('invalid_status_page', 'A new page has no components to keep: leave out their ids.', [
      { field: '/components', message: 'ids are for existing components' },
    ]);
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    if (await slugTaken(trx, input.slug, null))
      throw new Conflict(
        'status_page_slug_taken',
        `Another status page already has the slug "${input.slug}".`,
      );
    const row = await trx
      .insertInto('status_pages')
      .values({
        slug: input.slug,
        title: input.title.trim(),
        description: (input.description ?? '').trim(),
        audience: input.audience,
        time_zone: input.timeZone ?? 'UTC',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeComponents(trx, row.id, input.components ?? []);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.status_page.created',
      subjectType: 'status_page',
      subjectId: row.id,
      details: { ...input },
    });
    return row.id;
  });
  return getStatusPage(ctx, actor, id);
}

export async function updateStatusPage(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  changes: StatusPageChanges,
): Promise<StatusPage> {
  requireMonitor(actor, 'statuspage.manage');
  await checkReferences(ctx.db, changes);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const page = await loadPageById(trx, id);
    if (changes.slug !== undefined && (await slugTaken(trx, changes.slug, page.id)))
      throw new Conflict(
        'status_page_slug_taken',
        `Another status page already has the slug "${changes.slug}".`,
      );
    await trx
      .updateTable('status_pages')
      .set({
        ...(changes.slug !== undefined ? { slug: changes.slug } : {}),
        ...(changes.title !== undefined ? { title: changes.title.trim() } : {}),
        ...(changes.description !== undefined ? { description: changes.description.trim() } : {}),
        ...(changes.audience !== undefined ? { audience: changes.audience } : {}),
        ...(changes.timeZone !== undefined ? { time_zone: changes.timeZone } : {}),
        updated_at: now,
      })
      .where('id', '=', page.id)
      .execute();
    if (changes.components) await writeComponents(trx, page.id, changes.components);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.status_page.updated',
      subjectType: 'status_page',
      subjectId: page.id,
      details: Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
    });
  });
  return getStatusPage(ctx, actor, id);
}

export async function deleteStatusPage(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  requireMonitor(actor, 'statuspage.manage');
  await ctx.db.transaction().execute(async (trx) => {
    const page = await loadPageById(trx, id);
    await trx.deleteFrom('status_pages').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: ctx.clock.now(),
      action: 'monitoring.status_page.deleted',
      subjectType: 'status_page',
      subjectId: id,
      details: { slug: page.slug, title: page.title },
    });
  });
}

function targetState(state: 'pending' | 'up' | 'down' | 'paused'): ComponentState {
  return state === 'up' ? 'operational' : state === 'down' ? 'major_outage' : 'unknown';
}

/** How far ahead a page lists scheduled maintenance. */
const maintenanceHorizonMs = 30 * 86_400_000;

/**
 * Maintenance windows covering the page's targets, current or upcoming within the horizon (a recurring window as
 * its current or next occurrence), each with the components it covers, soonest first.
 */
async function pageMaintenance(
  ctx: ServiceContext,
  db: Kysely<Database> | Transaction<Database>,
  components: { id: number; target_id: number }[],
  now: number,
): Promise<MaintenanceView[]> {
  if (components.length === 0) return [];
  const rows = await db
    .selectFrom('monitoring_maintenance_windows')
    .selectAll()
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .where('starts_at', '<=', now + maintenanceHorizonMs)
    .orderBy('starts_at')
    .limit(500)
    .execute();
  const views: MaintenanceView[] = [];
  for (const w of rows) {
    let ids: number[];
    try {
      ids = JSON.parse(w.target_ids) as number[];
    } catch (err) {
      // One bad row must not take every status page down: it is left out, and said so.
      ctx.log.warn(
        { err, windowId: w.id, reason: 'unreadable_target_ids' },
        'maintenance window left off status pages',
      );
      continue;
    }
    const covered = components.filter((c) => ids.length === 0 || ids.includes(c.target_id)).map((c) => c.id);
    if (covered.length === 0) continue;
    let occurrence: ReturnType<typeof nextOccurrence>;
    try {
      occurrence = nextOccurrence(w, now, now + maintenanceHorizonMs);
    } catch (err) {
      ctx.log.warn(
        { err, windowId: w.id, reason: 'unreadable_rrule' },
        'maintenance window left off status pages',
      );
      continue;
    }
    if (!occurrence) continue;
    views.push({
      id: w.id,
      name: w.name,
      description: w.description,
      startsAt: occurrence.startsAt,
      endsAt: occurrence.endsAt,
      componentIds: covered,
      current: occurrence.startsAt <= now,
    });
  }
  return views.sort((a, b) => a.startsAt - b.startsAt).slice(0, 20);
}

/** The readers' view of a page (404 to a reader who may not see it). */
export async function viewStatusPage(
  ctx: ServiceContext,
  actor: Actor | null,
  slug: string,
  ports: StatusPagePorts = ctx.caches.local(contextPorts),
): Promise<StatusPageView> {
  const page = await loadVisiblePage(ctx.db, actor, slug);
  const now = ctx.clock.now();
  const components = await ctx.db
    .selectFrom('status_page_components as c')
    .innerJoin('monitoring_targets as t', 't.id', 'c.target_id')
    .select(['c.id', 'c.target_id', 'c.display_name', 'c.section', 't.state'])
    .where('c.page_id', '=', page.id)
    .orderBy('c.position')
    .execute();
  const [active, history, maintenance] = await Promise.all([
    readStatusIncidents(ctx.db, { pageIds: [page.id], active: true, limit: 100 }),
    readStatusIncidents(ctx.db, { pageIds: [page.id], active: false, limit: statusPageLimits.history }),
    pageMaintenance(ctx, ctx.db, components, now),
  ]);
  const days = statusPageLimits.uptimeDays;
  let uptime: Map<number, (number | null)[]> | null = null;
  const targetIds = [...new Set(components.map((c) => c.target_id))];
  if (targetIds.length > 0) {
    try {
      uptime = await ports.dailyUptime(ctx, targetIds, now, days, page.time_zone);
    } catch (err) {
      // A page still shows states and announcements when uptime cannot be read; the bars say "unavailable".
      ctx.log.warn({ err, page: page.slug, reason: 'uptime_unavailable' }, 'status page uptime unavailable');
    }
  }
  const views = components.map((c): ComponentView & { section: string } => {
    let state = targetState(c.state);
    if (maintenance.some((m) => m.current && m.componentIds.includes(c.id))) state = 'maintenance';
    // An active announcement's impact overrides the target's state: the manager knows more than the probe.
    let announced: ComponentState | null = null;
    for (const i of active) {
      const s = impactState[i.impact];
      if (s && i.componentIds.includes(c.id)) announced = announced ? worseState(announced, s) : s;
    }
    if (announced) state = announced;
    const bars = uptime?.get(c.target_id) ?? null;
    const known = bars?.filter((d): d is number => d !== null) ?? [];
    return {
      id: c.id,
      name: c.display_name,
      section: c.section,
      state,
      uptime: bars,
      uptimePercent: known.length ? (known.reduce((a, b) => a + b, 0) / known.length) * 100 : null,
    };
  });
  const sections: StatusPageView['sections'] = [];
  for (const v of views) {
    let s = sections.find((x) => x.name === v.section);
    if (!s) {
      s = { name: v.section, components: [] };
      sections.push(s);
    }
    const { section: _section, ...component } = v;
    s.components.push(component);
  }
  return {
    slug: page.slug,
    title: page.title,
    description: page.description,
    audience: page.audience,
    timeZone: page.time_zone,
    overall: views.reduce<ComponentState>((worst, v) => worseState(worst, v.state), 'operational'),
    sections,
    activeIncidents: active,
    maintenance,
    history,
    uptimeDays: days,
    generatedAt: now,
  };
}

/** The portal banner: the active announcements of every page the user may see, newest first. */
export async function portalBanner(ctx: ServiceContext, actor: Actor): Promise<BannerItem[]> {
  const pages = (await ctx.db.selectFrom('status_pages').selectAll().execute()).filter((p) =>
    canSeeStatusPage(actor, p.audience),
  );
  const incidents = await readStatusIncidents(ctx.db, {
    pageIds: pages.map((p) => p.id),
    active: true,
    limit: 20,
  });
  const componentIds = [...new Set(incidents.flatMap((i) => i.componentIds))];
  const names = componentIds.length
    ? await ctx.db
        .selectFrom('status_page_components')
        .select(['id', 'display_name'])
        .where('id', 'in', componentIds)
        .execute()
    : [];
  return incidents.map((i) => {
    const page = pages.find((p) => p.id === i.pageId) as StatusPageRow;
    return {
      id: i.id,
      pageSlug: page.slug,
      pageTitle: page.title,
      title: i.title,
      impact: i.impact,
      state: i.state,
      components: i.componentIds.flatMap((c) => names.filter((n) => n.id === c).map((n) => n.display_name)),
      startedAt: i.startedAt,
      lastUpdate: i.updates[0] ? { message: i.updates[0].message, at: i.updates[0].at } : null,
    };
  });
}

/**
 * Tell a page's subscribers about a maintenance window that covers its components (managers). Announcing the same
 * window again sends nothing new unless the window changed since (its updated_at is part of the notice's key).
 */
export async function announceMaintenance(
  ctx: ServiceContext,
  actor: Actor,
  pageId: number,
  windowId: number,
): Promise<{ queued: number }> {
  requireMonitor(actor, 'statuspage.manage');
  const queued = await ctx.db.transaction().execute(async (trx) => {
    const page = await loadPageById(trx, pageId);
    const components = await trx
      .selectFrom('status_page_components')
      .select(['id', 'target_id'])
      .where('page_id', '=', page.id)
      .orderBy('position')
      .execute();
    const [window] = (await pageMaintenance(ctx, trx, components, ctx.clock.now())).filter(
      (m) => m.id === windowId,
    );
    if (!window)
      throw new NotFound(
        'status_maintenance_not_found',
        `Maintenance window ${windowId} is not a current or upcoming window covering this page's components.`,
      );
    const row = await trx
      .selectFrom('monitoring_maintenance_windows')
      .select('updated_at')
      .where('id', '=', windowId)
      .executeTakeFirstOrThrow();
    const displayNames = (
      await trx
        .selectFrom('status_page_components')
        .select('display_name')
        .where('id', 'in', window.componentIds)
        .orderBy('position')
        .execute()
    ).map((c) => c.display_name);
    await recordAudit(trx, {
      actorId: actor.id,
      at: ctx.clock.now(),
      action: 'monitoring.status_maintenance.announced',
      subjectType: 'status_page',
      subjectId: page.id,
      details: { windowId, name: window.name },
    });
    return notifySubscribers(ctx, trx, page, {
      key: `maintenance.${windowId}.${row.updated_at}`,
      kind: 'maintenance.announced',
      // The window's span in the subscriber's zone and language.
      words: ({ language, timeZone }) => {
        const span = `${formatMailTime(window.startsAt, language, timeZone)}${window.endsAt ? ` – ${formatMailTime(window.endsAt, language, timeZone)}` : ''}`;
        return {
          subject: mailText(language, 'statusPage.maintenance.subject', { name: window.name }),
          text: `${window.name} (${displayNames.join(', ')})\n${span}${window.description ? `\n\n${window.description}` : ''}`,
        };
      },
      details: {
        maintenance: {
          id: window.id,
          name: window.name,
          description: window.description,
          startsAt: new Date(window.startsAt).toISOString(),
          endsAt: window.endsAt === null ? null : new Date(window.endsAt).toISOString(),
          components: displayNames,
        },
      },
    });
  });
  ctx.deliveries?.nudge();
  return { queued };
}

/** Wiring: a requester's new ticket about an affected component is linked to the active announcement. */
export function registerStatusPages(ctx: ServiceContext, _jobs: JobScheduler): void {
  if (ctx.events.subscriberNames().includes('status-pages.tickets')) return;
  ctx.events.subscribe(
    'status-pages.tickets',
    ['ticket.created'],
    async (event, trx) => {
      await linkNewTicket(ctx, event, trx);
    },
    { wants: (event) => event.payload.ticket.categoryId !== null },
  );
}
