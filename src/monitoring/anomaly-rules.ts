// Anomaly rules (issue 15, item 1): an alert rule of kind 'anomaly' names series with a selector (its `expr`,
// e.g. `node_load1{instance="web-1:9100"}` or every series of a target, `{instance="web-1:9100"}`), and each new
// sample of each of them is scored by a streaming detector (src/anomaly/detector.ts) learning from that series'
// own history. A round scores the samples that arrived since the last one, stores each series' detector state
// (monitoring_anomaly_states), writes the scores back to the metric store as `opsdesk_anomaly_score` (so charts
// and PromQL see them), and hands the rule's state machine the series whose highest new score reached the
// threshold. From there an anomaly alert is like any other: pending, for, firing, the pipeline, grouping,
// silences, incidents. Rounds run on one instance at a time (the rules' runExclusively), so states never race.
import { AnomalyDetector } from '../anomaly/index.js';
import type { ServiceContext } from '../core/context.js';
import { anomalyScoreMetric } from './anomaly-model.js';
import type { IngestSeries, LabelMatcher, Labels, SampleSource, SeriesSamples } from './metric-model.js';
import { metricStore } from './metric-store.js';
import { parseSeriesSelector } from './promql.js';
import { canonicalLabels } from './series-index.js';

/** A series that reached the threshold, and its highest new score: what the rule's state machine takes. */
interface Sample {
  labels: Labels;
  value: number;
}
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

/** A series' samples before `from` (older) followed by those of the later read (recent): one series in time order. */
function joined(older: SeriesSamples, recent: SeriesSamples, from: number): SeriesSamples {
  let n = 0;
  while (n < older.timestamps.length && (older.timestamps[n] as number) < from) n++;
  const timestamps = new Float64Array(n + recent.timestamps.length);
  const values = new Float64Array(timestamps.length);
  timestamps.set(older.timestamps.subarray(0, n));
  values.set(older.values.subarray(0, n));
  timestamps.set(recent.timestamps, n);
  values.set(recent.values, n);
  return { labels: recent.labels, timestamps, values };
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

  // One read of every matching series from the known ones' oldest last sample on (the new samples of the known
  // series, and which series are new); a new one (up to the round's quota) then reads only the older part of its
  // warm-up history, put before what the first read brought. Before any state, a listing names the new series and
  // each is read once, warm-up and all. A series silent since the known ones' oldest sample is taken on when it
  // speaks again.
  const quota = Math.max(0, Math.min(anomalyNewSeriesPerRound, anomalyMaxSeries - states.size));
  const warmupFrom = ts - anomalyWarmupMs;
  let reads: SeriesSamples[];
  let newcomers: Set<string>;
  if (states.size > 0) {
    let knownFrom = ts;
    for (const s of states.values()) knownFrom = Math.min(knownFrom, s.lastSampleAt + 1);
    knownFrom = Math.max(knownFrom, warmupFrom);
    reads = await source.select(matchers, knownFrom, ts);
    newcomers = new Set();
    for (const series of reads) {
      if (newcomers.size >= quota) break;
      const key = canonicalLabels(series.labels);
      if (!states.has(key)) newcomers.add(key);
    }
    if (knownFrom > warmupFrom)
      for (let i = 0; i < reads.length; i++) {
        const recent = reads[i];
        if (!newcomers.has(canonicalLabels(recent.labels))) continue;
        const older = (await source.select(exactly(recent.labels), warmupFrom, knownFrom - 1)).find(
          (s) => canonicalLabels(s.labels) === canonicalLabels(recent.labels),
        );
        if (older) reads[i] = joined(older, recent, knownFrom);
      }
  } else {
    const present = (await source.series(matchers, warmupFrom, ts)).slice(0, quota);
    newcomers = new Set(present.map(canonicalLabels));
    reads = [];
    for (const labels of present) reads.push(...(await source.select(exactly(labels), warmupFrom, ts)));
  }

  const scores: IngestSeries[] = [];
  const vector: Sample[] = [];
  const changed = new Set<string>();
  for (const series of reads) {
    const key = canonicalLabels(series.labels);
    let state = states.get(key);
    if (!state) {
      if (!newcomers.has(key)) continue;
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
