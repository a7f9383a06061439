// The metric store's blobs give back exactly what went in: chunks in every timestamp and value mode (regular or
// not; raw, constant, decimal) bit for bit — -0, NaN, infinities, huge and tiny numbers included — write-ahead
// batches, and rollup buckets; a blob at an odd byte offset (as a driver's Buffer may be) decodes the same.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketize,
  decodeBatch,
  decodeBuckets,
  decodeChunk,
  encodeBatch,
  encodeBuckets,
  encodeChunk,
} from '../../src/monitoring/sample-codec.js';

/** The same bytes at an odd offset of a larger buffer. */
function misaligned(blob: Uint8Array): Uint8Array {
  const host = new Uint8Array(blob.length + 3);
  host.set(blob, 3);
  return host.subarray(3);
}

const sameBits = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('sample codec', () => {
  const values = fc.oneof(
    fc.double(),
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.integer({ min: -100_000, max: 100_000 }).map((n) => n / 100),
    fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 1e-300, 0.1, 1.15),
  );

  it('a chunk decodes to its samples, whatever their shape (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 60_000 }), values), { minLength: 1, maxLength: 300 }),
        fc.boolean(),
        fc.boolean(),
        (start, samples, regular, constant) => {
          const ts: number[] = [];
          let t = start;
          for (const [gap] of samples) {
            ts.push(t);
            t += regular ? 15_000 : gap;
          }
          const vals = samples.map(([, v]) => (constant ? (samples[0]?.[1] as number) : v));
          const blob = encodeChunk(ts, vals, ts.length);
          const back = decodeChunk(misaligned(blob));
          expect(Array.from(back.timestamps)).toEqual(ts);
          expect(sameBits(Array.from(back.values), vals)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counters and constants take a few bytes a sample, not sixteen', () => {
    const ts = Array.from({ length: 480 }, (_, i) => 1_700_000_000_000 + i * 15_000);
    const counter = ts.map((_, i) => 1_000_000 + i * 37);
    const seconds = ts.map((_, i) => Math.round((12_345.67 + i * 15.02) * 100) / 100);
    expect(encodeChunk(ts, counter, 480).length).toBeLessThan(480 * 2 + 40);
    expect(encodeChunk(ts, seconds, 480).length).toBeLessThan(480 * 3 + 40);
    expect(
      encodeChunk(
        ts,
        ts.map(() => 1),
        480,
      ).length,
    ).toBe(32);
  });

  it('a write-ahead batch and rollup buckets decode to what was encoded (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 2 ** 31 }),
            fc.array(fc.tuple(fc.integer(), values), { maxLength: 5 }),
          ),
          {
            maxLength: 20,
          },
        ),
        (entries) => {
          const ids = Uint32Array.from(entries.map((e) => e[0]));
          const counts = Uint32Array.from(entries.map((e) => e[1].length));
          const ts = Float64Array.from(entries.flatMap((e) => e[1].map((s) => s[0])));
          const vals = Float64Array.from(entries.flatMap((e) => e[1].map((s) => s[1])));
          const d = decodeBatch(misaligned(encodeBatch(ids, counts, ids.length, ts, vals, ts.length)));
          expect(Array.from(d.ids)).toEqual(Array.from(ids));
          expect(Array.from(d.counts)).toEqual(Array.from(counts));
          expect(Array.from(d.timestamps)).toEqual(Array.from(ts));
          expect(sameBits(Array.from(d.values), Array.from(vals))).toBe(true);
          const sorted = [...ts].sort((a, b) => a - b);
          const b = bucketize(
            sorted,
            sorted.map(() => 1),
            60_000,
          );
          const back = decodeBuckets(misaligned(encodeBuckets(b)));
          expect(back).toEqual(b);
          expect(Array.from(back.count).reduce((x, y) => x + y, 0)).toBe(sorted.length);
        },
      ),
    );
  });
});
