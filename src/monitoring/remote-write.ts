// Prometheus remote-write 1.0 (https://prometheus.io/docs/specs/remote_write_spec/) decoded by hand: snappy's
// block format, then protobuf prometheus.WriteRequest into IngestSeries. Both are small formats and this is a hot
// path, so no library: the snappy decoder reads the declared length first and refuses a bomb before allocating;
// the protobuf reader skips fields it does not know (metadata, exemplars) and counts native histograms it ignores.
import { isUtf8 } from 'node:buffer';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid, TooLarge, UnsupportedMediaType } from '../core/errors.js';
import { countAccepted, countIgnored, countRejected } from './ingest-stats.js';
import {
  type IngestResult,
  type IngestSeries,
  type Labels,
  type MetricStore,
  metricLimits,
  type RejectReason,
} from './metric-model.js';
import { metricStore } from './metric-store.js';
import { requireMonitor } from './permissions.js';

export class DecodeError extends Error {
  constructor(
    readonly reason: Extract<RejectReason, 'malformed_snappy' | 'malformed_protobuf' | 'payload_too_large'>,
    message: string,
  ) {
    super(message);
  }
}

/** The length snappy's block format declares (its leading varint), without decoding: checked against a cap first. */
export function snappyDeclaredLength(input: Uint8Array): number {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= input.length) throw new DecodeError('malformed_snappy', 'truncated length');
    const b = input[i] as number;
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return result;
    shift += 7;
  }
  throw new DecodeError('malformed_snappy', 'length varint too long');
}

/** Snappy block format (https://github.com/google/snappy/blob/main/format_description.txt). */
export function snappyDecompress(
  input: Uint8Array,
  maxBytes: number = metricLimits.payloadBytes * 4,
): Buffer {
  const length = snappyDeclaredLength(input);
  if (length > maxBytes)
    throw new DecodeError('payload_too_large', `declares ${length} bytes uncompressed, over ${maxBytes}`);
  let i = 0;
  while ((input[i] as number) >= 0x80) i++;
  i++;
  const out = Buffer.allocUnsafe(length);
  let o = 0;
  const n = input.length;
  while (i < n) {
    const tag = input[i++] as number;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (i + extra > n) throw new DecodeError('malformed_snappy', 'truncated literal length');
        len = 0;
        for (let k = 0; k < extra; k++) len += (input[i + k] as number) * 2 ** (8 * k);
        i += extra;
      }
      len += 1;
      if (i + len > n) throw new DecodeError('malformed_snappy', 'literal runs past the input');
      if (o + len > length)
        throw new DecodeError('malformed_snappy', 'literal runs past the declared length');
      out.set(input.subarray(i, i + len), o);
      i += len;
      o += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (i >= n) throw new DecodeError('malformed_snappy', 'truncated copy');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | (input[i++] as number);
    } else if (kind === 2) {
      if (i + 2 > n) throw new DecodeError('malformed_snappy', 'truncated copy');
      len = (tag >>> 2) + 1;
      offset = (input[i] as number) | ((input[i + 1] as number) << 8);
      i += 2;
    } else {
      if (i + 4 > n) throw new DecodeError('malformed_snappy', 'truncated copy');
      len = (tag >>> 2) + 1;
      offset =
        ((input[i] as number) |
          ((input[i + 1] as number) << 8) |
          ((input[i + 2] as number) << 16) |
          ((input[i + 3] as number) << 24)) >>>
        0;
      i += 4;
    }
    if (offset === 0 || offset > o) throw new DecodeError('malformed_snappy', 'copy offset out of range');
    if (o + len > length) throw new DecodeError('malformed_snappy', 'copy runs past the declared length');
    if (offset >= len) out.copyWithin(o, o - offset, o - offset + len);
    else for (let k = 0; k < len; k++) out[o + k] = out[o + k - offset] as number; // overlapping: byte by byte
    o += len;
  }
  if (o !== length) throw new DecodeError('malformed_snappy', `decoded ${o} bytes, declared ${length}`);
  return out;
}

