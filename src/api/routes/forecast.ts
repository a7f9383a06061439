// Forecasts and the capacity report over the metric store: GET /api/v1/forecast (any PromQL expression's series,
// their history, forecast with band and threshold crossing) and GET /api/v1/capacity (every host's disk, memory, CPU
// and network headroom and crossing dates). Staff read them, as every monitoring read (metrics.read).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Duration } from 'luxon';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { Invalid, TooLarge } from '../../core/errors.js';
import {
  type CapacityThresholds,
  capacityResources,
  defaultThresholds,
  forecastSeries,
} from '../../forecast/index.js';
import {
  evaluateRange,
  hostCapacity,
  metricStore,
  promDurationMs,
  requireMonitor,
} from '../../monitoring/index.js';
import { requireActor } from '../authentication.js';
import { IsoTime, Nullable, problemResponses } from '../schemas.js';

const tags = ['monitoring'];
const day = 86_400_000;
/** Points per series, history and forecast alike (PromQL's bound on a range query's steps). */
const maxPoints = 11_000;
/** Series one forecast request may answer. */
const maxSeries = 100;

const DurationText = Type.String({
  minLength: 1,
  maxLength: 40,
  description: 'a Prometheus duration (30d, 1h30m), an ISO 8601 duration (P30D, PT4H) or whole seconds',
});
const NumberText = Type.String({ maxLength: 40, pattern: '^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?$' });
const Fraction = Type.String({
  maxLength: 20,
  pattern: '^(0?\\.\\d+|1(\\.0*)?|0)$',
  description: 'used fraction, 0–1',
});

/** A duration as the API takes it, in milliseconds, within [min, max]; Invalid naming the field otherwise. */
function durationMs(
  text: string | undefined,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  let ms: number | null = null;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else if (/^P/i.test(text)) {
    const d = Duration.fromISO(text.toUpperCase());
    ms = d.isValid ? d.toMillis() : null;
  } else ms = promDurationMs(text);
  if (ms === null || !Number.isFinite(ms)) {
    throw new Invalid('validation_failed', `${field} must be a duration such as 30d, P30D or 3600.`, [
      { field, message: 'not a duration' },
    ]);
  }
  if (ms < min || ms > max) {
    throw new Invalid(
      'validation_failed',
      `${field} must be between ${isoDuration(min)} and ${isoDuration(max)}.`,
      [{ field, message: 'out of range' }],
    );
  }
  return ms;
}

/** Milliseconds as an ISO 8601 duration in days, hours, minutes and seconds (P30D, PT1H30M). */
export function isoDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${sec ? `${sec}S` : ''}`;
  const text = `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
  return text === 'P' ? 'PT0S' : text;
}

const Crossing = Type.Object({
  at: IsoTime,
  earliest: IsoTime,
  latest: Nullable(IsoTime),
});
const Labels = Type.Record(Type.String(), Type.String());

const ForecastReply = Type.Object({
  range: Type.String(),
  horizon: Type.String(),
  step: Type.String(),
  threshold: Nullable(Type.Number()),
  series: Type.Array(
    Type.Object({
      labels: Labels,
      fit: Nullable(Type.String()),
      /** Out-of-sample root-mean-square error of the fit, in the series' unit. */
      error: Nullable(Type.Number()),
      history: Type.Array(Type.Object({ t: IsoTime, v: Type.Number() })),
      forecast: Type.Array(
        Type.Object({ t: IsoTime, value: Type.Number(), lower: Type.Number(), upper: Type.Number() }),
      ),
      crossing: Nullable(Crossing),
    }),
  ),
});

const CapacityItem = Type.Object({
  target: Type.Object({ id: Nullable(Type.Integer()), name: Type.String(), instance: Type.String() }),
  resource: Type.Union(capacityResources.map((r) => Type.Literal(r))),
  detail: Type.String(),
  query: Type.String({
    description: 'the PromQL of this series’ used fraction (GET /api/v1/forecast charts it)',
  }),
  headroom: Type.Number(),
  threshold: Type.Number(),
  crossesAt: Nullable(IsoTime),
  earliest: Nullable(IsoTime),
  latest: Nullable(IsoTime),
  trend30d: Nullable(Type.Number({ description: 'change of the used fraction per day, last 30 days' })),
  trend90d: Nullable(Type.Number({ description: 'change of the used fraction per day, last 90 days' })),
  fit: Nullable(Type.String()),
  needsAction: Type.Boolean(),
});
const CapacityReply = Type.Object({
  horizon: Type.String(),
  generatedAt: IsoTime,
  thresholds: Type.Object({
    disk: Type.Number(),
    memory: Type.Number(),
    cpu: Type.Number(),
    network: Type.Number(),
  }),
  items: Type.Array(CapacityItem),
});

