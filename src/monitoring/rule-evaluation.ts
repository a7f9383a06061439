// The alert rules' state machine, as Prometheus's rules/alerting.go runs it, and its schedule. Each evaluation
// takes the rule's instant vector (PromQL, or the checks that failed N times in a row); a new label set becomes
// pending (activeAt), then firing once it has been active for `for` (`for: 0` fires at once); one absent from a
// later evaluation resolves (a pending one is dropped), unless `keep_firing_for` keeps it firing that long after
// the condition cleared. Firing alerts are sent to the pipeline at every evaluation (at most once per resend
// delay, 1 minute), resolved ones are sent again for 15 minutes. The state lives in monitoring_rule_alerts, so a
// restart continues where it was. Rounds run on one instance at a time (runExclusively).
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Selectable } from 'kysely';
import type { ServiceContext } from '../core/context.js';
import { type Database, detachedFromTransaction } from '../core/db/index.js';
import { runExclusively } from '../core/exclusive-work.js';
import type { JobScheduler } from '../core/jobs.js';
import type { AlertInput } from './alert-pipeline.js';
import { type AlertRulePorts, alertRulePorts, replaceAlertRulePorts } from './alert-rule-ports.js';
import { alertFromRow, type CheckSelector, type RuleAlert } from './alert-rules.js';
import { expandOrExplain } from './alert-templates.js';
import { anomalyRuleVector, defaultAnomalyThreshold } from './anomaly-rules.js';
import { type Labels, labelsKey } from './metric-model.js';

/** How long a resolved alert is still sent (Prometheus's resolvedRetention). */
export const resolvedRetentionMs = 15 * 60_000;
/** The least time between two sends of one alert (Prometheus's --rules.alert.resend-delay). */
export const resendDelayMs = 60_000;
/** How often the schedule looks for due rules. */
export const evaluationTickMs = 1_000;

export interface Sample {
  labels: Labels;
  value: number;
}