/** Snappy block format compression, literal-only with simple hash matches: for tests and the bench's payloads. */
export function snappyCompress(input: Uint8Array): Buffer {
  const parts: number[] = [];
  let n = input.length;
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    parts.push(b);
  } while (n > 0);
  const chunks: Buffer[] = [Buffer.from(parts)];
  const table = new Map<number, number>();
  let i = 0;
  let literalStart = 0;
  const emitLiteral = (end: number) => {
    let start = literalStart;
    while (start < end) {
      const len = Math.min(end - start, 65536);
      const header =
        len <= 60 ? Buffer.from([(len - 1) << 2]) : Buffer.from([61 << 2, (len - 1) & 0xff, (len - 1) >> 8]);
      chunks.push(header, Buffer.from(input.subarray(start, start + len)));
      start += len;
    }
  };
  while (i + 4 <= input.length) {
    const key =
      ((input[i] as number) |
        ((input[i + 1] as number) << 8) |
        ((input[i + 2] as number) << 16) |
        ((input[i + 3] as number) << 24)) >>>
      0;
    const cand = table.get(key);
    table.set(key, i);
    if (cand !== undefined && i - cand <= 65535) {
      let len = 4;
      while (i + len < input.length && len < 64 && input[cand + len] === input[i + len]) len++;
      emitLiteral(i);
      const offset = i - cand;
      chunks.push(Buffer.from([((len - 1) << 2) | 2, offset & 0xff, offset >> 8]));
      i += len;
      literalStart = i;
    } else i++;
  }
  emitLiteral(input.length);
  return Buffer.concat(chunks);
}

export interface DecodedWriteRequest {
  series: IngestSeries[];
  samples: number;
  rejected: Partial<Record<RejectReason, number>>;
  /** Native histograms and exemplars are not stored (the store holds floats); counted so a sender can tell. */
  ignored: { histograms: number; exemplars: number };
}

/** protobuf prometheus.WriteRequest: field 1 repeated TimeSeries (labels = 1, samples = 2, exemplars = 3, histograms = 4). */
export function decodeWriteRequest(buf: Uint8Array): DecodedWriteRequest {
  const r = new ProtoReader(buf);
  const out: DecodedWriteRequest = {
    series: [],
    samples: 0,
    rejected: {},
    ignored: { histograms: 0, exemplars: 0 },
  };
  while (r.pos < r.end) {
    const key = r.varint();
    if (key === 0x0a) {
      const len = r.varint();
      const end = r.limit(len);
      decodeTimeSeries(r, end, out);
      r.pos = end;
    } else r.skip(key);
  }
  return out;
}

function count(out: DecodedWriteRequest, reason: RejectReason, n: number): void {
  if (n > 0) out.rejected[reason] = (out.rejected[reason] ?? 0) + n;
}

function decodeTimeSeries(r: ProtoReader, end: number, out: DecodedWriteRequest): void {
  const labels: Labels = {};
  let problem: RejectReason | null = null;
  let labelCount = 0;
  const timestamps: number[] = [];
  const values: number[] = [];
  while (r.pos < end) {
    const key = r.varint();
    if (key === 0x0a) {
      const len = r.varint();
      const labelEnd = r.limit(len, end);
      let name: string | null = '';
      let value: string | null = '';
      while (r.pos < labelEnd) {
        const k = r.varint();
        if (k === 0x0a) name = r.string(labelEnd);
        else if (k === 0x12) value = r.string(labelEnd);
        else r.skip(k, labelEnd);
      }
      r.pos = labelEnd;
      labelCount++;
      if (problem !== null) continue;
      if (name === '' || name === null) problem = 'invalid_label_name';
      else if (value === null) problem = 'invalid_label_value';
      else if (Object.hasOwn(labels, name)) problem = 'duplicate_label';
      else {
        // The spec: label names sorted; an unsorted set is a sender's bug but its meaning is unambiguous.
        if (value !== '') labels[name] = value;
      }
    } else if (key === 0x12) {
      const len = r.varint();
      const sampleEnd = r.limit(len, end);
      let value = 0;
      let ts = 0;
      let badTs = false;
      while (r.pos < sampleEnd) {
        const k = r.varint();
        if (k === 0x09) value = r.double(sampleEnd);
        else if (k === 0x10) {
          const t = r.int64();
          if (t === null) badTs = true;
          else ts = t;
        } else r.skip(k, sampleEnd);
      }
      r.pos = sampleEnd;
      out.samples++;
      if (badTs) count(out, 'invalid_timestamp', 1);
      else {
        timestamps.push(ts);
        values.push(value);
      }
    } else if (key === 0x1a) {
      out.ignored.exemplars++;
      r.skip(key, end);
    } else if (key === 0x22) {
      out.ignored.histograms++;
      r.skip(key, end);
    } else r.skip(key, end);
  }
  if (timestamps.length === 0) return;
  if (problem === null) {
    if (labelCount > metricLimits.labelsPerSeries) problem = 'too_many_labels';
    else problem = quickLabelsProblem(labels);
  }
  if (problem !== null) {
    count(out, problem, timestamps.length);
    return;
  }
  // Samples of one series come in timestamp order; an older one after a newer one is refused, not reordered.
  let keep = timestamps.length;
  for (let k = 1; k < timestamps.length; k++) {
    if ((timestamps[k] as number) <= (timestamps[k - 1] as number)) {
      keep = -1;
      break;
    }
  }
  if (keep < 0) {
    const ts: number[] = [];
    const vs: number[] = [];
    let last = Number.NEGATIVE_INFINITY;
    let refused = 0;
    for (let k = 0; k < timestamps.length; k++) {
      const t = timestamps[k] as number;
      if (t <= last) {
        refused++;
        continue;
      }
      last = t;
      ts.push(t);
      vs.push(values[k] as number);
    }
    count(out, 'out_of_order', refused);
    out.series.push({ labels, timestamps: ts, values: vs });
    return;
  }
  out.series.push({ labels, timestamps, values });
}

