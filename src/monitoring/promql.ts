// PromQL: parse (with @prometheus-io/lezer-promql), evaluate instant and range queries over a SampleSource, and
// answer in the Prometheus HTTP API's JSON shapes. (Stub: the PromQL part fills this in.)
import type { Labels, SampleSource } from './metric-model.js';

/** A result's `data`, as Prometheus's /api/v1/query and /query_range return it (times in seconds, values as text). */
export type PromQueryData =
  | { resultType: 'vector'; result: { metric: Labels; value: [number, string] }[] }
  | { resultType: 'matrix'; result: { metric: Labels; values: [number, string][] }[] }
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'string'; result: [number, string] };

export interface QueryOptions {
  /** How far back an instant selector looks for a sample (Prometheus's default: 5 minutes). */
  lookbackMs?: number;
  /** Refuse a query that would touch more samples than this (a 422-style "too many samples"). */
  maxSamples?: number;
}

/** Throws Invalid('invalid_promql') with the position of the error (line and column) when the text is not PromQL. */
export function checkPromql(_query: string): void {
  throw new Error('checkPromql: not built yet');
}

export async function queryInstant(
  _source: SampleSource,
  _query: string,
  _timeMs: number,
  _options?: QueryOptions,
): Promise<PromQueryData> {
  throw new Error('queryInstant: not built yet');
}

export async function queryRange(
  _source: SampleSource,
  _query: string,
  _startMs: number,
  _endMs: number,
  _stepMs: number,
  _options?: QueryOptions,
): Promise<PromQueryData> {
  throw new Error('queryRange: not built yet');
}

/** For alert rules: the instant vector an expression returns at a time (a scalar is one sample with no labels). */
export async function evaluateInstant(
  _source: SampleSource,
  _query: string,
  _timeMs: number,
  _options?: QueryOptions,
): Promise<{ labels: Labels; value: number }[]> {
  throw new Error('evaluateInstant: not built yet');
}
