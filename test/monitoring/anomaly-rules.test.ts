// Anomaly rules end to end on both databases, on a ManualClock, with the real metric store, detector and alert
// pipeline: a rule over a series with a daily rhythm learns three days of history in its first round (writing
// their scores, alerting on none), stays quiet on ordinary samples, fires on a spike through the pipeline, and
// another instance carries on from the stored detector state. Validation of the rule's selector and threshold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../src/core/context.js';
import { anomalyScoreMetric } from '../../src/monitoring/anomaly-model.js';
import { anomalyRuleVector } from '../../src/monitoring/anomaly-rules.js';
import {
  createAlertRule,
  evaluateDueRules,
  getAlertRule,
  metricStore,
  updateAlertRule,
} from '../../src/monitoring/index.js';
import type { LabelMatcher, SampleSource } from '../../src/monitoring/metric-model.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const minute = 60_000;
const step = 5 * minute;
const day = 24 * 60 * minute;
const series = { __name__: 'app_latency_seconds', instance: 'web-1:9100', job: 'app' };
const source = { key: 'test', maxSeries: 100 };

/** A latency with a daily rhythm (busy afternoons) and a little deterministic noise. */
function ordinary(t: number): number {
  const hour = (t % day) / (60 * minute);
  const noise = Math.sin(t / 7_919) * 0.01;
  return 0.2 + 0.1 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + noise;
}

async function append(ctx: ServiceContext, at: number[], value: (t: number) => number) {
  const result = await metricStore(ctx).append(
    [{ labels: series, timestamps: at, values: at.map(value) }],
    source,
  );
  expect(result.rejected).toEqual({});
}

async function scoreSamples(ctx: ServiceContext, from: number, to: number): Promise<number> {
  const read = await metricStore(ctx).select(
    [{ name: '__name__', op: '=', value: anomalyScoreMetric }],
    from,
    to,
  );
  return read.reduce((n, s) => n + s.timestamps.length, 0);
}

