// Alerts on error patterns, raised through monitoring's alert pipeline (origin 'logs') so that silences, grouping,
// routing, inhibition, incidents and paging apply to them as to any alert: LogPatternNew when a pattern never seen
// before logs at severity error or worse, LogPatternSpike when a pattern's rate leaves its own baseline
// (spike-detection.ts). One round a minute, on one instance at a time (runExclusively); which alerts fire lives in
// log_pattern_alerts, so a restart or another instance continues the same alerts. Rules: docs/log-patterns-alerts.md.
import type { ServiceContext } from '../core/context.js';
import { runExclusively } from '../core/exclusive-work.js';
import { type AlertInput, listTargets, receiveAlerts } from '../monitoring/index.js';
import { errorSeverity, severityNames } from './log-model.js';
import { loadSurvivors, minuteCounts, minuteMs } from './pattern-rates.js';
import { detectSpike, type SpikeVerdict, spikePlan, spikeSettings } from './spike-detection.js';

export const logAlertSettings = {
  /** How often the round runs (registerLogs). */
  intervalMs: 60_000,
  /**
   * A source (host; '' for records without one) is learning for its first hour of records: the patterns it logs
   * then are its normal, not news. At a fresh install every host is new, so the first hour raises no new-pattern
   * alerts (the storm a cold start would otherwise be); a server added later is learned the same way.
   */
  learningMs: 3_600_000,
  /**
   * A pattern is a candidate "new" pattern this long after it was first seen: its minute counts may be written a
   * little after its first record, and its first error may follow its first (info) line.
   */
  newWindowMs: 15 * minuteMs,
  /** A new-pattern alert resolves after this long without a record of the pattern. */
  quietMs: 15 * minuteMs,
  /** Characters of a template or an example put in an annotation. */
  annotationChars: 1000,
} as const;

/** A firing alert is sent with an end this far ahead: two missed rounds later the pipeline resolves it alone. */
const validForMs = 4 * logAlertSettings.intervalMs;
/** Severity crit (2) or worse makes a critical alert. */
const critSeverity = 2;
/** Severities warning (4) or worse, as severity_mask bits: patterns whose spikes alert (an info flood shows in the
 * rates, nobody is paged for it). */
const warningOrWorseMask = (1 << 5) - 1;

export interface LogAlertRound {
  /** Another instance was running the round. */
  skipped: boolean;
  opened: { new: number; spike: number };
  resolved: number;
  /** Alerts handed to the pipeline (firing re-sends and resolutions). */
  sent: number;
}

type AlertRow = {
  kind: 'new' | 'spike';
  template_id: string;
  status: 'firing' | 'resolved';
  labels: string;
  annotations: string;
  starts_at: number;
  resolved_at: number | null;
  resolution_sent: number;
  below_since: number | null;
  updated_at: number;
};

function cut(text: string, max: number = logAlertSettings.annotationChars): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The monitoring target a host is (its name or address, any case), for the alert's `target` label. */
async function targetNameOf(ctx: ServiceContext, host: string, cache: Map<string, string | null>) {
  if (host === '') return null;
  const key = host.toLowerCase();
  if (cache.has(key)) return cache.get(key) ?? null;
  const targets = await listTargets(ctx, { search: host, limit: 50 });
  const found = targets.find((t) => t.name.toLowerCase() === key || t.address?.toLowerCase() === key);
  cache.set(key, found?.name ?? null);
  return found?.name ?? null;
}

async function hostLabels(ctx: ServiceContext, host: string, cache: Map<string, string | null>) {
  const target = await targetNameOf(ctx, host, cache);
  return { ...(host !== '' ? { host } : {}), ...(target ? { target } : {}) };
}

/** Evaluate new-pattern and spike alerts now and hand the pipeline what fires and what resolved. */
export async function evaluateLogAlerts(ctx: ServiceContext): Promise<LogAlertRound> {
  const ran = await runExclusively(ctx, 'logs.pattern-alerts', () => evaluateRound(ctx));
  return ran.ran ? ran.value : { skipped: true, opened: { new: 0, spike: 0 }, resolved: 0, sent: 0 };
}

