// Test helper: writes what the log store's ingest writes for records (schema.ts `// -- logs: templates`): the
// template row (count, worst severity, severity bit set, first and last seen, an example), its hosts, and the
// per-minute counts in all and per host ('' for a record without a host; errors = records at severity error or
// worse). The store's real ingest replaces it in these tests once it exists; the writes follow the column comments.
import type { ServiceContext } from '../../../src/core/context.js';
import { errorSeverity } from '../../../src/logs/index.js';

export interface PatternRecords {
  templateId: string;
  /** The template text (the first write sets it; a later one keeps the stored text). */
  template?: string;
  /** Epoch ms of the records (all in one minute). */
  time: number;
  host?: string | null;
  /** Syslog severity 0–7. */
  severity: number;
  /** How many records (default 1). */
  count?: number;
  message?: string;
}

const minute = 60_000;

/** Store `batch` as ingest would, in one transaction. */
export async function writePatternRecords(ctx: ServiceContext, batch: PatternRecords[]): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    for (const r of batch) {
      const n = r.count ?? 1;
      if (n <= 0) continue;
      const host = r.host ?? '';
      const errors = r.severity <= errorSeverity ? n : 0;
      const m = Math.floor(r.time / minute) * minute;
      const now = ctx.clock.now();
      const t = await trx
        .selectFrom('log_templates')
        .selectAll()
        .where('id', '=', r.templateId)
        .executeTakeFirst();
      if (t)
        await trx
          .updateTable('log_templates')
          .set({
            count: Number(t.count) + n,
            worst_severity: Math.min(t.worst_severity, r.severity),
            severity_mask: t.severity_mask | (1 << r.severity),
            first_seen: Math.min(Number(t.first_seen), r.time),
            last_seen: Math.max(Number(t.last_seen), r.time),
            updated_at: now,
          })
          .where('id', '=', r.templateId)
          .execute();
      else
        await trx
          .insertInto('log_templates')
          .values({
            id: r.templateId,
            template: r.template ?? `template ${r.templateId} <*>`,
            name: null,
            merged_into: null,
            count: n,
            worst_severity: r.severity,
            severity_mask: 1 << r.severity,
            first_seen: r.time,
            last_seen: r.time,
            example: r.message ?? (r.template ?? `template ${r.templateId} <*>`).replace(/<\*>/g, '42'),
            created_at: now,
            updated_at: now,
          })
          .execute();

      if (host !== '') {
        const h = await trx
          .selectFrom('log_template_hosts')
          .selectAll()
          .where('template_id', '=', r.templateId)
          .where('host', '=', host)
          .executeTakeFirst();
        if (h)
          await trx
            .updateTable('log_template_hosts')
            .set({ count: Number(h.count) + n, last_seen: Math.max(Number(h.last_seen), r.time) })
            .where('template_id', '=', r.templateId)
            .where('host', '=', host)
            .execute();
        else
          await trx
            .insertInto('log_template_hosts')
            .values({ template_id: r.templateId, host, count: n, last_seen: r.time })
            .execute();
      }

      const tm = await trx
        .selectFrom('log_template_minutes')
        .selectAll()
        .where('template_id', '=', r.templateId)
        .where('minute', '=', m)
        .executeTakeFirst();
      if (tm)
        await trx
          .updateTable('log_template_minutes')
          .set({ count: tm.count + n, errors: tm.errors + errors })
          .where('template_id', '=', r.templateId)
          .where('minute', '=', m)
          .execute();
      else
        await trx
          .insertInto('log_template_minutes')
          .values({ template_id: r.templateId, minute: m, count: n, errors })
          .execute();

      const hm = await trx
        .selectFrom('log_host_minutes')
        .selectAll()
        .where('host', '=', host)
        .where('minute', '=', m)
        .where('template_id', '=', r.templateId)
        .executeTakeFirst();
      if (hm)
        await trx
          .updateTable('log_host_minutes')
          .set({ count: hm.count + n, errors: hm.errors + errors })
          .where('host', '=', host)
          .where('minute', '=', m)
          .where('template_id', '=', r.templateId)
          .execute();
      else
        await trx
          .insertInto('log_host_minutes')
          .values({ host, minute: m, template_id: r.templateId, count: n, errors })
          .execute();
    }
  });
}

/** `perMinute(i)` records of one pattern in each minute from `from` (a minute start) for `minutes` minutes. */
export async function writeSeries(
  ctx: ServiceContext,
  p: Omit<PatternRecords, 'time' | 'count'> & {
    from: number;
    minutes: number;
    perMinute: (i: number) => number;
  },
): Promise<void> {
  const batch: PatternRecords[] = [];
  for (let i = 0; i < p.minutes; i++)
    batch.push({ ...p, time: p.from + i * minute + 1000, count: p.perMinute(i) });
  for (let i = 0; i < batch.length; i += 500) await writePatternRecords(ctx, batch.slice(i, i + 500));
}
