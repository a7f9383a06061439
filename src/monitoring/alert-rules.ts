// Alert rules: PromQL rules with Prometheus's alerting-rule fields (expr, for, keep_firing_for, labels, annotations;
// severity is the label `severity`), and check rules ("down for N consecutive checks" of a target's checks, or of
// every target carrying some tags), each in a group evaluated at the group's interval (rule-evaluation.ts). Here:
// validation, create/read/update/delete, and the reads in Prometheus's /api/v1/rules and /api/v1/alerts shapes.
import type { Selectable } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { ServiceContext } from '../core/context.js';
import { type Database, isUniqueViolation } from '../core/db/index.js';
import { type FieldError, Invalid, NotFound } from '../core/errors.js';
import { alertRulePorts } from './alert-rule-ports.js';
import { formatPromValue, parseTemplate, TemplateError } from './alert-templates.js';
import { anomalyScoreMetric, defaultAnomalyThreshold } from './anomaly-rules.js';
import { isValidLabelName, isValidMetricName, type Labels, metricLimits } from './metric-model.js';
import { parseSeriesSelector } from './promql.js';

export type AlertRuleKind = 'promql' | 'check' | 'anomaly';
export type AlertRuleHealth = 'unknown' | 'ok' | 'err';
export type RuleAlertState = 'pending' | 'firing' | 'inactive';

export interface CheckSelector {
  /** The checks of this target; or, without it, of every target carrying all `tags` ("key" or "key:value"). */
  targetId?: number | null;
  tags?: string[];
}

export interface AlertRuleInput {
  name: string;
  kind: AlertRuleKind;
  /** PromQL (kind 'promql'); a series selector (kind 'anomaly'). */
  expr?: string;
  /** Kind 'anomaly': the score (0–1] from which a series is anomalous; default defaultAnomalyThreshold. */
  threshold?: number;
  /** Kind 'check': which checks, and the failures in a row that make one down. */
  check?: CheckSelector & { downAfter: number };
  forSeconds?: number;
  keepFiringForSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** The label `severity` (null removes it). */
  severity?: string | null;
  group?: string;
  intervalSeconds?: number;
  enabled?: boolean;
}

export interface RuleAlert {
  fingerprint: string;
  labels: Labels;
  annotations: Record<string, string>;
  state: RuleAlertState;
  activeAt: number;
  firedAt: number | null;
  resolvedAt: number | null;
  value: number;
  keepFiringSince: number | null;
  lastSentAt: number | null;
  validUntil: number | null;
}

export interface AlertRule {
  id: number;
  name: string;
  kind: AlertRuleKind;
  expr: string;
  check: (CheckSelector & { downAfter: number }) | null;
  /** Kind 'anomaly': the score from which a series is anomalous; null for the other kinds. */
  threshold: number | null;
  forSeconds: number;
  keepFiringForSeconds: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: string | null;
  group: string;
  intervalSeconds: number;
  enabled: boolean;
  /** The most advanced state of its alerts. */
  state: RuleAlertState;
  health: AlertRuleHealth;
  lastError: string | null;
  lastEvaluatedAt: number | null;
  lastEvaluationMs: number | null;
  nextEvaluationAt: number;
  createdAt: number;
  updatedAt: number;
}

export const alertRuleLimits = {
  name: 200,
  expr: 16_384,
  group: 200,
  labels: 32,
  annotations: 32,
  severity: 64,
  tags: 20,
  /** `for` and `keep_firing_for`: up to a week. */
  maxHoldSeconds: 7 * 86_400,
  minIntervalSeconds: 5,
  maxIntervalSeconds: 3_600,
  defaultIntervalSeconds: 60,
  maxDownAfter: 100,
} as const;

export const defaultRuleGroup = 'default';

type RuleRow = Selectable<Database['monitoring_alert_rules']>;
type AlertRow = Selectable<Database['monitoring_rule_alerts']>;

function parseJson<T>(text: string | null, fallback: T): T {
  return text === null ? fallback : (JSON.parse(text) as T);
}