async function evaluateRound(ctx: ServiceContext): Promise<LogAlertRound> {
  const now = ctx.clock.now();
  const targets = new Map<string, string | null>();
  const round: LogAlertRound = { skipped: false, opened: { new: 0, spike: 0 }, resolved: 0, sent: 0 };
  const rows = new Map<string, AlertRow>(
    (
      await ctx.db
        .selectFrom('log_pattern_alerts')
        .selectAll()
        .where((eb) => eb.or([eb('status', '=', 'firing'), eb('resolution_sent', '=', 0)]))
        .execute()
    ).map((r) => [`${r.kind}:${r.template_id}`, r as AlertRow]),
  );
  const changed: AlertRow[] = [];
  const resolve = (row: AlertRow) => {
    row.status = 'resolved';
    row.resolved_at = now;
    row.resolution_sent = 0;
    row.updated_at = now;
    changed.push(row);
    round.resolved++;
  };

  // ---- new patterns ----
  const fresh = await ctx.db
    .selectFrom('log_templates as t')
    .select(['t.id', 't.template', 't.example', 't.first_seen', 't.worst_severity', 't.count'])
    .where('t.merged_into', 'is', null)
    .where('t.name', 'is', null)
    .where('t.first_seen', '>=', now - logAlertSettings.newWindowMs)
    .where('t.first_seen', '<=', now)
    .where('t.worst_severity', '<=', errorSeverity)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('log_pattern_alerts as a')
            .select('a.template_id')
            .where('a.kind', '=', 'new')
            .whereRef('a.template_id', '=', 't.id'),
        ),
      ),
    )
    .orderBy('t.first_seen')
    .orderBy('t.id')
    .limit(200)
    .execute();
  if (fresh.length > 0) {
    const ids = fresh.map((t) => t.id);
    const errors = new Map(
      (
        await ctx.db
          .selectFrom('log_template_minutes')
          .select(['template_id', (eb) => eb.fn.sum<number>('errors').as('errors')])
          .where('template_id', 'in', ids)
          .groupBy('template_id')
          .execute()
      ).map((r) => [r.template_id, Number(r.errors)]),
    );
    const hostRows = await ctx.db
      .selectFrom('log_template_hosts')
      .select(['template_id', 'host', 'count'])
      .where('template_id', 'in', ids)
      .execute();
    const hostsOf = new Map<string, { host: string; count: number }[]>();
    for (const h of hostRows)
      hostsOf.set(h.template_id, [
        ...(hostsOf.get(h.template_id) ?? []),
        { host: h.host, count: Number(h.count) },
      ]);
    const allHosts = [...new Set([...hostRows.map((h) => h.host), ''])];
    const since = new Map(
      (
        await ctx.db
          .selectFrom('log_host_minutes')
          .select(['host', (eb) => eb.fn.min<number>('minute').as('first')])
          .where('host', 'in', allHosts)
          .groupBy('host')
          .execute()
      ).map((r) => [r.host, Number(r.first)]),
    );
    for (const t of fresh) {
      const errorCount = errors.get(t.id) ?? 0;
      if (errorCount === 0) continue; // Not (yet) at error or worse: looked at again next round, within the window.
      const hosts = (hostsOf.get(t.id) ?? [{ host: '', count: Number(t.count) }]).sort(
        (a, b) => b.count - a.count || (a.host < b.host ? -1 : 1),
      );
      // Learned: every host it came from was still in its first hour of records when the pattern appeared.
      const established = hosts.some((h) => {
        const first = since.get(h.host);
        return first !== undefined && first <= Number(t.first_seen) - logAlertSettings.learningMs;
      });
      if (!established) continue;
      const top = hosts[0].host;
      const labels = {
        alertname: 'LogPatternNew',
        pattern: t.id,
        severity: t.worst_severity <= critSeverity ? 'critical' : 'warning',
        ...(await hostLabels(ctx, top, targets)),
      };
      const row: AlertRow = {
        kind: 'new',
        template_id: t.id,
        status: 'firing',
        labels: JSON.stringify(labels),
        annotations: JSON.stringify(newAnnotations(t, top, errorCount, Number(t.count))),
        starts_at: Number(t.first_seen),
        resolved_at: null,
        resolution_sent: 0,
        below_since: null,
        updated_at: now,
      };
      rows.set(`new:${t.id}`, row);
      changed.push(row);
      round.opened.new++;
    }
  }

  // Firing new-pattern alerts: resolved when quiet, merged, named (a technician has looked at it) or gone.
  const firingNew = [...rows.values()].filter((r) => r.kind === 'new' && r.status === 'firing');
  if (firingNew.length > 0) {
    const templates = new Map(
      (
        await ctx.db
          .selectFrom('log_templates')
          .select(['id', 'template', 'example', 'first_seen', 'last_seen', 'count', 'merged_into', 'name'])
          .where(
            'id',
            'in',
            firingNew.map((r) => r.template_id),
          )
          .execute()
      ).map((t) => [t.id, t]),
    );
    for (const row of firingNew) {
      const t = templates.get(row.template_id);
      if (
        !t ||
        t.merged_into !== null ||
        t.name !== null ||
        Number(t.last_seen) <= now - logAlertSettings.quietMs
      )
        resolve(row);
    }
  }

  // ---- spikes ----
  const { survivorOf, membersOf } = await loadSurvivors(ctx.db);
  const window = spikePlan(0, now).window;
  const windowCounts = await minuteCounts(ctx, { ranges: [window] });
  const busy = [...windowCounts]
    .filter(([, minutes]) => {
      const total = [...minutes.values()].reduce((s, c) => s + c.count, 0);
      return total > spikeSettings.minRate * spikeSettings.windowMinutes;
    })
    .map(([id]) => id);
  const firingSpikes = [...rows.values()].filter((r) => r.kind === 'spike' && r.status === 'firing');
  const candidates = [...new Set([...busy, ...firingSpikes.map((r) => r.template_id)])];
  const templates = new Map(
    candidates.length === 0
      ? []
      : (
          await ctx.db
            .selectFrom('log_templates')
            .select(['id', 'template', 'first_seen', 'worst_severity', 'severity_mask', 'merged_into'])
            .where('id', 'in', candidates)
            .execute()
        ).map((t) => [t.id, t]),
  );
  // Every minute any candidate's verdict may read (each day's same time, the recent hours, the window), read for
  // all candidates at once in a few queries rather than one per pattern.
  const judged = candidates.filter((id) => {
    const t = templates.get(id);
    return t !== undefined && survivorOf(id) === id && (t.severity_mask & warningOrWorseMask) !== 0;
  });
  const judgedSet = new Set(judged);
  const everyRange = [
    ...spikePlan(0, now).baseline,
    { from: window.from - spikeSettings.recentMinutes * minuteMs, to: window.to },
  ];
  const history = new Map<string, Map<number, number>>();
  for (let i = 0; i < judged.length; i += 500) {
    const counts = await minuteCounts(ctx, { ranges: everyRange, ids: judged.slice(i, i + 500) });
    for (const [id, minutes] of counts) history.set(id, new Map([...minutes].map(([m, c]) => [m, c.count])));
  }
  for (const id of candidates) {
    const t = templates.get(id);
    const row = rows.get(`spike:${id}`);
    const firing = row?.status === 'firing' ? row : undefined;
    // Merged away (its counts are its survivor's now) or gone: its own spike is over.
    if (!t || survivorOf(id) !== id) {
      if (firing) resolve(firing);
      continue;
    }
    const verdict = judgedSet.has(id)
      ? detectSpike({ counts: history.get(id) ?? new Map(), firstMinute: Number(t.first_seen), now })
      : null;
    if (verdict?.spiking) {
      const errorsInWindow = [...(windowCounts.get(id)?.values() ?? [])].reduce((s, c) => s + c.errors, 0);
      if (firing) {
        // The labels stay as they were when it fired (they are its identity); the figures are brought up to date.
        const host = (JSON.parse(firing.labels) as Record<string, string>).host ?? '';
        firing.annotations = JSON.stringify(spikeAnnotations(t.template, verdict, host));
        firing.below_since = null;
        firing.updated_at = now;
        changed.push(firing);
        continue;
      }
      const host = await busiestHost(ctx, membersOf(id), window);
      const labels = {
        alertname: 'LogPatternSpike',
        pattern: id,
        severity: errorsInWindow > 0 && t.worst_severity <= critSeverity ? 'critical' : 'warning',
        ...(host !== null ? await hostLabels(ctx, host, targets) : {}),
      };
      const next: AlertRow = {
        kind: 'spike',
        template_id: id,
        status: 'firing',
        labels: JSON.stringify(labels),
        annotations: JSON.stringify(spikeAnnotations(t.template, verdict, host ?? '')),
        starts_at: now,
        resolved_at: null,
        resolution_sent: 0,
        below_since: null,
        updated_at: now,
      };
      rows.set(`spike:${id}`, next);
      changed.push(next);
      round.opened.spike++;
    } else if (firing) {
      // Under the threshold (or without a verdict): resolved once it has stayed under for a while.
      firing.below_since = firing.below_since ?? now;
      firing.updated_at = now;
      if (now - firing.below_since >= spikeSettings.resolveAfterMs) resolve(firing);
      else changed.push(firing);
    }
  }

  if (changed.length > 0)
    await ctx.db.transaction().execute(async (trx) => {
      for (const row of new Set(changed))
        await trx
          .insertInto('log_pattern_alerts')
          .values(row)
          .onConflict((oc) =>
            oc.columns(['kind', 'template_id']).doUpdateSet({
              status: row.status,
              labels: row.labels,
              annotations: row.annotations,
              starts_at: row.starts_at,
              resolved_at: row.resolved_at,
              resolution_sent: row.resolution_sent,
              below_since: row.below_since,
              updated_at: row.updated_at,
            }),
          )
          .execute();
    });

  // ---- to the pipeline: every firing alert (a re-send keeps it alive), every resolution not yet taken ----
  const sending = [...rows.values()].filter((r) => r.status === 'firing' || r.resolution_sent === 0);
  if (sending.length === 0) return round;
  const alerts: AlertInput[] = sending.map((r) => ({
    labels: JSON.parse(r.labels),
    annotations: JSON.parse(r.annotations),
    startsAt: Number(r.starts_at),
    endsAt: r.status === 'firing' ? now + validForMs : Number(r.resolved_at),
  }));
  try {
    const received = await receiveAlerts(ctx, alerts, 'logs');
    if (received.rejected.length > 0)
      ctx.log.warn({ rejected: received.rejected }, 'the alert pipeline refused log pattern alerts');
  } catch (err) {
    // The resolutions stay unsent and every firing alert is sent again next round.
    ctx.log.error({ err }, 'sending log pattern alerts to the pipeline failed; sent again next round');
    return round;
  }
  round.sent = alerts.length;
  const done = sending.filter((r) => r.status === 'resolved');
  if (done.length > 0)
    await ctx.db.transaction().execute(async (trx) => {
      for (const r of done)
        await trx
          .updateTable('log_pattern_alerts')
          .set({ resolution_sent: 1 })
          .where('kind', '=', r.kind)
          .where('template_id', '=', r.template_id)
          .where('status', '=', 'resolved')
          .execute();
    });
  return round;
}

