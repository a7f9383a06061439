// Error patterns as people see them: the mined templates with their counts, severities, hosts, example and rate,
// listed and filtered; a technician names a pattern or merges one into another. A merge points the merged
// template at its survivor (merged_into) and adds its counts, hosts and minutes to the survivor's rows, in one
// audited transaction; ingest then counts the merged template's new records as the survivor's, and its records
// (which keep the miner's id) are read as the survivor's.
import { sql } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import type { Severity } from './log-model.js';
import { refreshIngestSoon } from './log-store.js';
import { absorbPattern } from './pattern-merges.js';
import { requireLogs } from './permissions.js';

export interface PatternView {
  id: string;
  template: string;
  name: string | null;
  mergedInto: string | null;
  count: number;
  firstSeen: number;
  lastSeen: number;
  worstSeverity: number;
  severities: number[];
  topHosts: { host: string; count: number }[];
  example: string;
  /** Records per minute over the last hour. */
  ratePerMinute: number;
  /** Of those, at severity error or worse. */
  errorsLastHour: number;
}

export interface PatternFilter {
  host?: string;
  /** Patterns that have seen any of these severities. */
  severities?: Severity[];
  /** Part of the template's text or name. */
  q?: string;
  /** Last seen at or after. */
  since?: number;
  sort: 'last_seen' | 'count';
  /** Include merged patterns (they are hidden by default: their survivor stands for them). */
  includeMerged?: boolean;
}

export interface PatternPage {
  patterns: PatternView[];
  nextCursor: string | null;
}

const topHostsShown = 5;

function encodeCursor(sortValue: number, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // falls through to the refusal
  }
  throw new Invalid('invalid_cursor', 'The cursor was not issued by this service.', [
    { field: 'cursor', message: 'not a cursor of this list' },
  ]);
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

type TemplateRow = {
  id: string;
  template: string;
  name: string | null;
  merged_into: string | null;
  count: number;
  worst_severity: number;
  severity_mask: number;
  first_seen: number;
  last_seen: number;
  example: string;
};

async function viewsOf(ctx: ServiceContext, rows: TemplateRow[]): Promise<PatternView[]> {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const hourAgo = ctx.clock.now() - 3_600_000;
  const [hosts, minutes] = await Promise.all([
    ctx.db
      .selectFrom('log_template_hosts')
      .select(['template_id', 'host', 'count'])
      .where('template_id', 'in', ids)
      .execute(),
    ctx.db
      .selectFrom('log_template_minutes')
      .select([
        'template_id',
        (eb) => eb.fn.sum<number>('count').as('n'),
        (eb) => eb.fn.sum<number>('errors').as('e'),
      ])
      .where('template_id', 'in', ids)
      .where('minute', '>=', Math.floor(hourAgo / 60_000) * 60_000)
      .groupBy('template_id')
      .execute(),
  ]);
  const hostsOf = new Map<string, { host: string; count: number }[]>();
  for (const h of hosts) {
    const list = hostsOf.get(h.template_id) ?? [];
    list.push({ host: h.host, count: Number(h.count) });
    hostsOf.set(h.template_id, list);
  }
  const rateOf = new Map(minutes.map((m) => [m.template_id, { n: Number(m.n), e: Number(m.e) }]));
  return rows.map((r) => ({
    id: r.id,
    template: r.template,
    name: r.name,
    mergedInto: r.merged_into,
    count: Number(r.count),
    firstSeen: Number(r.first_seen),
    lastSeen: Number(r.last_seen),
    worstSeverity: r.worst_severity,
    severities: [0, 1, 2, 3, 4, 5, 6, 7].filter((s) => (r.severity_mask & (1 << s)) !== 0),
    topHosts: (hostsOf.get(r.id) ?? [])
      .sort((a, b) => b.count - a.count || (a.host < b.host ? -1 : 1))
      .slice(0, topHostsShown),
    example: r.example,
    ratePerMinute: (rateOf.get(r.id)?.n ?? 0) / 60,
    errorsLastHour: rateOf.get(r.id)?.e ?? 0,
  }));
}

const columns = [
  'id',
  'template',
  'name',
  'merged_into',
  'count',
  'worst_severity',
  'severity_mask',
  'first_seen',
  'last_seen',
  'example',
] as const;

