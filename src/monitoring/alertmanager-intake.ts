// Alerts from outside in Alertmanager's formats: its webhook payload (version 4), so an existing Alertmanager can
// route here, and its API v2 `POST /api/v2/alerts`, so a Prometheus can use opsdesk as its Alertmanager. Each alert
// is checked on its own (label names and values as Alertmanager's model validates them, sizes and counts bounded,
// times); the bad ones are refused with a reason and the valid rest goes to the alert pipeline.
import type { ServiceContext } from '../core/context.js';
import type { AlertInput } from './alert-pipeline.js';
import { alertRulePorts } from './alert-rule-ports.js';
import { metricLimits } from './metric-model.js';

export const intakeLimits = {
  alertsPerRequest: 1_000,
  labelsPerAlert: metricLimits.labelsPerSeries,
  annotationsPerAlert: 64,
  labelNameLength: metricLimits.labelNameLength,
  labelValueLength: metricLimits.labelValueLength,
  annotationValueLength: 16_384,
  generatorUrlLength: 2_048,
  /** Request bodies, JSON. */
  bodyBytes: 5 * 1024 * 1024,
} as const;

export const intakeRejectReasons = [
  'not_an_object',
  'labels_missing',
  'invalid_label_name',
  'invalid_label_value',
  'too_many_labels',
  'label_too_long',
  'invalid_annotations',
  'invalid_time',
  'ends_before_start',
  'invalid_status',
  'invalid_generator_url',
  'refused_by_pipeline',
] as const;
export type IntakeRejectReason = (typeof intakeRejectReasons)[number];

export interface IntakeRejection {
  index: number;
  reason: IntakeRejectReason;
  detail: string;
}

export interface IntakeResult {
  accepted: number;
  rejected: IntakeRejection[];
}

// Alertmanager's model.LabelName.IsValid (classic names; `__` prefixes are allowed there).
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// RFC 3339 with an offset or Z, as Go's time.Time unmarshals.
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const goZeroYear = /^0001-01-01/;

class Refusal extends Error {
  constructor(
    readonly reason: IntakeRejectReason,
    detail: string,
  ) {
    super(detail);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readLabels(v: unknown): Record<string, string> {
  if (!isPlainObject(v)) throw new Refusal('labels_missing', 'labels must be an object of names to texts');
  // Entries, not assignment: a label named __proto__ must stay a label.
  const labels: [string, string][] = [];
  const names = Object.keys(v);
  if (names.length > intakeLimits.labelsPerAlert)
    throw new Refusal('too_many_labels', `more than ${intakeLimits.labelsPerAlert} labels`);
  for (const name of names) {
    if (name.length > intakeLimits.labelNameLength)
      throw new Refusal('label_too_long', `a label name is longer than ${intakeLimits.labelNameLength}`);
    if (!labelName.test(name))
      throw new Refusal('invalid_label_name', `"${name.slice(0, 100)}" is not a label name`);
    const value = v[name];
    if (typeof value !== 'string' || loneSurrogate.test(value))
      throw new Refusal('invalid_label_value', `label ${name}: the value must be UTF-8 text`);
    if (value.length > intakeLimits.labelValueLength)
      throw new Refusal('label_too_long', `label ${name}: longer than ${intakeLimits.labelValueLength}`);
    // Alertmanager drops labels with empty values (removeEmptyLabels).
    if (value !== '') labels.push([name, value]);
  }
  if (labels.length === 0) throw new Refusal('labels_missing', 'at least one label pair required');
  return Object.fromEntries(labels);
}

function readAnnotations(v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v))
    throw new Refusal('invalid_annotations', 'annotations must be an object of names to texts');
  const names = Object.keys(v);
  if (names.length > intakeLimits.annotationsPerAlert)
    throw new Refusal('invalid_annotations', `more than ${intakeLimits.annotationsPerAlert} annotations`);
  const out: [string, string][] = [];
  for (const name of names) {
    const value = v[name];
    if (!labelName.test(name) || name.length > intakeLimits.labelNameLength)
      throw new Refusal('invalid_annotations', `"${name.slice(0, 100)}" is not an annotation name`);
    if (
      typeof value !== 'string' ||
      loneSurrogate.test(value) ||
      value.length > intakeLimits.annotationValueLength
    )
      throw new Refusal(
        'invalid_annotations',
        `annotation ${name}: UTF-8 text up to ${intakeLimits.annotationValueLength} characters`,
      );
    out.push([name, value]);
  }
  return Object.fromEntries(out);
}