describe.each(dialects)('anomaly rules on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await makeContext(dialect);
  });
  afterAll(async () => t?.close());

  it('learns the history, stays quiet on ordinary samples, fires on a spike, and another instance carries on', async () => {
    const start = Math.floor(t.clock.now() / step) * step - 3 * day;
    const history: number[] = [];
    for (let at = start; at <= t.clock.now(); at += step) history.push(at);
    await append(t.ctx, history, ordinary);
    const rule = await createAlertRule(t.ctx, null, {
      name: 'LatencyAnomaly',
      kind: 'anomaly',
      expr: 'app_latency_seconds{job="app"}',
      intervalSeconds: 60,
      severity: 'warning',
      annotations: { summary: '{{ $labels.instance }} latency is unusual (score {{ $value }})' },
    });
    expect(rule.threshold).toBeGreaterThan(0);

    // Round 1: three days learnt, their scores written for the charts, no alert.
    await evaluateDueRules(t.ctx);
    let r = await getAlertRule(t.ctx, rule.id);
    expect(r.health).toBe('ok');
    expect(r.alerts).toEqual([]);
    expect(await scoreSamples(t.ctx, start, t.clock.now())).toBe(history.length);
    const stored = await t.ctx.db.selectFrom('monitoring_anomaly_states').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(Number(stored[0]?.last_sample_at)).toBe(history.at(-1));

    // An hour of ordinary samples, a round every 5 minutes: nothing fires.
    let last = history.at(-1) as number;
    for (let i = 0; i < 12; i++) {
      t.clock.advance(step);
      last += step;
      await append(t.ctx, [last], ordinary);
      await evaluateDueRules(t.ctx);
    }
    r = await getAlertRule(t.ctx, rule.id);
    expect(r.alerts.filter((a) => a.state !== 'inactive')).toEqual([]);

    // A spike: ten times the usual latency. The rule fires at once (for: 0) and the pipeline has the alert.
    t.clock.advance(step);
    last += step;
    await append(t.ctx, [last], (x) => ordinary(x) * 10);
    await evaluateDueRules(t.ctx);
    r = await getAlertRule(t.ctx, rule.id);
    expect(r.alerts.map((a) => a.state)).toEqual(['firing']);
    expect(r.alerts[0]?.labels).toMatchObject({
      alertname: 'LatencyAnomaly',
      instance: 'web-1:9100',
      job: 'app',
      metric: 'app_latency_seconds',
      severity: 'warning',
    });
    expect(r.alerts[0]?.value).toBeGreaterThanOrEqual(r.threshold as number);
    const piped = await t.ctx.db.selectFrom('monitoring_alerts').select(['labels', 'status']).execute();
    const ours = piped.filter((a) => JSON.parse(a.labels).alertname === 'LatencyAnomaly');
    expect(ours.map((a) => a.status)).toEqual(['firing']);

    // Another instance takes the next round from the stored state: it scores only the new sample.
    const other = await t.openAnother(t.clock);
    try {
      t.clock.advance(step);
      last += step;
      await append(other.ctx, [last], ordinary);
      const before = await scoreSamples(other.ctx, start, last);
      await evaluateDueRules(other.ctx);
      expect(await scoreSamples(other.ctx, start, last)).toBe(before + 1);
      const row = await other.ctx.db.selectFrom('monitoring_anomaly_states').selectAll().executeTakeFirst();
      expect(Number(row?.last_sample_at)).toBe(last);
    } finally {
      await other.close();
    }

    // A new selector starts afresh: the learnt state is dropped.
    await updateAlertRule(t.ctx, null, rule.id, { expr: 'app_latency_seconds{job="other"}' });
    expect(await t.ctx.db.selectFrom('monitoring_anomaly_states').selectAll().execute()).toEqual([]);
  });

  it('a round reads each known series once; a new series is read for its warm-up alone, and no sample twice', async () => {
    const a = { __name__: 'queue_depth', instance: 'q-1:9100', job: 'queue' };
    const b = { __name__: 'queue_depth', instance: 'q-2:9100', job: 'queue' };
    const now0 = Math.floor(t.clock.now() / step) * step;
    const times = (from: number, to: number) => {
      const at: number[] = [];
      for (let x = from; x <= to; x += step) at.push(x);
      return at;
    };
    const put = async (labels: Record<string, string>, at: number[]) =>
      expect(
        (await metricStore(t.ctx).append([{ labels, timestamps: at, values: at.map(ordinary) }], source))
          .rejected,
      ).toEqual({});
    await put(a, times(now0 - day, now0));
    // Every read through the store, counted: how many calls, and how many samples each series brought.
    const store = metricStore(t.ctx);
    const calls = { series: 0, select: 0 };
    const samples = new Map<string, number>();
    const counting: SampleSource = {
      ...store,
      selectEach: undefined,
      series: async (m: readonly LabelMatcher[], from: number, to: number) => {
        calls.series++;
        return store.series(m, from, to);
      },
      select: async (m: readonly LabelMatcher[], from: number, to: number) => {
        calls.select++;
        const out = await store.select(m, from, to);
        for (const s of out)
          samples.set(
            s.labels.instance ?? '',
            (samples.get(s.labels.instance ?? '') ?? 0) + s.timestamps.length,
          );
        return out;
      },
    };
    const created = await createAlertRule(t.ctx, null, {
      name: 'QueueAnomaly',
      kind: 'anomaly',
      expr: 'queue_depth{job="queue"}',
      intervalSeconds: 60,
      severity: 'warning',
    });
    const rule = { id: created.id, name: created.name, expr: created.expr, threshold: 0.99 };

    // First round: the listing names a, whose day of history is read once.
    await anomalyRuleVector(t.ctx, rule, now0, counting);
    expect(calls).toEqual({ series: 1, select: 1 });
    expect(samples.get('q-1:9100')).toBe(times(now0 - day, now0).length);

    // b appears with a day of history beside a's new sample: one read for both, then b's older part alone.
    calls.series = 0;
    calls.select = 0;
    samples.clear();
    t.clock.advance(step);
    const now1 = now0 + step;
    await put(a, [now1]);
    await put(b, times(now1 - day, now1));
    await anomalyRuleVector(t.ctx, rule, now1, counting);
    expect(calls).toEqual({ series: 0, select: 2 });
    expect(samples.get('q-1:9100')).toBe(1);
    expect(samples.get('q-2:9100')).toBe(times(now1 - day, now1).length);
    const states = await t.ctx.db
      .selectFrom('monitoring_anomaly_states')
      .select(['series_key', 'last_sample_at'])
      .where('rule_id', '=', rule.id)
      .orderBy('series_key')
      .execute();
    expect(states.map((s) => Number(s.last_sample_at))).toEqual([now1, now1]);
    // b's whole day was learnt: its scores cover every sample.
    const scored = await metricStore(t.ctx).select(
      [
        { name: '__name__', op: '=', value: anomalyScoreMetric },
        { name: 'instance', op: '=', value: 'q-2:9100' },
      ],
      now1 - day,
      now1,
    );
    expect(scored[0]?.timestamps.length).toBe(times(now1 - day, now1).length);
  });

  it('refuses a selector that is not one, a threshold out of (0, 1], and a threshold on another kind', async () => {
    const refused = async (input: Parameters<typeof createAlertRule>[2], field: string) => {
      const err = await createAlertRule(t.ctx, null, input).catch((e: unknown) => e);
      expect(err, JSON.stringify(input)).toMatchObject({ code: expect.stringMatching(/^invalid_/) });
      expect(JSON.stringify(err), field).toContain(field);
    };
    await refused({ name: 'A1', kind: 'anomaly', expr: 'rate(x[5m])' }, 'expr');
    await refused({ name: 'A2', kind: 'anomaly', expr: '' }, 'expr');
    await refused({ name: 'A3', kind: 'anomaly', expr: 'x', threshold: 0 }, 'threshold');
    await refused({ name: 'A4', kind: 'anomaly', expr: 'x', threshold: 1.5 }, 'threshold');
    await refused({ name: 'A5', kind: 'promql', expr: 'x', threshold: 0.5 }, 'threshold');
    const ok = await createAlertRule(t.ctx, null, {
      name: 'A6',
      kind: 'anomaly',
      expr: 'x',
      threshold: 0.75,
    });
    expect(ok.threshold).toBe(0.75);
  });
});