/** A number JSON can carry: infinities (an exponential's far band) as the largest double. */
function jsonNumber(v: number): number {
  if (v === Number.POSITIVE_INFINITY) return Number.MAX_VALUE;
  if (v === Number.NEGATIVE_INFINITY) return -Number.MAX_VALUE;
  return v;
}

export function forecastRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/forecast',
      {
        schema: {
          tags,
          summary:
            'Each series of a PromQL expression over `range` with its forecast `horizon` ahead (the fit chosen by out-of-sample error, a band at 95 %) and, given a `threshold`, when it crosses it',
          querystring: Type.Object(
            {
              query: Type.String({ minLength: 1, maxLength: 4096 }),
              range: Type.Optional(DurationText),
              horizon: Type.Optional(DurationText),
              step: Type.Optional(DurationText),
              threshold: Type.Optional(NumberText),
            },
            { additionalProperties: false },
          ),
          response: { 200: ForecastReply, ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'metrics.read');
        const q = request.query;
        const range = durationMs(q.range, 'range', 7 * day, 60_000, 400 * day);
        const horizon = durationMs(q.horizon, 'horizon', 7 * day, 0, 5 * 365 * day);
        const fallbackStep = Math.max(60_000, Math.ceil(range / 500 / 60_000) * 60_000);
        const step = durationMs(q.step, 'step', fallbackStep, 1000, range);
        const threshold = q.threshold === undefined ? null : Number(q.threshold);
        if (horizon / step > maxPoints) {
          throw new Invalid(
            'promql_too_many_points',
            `The forecast would have more than ${maxPoints} points; increase the step or shorten the horizon.`,
            [{ field: 'step', message: `more than ${maxPoints} forecast points` }],
          );
        }
        const now = ctx.clock.now();
        const end = Math.floor(now / step) * step;
        const { steps, series } = await evaluateRange(metricStore(ctx), q.query, end - range, end, step);
        if (series.length > maxSeries) {
          throw new TooLarge(
            'promql_too_many_samples',
            `The query answers ${series.length} series; a forecast takes at most ${maxSeries}. Narrow the selector.`,
          );
        }
        return {
          range: isoDuration(range),
          horizon: isoDuration(horizon),
          step: isoDuration(step),
          threshold,
          series: series.map((s) => {
            const history: { t: number; v: number }[] = [];
            for (let i = 0; i < steps.length; i++)
              if (s.present[i] && Number.isFinite(s.values[i])) history.push({ t: steps[i], v: s.values[i] });
            const fit = forecastSeries(history);
            const forecast: { t: string; value: number; lower: number; upper: number }[] = [];
            if (fit) {
              for (let t = end + step; t <= end + horizon; t += step) {
                const p = fit.predict(t);
                forecast.push({
                  t: toIso(t),
                  value: jsonNumber(p.value),
                  lower: jsonNumber(p.lower),
                  upper: jsonNumber(p.upper),
                });
              }
            }
            const crossing = fit && threshold !== null ? fit.timeLeft(threshold, end, horizon) : null;
            return {
              labels: s.labels,
              fit: fit?.fit ?? null,
              error: fit ? jsonNumber(fit.error) : null,
              history: history.map((p) => ({ t: toIso(p.t), v: p.v })),
              forecast,
              crossing: crossing
                ? {
                    at: toIso(crossing.at),
                    earliest: toIso(crossing.earliest),
                    latest: Number.isFinite(crossing.latest) ? toIso(crossing.latest) : null,
                  }
                : null,
            };
          }),
        };
      },
    );

    app.get(
      '/api/v1/capacity',
      {
        schema: {
          tags,
          summary:
            "Every host's disk, memory, CPU and network headroom from node_exporter's series, their 30- and 90-day trends, and when each crosses its threshold; `needsAction` when within `horizon`",
          querystring: Type.Object(
            {
              horizon: Type.Optional(DurationText),
              disk: Type.Optional(Fraction),
              memory: Type.Optional(Fraction),
              cpu: Type.Optional(Fraction),
              network: Type.Optional(Fraction),
            },
            { additionalProperties: false },
          ),
          response: { 200: CapacityReply, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'metrics.read');
        const q = request.query;
        const horizon = durationMs(q.horizon, 'horizon', 30 * day, day, 5 * 365 * day);
        const thresholds: CapacityThresholds = { ...defaultThresholds };
        for (const r of capacityResources) if (q[r] !== undefined) thresholds[r] = Number(q[r]);
        const { items, now } = await hostCapacity(ctx, { horizonMs: horizon, thresholds });
        const report = { items };
        return {
          horizon: isoDuration(horizon),
          generatedAt: toIso(now),
          thresholds,
          items: report.items.map((i) => ({
            ...i,
            headroom: jsonNumber(i.headroom),
            crossesAt: toIso(i.crossesAt),
            earliest: toIso(i.earliest),
            latest: toIso(i.latest),
          })),
        };
      },
    );
  };
}
