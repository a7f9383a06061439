// The help desk's service agreement as a policy page the service writes itself: its Markdown is generated from
// the SLA policies (targets per priority and calendar) and their calendars (business hours, holidays, time
// zone), and regenerated — a new version by no one, 'Regenerated from the SLA policies' — whenever the
// generated text differs from the stored one: on read of the page and from the knowledge job.
import type { Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import { type Actor, systemActor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { listCategories } from '../helpdesk/index.js';
import { type Calendar, listCalendars, listPolicies, type SlaPolicy } from '../sla/index.js';
import { getRenderedArticle, indexArticle, writeVersion } from './articles.js';
import { changingSuggestions } from './suggestion-index.js';

type Trx = Transaction<Database>;

/** The `generated` key of the page. */
export const serviceAgreementKey = 'service_agreement';
export const serviceAgreementTitle = 'Help desk service agreement';
const regeneratedNote = 'Regenerated from the SLA policies';

// The SLA face asks who reads; the page is written by the service, which reads every policy.
const slaReader = systemActor(0);

const priorityNames: Record<number, string> = {
  1: 'very low',
  2: 'low',
  3: 'medium',
  4: 'high',
  5: 'very high',
};
const weekdays = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const targetNames = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
} as const;

/** Business minutes as people say them: "30 minutes", "4 hours", "1 hour 30 minutes". */
export function spokenDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (h === 0) return part(m, 'minute');
  return m === 0 ? part(h, 'hour') : `${part(h, 'hour')} ${part(m, 'minute')}`;
}

/** Markdown's table cells and inline text: names come from admins, so their markup is neutralised. */
function cell(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
}

function appliesTo(p: SlaPolicy, categories: Map<number, string>): string {
  const parts: string[] = [];
  const c = p.conditions;
  if (c.priorities?.length)
    parts.push(
      `priority ${c.priorities
        .slice()
        .sort((a, b) => b - a)
        .map((n) => `${n} (${priorityNames[n] ?? 'unknown'})`)
        .join(', ')}`,
    );
  if (c.types?.length) parts.push(`tickets of type ${c.types.map((t) => t.replace('_', ' ')).join(', ')}`);
  if (c.categoryIds?.length)
    parts.push(
      `the categories ${c.categoryIds.map((id) => cell(categories.get(id) ?? `#${id}`)).join(', ')}`,
    );
  if (c.requesterGroupIds?.length) parts.push('requesters of certain groups');
  return parts.length === 0 ? 'every ticket' : parts.join('; ');
}