/** What the state machine needs of a rule. */
export interface RuleSpec {
  name: string;
  /** Label and annotation templates. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  forMs: number;
  keepFiringForMs: number;
}

export type EvaluationOutcome = { ok: true; active: Map<string, RuleAlert> } | { ok: false; error: string };

/** A label set's fingerprint: the first 16 hex digits of SHA-256 over its canonical key. */
export function fingerprintOf(labels: Labels): string {
  return createHash('sha256').update(labelsKey(labels)).digest('hex').slice(0, 16);
}

/**
 * One evaluation at `ts` (pure): the rule's alerts after the vector. An error (labels that collide after the rule's
 * labels were applied) leaves the alerts as they were, as Prometheus's Eval returns before touching them.
 */
export function evaluateAlertingRule(
  rule: RuleSpec,
  previous: ReadonlyMap<string, RuleAlert>,
  vector: readonly Sample[],
  ts: number,
  externalLabels: Labels = {},
): EvaluationOutcome {
  const fresh = new Map<string, RuleAlert>();
  for (const sample of vector) {
    const data = { labels: withoutName(sample.labels), externalLabels, value: sample.value };
    const labels: Labels = withoutName(sample.labels);
    for (const [name, template] of Object.entries(rule.labels)) {
      const v = expandOrExplain(template, data);
      // An empty value removes the label, as labels.Builder.Set does.
      if (v === '') delete labels[name];
      else labels[name] = v;
    }
    labels.alertname = rule.name;
    const annotations: Record<string, string> = {};
    for (const [name, template] of Object.entries(rule.annotations))
      annotations[name] = expandOrExplain(template, data);
    const fp = fingerprintOf(labels);
    if (fresh.has(fp))
      return {
        ok: false,
        error: 'vector contains metrics with the same labelset after applying alert labels',
      };
    fresh.set(fp, {
      fingerprint: fp,
      labels,
      annotations,
      state: 'pending',
      activeAt: ts,
      firedAt: null,
      resolvedAt: null,
      value: sample.value,
      keepFiringSince: null,
      lastSentAt: null,
      validUntil: null,
    });
  }

  const active = new Map<string, RuleAlert>();
  for (const [fp, a] of previous) active.set(fp, { ...a });
  for (const [fp, a] of fresh) {
    const existing = active.get(fp);
    if (existing && existing.state !== 'inactive') {
      existing.value = a.value;
      existing.annotations = a.annotations;
      continue;
    }
    active.set(fp, a);
  }

  for (const [fp, a] of active) {
    if (!fresh.has(fp)) {
      let keepFiring = false;
      if (a.state === 'firing' && rule.keepFiringForMs > 0) {
        if (a.keepFiringSince === null) a.keepFiringSince = ts;
        if (ts - a.keepFiringSince < rule.keepFiringForMs) keepFiring = true;
      }
      // A pending alert that is gone is dropped; a resolved one is kept (and sent) for the retention.
      if (a.state === 'pending' || (a.resolvedAt !== null && ts - a.resolvedAt > resolvedRetentionMs))
        active.delete(fp);
      if (a.state !== 'inactive' && !keepFiring) {
        a.state = 'inactive';
        a.resolvedAt = ts;
      }
      if (!keepFiring) continue;
    } else {
      a.keepFiringSince = null;
    }
    if (a.state === 'pending' && ts - a.activeAt >= rule.forMs) {
      a.state = 'firing';
      a.firedAt = ts;
    }
  }
  return { ok: true, active };
}

function withoutName(labels: Labels): Labels {
  const { __name__: _, ...rest } = labels;
  return rest;
}

/** Prometheus's needsSending, with "at least resendDelay since the last send" so an evaluation each minute sends each time. */
export function needsSending(a: RuleAlert, ts: number): boolean {
  if (a.state === 'pending') return false;
  if (a.resolvedAt !== null && (a.lastSentAt === null || a.resolvedAt > a.lastSentAt)) return true;
  return a.lastSentAt === null || ts - a.lastSentAt >= resendDelayMs;
}

/** The alerts to send now, as Prometheus hands them to Alertmanager: startsAt the firing time, endsAt valid-until. */
export function alertsToSend(
  active: ReadonlyMap<string, RuleAlert>,
  ts: number,
  intervalMs: number,
  generatorUrl?: string,
): { fingerprint: string; validUntil: number; alert: AlertInput }[] {
  const out: { fingerprint: string; validUntil: number; alert: AlertInput }[] = [];
  // Allow for two missed evaluations or sends before the receiver resolves it on its own.
  const validUntil = ts + 4 * Math.max(resendDelayMs, intervalMs);
  for (const a of active.values()) {
    if (!needsSending(a, ts)) continue;
    out.push({
      fingerprint: a.fingerprint,
      validUntil,
      alert: {
        labels: { ...a.labels },
        annotations: { ...a.annotations },
        startsAt: a.firedAt ?? a.activeAt,
        endsAt: a.resolvedAt ?? validUntil,
        ...(generatorUrl ? { generatorUrl } : {}),
      },
    });
  }
  return out;
}

// ---- check rules ---------------------------------------------------------------------------------------------

/** The checks a check rule sees down: failed `downAfter` times in a row, enabled, of the selected targets. */
export async function checkRuleVector(
  ctx: ServiceContext,
  selector: CheckSelector,
  downAfter: number,
): Promise<Sample[]> {
  let q = ctx.db
    .selectFrom('monitoring_checks as c')
    .innerJoin('monitoring_targets as t', 't.id', 'c.target_id')
    .select(['c.name as check', 'c.consecutive_failures', 't.name as target', 't.tags'])
    .where('c.enabled', '=', 1)
    .where('c.state', '!=', 'paused')
    .where('c.consecutive_failures', '>=', downAfter);
  if (selector.targetId) q = q.where('c.target_id', '=', selector.targetId);
  const rows = await q.orderBy('c.id').execute();
  const wanted = selector.targetId ? [] : (selector.tags ?? []);
  return rows
    .filter((r) => {
      if (wanted.length === 0) return true;
      const tags = new Set(JSON.parse(r.tags) as string[]);
      return wanted.every((t) => tags.has(t));
    })
    .map((r) => ({ labels: { target: r.target, check: r.check }, value: Number(r.consecutive_failures) }));
}

// ---- one rule, stored ----------------------------------------------------------------------------------------

type RuleRow = Selectable<Database['monitoring_alert_rules']>;

function specOf(row: RuleRow): RuleSpec {
  return {
    name: row.name,
    labels: JSON.parse(row.labels),
    annotations: JSON.parse(row.annotations),
    forMs: row.for_seconds * 1000,
    keepFiringForMs: row.keep_firing_for_seconds * 1000,
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Evaluate one rule at `ts`, store its alerts and health, send what needs sending. Never throws for the rule's own faults. */
export async function evaluateStoredRule(
  ctx: ServiceContext,
  row: RuleRow,
  ts: number,
  ports: AlertRulePorts = alertRulePorts(ctx),
): Promise<{ error: string | null; sent: number }> {
  const started = performance.now();
  const previous = new Map<string, RuleAlert>();
  const rows = await ctx.db
    .selectFrom('monitoring_rule_alerts')
    .selectAll()
    .where('rule_id', '=', row.id)
    .execute();
  for (const r of rows) previous.set(r.fingerprint, alertFromRow(r));

  let outcome: EvaluationOutcome;
  try {
    const vector =
      row.kind === 'promql'
        ? await ports.evaluate(ctx, row.expr, ts)
        : row.kind === 'anomaly'
          ? await anomalyRuleVector(
              ctx,
              {
                id: row.id,
                name: row.name,
                expr: row.expr,
                threshold: Number(row.anomaly_threshold ?? defaultAnomalyThreshold),
              },
              ts,
            )
          : await checkRuleVector(ctx, JSON.parse(row.check_selector ?? '{}'), row.down_after ?? 1);
    outcome = evaluateAlertingRule(specOf(row), previous, vector, ts);
  } catch (err) {
    outcome = { ok: false, error: describe(err) };
  }
  const took = performance.now() - started;
  await ctx.db.transaction().execute(async (trx) => {
    if (outcome.ok) {
      await trx.deleteFrom('monitoring_rule_alerts').where('rule_id', '=', row.id).execute();
      const values = [...outcome.active.values()].map((a) => ({
        rule_id: row.id,
        fingerprint: a.fingerprint,
        labels: JSON.stringify(a.labels),
        annotations: JSON.stringify(a.annotations),
        state: a.state,
        active_at: a.activeAt,
        fired_at: a.firedAt,
        resolved_at: a.resolvedAt,
        last_value: Number.isNaN(a.value) ? null : a.value,
        keep_firing_since: a.keepFiringSince,
        last_sent_at: a.lastSentAt,
        valid_until: a.validUntil,
      }));
      for (let i = 0; i < values.length; i += 200)
        await trx
          .insertInto('monitoring_rule_alerts')
          .values(values.slice(i, i + 200))
          .execute();
    }
    await trx
      .updateTable('monitoring_alert_rules')
      .set({
        health: outcome.ok ? 'ok' : 'err',
        last_error: outcome.ok ? null : outcome.error.slice(0, 2000),
        last_evaluated_at: ts,
        last_evaluation_ms: took,
      })
      .where('id', '=', row.id)
      .execute();
  });
  if (!outcome.ok) {
    ctx.log.warn({ rule: row.name, ruleId: row.id, error: outcome.error }, 'alert rule evaluation failed');
    return { error: outcome.error, sent: 0 };
  }

  const publicUrl = ctx.config.publicUrl;
  const sending = alertsToSend(
    outcome.active,
    ts,
    row.interval_seconds * 1000,
    publicUrl ? `${publicUrl.replace(/\/$/, '')}/monitoring/rules/${row.id}` : undefined,
  );
  if (sending.length === 0) return { error: null, sent: 0 };
  try {
    const received = await ports.send(
      ctx,
      sending.map((s) => s.alert),
      row.kind === 'check' ? 'check' : 'rule',
    );
    if (received.rejected.length > 0)
      ctx.log.warn(
        { ruleId: row.id, rejected: received.rejected },
        'the alert pipeline refused alerts of a rule',
      );
  } catch (err) {
    // Not marked sent: the next evaluation sends them again.
    ctx.log.error(
      { err, ruleId: row.id },
      'sending alerts to the pipeline failed; they are sent again next round',
    );
    return { error: null, sent: 0 };
  }
  await ctx.db.transaction().execute(async (trx) => {
    for (const s of sending)
      await trx
        .updateTable('monitoring_rule_alerts')
        .set({ last_sent_at: ts, valid_until: s.validUntil })
        .where('rule_id', '=', row.id)
        .where('fingerprint', '=', s.fingerprint)
        .execute();
  });
  return { error: null, sent: sending.length };
}

// ---- the schedule --------------------------------------------------------------------------------------------

/** The first time after `now` on the rule's grid (due + k × interval): a late round does not shift the grid. */
export function nextEvaluation(due: number, intervalMs: number, now: number): number {
  if (due > now) return due;
  return due + intervalMs * (Math.floor((now - due) / intervalMs) + 1);
}

/**
 * One round: every enabled rule that is due (or, with `checksOnly`, every enabled check rule, at once: a check changed
 * state), by group, in order, at the clock's time. A rule's failure is recorded on it and does not stop the others.
 */
export async function evaluateDueRules(
  ctx: ServiceContext,
  options: { checksOnly?: boolean } = {},
): Promise<{ evaluated: number; failed: number }> {
  const ran = await runExclusively(ctx, 'monitoring.alert-rules', async () => {
    const now = ctx.clock.now();
    let q = ctx.db.selectFrom('monitoring_alert_rules').selectAll().where('enabled', '=', 1);
    q = options.checksOnly ? q.where('kind', '=', 'check') : q.where('next_evaluation_at', '<=', now);
    const rules = await q.orderBy('group_name').orderBy('id').execute();
    let failed = 0;
    const ports = alertRulePorts(ctx);
    for (const rule of rules) {
      try {
        const r = await evaluateStoredRule(ctx, rule, now, ports);
        if (r.error) failed++;
      } catch (err) {
        failed++;
        ctx.log.error({ err, ruleId: rule.id }, 'alert rule round failed for a rule');
      }
      if (!options.checksOnly)
        await ctx.db
          .updateTable('monitoring_alert_rules')
          .set({
            next_evaluation_at: nextEvaluation(
              Number(rule.next_evaluation_at),
              rule.interval_seconds * 1000,
              now,
            ),
          })
          .where('id', '=', rule.id)
          .execute();
    }
    return { evaluated: rules.length, failed };
  });
  return ran.ran ? ran.value : { evaluated: 0, failed: 0 };
}

/** The rounds of one context: on the tick, and soon after a check changes state. */
export class AlertRuleRunner {
  private running: Promise<unknown> | null = null;
  private again: { checksOnly: boolean } | null = null;
  private closed = false;
  readonly cleanups: (() => void)[] = [];

  constructor(private readonly ctx: ServiceContext) {}

  pass(options: { checksOnly?: boolean } = {}): Promise<unknown> {
    if (this.running) {
      this.again = { checksOnly: (this.again?.checksOnly ?? true) && (options.checksOnly ?? false) };
      return this.running;
    }
    this.running = (async () => {
      try {
        let next: { checksOnly?: boolean } | null = options;
        while (next) {
          this.again = null;
          await evaluateDueRules(this.ctx, next);
          next = this.again;
        }
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Evaluate the check rules soon, outside the caller's transaction (an event subscriber's). */
  nudge(): void {
    if (this.closed) return;
    detachedFromTransaction(() => {
      setTimeout(() => {
        this.pass({ checksOnly: true }).catch((err) =>
          this.ctx.log.error({ err }, 'check rule round failed'),
        );
      }, 0).unref();
    });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const undo of this.cleanups.splice(0)) undo();
    await this.idle();
  }
}

/** Wire the alert rules: a round each second for due groups, check rules at once on a check's state change. */
export function registerAlertRules(
  ctx: ServiceContext,
  jobs: JobScheduler,
  ports?: Partial<AlertRulePorts>,
): AlertRuleRunner {
  if (ports) replaceAlertRulePorts(ctx, ports);
  const runner = new AlertRuleRunner(ctx);
  jobs.onStop(() => runner.close());
  runner.cleanups.push(
    ctx.events.subscribe('monitoring-check-rules', ['check.state_changed'], () => runner.nudge(), {
      writes: false,
    }),
  );
  jobs.every('monitoring.alert-rules', evaluationTickMs, () => runner.pass());
  return runner;
}

/** The rule editor's preview: what the expression (or the check selector) returns now. */
export async function previewRule(
  ctx: ServiceContext,
  input: { expr?: string; check?: CheckSelector & { downAfter: number } },
): Promise<{ at: number; samples: Sample[] }> {
  const at = ctx.clock.now();
  const ports = alertRulePorts(ctx);
  if (input.expr !== undefined) {
    ports.checkExpr(input.expr);
    return { at, samples: await ports.evaluate(ctx, input.expr, at) };
  }
  const check = input.check as CheckSelector & { downAfter: number };
  return { at, samples: await checkRuleVector(ctx, check, check.downAfter) };
}
