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
// [u32 count][u32 flags][f64 first timestamp]; timestamps regular (flags & 1): [f64 step], else [i32 delta from
// first] × count padded to 8 bytes; then the values by mode (flags >> 1 & 3):
//   0 raw:      [f64] × count
//   1 constant: [f64] once
//   2 decimal:  every value is an integer over 10^k (k = flags >> 4 & 15, 0–3): [f64 first × 10^k] then the
//               zigzag varint deltas of the scaled values. Counters and most gauges (bytes, seconds to 1/100) take
//               1–3 bytes a sample; the encoder checks that decoding gives back every value bit for bit (else raw).
// A scrape's timestamps are mostly evenly spaced and its values mostly counters: 1–3 bytes a sample, not 16.

const modeRaw = 0;
const modeConstant = 1;
const modeDecimal = 2;
const scales = [1, 10, 100, 1000];
/** Scaled values stay below this, so deltas and their zigzag stay exact doubles. */
const scaledLimit = 2 ** 50;

/** The decimal mode's varint bytes, or null when the values do not decode back exactly at scale 10^k. */
function encodeDecimal(values: ArrayLike<number>, count: number, k: number): Uint8Array | null {
  const scale = scales[k] as number;
  const out = new Uint8Array(8 + count * 8);
  let at = 8;
  let acc = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i] as number;
    const scaled = Math.round(v * scale);
    if (!(Math.abs(scaled) < scaledLimit)) return null;
    if (i === 0) {
      acc = scaled;
      if (!Object.is(acc / scale, v)) return null;
      new Float64Array(out.buffer, 0, 1)[0] = scaled;
      continue;
    }
    const d = scaled - acc;
    acc += d;
    if (!Object.is(acc / scale, v)) return null;
    let zz = d >= 0 ? d * 2 : -d * 2 - 1;
    while (zz >= 128) {
      out[at++] = (zz % 128) | 128;
      zz = Math.floor(zz / 128);
    }
    out[at++] = zz;
  }
  return out.subarray(0, at);
}

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
  let constant = count > 0;
  for (let i = 1; i < count && constant; i++) if (!Object.is(values[i], values[0])) constant = false;
  let mode = constant ? modeConstant : modeRaw;
  let decimal: Uint8Array | null = null;
  let scale = 0;
  if (!constant)
    for (let k = 0; k < scales.length && !decimal; k++) {
      decimal = encodeDecimal(values, count, k);
      if (decimal) {
        mode = modeDecimal;
        scale = k;
      }
    }
  const valueBytes = mode === modeConstant ? 8 : decimal ? decimal.length : count * 8;
  const out = new ArrayBuffer(16 + tsBytes + Math.ceil(valueBytes / 8) * 8);
  const head = new Uint32Array(out, 0, 2);
  head[0] = count;
  head[1] = (regular ? 1 : 0) | (mode << 1) | (scale << 4);
  new Float64Array(out, 8, 1)[0] = first;
  if (regular) new Float64Array(out, 16, 1)[0] = step;
  else {
    const deltas = new Int32Array(out, 16, count);
    for (let i = 0; i < count; i++) deltas[i] = (timestamps[i] as number) - first;
  }
  if (mode === modeConstant) new Float64Array(out, 16 + tsBytes, 1)[0] = values[0] as number;
  else if (decimal) new Uint8Array(out, 16 + tsBytes, decimal.length).set(decimal);
  else {
    const vals = new Float64Array(out, 16 + tsBytes, count);
    for (let i = 0; i < count; i++) vals[i] = values[i] as number;
  }
  return new Uint8Array(out);
}

/**
 * Whether two chunks hold the same timestamps, from their bytes (count, flags, first timestamp and the timestamp
 * section): the series of one scrape target share them, so a read decodes them once for all.
 */