/** The page's Markdown from the SLA policies and calendars; `year`: holidays before it are left out. */
export function serviceAgreementMarkdown(
  policies: readonly SlaPolicy[],
  calendars: readonly Calendar[],
  categories: Map<number, string>,
  year: number,
): string {
  const active = policies.filter((p) => p.active);
  const calendarById = new Map(calendars.map((c) => [c.id, c]));
  const hoursName = (id: number | null) => {
    if (id === null) return 'around the clock';
    const c = calendarById.get(id);
    return c ? cell(c.name) : 'around the clock';
  };
  const out: string[] = [
    `# ${serviceAgreementTitle}`,
    '',
    'What the help desk promises: how soon it first answers a request, how soon it answers again, and how soon it',
    'resolves it. The times count only within the business hours named beside each target; waiting on you does',
    'not count against resolution. This page is written by the help desk from its SLA policies and changes when',
    'they do.',
    '',
    '## Targets',
    '',
  ];
  if (active.length === 0) out.push('No service levels are set at present.', '');
  else
    out.push(
      'The first row of these that fits a request sets its targets (they are tried in this order).',
      '',
    );
  const usedCalendars = new Set<number>();
  for (const p of active) {
    out.push(`### ${cell(p.name)}`, '', `Applies to ${appliesTo(p, categories)}.`, '');
    out.push('| Target | Within | Counted in |', '| --- | --- | --- |');
    for (const key of ['first_response', 'next_response', 'resolution'] as const) {
      const t = p.targets[key];
      if (!t) continue;
      if (t.calendarId !== null && calendarById.has(t.calendarId)) usedCalendars.add(t.calendarId);
      out.push(`| ${targetNames[key]} | ${spokenDuration(t.minutes)} | ${hoursName(t.calendarId)} |`);
    }
    out.push('');
  }
  const shown = calendars.filter((c) => usedCalendars.has(c.id));
  if (shown.length > 0) out.push('## Business hours', '');
  for (const c of shown) {
    out.push(`### ${cell(c.name)}`, '', `Time zone: ${cell(c.timeZone)}.`, '');
    if (c.alwaysOpen) out.push('Open around the clock.', '');
    else {
      out.push('| Day | Hours |', '| --- | --- |');
      for (let day = 1; day <= 7; day++) {
        const spans = c.hours
          .filter((h) => Number(h.day) === day)
          .sort((a, b) => a.start.localeCompare(b.start))
          .map((h) => `${h.start}–${h.end}`);
        out.push(`| ${weekdays[day]} | ${spans.length > 0 ? spans.join(', ') : 'closed'} |`);
      }
      out.push('');
    }
    const holidays = c.holidays
      .filter((h) => h.yearly || Number(h.date.slice(0, 4)) >= year)
      .sort((a, b) =>
        (a.yearly ? a.date.slice(5) : a.date).localeCompare(b.yearly ? b.date.slice(5) : b.date),
      );
    if (holidays.length > 0) {
      out.push('Closed on these holidays:', '');
      for (const h of holidays)
        out.push(`- ${h.yearly ? `every ${h.date.slice(5)} (month-day)` : h.date}: ${cell(h.name)}`);
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** What the page should say now. */
async function currentMarkdown(ctx: ServiceContext): Promise<string> {
  const [policies, calendars, categories] = await Promise.all([
    listPolicies(ctx, slaReader),
    listCalendars(ctx, slaReader),
    listCategories(ctx),
  ]);
  const year = new Date(ctx.clock.now()).getUTCFullYear();
  return serviceAgreementMarkdown(policies, calendars, new Map(categories.map((c) => [c.id, c.name])), year);
}

/** Create the page (published, public, a policy), once: of two instances racing, the unique key keeps one. */
async function createAgreement(ctx: ServiceContext, trx: Trx, body: string): Promise<void> {
  const now = ctx.clock.now();
  const row = {
    kind: 'policy' as const,
    audience: 'public' as const,
    status: 'published' as const,
    title: serviceAgreementTitle,
    body,
    category_id: null,
    tag_text: 'sla service-agreement',
    version: 1,
    created_by: null,
    updated_by: null,
    created_at: now,
    updated_at: now,
    published_at: now,
    owner_id: null,
    effective_at: now,
    review_interval_days: null,
    next_review_at: null,
    last_reviewed_at: null,
    reminded_for: null,
    requires_ack: 0,
    generated: serviceAgreementKey,
    source_ticket_id: null,
  };
  const made = await trx
    .insertInto('articles')
    .values(row)
    .onConflict((oc) => oc.column('generated').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!made) return;
  await trx
    .insertInto('article_tags')
    .values(row.tag_text.split(' ').map((tag) => ({ article_id: made.id, tag })))
    .execute();
  await indexArticle(ctx, trx, made.id, row, false);
  await writeVersion(ctx, trx, { id: made.id, ...row }, null, regeneratedNote, now);
  await recordAudit(trx, {
    actorId: null,
    at: now,
    action: 'article.created',
    subjectType: 'article',
    subjectId: made.id,
    details: {
      title: row.title,
      kind: row.kind,
      audience: row.audience,
      status: row.status,
      generated: true,
    },
  });
}

/**
 * Make the page say what the SLA policies say: create it when missing, write a new version when the generated
 * text differs from the stored body (nothing when it is the same). Returns the page's id.
 */
export async function refreshServiceAgreement(ctx: ServiceContext): Promise<number> {
  const body = await currentMarkdown(ctx);
  const stored = await ctx.db
    .selectFrom('articles')
    .select(['id', 'body'])
    .where('generated', '=', serviceAgreementKey)
    .executeTakeFirst();
  if (stored && stored.body === body) return stored.id;
  return changingSuggestions(ctx, async (trx) => {
    let q = trx.selectFrom('articles').selectAll().where('generated', '=', serviceAgreementKey);
    if (ctx.caps.supportsSkipLocked) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) {
      await createAgreement(ctx, trx, body);
      const made = await trx
        .selectFrom('articles')
        .select('id')
        .where('generated', '=', serviceAgreementKey)
        .executeTakeFirstOrThrow();
      return made.id;
    }
    // Another instance may have written the same text meanwhile.
    if (row.body === body) return row.id;
    const now = ctx.clock.now();
    const version = row.version + 1;
    await trx
      .updateTable('articles')
      .set({ body, version, updated_by: null, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    await indexArticle(ctx, trx, row.id, { ...row, body }, true);
    await writeVersion(ctx, trx, { ...row, body, version }, null, regeneratedNote, now);
    await recordAudit(trx, {
      actorId: null,
      at: now,
      action: 'article.regenerated',
      subjectType: 'article',
      subjectId: row.id,
      details: { version, from: 'sla_policies' },
    });
    return row.id;
  });
}

/** The service agreement as the reader may read it, current and rendered (created on first call). */
export async function getServiceAgreement(ctx: ServiceContext, actor: Actor) {
  const id = await refreshServiceAgreement(ctx);
  return getRenderedArticle(ctx, actor, id);
}

/**
 * An article rendered, kept true first when it is a generated page: the read of any other article costs
 * nothing more (the check is on the row already read).
 */
export async function getCurrentRenderedArticle(ctx: ServiceContext, actor: Actor, id: number) {
  const r = await getRenderedArticle(ctx, actor, id);
  if (r.article.generated !== serviceAgreementKey) return r;
  await refreshServiceAgreement(ctx);
  return getRenderedArticle(ctx, actor, id);
}