const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** labelsProblem's rules (metric-model.ts), with the UTF-8 check left to the decoder, which has the bytes. */
function quickLabelsProblem(labels: Labels): RejectReason | null {
  const name = labels.__name__;
  if (name === undefined || !metricNamePattern.test(name)) return 'invalid_metric_name';
  for (const n in labels) {
    if (n.length > metricLimits.labelNameLength) return 'label_too_long';
    if (!labelNamePattern.test(n) || (n !== '__name__' && n.startsWith('__'))) return 'invalid_label_name';
    if ((labels[n] as string).length > metricLimits.labelValueLength) return 'label_too_long';
  }
  return null;
}

class ProtoReader {
  pos = 0;
  readonly end: number;
  private readonly view: DataView;
  private readonly buf: Buffer;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** An unsigned varint up to 2^53 (lengths, tags); longer is malformed here. */
  varint(): number {
    const b = this.buf;
    let pos = this.pos;
    let byte = b[pos++];
    if (byte === undefined || pos > this.end) throw new DecodeError('malformed_protobuf', 'truncated varint');
    if (byte < 0x80) {
      this.pos = pos;
      return byte;
    }
    let result = byte & 0x7f;
    let mul = 128;
    for (let k = 1; k < 8; k++) {
      if (pos >= this.end) throw new DecodeError('malformed_protobuf', 'truncated varint');
      byte = b[pos++] as number;
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) {
        this.pos = pos;
        return result;
      }
      mul *= 128;
    }
    throw new DecodeError('malformed_protobuf', 'varint too long');
  }

  /** An int64 as a safe integer; null when out of the safe range (a negative or absurd timestamp). */
  int64(): number | null {
    const start = this.pos;
    let k = 0;
    while (k < 10) {
      if (start + k >= this.end) throw new DecodeError('malformed_protobuf', 'truncated varint');
      if ((this.buf[start + k] as number) < 0x80) break;
      k++;
    }
    if (k === 10) throw new DecodeError('malformed_protobuf', 'varint too long');
    if (k < 7) return this.varint();
    this.pos = start + k + 1;
    let v = 0n;
    for (let j = k; j >= 0; j--) v = (v << 7n) | BigInt((this.buf[start + j] as number) & 0x7f);
    v = BigInt.asIntN(64, v);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : null;
  }

  double(end: number): number {
    if (this.pos + 8 > end) throw new DecodeError('malformed_protobuf', 'truncated double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** The end of a length-delimited field that must fit inside `outer`. */
  limit(len: number, outer: number = this.end): number {
    const end = this.pos + len;
    if (end > outer) throw new DecodeError('malformed_protobuf', 'a field runs past its message');
    return end;
  }

  /** A UTF-8 string; null when its bytes are not valid UTF-8 (the spec's label rule). */
  string(outer: number): string | null {
    const len = this.varint();
    const end = this.limit(len, outer);
    const b = this.buf;
    let ascii = true;
    for (let k = this.pos; k < end; k++)
      if ((b[k] as number) >= 0x80) {
        ascii = false;
        break;
      }
    const start = this.pos;
    this.pos = end;
    if (ascii) return b.toString('latin1', start, end);
    const slice = b.subarray(start, end);
    return isUtf8(slice) ? slice.toString('utf8') : null;
  }

  skip(key: number, outer: number = this.end): void {
    switch (key & 7) {
      case 0:
        this.int64();
        break;
      case 1:
        this.pos += 8;
        break;
      case 2: {
        const len = this.varint();
        this.pos = this.limit(len, outer);
        break;
      }
      case 5:
        this.pos += 4;
        break;
      default:
        throw new DecodeError('malformed_protobuf', `unsupported wire type ${key & 7}`);
    }
    if (this.pos > outer) throw new DecodeError('malformed_protobuf', 'a field runs past its message');
    if (key >>> 3 === 0) throw new DecodeError('malformed_protobuf', 'field number 0');
  }
}

/** protobuf encoding of a WriteRequest: for tests and the bench (a sender's side). */
export function encodeWriteRequest(series: readonly IngestSeries[]): Buffer {
  const parts: Buffer[] = [];
  const varint = (n: number): Buffer => {
    const bytes: number[] = [];
    let v = n;
    while (v >= 0x80) {
      bytes.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    return Buffer.from(bytes);
  };
  const field = (tag: number, payload: Buffer) =>
    Buffer.concat([varint(tag), varint(payload.length), payload]);
  for (const s of series) {
    const inner: Buffer[] = [];
    const names = Object.keys(s.labels).sort();
    for (const n of names)
      inner.push(
        field(
          0x0a,
          Buffer.concat([field(0x0a, Buffer.from(n)), field(0x12, Buffer.from(s.labels[n] as string))]),
        ),
      );
    for (let k = 0; k < s.timestamps.length; k++) {
      const d = Buffer.alloc(9);
      d[0] = 0x09;
      d.writeDoubleLE(s.values[k] as number, 1);
      inner.push(field(0x12, Buffer.concat([d, varint(0x10), varint(s.timestamps[k] as number)])));
    }
    parts.push(field(0x0a, Buffer.concat(inner)));
  }
  return Buffer.concat(parts);
}

/** Bytes a remote-write body may decompress to: Prometheus sends ~2,000 samples per request, a few hundred KB. */
export const remoteWriteLimits = {
  compressedBytes: metricLimits.payloadBytes,
  decompressedBytes: metricLimits.payloadBytes * 4,
} as const;

export interface RemoteWriteOutcome {
  samples: number;
  accepted: number;
  rejected: Partial<Record<RejectReason, number>>;
}

function describeRejects(rejected: Partial<Record<RejectReason, number>>): string {
  return Object.entries(rejected)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
}

/**
 * One remote-write 1.0 request: snappy-compressed protobuf WriteRequest from a staff member's token. The valid
 * samples are stored; when some were refused it throws Invalid (400, the spec's "do not retry") after storing the
 * rest, naming the count by reason. Undecodable bodies are refused whole (400), oversized ones before decompression.
 */
export async function receiveRemoteWrite(
  ctx: ServiceContext,
  actor: Actor,
  request: { body: Uint8Array; contentEncoding: string | undefined },
  sink?: Pick<MetricStore, 'append'>,
): Promise<RemoteWriteOutcome> {
  requireMonitor(actor, 'metrics.write');
  const encoding = (request.contentEncoding ?? '').trim().toLowerCase();
  if (encoding !== 'snappy' || !(request.body instanceof Uint8Array)) {
    countRejected(ctx, 'remote_write', { unsupported_content_type: 1 });
    throw new UnsupportedMediaType(
      'unsupported_media_type',
      'Remote-write bodies must be Content-Encoding: snappy.',
    );
  }
  let decoded: DecodedWriteRequest;
  try {
    if (request.body.length > remoteWriteLimits.compressedBytes)
      throw new DecodeError('payload_too_large', `${request.body.length} bytes compressed`);
    const raw = snappyDecompress(request.body, remoteWriteLimits.decompressedBytes);
    decoded = decodeWriteRequest(raw);
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    countRejected(ctx, 'remote_write', { [err.reason]: 1 });
    ctx.log.info({ reason: err.reason, detail: err.message, user: actor.id }, 'remote-write refused');
    if (err.reason === 'payload_too_large')
      throw new TooLarge('metrics_payload_too_large', `The remote-write body is too large: ${err.message}.`);
    throw new Invalid(
      'metrics_payload_undecodable',
      `The body is not a snappy-compressed WriteRequest (${err.reason}: ${err.message}).`,
    );
  }
  countIgnored(ctx, decoded.ignored);
  const rejected: Partial<Record<RejectReason, number>> = { ...decoded.rejected };
  let accepted = 0;
  if (decoded.series.length > 0) {
    const result: IngestResult = await (sink ?? metricStore(ctx)).append(decoded.series, {
      key: `remote_write:user:${actor.id}`,
      maxSeries: metricLimits.seriesPerSource,
    });
    accepted = result.accepted;
    for (const [k, n] of Object.entries(result.rejected))
      if (n) rejected[k as RejectReason] = (rejected[k as RejectReason] ?? 0) + n;
  }
  countAccepted(ctx, 'remote_write', accepted);
  countRejected(ctx, 'remote_write', rejected);
  const refused = Object.values(rejected).reduce((a, b) => a + (b ?? 0), 0);
  if (refused > 0) {
    ctx.log.info({ rejected, accepted, user: actor.id }, 'remote-write samples refused');
    throw new Invalid(
      'metrics_samples_refused',
      `Stored ${accepted} of ${decoded.samples} samples; refused ${refused}: ${describeRejects(rejected)}.`,
      Object.entries(rejected).map(([reason, n]) => ({
        field: `samples/${reason}`,
        message: `${n} refused`,
      })),
    );
  }
  return { samples: decoded.samples, accepted, rejected };
}
