// A SampleSource held in memory: what PromQL's tests and benchmark read from, and a reference for the matcher
// semantics a store must honour (an absent label reads as the empty string; regular expressions fully anchored).
import type { LabelMatcher, Labels, SampleSource, SeriesSamples } from './metric-model.js';
import { labelsKey } from './metric-model.js';
import { compileMatcher } from './promql-parse.js';

interface StoredSeries {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
}

export class MemorySampleSource implements SampleSource {
  private readonly stored = new Map<string, StoredSeries>();

  /** Add samples to a series (timestamps ascending; a series added twice is replaced). */
  add(labels: Labels, timestamps: ArrayLike<number>, values: ArrayLike<number>): this {
    this.stored.set(labelsKey(labels), {
      labels: { ...labels },
      timestamps: Float64Array.from(timestamps),
      // A Float64Array is kept as given, so NaN bit patterns (Prometheus's staleness marker) survive.
      values: values instanceof Float64Array ? values : Float64Array.from(values),
    });
    return this;
  }

  private matching(matchers: readonly LabelMatcher[]): StoredSeries[] {
    const tests = matchers.map((m) => ({ name: m.name, test: compileMatcher(m) }));
    return [...this.stored.values()].filter((s) => tests.every((t) => t.test(s.labels[t.name] ?? '')));
  }

  async select(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]> {
    const out: SeriesSamples[] = [];
    for (const s of this.matching(matchers)) {
      const lo = lowerBound(s.timestamps, startMs);
      const hi = lowerBound(s.timestamps, endMs + 1);
      if (hi <= lo) continue;
      out.push({
        labels: s.labels,
        timestamps: s.timestamps.subarray(lo, hi),
        values: s.values.subarray(lo, hi),
      });
    }
    return out;
  }

  async selectEach(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
    visit: (series: SeriesSamples) => void,
  ): Promise<void> {
    for (const s of await this.select(matchers, startMs, endMs)) visit(s);
  }

  async series(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<Labels[]> {
    return (await this.select(matchers, startMs, endMs)).map((s) => s.labels);
  }

  async labelNames(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<string[]> {
    const names = new Set<string>();
    for (const l of await this.series(matchers, startMs, endMs)) for (const n of Object.keys(l)) names.add(n);
    return [...names].sort();
  }

  async labelValues(
    name: string,
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
  ): Promise<string[]> {
    const values = new Set<string>();
    for (const l of await this.series(matchers, startMs, endMs))
      if (l[name] !== undefined) values.add(l[name]);
    return [...values].sort();
  }
}

/** The first index whose timestamp is ≥ t. */
function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