export async function listPatterns(
  ctx: ServiceContext,
  actor: Actor,
  filter: PatternFilter,
  page: { cursor?: string; limit: number },
): Promise<PatternPage> {
  requireLogs(actor, 'logs.read');
  const sortColumn = filter.sort === 'count' ? 'count' : 'last_seen';
  let q = ctx.db.selectFrom('log_templates').select(columns);
  if (!filter.includeMerged) q = q.where('merged_into', 'is', null);
  if (filter.host !== undefined) {
    const host = filter.host;
    q = q.where('id', 'in', (eb) =>
      eb.selectFrom('log_template_hosts').select('template_id').where('host', '=', host),
    );
  }
  if (filter.severities?.length) {
    const mask = filter.severities.reduce<number>((m, s) => m | (1 << s), 0);
    q = q.where(sql<boolean>`(severity_mask & ${mask}) <> 0`);
  }
  if (filter.q) {
    const p = likePattern(filter.q);
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(template)`, 'like', sql`${p} escape '\\'`),
        eb(sql`lower(coalesce(name, ''))`, 'like', sql`${p} escape '\\'`),
      ]),
    );
  }
  if (filter.since !== undefined) q = q.where('last_seen', '>=', filter.since);
  if (page.cursor) {
    const [value, id] = decodeCursor(page.cursor);
    q = q.where((eb) =>
      eb.or([eb(sortColumn, '<', value), eb.and([eb(sortColumn, '=', value), eb('id', '>', id)])]),
    );
  }
  const rows = await q
    .orderBy(sortColumn, 'desc')
    .orderBy('id', 'asc')
    .limit(page.limit + 1)
    .execute();
  const shown = rows.slice(0, page.limit) as TemplateRow[];
  const last = shown[shown.length - 1];
  return {
    patterns: await viewsOf(ctx, shown),
    nextCursor: rows.length > page.limit && last ? encodeCursor(Number(last[sortColumn]), last.id) : null,
  };
}

async function readRow(ctx: ServiceContext, id: string): Promise<TemplateRow> {
  const row = await ctx.db
    .selectFrom('log_templates')
    .select(columns)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound('log_pattern_not_found', `No log pattern ${id}.`);
  return row as TemplateRow;
}

export async function getPattern(ctx: ServiceContext, actor: Actor, id: string): Promise<PatternView> {
  requireLogs(actor, 'logs.read');
  return (await viewsOf(ctx, [await readRow(ctx, id)]))[0] as PatternView;
}

/** Name a pattern (null clears the name). */
export async function renamePattern(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  name: string | null,
): Promise<PatternView> {
  requireLogs(actor, 'pattern.manage');
  const clean = name === null ? null : name.trim() || null;
  await ctx.db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('log_templates')
      .select('name')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!before) throw new NotFound('log_pattern_not_found', `No log pattern ${id}.`);
    await trx.updateTable('log_templates').set({ name: clean }).where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: ctx.clock.now(),
      action: 'log_pattern.renamed',
      subjectType: 'log_pattern',
      subjectId: id,
      details: { from: before.name, to: clean },
    });
  });
  return getPattern(ctx, actor, id);
}

/**
 * Merge pattern `id` into `into`: the survivor takes its counts, severities, hosts and per-minute counts, and
 * patterns merged into `id` before now point at the survivor (merges stay one step deep). Refused: a pattern
 * into itself, into a pattern that is merged (it would hide a chain), or into one merged into it (a cycle).
 */
export async function mergePattern(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  into: string,
): Promise<PatternView> {
  requireLogs(actor, 'pattern.manage');
  if (id === into) throw new Conflict('log_pattern_merge_refused', 'A pattern cannot be merged into itself.');
  await ctx.db.transaction().execute(async (trx) => {
    // Both rows locked (PostgreSQL), in id order, so that two merges of the same pair wait for each other.
    const pair = [id, into].sort();
    const rows = ctx.caps.supportsSkipLocked
      ? await trx
          .selectFrom('log_templates')
          .select(columns)
          .where('id', 'in', pair)
          .orderBy('id')
          .forUpdate()
          .execute()
      : await trx.selectFrom('log_templates').select(columns).where('id', 'in', pair).orderBy('id').execute();
    const source = rows.find((r) => r.id === id) as TemplateRow | undefined;
    const target = rows.find((r) => r.id === into) as TemplateRow | undefined;
    if (!source) throw new NotFound('log_pattern_not_found', `No log pattern ${id}.`);
    if (!target) throw new NotFound('log_pattern_not_found', `No log pattern ${into}.`);
    if (source.merged_into !== null)
      throw new Conflict(
        'log_pattern_merge_refused',
        `Pattern ${id} is merged into ${source.merged_into} already.`,
      );
    if (target.merged_into !== null)
      throw new Conflict(
        'log_pattern_merge_refused',
        target.merged_into === id
          ? `Pattern ${into} is merged into ${id}: merging back would make a cycle.`
          : `Pattern ${into} is merged into ${target.merged_into}; merge into that one.`,
      );
    const now = ctx.clock.now();
    await absorbPattern(trx, source, into, now);

    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'log_pattern.merged',
      subjectType: 'log_pattern',
      subjectId: id,
      details: { into, count: Number(source.count) },
    });
  });
  refreshIngestSoon(ctx);
  return getPattern(ctx, actor, into);
}
