// Per-pattern rates: records per minute from log_template_minutes, in buckets of a chosen step, for the API and
// the web's sparklines, and the minute counts that spike detection reads. A merged pattern's minutes count for its
// survivor (log_templates.merged_into, followed to the end of a chain), as the store reads a merged pattern's
// records as the survivor's.
import type { Kysely } from 'kysely';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Invalid } from '../core/errors.js';

export const minuteMs = 60_000;

export const patternRateLimits = {
  /** Buckets in one answer (a day at one minute, a week at ten). */
  buckets: 1440,
  /** Patterns in one answer. */
  patterns: 100,
} as const;

/** Which pattern a template's counts belong to now: itself, or the end of its merged_into chain. */
export type SurvivorOf = (templateId: string) => string;

/** The merged templates and where they went, as a lookup (merges are few next to templates). */
export async function loadSurvivors(db: Kysely<Database>): Promise<{
  survivorOf: SurvivorOf;
  /** Survivor → the templates whose counts are its own (itself included). */
  membersOf: (survivorId: string) => string[];
}> {
  const rows = await db
    .selectFrom('log_templates')
    .select(['id', 'merged_into'])
    .where('merged_into', 'is not', null)
    .execute();
  const next = new Map(rows.map((r) => [r.id, r.merged_into as string]));
  const survivorOf: SurvivorOf = (id) => {
    let at = id;
    // A chain A → B → C counts for C; a cycle (never written, but a bad merge must not hang us) stops where it closes.
    for (let hops = 0; next.has(at) && hops < 64; hops++) at = next.get(at) as string;
    return at;
  };
  const members = new Map<string, string[]>();
  for (const id of next.keys()) {
    const s = survivorOf(id);
    members.set(s, [...(members.get(s) ?? []), id]);
  }
  return { survivorOf, membersOf: (s) => [s, ...(members.get(s) ?? [])] };
}

export interface MinuteCount {
  count: number;
  errors: number;
}

/**
 * Minute counts per surviving pattern over ranges of [from, to) (minute starts; ranges must not overlap), optionally
 * only for some patterns (their merged templates included). Minutes without records are absent.
 */
export async function minuteCounts(
  ctx: Pick<ServiceContext, 'db'>,
  options: { ranges: { from: number; to: number }[]; ids?: readonly string[] },
): Promise<Map<string, Map<number, MinuteCount>>> {
  const out = new Map<string, Map<number, MinuteCount>>();
  if (options.ranges.length === 0 || (options.ids && options.ids.length === 0)) return out;
  const { survivorOf, membersOf } = await loadSurvivors(ctx.db);
  const templateIds = options.ids ? [...new Set(options.ids.flatMap((id) => membersOf(id)))] : undefined;
  // One query per range: each is a seek on (template_id, minute) per pattern, where an OR of ranges sends the
  // planner to the minute index and through every pattern's rows.
  const rows = [];
  for (const range of options.ranges)
    rows.push(
      ...(await ctx.db
        .selectFrom('log_template_minutes')
        .select(['template_id', 'minute', 'count', 'errors'])
        .where('minute', '>=', range.from)
        .where('minute', '<', range.to)
        .$if(templateIds !== undefined, (q) => q.where('template_id', 'in', templateIds as string[]))
        .execute()),
    );
  for (const r of rows) {
    const id = survivorOf(r.template_id);
    const series = out.get(id) ?? new Map<number, MinuteCount>();
    out.set(id, series);
    const m = Number(r.minute);
    const prev = series.get(m);
    series.set(m, {
      count: (prev?.count ?? 0) + Number(r.count),
      errors: (prev?.errors ?? 0) + Number(r.errors),
    });
  }
  return out;
}

export interface PatternRateQuery {
  /** Patterns to report (a merged one is read as its survivor); absent: the busiest in the range. */
  ids?: readonly string[];
  /** Epoch ms; rounded down to the minute. */
  from: number;
  /** Epoch ms, exclusive; rounded up to the minute. */
  to: number;
  /** A whole number of minutes. */
  stepMs: number;
}

export interface PatternRate {
  patternId: string;
  template: string;
  name: string | null;
  /** Records in the range (every bucket). */
  total: number;
  /** One per bucket from `from`, in order: its start, records, records per minute (count ÷ minutes in the step). */
  points: { t: number; count: number; errors: number; perMinute: number }[];
}

function invalid(field: string, message: string): Invalid {
  return new Invalid('validation_failed', `${field}: ${message}`, [{ field, message }]);
}

/** Records per minute of each pattern in buckets of `stepMs` over [from, to), every bucket present (zeros too). */
export async function patternRates(
  ctx: Pick<ServiceContext, 'db'>,
  query: PatternRateQuery,
): Promise<{ from: number; to: number; stepMs: number; patterns: PatternRate[] }> {
  const { stepMs } = query;
  if (!Number.isInteger(stepMs) || stepMs <= 0 || stepMs % minuteMs !== 0)
    throw invalid('step', 'must be a whole number of minutes');
  const from = Math.floor(query.from / minuteMs) * minuteMs;
  const to = Math.ceil(query.to / minuteMs) * minuteMs;
  if (!(to > from)) throw invalid('to', 'must be after from');
  const buckets = Math.ceil((to - from) / stepMs);
  if (buckets > patternRateLimits.buckets)
    throw invalid('step', `the range holds ${buckets} steps; at most ${patternRateLimits.buckets}`);
  if (query.ids && query.ids.length > patternRateLimits.patterns)
    throw invalid('ids', `at most ${patternRateLimits.patterns} patterns`);

  const { survivorOf } = await loadSurvivors(ctx.db);
  const wanted = query.ids ? [...new Set(query.ids.map(survivorOf))] : undefined;
  const counts = await minuteCounts(ctx, { ranges: [{ from, to }], ids: wanted });
  const totals = (id: string) => [...(counts.get(id)?.values() ?? [])].reduce((s, c) => s + c.count, 0);
  const ids =
    wanted ??
    [...counts.keys()]
      .sort((a, b) => totals(b) - totals(a) || (a < b ? -1 : 1))
      .slice(0, patternRateLimits.patterns);
  if (ids.length === 0) return { from, to, stepMs, patterns: [] };
  const templates = new Map(
    (
      await ctx.db
        .selectFrom('log_templates')
        .select(['id', 'template', 'name'])
        .where('id', 'in', ids)
        .execute()
    ).map((t) => [t.id, t]),
  );
  const stepMinutes = stepMs / minuteMs;
  const patterns: PatternRate[] = [];
  for (const id of ids) {
    const t = templates.get(id);
    if (!t) continue;
    const points = Array.from({ length: buckets }, (_, i) => ({
      t: from + i * stepMs,
      count: 0,
      errors: 0,
      perMinute: 0,
    }));
    for (const [minute, c] of counts.get(id) ?? []) {
      const p = points[Math.floor((minute - from) / stepMs)];
      p.count += c.count;
      p.errors += c.errors;
    }
    // The last bucket may be shorter than a step when the range does not divide: its rate is over its own minutes.
    for (const p of points) p.perMinute = p.count / Math.min(stepMinutes, (to - p.t) / minuteMs);
    patterns.push({ patternId: id, template: t.template, name: t.name, total: totals(id), points });
  }
  return { from, to, stepMs, patterns };
}
