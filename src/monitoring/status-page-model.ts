// The shapes status pages share: audiences, announcement impacts and states (with what each impact does to a
// component's shown state), limits, who may read a page, and loading a page by slug or id. status-pages.ts,
// status-incidents.ts and status-subscriptions.ts build on this; it imports none of them.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { Database } from '../core/db/index.js';
import { NotFound } from '../core/errors.js';

type Db = Kysely<Database> | Transaction<Database>;
export type StatusPageRow = Selectable<Database['status_pages']>;

export const statusAudiences = ['public', 'signed_in'] as const;
export type StatusAudience = (typeof statusAudiences)[number];

export const statusImpacts = ['none', 'minor', 'major', 'critical'] as const;
export type StatusImpact = (typeof statusImpacts)[number];

export const statusIncidentStates = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type StatusIncidentState = (typeof statusIncidentStates)[number];

/** What a reader sees for a component, best first. */
export const componentStates = [
  'operational',
  'maintenance',
  'unknown',
  'degraded',
  'partial_outage',
  'major_outage',
] as const;
export type ComponentState = (typeof componentStates)[number];

/** The state an active announcement of this impact shows on its components (none: leaves them as they are). */
export const impactState: Record<StatusImpact, ComponentState | null> = {
  none: null,
  minor: 'degraded',
  major: 'partial_outage',
  critical: 'major_outage',
};

/** The worse of two states (an announcement overrides a target's state only to make it worse or to explain it). */
export function worseState(a: ComponentState, b: ComponentState): ComponentState {
  return componentStates.indexOf(a) >= componentStates.indexOf(b) ? a : b;
}

export const statusPageLimits = {
  slug: 60,
  title: 200,
  description: 2000,
  components: 200,
  displayName: 120,
  section: 120,
  incidentTitle: 200,
  message: 5000,
  /** Past announcements shown in a page's history. */
  history: 50,
  /** Days of uptime bars. */
  uptimeDays: 90,
  /** Subscriptions one page may hold: a bound on what an anonymous crowd can make it send. */
  subscriptionsPerPage: 10_000,
  /** Subscription requests per client address per minute, and per page per minute. */
  subscribesPerAddressPerMinute: 5,
  subscribesPerPagePerMinute: 60,
} as const;

export const slugPattern = '^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$';

/** Who may read a page: anyone a public one, any signed-in user a signed-in one. */
export function canSeeStatusPage(actor: Pick<Actor, 'role'> | null, audience: StatusAudience): boolean {
  return audience === 'public' || actor !== null;
}

export async function loadPageById(db: Db, id: number): Promise<StatusPageRow> {
  const row = await db.selectFrom('status_pages').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('status_page_not_found', `There is no status page ${id}.`);
  return row;
}

/** A page by slug, as the reader may see it: a page hidden from them is as absent as a missing one (404). */
export async function loadVisiblePage(db: Db, actor: Actor | null, slug: string): Promise<StatusPageRow> {
  const row = await db.selectFrom('status_pages').selectAll().where('slug', '=', slug).executeTakeFirst();
  if (!row || !canSeeStatusPage(actor, row.audience))
    throw new NotFound('status_page_not_found', `There is no status page "${slug.slice(0, 60)}".`);
  return row;
}

/** The public address of a page, for mails and webhooks (a path when OPSDESK_PUBLIC_URL is not set). */
export function pageUrl(publicUrl: string | null, slug: string, query = ''): string {
  return `${publicUrl?.replace(/\/+$/, '') ?? ''}/status/${encodeURIComponent(slug)}${query}`;
}
