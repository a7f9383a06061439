// The metric store's blobs: a write-ahead batch (one append: series ids, timestamps, values, columnar), a chunk (one
// series' samples in a 2-hour window) and a rollup row (buckets of min, max, sum, count). Typed arrays in the
// platform's byte order (little-endian on every machine we run on); a blob is copied into aligned arrays on read,
// since a driver's Buffer may start at any byte offset.

/** Samples of one series gathered for a blob, timestamps ascending. */
export interface SampleRun {
  seriesId: number;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** Copy `count` 8-byte numbers from blob[offset…] into dest[at…] (dest is aligned; the blob may not be). */
function copyFloat64(blob: Uint8Array, offset: number, count: number, dest: Float64Array, at: number): void {
  new Uint8Array(dest.buffer, dest.byteOffset + at * 8, count * 8).set(
    blob.subarray(offset, offset + count * 8),
  );
}

function readFloat64(blob: Uint8Array, offset: number, count: number): Float64Array {
  const out = new Float64Array(count);
  copyFloat64(blob, offset, count, out, 0);
  return out;
}

// ---- write-ahead batches --------------------------------------------------------------------------------
// [u32 entries][u32 samples] [u32 seriesId, u32 count] × entries [f64 timestamp] × samples [f64 value] × samples

/** A batch's columns, as one blob. `ids`/`counts` give each entry's series and sample count, in order. */
export function encodeBatch(
  ids: Uint32Array,
  counts: Uint32Array,
  entries: number,
  timestamps: Float64Array,
  values: Float64Array,
  samples: number,
): Uint8Array {
  const out = new ArrayBuffer(8 + entries * 8 + samples * 16);
  const head = new Uint32Array(out, 0, 2 + entries * 2);
  head[0] = entries;
  head[1] = samples;
  for (let i = 0; i < entries; i++) {
    head[2 + i * 2] = ids[i] as number;
    head[3 + i * 2] = counts[i] as number;
  }
  const base = 8 + entries * 8;
  new Float64Array(out, base, samples).set(timestamps.subarray(0, samples));
  new Float64Array(out, base + samples * 8, samples).set(values.subarray(0, samples));
  return new Uint8Array(out);
}

export interface DecodedBatch {
  ids: Uint32Array;
  counts: Uint32Array;
  timestamps: Float64Array;
  values: Float64Array;
}

export function decodeBatch(blob: Uint8Array): DecodedBatch {
  const headBytes = new Uint8Array(8);
  headBytes.set(blob.subarray(0, 8));
  const head = new Uint32Array(headBytes.buffer);
  const entries = head[0] as number;
  const samples = head[1] as number;
  const pairsBytes = new Uint8Array(entries * 8);
  pairsBytes.set(blob.subarray(8, 8 + entries * 8));
  const pairs = new Uint32Array(pairsBytes.buffer);
  const ids = new Uint32Array(entries);
  const counts = new Uint32Array(entries);
  for (let i = 0; i < entries; i++) {
    ids[i] = pairs[i * 2] as number;
    counts[i] = pairs[i * 2 + 1] as number;
  }
  const base = 8 + entries * 8;
  return {
    ids,
    counts,
    timestamps: readFloat64(blob, base, samples),
    values: readFloat64(blob, base + samples * 8, samples),
  };
}

// ---- chunks ---------------------------------------------------------------------------------------------
// [u32 count][u32 flags][f64 first timestamp] then, regular (flags & 1): [f64 step]; else [i32 delta from first]
// × count, padded to 8 bytes; then [f64 value] × count. A scrape's timestamps are mostly evenly spaced: 8 bytes a
// sample instead of 12.

export function encodeChunk(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  count: number,
): Uint8Array {
  const first = count > 0 ? (timestamps[0] as number) : 0;
  const step = count > 1 ? (timestamps[1] as number) - first : 0;
  let regular = true;
  for (let i = 2; i < count && regular; i++) if (timestamps[i] !== first + i * step) regular = false;
  const tsBytes = regular ? 8 : Math.ceil((count * 4) / 8) * 8;
  const out = new ArrayBuffer(16 + tsBytes + count * 8);
  const head = new Uint32Array(out, 0, 2);
  head[0] = count;
  head[1] = regular ? 1 : 0;
  new Float64Array(out, 8, 1)[0] = first;
  if (regular) new Float64Array(out, 16, 1)[0] = step;
  else {
    const deltas = new Int32Array(out, 16, count);
    for (let i = 0; i < count; i++) deltas[i] = (timestamps[i] as number) - first;
  }
  const vals = new Float64Array(out, 16 + tsBytes, count);
  for (let i = 0; i < count; i++) vals[i] = values[i] as number;
  return new Uint8Array(out);
}

/** A chunk's sample count, without decoding it. */
export function chunkCount(blob: Uint8Array): number {
  return (
    (blob[0] as number) |
    ((blob[1] as number) << 8) |
    ((blob[2] as number) << 16) |
    ((blob[3] as number) << 24)
  );
}

/** Decode a chunk into ts/vals at `at`; returns the number of samples written. */
export function decodeChunkInto(blob: Uint8Array, ts: Float64Array, vals: Float64Array, at: number): number {
  const headBytes = new Uint8Array(24);
  headBytes.set(blob.subarray(0, Math.min(24, blob.length)));
  const count = new Uint32Array(headBytes.buffer, 0, 2)[0] as number;
  const regular = ((new Uint32Array(headBytes.buffer, 0, 2)[1] as number) & 1) === 1;
  const first = new Float64Array(headBytes.buffer, 8, 1)[0] as number;
  let tsBytes: number;
  if (regular) {
    const step = new Float64Array(headBytes.buffer, 16, 1)[0] as number;
    for (let i = 0; i < count; i++) ts[at + i] = first + i * step;
    tsBytes = 8;
  } else {
    const deltaBytes = new Uint8Array(count * 4);
    deltaBytes.set(blob.subarray(16, 16 + count * 4));
    const deltas = new Int32Array(deltaBytes.buffer);
    for (let i = 0; i < count; i++) ts[at + i] = first + (deltas[i] as number);
    tsBytes = Math.ceil((count * 4) / 8) * 8;
  }
  copyFloat64(blob, 16 + tsBytes, count, vals, at);
  return count;
}

export function decodeChunk(blob: Uint8Array): { timestamps: Float64Array; values: Float64Array } {
  const n = chunkCount(blob);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  decodeChunkInto(blob, timestamps, values, 0);
  return { timestamps, values };
}

// ---- rollups --------------------------------------------------------------------------------------------
// [u32 count][u32 0] then [f64] × count for each of: bucket start, min, max, sum, count.

export interface Buckets {
  timestamps: Float64Array;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  count: Float64Array;
}

export function encodeBuckets(b: Buckets): Uint8Array {
  const n = b.timestamps.length;
  const out = new ArrayBuffer(8 + n * 40);
  new Uint32Array(out, 0, 2)[0] = n;
  const cols = [b.timestamps, b.min, b.max, b.sum, b.count];
  cols.forEach((col, i) => {
    new Float64Array(out, 8 + i * n * 8, n).set(col);
  });
  return new Uint8Array(out);
}

export function decodeBuckets(blob: Uint8Array): Buckets {
  const n = chunkCount(blob);
  const col = (i: number) => readFloat64(blob, 8 + i * n * 8, n);
  return { timestamps: col(0), min: col(1), max: col(2), sum: col(3), count: col(4) };
}

/** Bucket sorted samples by `resolutionMs` (bucket start = timestamp floored to the resolution). */
export function bucketize(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  resolutionMs: number,
): Buckets {
  const ts: number[] = [];
  const mn: number[] = [];
  const mx: number[] = [];
  const sm: number[] = [];
  const ct: number[] = [];
  for (let i = 0; i < timestamps.length; i++) {
    const b = Math.floor((timestamps[i] as number) / resolutionMs) * resolutionMs;
    const v = values[i] as number;
    const last = ts.length - 1;
    if (last >= 0 && ts[last] === b) {
      if (v < (mn[last] as number)) mn[last] = v;
      if (v > (mx[last] as number)) mx[last] = v;
      sm[last] = (sm[last] as number) + v;
      ct[last] = (ct[last] as number) + 1;
    } else {
      ts.push(b);
      mn.push(v);
      mx.push(v);
      sm.push(v);
      ct.push(1);
    }
  }
  return {
    timestamps: Float64Array.from(ts),
    min: Float64Array.from(mn),
    max: Float64Array.from(mx),
    sum: Float64Array.from(sm),
    count: Float64Array.from(ct),
  };
}

/** `base`'s buckets outside [from, to) with `part`'s inside: re-rolling a window replaces its buckets whole. */
export function replaceBuckets(base: Buckets, part: Buckets, from: number, to: number): Buckets {
  const keep: number[] = [];
  for (let i = 0; i < base.timestamps.length; i++) {
    const t = base.timestamps[i] as number;
    if (t < from || t >= to) keep.push(i);
  }
  const rows: Array<[number, number, number, number, number]> = keep.map((i) => [
    base.timestamps[i] as number,
    base.min[i] as number,
    base.max[i] as number,
    base.sum[i] as number,
    base.count[i] as number,
  ]);
  for (let i = 0; i < part.timestamps.length; i++)
    rows.push([
      part.timestamps[i] as number,
      part.min[i] as number,
      part.max[i] as number,
      part.sum[i] as number,
      part.count[i] as number,
    ]);
  rows.sort((a, b) => a[0] - b[0]);
  const col = (k: number) => Float64Array.from(rows, (r) => r[k] as number);
  return { timestamps: col(0), min: col(1), max: col(2), sum: col(3), count: col(4) };
}