export function sameChunkTimestamps(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  const count = chunkCount(a);
  if (count !== chunkCount(b) || ((a[4] as number) & 1) !== ((b[4] as number) & 1)) return false;
  const end = 16 + ((a[4] as number) & 1 ? 8 : count * 4);
  for (let i = 8; i < end; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether a chunk may hold a NaN (a stale marker among them), from its mode: decimal values never do. */
export function chunkMayHoldNaN(blob: Uint8Array): boolean {
  const flags = blob[4] as number;
  const mode = (flags >> 1) & 3;
  if (mode === modeDecimal) return false;
  if (mode === modeRaw) return true;
  return Number.isNaN(float64At(blob, 16 + (flags & 1 ? 8 : Math.ceil((chunkCount(blob) * 4) / 8) * 8)));
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

// One f64's bytes: a read is synchronous, so one scratch serves every caller (a DataView per read was a
// measurable part of decoding thousands of chunks).
const oneFloat = new Float64Array(1);
const oneFloatBytes = new Uint8Array(oneFloat.buffer);

/** The f64 at `offset` of a blob that may not be aligned (little-endian, as the typed arrays that wrote it). */
function float64At(blob: Uint8Array, offset: number): number {
  for (let i = 0; i < 8; i++) oneFloatBytes[i] = blob[offset + i] as number;
  return oneFloat[0] as number;
}

/**
 * Decode a chunk into ts/vals at `at`; returns the number of samples written. The hot loop of every read (a day of
 * 1,000 series is 5.76 M samples): no allocation, and the varints of one or two bytes (a counter's usual delta)
 * decoded with integer operations.
 */
export function decodeChunkInto(
  blob: Uint8Array,
  ts: Float64Array,
  vals: Float64Array,
  at: number,
  skipTimestamps = false,
): number {
  const count = chunkCount(blob);
  const flags = chunkCount(blob.subarray(4));
  const first = float64At(blob, 8);
  let tsBytes: number;
  if (skipTimestamps) tsBytes = flags & 1 ? 8 : Math.ceil((count * 4) / 8) * 8;
  else if (flags & 1) {
    const step = float64At(blob, 16);
    for (let i = 0; i < count; i++) ts[at + i] = first + i * step;
    tsBytes = 8;
  } else {
    // Little-endian i32 deltas, read in place (the blob may be unaligned); `| 0` keeps the sign as Int32Array did.
    for (let i = 0, p = 16; i < count; i++, p += 4)
      ts[at + i] =
        first +
        ((blob[p] as number) |
          ((blob[p + 1] as number) << 8) |
          ((blob[p + 2] as number) << 16) |
          ((blob[p + 3] as number) << 24) |
          0);
    tsBytes = Math.ceil((count * 4) / 8) * 8;
  }
  if (count === 0) return 0;
  const base = 16 + tsBytes;
  const mode = (flags >> 1) & 3;
  if (mode === modeConstant) vals.fill(float64At(blob, base), at, at + count);
  else if (mode === modeDecimal) {
    const scale = scales[(flags >> 4) & 15] as number;
    let acc = float64At(blob, base);
    vals[at] = acc / scale;
    let p = base + 8;
    const end = at + count;
    for (let i = at + 1; i < end; i++) {
      const b = blob[p++] as number;
      let d: number;
      if (b < 128) d = (b >>> 1) ^ -(b & 1);
      else {
        const b2 = blob[p++] as number;
        if (b2 < 128) {
          const zz = (b & 127) | (b2 << 7);
          d = (zz >>> 1) ^ -(zz & 1);
        } else {
          // Three bytes or more: the zigzag may pass 2^31, so plain float arithmetic (exact below 2^53).
          let zz = (b & 127) + (b2 & 127) * 128;
          let mult = 16_384;
          let c: number;
          do {
            c = blob[p++] as number;
            zz += (c & 127) * mult;
            mult *= 128;
          } while (c >= 128);
          d = zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2;
        }
      }
      acc += d;
      vals[i] = acc / scale;
    }
  } else copyFloat64(blob, base, count, vals, at);
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