export function ruleFromRow(row: RuleRow, alerts: readonly RuleAlert[] = []): AlertRule {
  const labels = parseJson<Record<string, string>>(row.labels, {});
  const selector = parseJson<CheckSelector | null>(row.check_selector, null);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    expr: row.expr,
    check: row.kind === 'check' && selector ? { ...selector, downAfter: row.down_after ?? 1 } : null,
    threshold: row.kind === 'anomaly' ? Number(row.anomaly_threshold ?? defaultAnomalyThreshold) : null,
    forSeconds: row.for_seconds,
    keepFiringForSeconds: row.keep_firing_for_seconds,
    labels,
    annotations: parseJson(row.annotations, {}),
    severity: labels.severity ?? null,
    group: row.group_name,
    intervalSeconds: row.interval_seconds,
    enabled: row.enabled === 1,
    state: alerts.some((a) => a.state === 'firing')
      ? 'firing'
      : alerts.some((a) => a.state === 'pending')
        ? 'pending'
        : 'inactive',
    health: row.health,
    lastError: row.last_error,
    lastEvaluatedAt: row.last_evaluated_at === null ? null : Number(row.last_evaluated_at),
    lastEvaluationMs: row.last_evaluation_ms,
    nextEvaluationAt: Number(row.next_evaluation_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function alertFromRow(row: AlertRow): RuleAlert {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    fingerprint: row.fingerprint,
    labels: JSON.parse(row.labels),
    annotations: JSON.parse(row.annotations),
    state: row.state,
    activeAt: Number(row.active_at),
    firedAt: n(row.fired_at),
    resolvedAt: n(row.resolved_at),
    value: row.last_value === null ? Number.NaN : Number(row.last_value),
    keepFiringSince: n(row.keep_firing_since),
    lastSentAt: n(row.last_sent_at),
    validUntil: n(row.valid_until),
  };
}

// ---- validation ------------------------------------------------------------------------------------------

interface Normalised {
  name: string;
  kind: AlertRuleKind;
  expr: string;
  checkSelector: string | null;
  downAfter: number | null;
  threshold: number | null;
  forSeconds: number;
  keepFiringForSeconds: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  group: string;
  intervalSeconds: number;
  enabled: boolean;
}

function checkTemplates(
  what: 'labels' | 'annotations',
  map: Record<string, string>,
  limit: number,
  errors: FieldError[],
): void {
  const names = Object.keys(map);
  if (names.length > limit) errors.push({ field: what, message: `at most ${limit} ${what}` });
  for (const name of names) {
    // Annotations may be any label name; rule labels may not use the reserved __ prefix or set alertname.
    if (!isValidLabelName(name) || name === '__name__')
      errors.push({ field: `${what}.${name}`, message: 'is not a valid label name' });
    else if (what === 'labels' && name === 'alertname')
      errors.push({ field: `${what}.${name}`, message: 'alertname is the rule name' });
    const value = map[name];
    if (typeof value !== 'string') {
      errors.push({ field: `${what}.${name}`, message: 'must be text' });
      continue;
    }
    if (what === 'labels' && value.length > metricLimits.labelValueLength)
      errors.push({ field: `${what}.${name}`, message: `longer than ${metricLimits.labelValueLength}` });
    try {
      parseTemplate(value);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      errors.push({ field: `${what}.${name}`, message: `template: ${err.message}` });
    }
  }
}

function normalise(ctx: ServiceContext, input: AlertRuleInput): Normalised {
  const errors: FieldError[] = [];
  const L = alertRuleLimits;
  // Prometheus's rule files require an alert name that is a valid metric name.
  if (typeof input.name !== 'string' || input.name.length > L.name || !isValidMetricName(input.name))
    errors.push({ field: 'name', message: `a metric-style name ([a-zA-Z_:][a-zA-Z0-9_:]*) of 1–${L.name}` });
  const group = input.group ?? defaultRuleGroup;
  if (group.trim() === '' || group.length > L.group)
    errors.push({ field: 'group', message: `1–${L.group} characters` });
  const hold = (field: string, v: number | undefined) => {
    const x = v ?? 0;
    if (!Number.isInteger(x) || x < 0 || x > L.maxHoldSeconds)
      errors.push({ field, message: `whole seconds from 0 to ${L.maxHoldSeconds}` });
    return x;
  };
  const forSeconds = hold('forSeconds', input.forSeconds);
  const keepFiringForSeconds = hold('keepFiringForSeconds', input.keepFiringForSeconds);
  const intervalSeconds = input.intervalSeconds ?? L.defaultIntervalSeconds;
  if (
    !Number.isInteger(intervalSeconds) ||
    intervalSeconds < L.minIntervalSeconds ||
    intervalSeconds > L.maxIntervalSeconds
  )
    errors.push({
      field: 'intervalSeconds',
      message: `whole seconds from ${L.minIntervalSeconds} to ${L.maxIntervalSeconds}`,
    });
  const labels = { ...(input.labels ?? {}) };
  if (input.severity !== undefined) {
    if (input.severity === null) delete labels.severity;
    else if (input.severity.trim() === '' || input.severity.length > L.severity)
      errors.push({ field: 'severity', message: `1–${L.severity} characters` });
    else labels.severity = input.severity;
  }
  checkTemplates('labels', labels, L.labels, errors);
  const annotations = input.annotations ?? {};
  checkTemplates('annotations', annotations, L.annotations, errors);

  let expr = '';
  let checkSelector: string | null = null;
  let downAfter: number | null = null;
  let threshold: number | null = null;
  if (input.kind !== 'anomaly' && input.threshold !== undefined)
    errors.push({ field: 'threshold', message: 'only for an anomaly rule' });
  if (input.kind === 'promql' || input.kind === 'anomaly') {
    expr = (input.expr ?? '').trim();
    if (expr === '' || expr.length > L.expr)
      errors.push({
        field: 'expr',
        message:
          input.kind === 'anomaly'
            ? `a series selector such as node_load1{instance="web-1:9100"}, of 1–${L.expr} characters`
            : `a PromQL expression of 1–${L.expr} characters`,
      });
    if (input.check !== undefined) errors.push({ field: 'check', message: 'only for a check rule' });
    if (input.kind === 'anomaly') {
      threshold = input.threshold ?? defaultAnomalyThreshold;
      if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1))
        errors.push({ field: 'threshold', message: 'a score above 0 and at most 1' });
    }
  } else if (input.kind === 'check') {
    if (input.expr !== undefined && input.expr !== '')
      errors.push({ field: 'expr', message: 'a check rule has no expression' });
    const c = input.check;
    if (!c) errors.push({ field: 'check', message: 'a check rule names a target or tags, and downAfter' });
    else {
      const tags = c.tags ?? [];
      const targetId = c.targetId ?? null;
      if ((targetId === null) === (tags.length === 0))
        errors.push({ field: 'check', message: 'either a targetId or some tags' });
      if (targetId !== null && (!Number.isInteger(targetId) || targetId < 1))
        errors.push({ field: 'check.targetId', message: 'a target id' });
      if (tags.length > L.tags || tags.some((t) => typeof t !== 'string' || t === '' || t.length > 200))
        errors.push({ field: 'check.tags', message: `up to ${L.tags} tags of 1–200 characters` });
      if (!Number.isInteger(c.downAfter) || c.downAfter < 1 || c.downAfter > L.maxDownAfter)
        errors.push({ field: 'check.downAfter', message: `failures in a row, 1–${L.maxDownAfter}` });
      checkSelector = JSON.stringify(targetId !== null ? { targetId } : { tags });
      downAfter = c.downAfter;
    }
  } else errors.push({ field: 'kind', message: "'promql', 'check' or 'anomaly'" });
  if (errors.length > 0) throw new Invalid('invalid_alert_rule', 'The alert rule is not valid.', errors);
  // The expression last: its error carries the position (Invalid('invalid_promql')).
  if (input.kind === 'promql') alertRulePorts(ctx).checkExpr(expr);
  if (input.kind === 'anomaly') {
    try {
      parseSeriesSelector(expr);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      throw new Invalid('invalid_alert_rule', 'The alert rule is not valid.', [
        {
          field: 'expr',
          message: `not a series selector such as node_load1{instance="web-1:9100"}: ${err.message}`,
        },
      ]);
    }
  }
  return {
    name: input.name,
    kind: input.kind,
    expr,
    checkSelector,
    downAfter,
    threshold,
    forSeconds,
    keepFiringForSeconds,
    labels,
    annotations,
    group,
    intervalSeconds,
    enabled: input.enabled ?? true,
  };
}