function newAnnotations(
  t: { template: string; example: string; first_seen: number },
  host: string,
  errors: number,
  count: number,
): Record<string, string> {
  return {
    summary: cut(`New error pattern${host ? ` on ${host}` : ''}: ${t.template}`, 300),
    description: cut(
      `First seen ${new Date(Number(t.first_seen)).toISOString()}; ${plural(count, 'record')}, ` +
        `${errors} at severity ${severityNames[errorSeverity]} or worse. Example: ${t.example}`,
      2 * logAlertSettings.annotationChars,
    ),
    template: cut(t.template),
  };
}

function spikeAnnotations(
  template: string,
  v: SpikeVerdict & { kind: 'seasonal' | 'recent' },
  host: string,
): Record<string, string> {
  const fmt = (n: number) => (Math.round(n * 10) / 10).toString();
  return {
    summary: cut(`Log pattern spiking${host ? ` on ${host}` : ''}: ${template}`, 300),
    description:
      `${fmt(v.rate)} records/min over the last ${spikeSettings.windowMinutes} minutes; ` +
      `baseline (${v.kind}) median ${fmt(v.median)}/min, MAD ${fmt(v.mad)}, threshold ${fmt(v.threshold)}/min.`,
    rate: fmt(v.rate),
    baseline: fmt(v.median),
    threshold: fmt(v.threshold),
    template: cut(template),
  };
}

/** The host that logged the pattern most in the window (null: none recorded). */
async function busiestHost(
  ctx: ServiceContext,
  templateIds: string[],
  window: { from: number; to: number },
): Promise<string | null> {
  const rows = await ctx.db
    .selectFrom('log_host_minutes')
    .select(['host', (eb) => eb.fn.sum<number>('count').as('n')])
    .where('template_id', 'in', templateIds)
    .where('minute', '>=', window.from)
    .where('minute', '<', window.to)
    .groupBy('host')
    .execute();
  const best = rows
    .map((r) => ({ host: r.host, n: Number(r.n) }))
    .sort((a, b) => b.n - a.n || (a.host < b.host ? -1 : 1))[0];
  return best ? best.host : null;
}