/** An RFC 3339 time in epoch ms, or null for absent / Go's zero time. */
function readTime(v: unknown, field: string): number | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || v.length > 40 || !rfc3339.test(v))
    throw new Refusal('invalid_time', `${field} must be an RFC 3339 time`);
  if (goZeroYear.test(v)) return null;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) throw new Refusal('invalid_time', `${field} is not a real time`);
  return ms;
}

function readGeneratorUrl(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > intakeLimits.generatorUrlLength)
    throw new Refusal(
      'invalid_generator_url',
      `generatorURL must be text up to ${intakeLimits.generatorUrlLength}`,
    );
  return v;
}

/** One alert of Alertmanager's API v2 (postableAlert), as Alertmanager itself takes it in. */
export function readPostableAlert(v: unknown, now: number): AlertInput {
  if (!isPlainObject(v)) throw new Refusal('not_an_object', 'an alert must be an object');
  const labels = readLabels(v.labels);
  const annotations = readAnnotations(v.annotations);
  let startsAt = readTime(v.startsAt, 'startsAt');
  const endsAt = readTime(v.endsAt, 'endsAt');
  if (startsAt !== null && endsAt !== null && endsAt < startsAt)
    throw new Refusal('ends_before_start', 'start time must be before end time');
  // Alertmanager: no start time is the end time, or now; no end time is "until the resolve timeout".
  if (startsAt === null) startsAt = endsAt ?? now;
  const generatorUrl = readGeneratorUrl(v.generatorURL);
  return { labels, annotations, startsAt, endsAt, ...(generatorUrl ? { generatorUrl } : {}) };
}

/**
 * One alert of a webhook payload (version 4). A firing alert stays firing until Alertmanager says it resolved (its
 * endsAt there is its own resolve timeout, not ours); a resolved one ends at its endsAt, or now.
 */
export function readWebhookAlert(v: unknown, now: number): AlertInput {
  if (!isPlainObject(v)) throw new Refusal('not_an_object', 'an alert must be an object');
  if (v.status !== 'firing' && v.status !== 'resolved')
    throw new Refusal('invalid_status', "status must be 'firing' or 'resolved'");
  const labels = readLabels(v.labels);
  const annotations = readAnnotations(v.annotations);
  const startsAt = readTime(v.startsAt, 'startsAt') ?? now;
  const endsAt = readTime(v.endsAt, 'endsAt');
  if (v.status === 'resolved' && endsAt !== null && endsAt < startsAt)
    throw new Refusal('ends_before_start', 'start time must be before end time');
  const generatorUrl = readGeneratorUrl(v.generatorURL);
  return {
    labels,
    annotations,
    startsAt,
    endsAt: v.status === 'resolved' ? (endsAt ?? now) : null,
    ...(generatorUrl ? { generatorUrl } : {}),
  };
}

/** Check each alert, hand the valid ones to the pipeline (origin 'alertmanager'), say what was refused and why. */
export async function takeAlertmanagerAlerts(
  ctx: ServiceContext,
  alerts: readonly unknown[],
  format: 'webhook' | 'api_v2',
): Promise<IntakeResult> {
  const now = ctx.clock.now();
  const read = format === 'webhook' ? readWebhookAlert : readPostableAlert;
  const valid: AlertInput[] = [];
  const validIndex: number[] = [];
  const rejected: IntakeRejection[] = [];
  alerts.forEach((raw, index) => {
    try {
      valid.push(read(raw, now));
      validIndex.push(index);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      rejected.push({ index, reason: err.reason, detail: err.message });
    }
  });
  let accepted = 0;
  if (valid.length > 0) {
    const received = await alertRulePorts(ctx).send(ctx, valid, 'alertmanager');
    accepted = received.accepted;
    for (const r of received.rejected)
      rejected.push({
        index: validIndex[r.index] ?? r.index,
        reason: 'refused_by_pipeline',
        detail: r.reason,
      });
  }
  rejected.sort((a, b) => a.index - b.index);
  if (rejected.length > 0) {
    const byReason: Record<string, number> = {};
    for (const r of rejected) byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
    ctx.log.warn({ format, accepted, rejected: byReason }, 'alerts from an Alertmanager refused');
  }
  return { accepted, rejected };
}