function selectorText(check: CheckSelector | null): string | null {
  if (!check) return null;
  return JSON.stringify(check.targetId ? { targetId: check.targetId } : { tags: check.tags ?? [] });
}

function nameTaken(): Invalid {
  return new Invalid('invalid_alert_rule', 'The alert rule is not valid.', [
    { field: 'name', message: 'another rule of this group has this name' },
  ]);
}

// ---- commands ----------------------------------------------------------------------------------------------

/**
 * Define a rule; it is first evaluated at once (its group's next round). A group has one interval: a rule saved with
 * another interval sets it for every rule of its group, as a Prometheus rule group's `interval` does.
 */
export async function createAlertRule(
  ctx: ServiceContext,
  actorId: number | null,
  input: AlertRuleInput,
): Promise<AlertRule & { alerts: RuleAlert[] }> {
  const n = normalise(ctx, input);
  const now = ctx.clock.now();
  try {
    const id = await ctx.db.transaction().execute(async (trx) => {
      // A new rule joins its group's grid (its rules are evaluated together), or is due now.
      const group = await trx
        .selectFrom('monitoring_alert_rules')
        .select((eb) => eb.fn.min('next_evaluation_at').as('next'))
        .where('group_name', '=', n.group)
        .executeTakeFirst();
      const next = group?.next == null ? now : Number(group.next);
      const row = await trx
        .insertInto('monitoring_alert_rules')
        .values({
          name: n.name,
          kind: n.kind,
          expr: n.expr,
          check_selector: n.checkSelector,
          down_after: n.downAfter,
          anomaly_threshold: n.threshold,
          for_seconds: n.forSeconds,
          keep_firing_for_seconds: n.keepFiringForSeconds,
          labels: JSON.stringify(n.labels),
          annotations: JSON.stringify(n.annotations),
          group_name: n.group,
          interval_seconds: n.intervalSeconds,
          enabled: n.enabled ? 1 : 0,
          next_evaluation_at: next,
          health: 'unknown',
          created_by: actorId,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('monitoring_alert_rules')
        .set({ interval_seconds: n.intervalSeconds })
        .where('group_name', '=', n.group)
        .where('interval_seconds', '!=', n.intervalSeconds)
        .execute();
      await recordAudit(trx, {
        actorId,
        at: now,
        action: 'monitoring.alert_rule.created',
        subjectType: 'monitoring_alert_rule',
        subjectId: row.id,
        details: definedFields(input),
      });
      return row.id;
    });
    return getAlertRule(ctx, id);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

/** Change a rule (a partial input over the stored one). Its alerts are kept: Prometheus keeps them across reloads. */
export async function updateAlertRule(
  ctx: ServiceContext,
  actorId: number | null,
  id: number,
  change: Partial<AlertRuleInput>,
): Promise<AlertRule & { alerts: RuleAlert[] }> {
  const current = await getAlertRule(ctx, id);
  const merged: AlertRuleInput = {
    name: change.name ?? current.name,
    kind: change.kind ?? current.kind,
    forSeconds: change.forSeconds ?? current.forSeconds,
    keepFiringForSeconds: change.keepFiringForSeconds ?? current.keepFiringForSeconds,
    labels: change.labels ?? current.labels,
    annotations: change.annotations ?? current.annotations,
    group: change.group ?? current.group,
    intervalSeconds: change.intervalSeconds ?? current.intervalSeconds,
    enabled: change.enabled ?? current.enabled,
    ...(change.severity !== undefined ? { severity: change.severity } : {}),
  };
  if (merged.kind === 'promql' || merged.kind === 'anomaly')
    merged.expr = change.expr ?? (current.kind === merged.kind ? current.expr : '');
  else merged.check = change.check ?? current.check ?? undefined;
  if (merged.kind === 'anomaly')
    merged.threshold =
      change.threshold ?? (current.kind === 'anomaly' ? (current.threshold ?? undefined) : undefined);
  else if (change.threshold !== undefined) merged.threshold = change.threshold;
  if (
    change.labels &&
    change.severity === undefined &&
    current.severity !== null &&
    !('severity' in change.labels)
  )
    merged.severity = current.severity;
  const n = normalise(ctx, merged);
  const now = ctx.clock.now();
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('monitoring_alert_rules')
        .set({
          name: n.name,
          kind: n.kind,
          expr: n.expr,
          check_selector: n.checkSelector,
          down_after: n.downAfter,
          anomaly_threshold: n.threshold,
          for_seconds: n.forSeconds,
          keep_firing_for_seconds: n.keepFiringForSeconds,
          labels: JSON.stringify(n.labels),
          annotations: JSON.stringify(n.annotations),
          group_name: n.group,
          interval_seconds: n.intervalSeconds,
          enabled: n.enabled ? 1 : 0,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      await trx
        .updateTable('monitoring_alert_rules')
        .set({ interval_seconds: n.intervalSeconds })
        .where('group_name', '=', n.group)
        .where('interval_seconds', '!=', n.intervalSeconds)
        .execute();
      // A changed expression or selector makes new alerts: the old ones are dropped, as a reload that changes a
      // rule does in Prometheus (its active alerts are carried over only for an identical rule).
      if (
        n.kind !== current.kind ||
        n.expr !== current.expr ||
        n.checkSelector !== selectorText(current.check) ||
        !n.enabled
      )
        await trx.deleteFrom('monitoring_rule_alerts').where('rule_id', '=', id).execute();
      // An anomaly rule's detectors learnt the series it named: a new selector starts afresh.
      if (n.kind !== current.kind || n.expr !== current.expr)
        await trx.deleteFrom('monitoring_anomaly_states').where('rule_id', '=', id).execute();
      await recordAudit(trx, {
        actorId,
        at: now,
        action: 'monitoring.alert_rule.updated',
        subjectType: 'monitoring_alert_rule',
        subjectId: id,
        details: definedFields(change),
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
  return getAlertRule(ctx, id);
}

export async function deleteAlertRule(
  ctx: ServiceContext,
  actorId: number | null,
  id: number,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('monitoring_alert_rules')
      .where('id', '=', id)
      .returning(['id', 'name'])
      .executeTakeFirst();
    if (!row) throw new NotFound('alert_rule_not_found', 'No such alert rule.');
    await recordAudit(trx, {
      actorId,
      at: ctx.clock.now(),
      action: 'monitoring.alert_rule.deleted',
      subjectType: 'monitoring_alert_rule',
      subjectId: id,
      details: { name: row.name },
    });
  });
}

/** The fields given in an input, for the audit log. */
function definedFields(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

// ---- reads -------------------------------------------------------------------------------------------------

export async function ruleAlerts(
  ctx: ServiceContext,
  ruleIds: readonly number[],
): Promise<Map<number, RuleAlert[]>> {
  const out = new Map<number, RuleAlert[]>();
  if (ruleIds.length === 0) return out;
  const rows = await ctx.db
    .selectFrom('monitoring_rule_alerts')
    .selectAll()
    .where('rule_id', 'in', [...ruleIds])
    .orderBy('rule_id')
    .orderBy('active_at')
    .orderBy('fingerprint')
    .execute();
  for (const row of rows) {
    const list = out.get(row.rule_id) ?? [];
    list.push(alertFromRow(row));
    out.set(row.rule_id, list);
  }
  return out;
}

export async function getAlertRule(
  ctx: ServiceContext,
  id: number,
): Promise<AlertRule & { alerts: RuleAlert[] }> {
  const row = await ctx.db
    .selectFrom('monitoring_alert_rules')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound('alert_rule_not_found', 'No such alert rule.');
  const alerts = (await ruleAlerts(ctx, [id])).get(id) ?? [];
  return { ...ruleFromRow(row, alerts), alerts };
}

/** Every rule, by group and name, with its alerts. */
export async function listAlertRules(ctx: ServiceContext): Promise<(AlertRule & { alerts: RuleAlert[] })[]> {
  const rows = await ctx.db
    .selectFrom('monitoring_alert_rules')
    .selectAll()
    .orderBy('group_name')
    .orderBy('name')
    .orderBy('id')
    .execute();
  const alerts = await ruleAlerts(
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const list = alerts.get(r.id) ?? [];
    return { ...ruleFromRow(r, list), alerts: list };
  });
}

// ---- Prometheus HTTP API shapes (GET /api/v1/rules, GET /api/v1/alerts) ---------------------------------------

export interface PromAlert {
  labels: Labels;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  keepFiringSince?: string;
  value: string;
}

export interface PromAlertingRule {
  state: RuleAlertState;
  name: string;
  query: string;
  duration: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: PromAlert[];
  health: AlertRuleHealth;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'alerting';
}

export interface PromRuleGroup {
  name: string;
  file: string;
  rules: PromAlertingRule[];
  interval: number;
  limit: number;
  evaluationTime: number;
  lastEvaluation: string;
}

// Go's zero time, as Prometheus shows a rule never evaluated.
const zeroTime = '0001-01-01T00:00:00Z';
const iso = (ms: number | null) => (ms === null ? zeroTime : new Date(ms).toISOString());

/** What a check rule's "query" reads as in Prometheus's shape (it has no PromQL). */
export function checkRuleQuery(check: CheckSelector & { downAfter: number }): string {
  const which = check.targetId ? `target_id="${check.targetId}"` : `tags="${(check.tags ?? []).join(',')}"`;
  return `opsdesk_check_consecutive_failures{${which}} >= ${check.downAfter}`;
}

/** What an anomaly rule's "query" reads as in Prometheus's shape: the score series it writes, over its threshold. */
export function anomalyRuleQuery(name: string, threshold: number): string {
  return `${anomalyScoreMetric}{rule="${name}"} >= ${threshold}`;
}

function promAlert(a: RuleAlert): PromAlert | null {
  if (a.state === 'inactive') return null;
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: iso(a.activeAt),
    ...(a.keepFiringSince !== null ? { keepFiringSince: iso(a.keepFiringSince) } : {}),
    value: formatPromValue(a.value),
  };
}

export async function promRuleGroups(ctx: ServiceContext): Promise<PromRuleGroup[]> {
  const rules = await listAlertRules(ctx);
  const groups = new Map<string, PromRuleGroup>();
  for (const r of rules) {
    if (!r.enabled) continue;
    let g = groups.get(r.group);
    if (!g) {
      g = {
        name: r.group,
        file: 'opsdesk',
        rules: [],
        interval: r.intervalSeconds,
        limit: 0,
        evaluationTime: 0,
        lastEvaluation: zeroTime,
      };
      groups.set(r.group, g);
    }
    const evaluationTime = (r.lastEvaluationMs ?? 0) / 1000;
    g.evaluationTime += evaluationTime;
    if (r.lastEvaluatedAt !== null && iso(r.lastEvaluatedAt) > g.lastEvaluation)
      g.lastEvaluation = iso(r.lastEvaluatedAt);
    g.rules.push({
      state: r.state,
      name: r.name,
      query:
        r.kind === 'promql'
          ? r.expr
          : r.kind === 'anomaly'
            ? anomalyRuleQuery(r.name, r.threshold ?? defaultAnomalyThreshold)
            : checkRuleQuery(r.check as CheckSelector & { downAfter: number }),
      duration: r.forSeconds,
      keepFiringFor: r.keepFiringForSeconds,
      labels: r.labels,
      annotations: r.annotations,
      alerts: r.alerts.map(promAlert).filter((a): a is PromAlert => a !== null),
      health: r.health,
      ...(r.lastError ? { lastError: r.lastError } : {}),
      evaluationTime,
      lastEvaluation: iso(r.lastEvaluatedAt),
      type: 'alerting',
    });
  }
  return [...groups.values()];
}

/** Every pending and firing alert of every enabled rule (resolved ones are not shown, as Prometheus's). */
export async function promAlerts(ctx: ServiceContext): Promise<PromAlert[]> {
  const groups = await promRuleGroups(ctx);
  return groups.flatMap((g) => g.rules.flatMap((r) => r.alerts));
}
