// Anomaly rules (issue 15, item 1): an alert rule of kind 'anomaly' names series with a selector (its `expr`,
// e.g. `node_load1{instance="web-1:9100"}` or every series of a target, `{instance="web-1:9100"}`), and each new
// sample of each of them is scored by a streaming detector (src/anomaly/detector.ts) learning from that series'
// own history. A round scores the samples that arrived since the last one, stores each series' detector state
// (monitoring_anomaly_states), writes the scores back to the metric store as `opsdesk_anomaly_score` (so charts
// and PromQL see them), and hands the rule's state machine the series whose highest new score reached the
// threshold. From there an anomaly alert is like any other: pending, for, firing, the pipeline, grouping,
// silences, incidents. Rounds run on one instance at a time (the rules' runExclusively), so states never race.
import { AnomalyDetector } from '../anomaly/detector.js';
import type { ServiceContext } from '../core/context.js';
import type { IngestSeries, LabelMatcher, Labels, SampleSource } from './metric-model.js';
import { metricStore } from './metric-store.js';
import { parseSeriesSelector } from './promql.js';
import type { Sample } from './rule-evaluation.js';
import { canonicalLabels } from './series-index.js';

/** The name of the score series an anomaly rule writes. */
export const anomalyScoreMetric = 'opsdesk_anomaly_score';
/** The score at which a series is anomalous when a rule sets no threshold. */
export const defaultAnomalyThreshold = 0.5;
/** How far back a series first seen by a rule is read to learn from before its first round is scored. */
export const anomalyWarmupMs = 7 * 24 * 3_600_000;
/** New series taken on per round (each read alone, with its warm-up history); the others wait for the next. */
export const anomalyNewSeriesPerRound = 50;
/** Series one rule may score (the score series it writes count against this too). */
export const anomalyMaxSeries = 10_000;
/** A series with no sample for this long is forgotten (its state deleted). */
const forgetAfterMs = 14 * 24 * 3_600_000;

export interface AnomalyRuleSpec {
  id: number;
  name: string;
  /** The series selector. */
  expr: string;
  threshold: number;
}

interface StoredState {
  detector: AnomalyDetector;
  lastSampleAt: number;
  lastScore: number;
  fresh: boolean;
}

/** The matchers that pick exactly this label set. */
function exactly(labels: Labels): LabelMatcher[] {
  return Object.entries(labels).map(([name, value]) => ({ name, op: '=' as const, value }));
}

/**
 * One round of an anomaly rule at `ts`: score what is new, store the states and scores, and answer the series
 * whose highest new score reached the threshold (value: that score) — the vector the rule's state machine takes.
 */
export async function anomalyRuleVector(
  ctx: ServiceContext,
  rule: AnomalyRuleSpec,
  ts: number,
  source: SampleSource & { append?: ReturnType<typeof metricStore>['append'] } = metricStore(ctx),
): Promise<Sample[]> {
  const matchers = parseSeriesSelector(rule.expr);
  // The score series are never scored themselves (a rule over every series of a target would otherwise see them).
  matchers.push({ name: '__name__', op: '!=', value: anomalyScoreMetric });
  const rows = await ctx.db
    .selectFrom('monitoring_anomaly_states')
    .selectAll()
    .where('rule_id', '=', rule.id)
    .execute();
  const states = new Map<string, StoredState>();
  for (const r of rows)
    states.set(r.series_key, {
      detector: AnomalyDetector.restore(JSON.parse(r.state)),
      lastSampleAt: Number(r.last_sample_at),
      lastScore: Number(r.last_score),
      fresh: false,
    });

  // Known series from their oldest last sample on; new ones alone, each with its warm-up history.
  let knownFrom = ts;
  for (const s of states.values()) knownFrom = Math.min(knownFrom, s.lastSampleAt + 1);
  knownFrom = Math.max(knownFrom, ts - anomalyWarmupMs);
  const present = await source.series(matchers, ts - anomalyWarmupMs, ts);
  const newcomers = present
    .filter((labels) => !states.has(canonicalLabels(labels)))
    .slice(0, Math.max(0, Math.min(anomalyNewSeriesPerRound, anomalyMaxSeries - states.size)));
  const reads = states.size > 0 ? await source.select(matchers, knownFrom, ts) : [];
  for (const labels of newcomers)
    reads.push(...(await source.select(exactly(labels), ts - anomalyWarmupMs, ts)));

  const scores: IngestSeries[] = [];
  const vector: Sample[] = [];
  const changed = new Set<string>();
  for (const series of reads) {
    const key = canonicalLabels(series.labels);
    let state = states.get(key);
    if (!state) {
      if (!newcomers.some((l) => canonicalLabels(l) === key)) continue;
      state = {
        detector: new AnomalyDetector(),
        lastSampleAt: Number.NEGATIVE_INFINITY,
        lastScore: 0,
        fresh: true,
      };
      states.set(key, state);
    }
    // A series' first round is history, learnt from (and its scores written, for the charts) but not alerted on.
    const alerting = !state.fresh;
    const out: IngestSeries = {
      labels: {
        ...series.labels,
        __name__: anomalyScoreMetric,
        rule: rule.name,
        metric: series.labels.__name__ ?? '',
      },
      timestamps: [],
      values: [],
    };
    let highest = Number.NEGATIVE_INFINITY;
    const { timestamps, values } = series;
    for (let i = 0; i < timestamps.length; i++) {
      const t = timestamps[i] as number;
      if (t <= state.lastSampleAt) continue;
      const v = values[i] as number;
      // A stale marker (NaN) ends a series for PromQL; it is not a sample to learn from.
      if (Number.isNaN(v)) continue;
      const score = state.detector.score(t, v);
      state.lastSampleAt = t;
      state.lastScore = score;
      changed.add(key);
      out.timestamps.push(t);
      out.values.push(score);
      if (alerting) highest = Math.max(highest, score);
    }
    if (out.timestamps.length > 0) scores.push(out);
    if (highest >= rule.threshold) {
      const labels: Labels = { ...series.labels };
      if (labels.metric === undefined && labels.__name__ !== undefined) labels.metric = labels.__name__;
      vector.push({ labels, value: highest });
    }
  }

  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    for (const key of changed) {
      const s = states.get(key) as StoredState;
      const row = {
        state: JSON.stringify(s.detector.snapshot()),
        last_sample_at: s.lastSampleAt,
        last_score: s.lastScore,
        updated_at: now,
      };
      await trx
        .insertInto('monitoring_anomaly_states')
        .values({ rule_id: rule.id, series_key: key, ...row })
        .onConflict((oc) => oc.columns(['rule_id', 'series_key']).doUpdateSet(row))
        .execute();
    }
    await trx
      .deleteFrom('monitoring_anomaly_states')
      .where('rule_id', '=', rule.id)
      .where('last_sample_at', '<', ts - forgetAfterMs)
      .execute();
  });
  if (scores.length > 0 && source.append) {
    const result = await source.append(scores, { key: `anomaly:${rule.id}`, maxSeries: anomalyMaxSeries });
    const refused = Object.values(result.rejected).reduce((a, b) => a + (b ?? 0), 0);
    if (refused > 0)
      ctx.log.warn({ ruleId: rule.id, rejected: result.rejected }, 'the metric store refused anomaly scores');
  }
  return vector;
}
