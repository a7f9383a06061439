// A scrape target's memory of the series it exposes, so that a repeated scrape — nearly every line the same series
// as last time — skips what it already knows: parsing the label set, adding the target's labels, metric relabelling,
// the label checks and the store's lookup of the label set. Keyed by a series' text exactly as the target wrote it;
// valid for one target labelling (target labels, honor_labels, metric_relabel_configs, format): any change makes a
// new cache. Bounded by the target's series limit; a series the target stops exposing ages out after a few scrapes.
import type { Labels, RejectReason } from './metric-model.js';
import type { SeriesRef } from './metric-store.js';

/** What one series text became, the first time it was seen under this labelling. */
export interface CachedSeries {
  /** Its labels after the target's labels and metric_relabel_configs (frozen); null when dropped or refused. */
  readonly labels: Readonly<Labels> | null;
  /** Why its label set is refused (counted again on every scrape, as without the cache); null when it is not. */
  readonly problem: RejectReason | null;
  /** The store's series, once an append made or found it (not while it is over the series limit). */
  ref: SeriesRef | undefined;
  /** The last scrape (ScrapeSeriesCache.scrapes) that exposed it. */
  seenIn: number;
}

/** Scrapes a series may be missing from before it is forgotten (a target's series come and go at the edges). */
const keepUnseenScrapes = 3;

export class ScrapeSeriesCache {
  /** Series text → what it became. Insertion order is the order of first sight. */
  readonly series = new Map<string, CachedSeries>();
  /** Scrapes begun with this cache: the clock of `seenIn`. */
  scrapes = 0;
  private seenNow = 0;

  constructor(
    /** The labelling this cache is valid for (see labellingOf). */
    readonly labelling: string,
    /** At most this many series texts: the target's series limit. */
    readonly capacity: number,
  ) {}

  /** A scrape begins: series seen from now on are seen in it. */
  beginScrape(): void {
    this.scrapes++;
    this.seenNow = 0;
  }

  /** The series text was exposed in this scrape. */
  saw(c: CachedSeries): void {
    if (c.seenIn !== this.scrapes) {
      c.seenIn = this.scrapes;
      this.seenNow++;
    }
  }

  /**
   * Remember what a new series text (seen in this scrape) became; the entry is returned even when the cache is full
   * and keeps none (then it does not count as a kept entry seen, so the sweep still runs).
   */
  learn(key: string, labels: Labels | null, problem: RejectReason | null): CachedSeries {
    const c: CachedSeries = {
      labels: labels && Object.freeze(labels),
      problem,
      ref: undefined,
      seenIn: this.scrapes,
    };
    if (this.series.size < this.capacity) {
      // The key is a slice of the scraped body: a copy keeps that body from living as long as the entry.
      this.series.set(copyString(key), c);
      this.seenNow++;
    }
    return c;
  }

  /** A scrape ended: forget the series texts not seen for keepUnseenScrapes scrapes (only when some were missing). */
  endScrape(): void {
    if (this.seenNow === this.series.size) return;
    const oldest = this.scrapes - keepUnseenScrapes;
    for (const [key, c] of this.series) if (c.seenIn < oldest) this.series.delete(key);
  }
}

/** The labelling a cache is valid for: everything that decides what a series text becomes. */
export function labellingOf(
  targetLabels: Labels,
  honorLabels: boolean,
  metricRelabelConfigs: unknown,
  format: string,
): string {
  return JSON.stringify([targetLabels, honorLabels, metricRelabelConfigs, format]);
}

/** A flat copy of a string (V8 keeps a slice's parent string alive; joining builds a new one). */
function copyString(s: string): string {
  return s.length < 16 ? s : s.split('').join('');
}
