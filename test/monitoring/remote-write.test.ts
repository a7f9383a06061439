// Remote-write decoding: snappy's block format (literals, copies, overlapping copies), protobuf WriteRequest into
// series, refusals by reason with the valid rest kept, and bad bytes refused with a reason, never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IngestSeries } from '../../src/monitoring/metric-model.js';
import {
  DecodeError,
  decodeWriteRequest,
  encodeWriteRequest,
  snappyCompress,
  snappyDecompress,
} from '../../src/monitoring/remote-write.js';

const t0 = Date.parse('2026-03-02T09:00:00Z');

describe('snappy', () => {
  it('decodes what it encodes, including repeats (copies) and long literals', () => {
    const text = Buffer.from(`${'abcdefgh'.repeat(500)}${'x'.repeat(70_000)}tail`);
    expect(snappyDecompress(snappyCompress(text)).equals(text)).toBe(true);
    expect(snappyDecompress(snappyCompress(Buffer.alloc(0))).length).toBe(0);
  });

  it('handles an overlapping copy (a run written from itself)', () => {
    // length 10; literal "ab"; copy-1 of length 8 at offset 2 → "ababababab"
    const bytes = Buffer.from([10, (2 - 1) << 2, 0x61, 0x62, ((8 - 4) << 2) | 1, 2]);
    expect(snappyDecompress(bytes).toString()).toBe('ababababab');
  });

  it('refuses a bomb by its declared length before allocating', () => {
    // Declares 2^32 bytes in a five-byte header.
    const bomb = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x10, 0x00]);
    expect(() => snappyDecompress(bomb, 1024)).toThrow(
      expect.objectContaining({ reason: 'payload_too_large' }),
    );
  });

  it('refuses truncated input, bad offsets and length mismatches', () => {
    const bad = [
      Buffer.from([]),
      Buffer.from([5, 0x10, 0x61]), // literal of 5 with 1 byte
      Buffer.from([4, ((4 - 4) << 2) | 1, 9]), // copy before any output
      Buffer.from([3, 0, 0x61]), // one byte written, three declared
    ];
    for (const b of bad) expect(() => snappyDecompress(b)).toThrow(DecodeError);
  });

  it('random bytes never crash: they decode or are refused with a reason', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          snappyDecompress(bytes, 1 << 20);
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('WriteRequest', () => {
  it('decodes series with their samples', () => {
    const series: IngestSeries[] = [
      {
        labels: { __name__: 'up', job: 'node', instance: 'a:9100' },
        timestamps: [t0, t0 + 15_000],
        values: [1, 0],
      },
      { labels: { __name__: 'temp', room: 'Zürich' }, timestamps: [t0], values: [Number.NaN] },
    ];
    const r = decodeWriteRequest(encodeWriteRequest(series));
    expect(r.samples).toBe(3);
    expect(r.rejected).toEqual({});
    expect(r.series[0]).toEqual(series[0]);
    expect(r.series[1]?.labels).toEqual({ __name__: 'temp', room: 'Zürich' });
    expect(r.series[1]?.values[0]).toBeNaN();
  });

  it('keeps the valid rest and counts what it refuses by reason', () => {
    const r = decodeWriteRequest(
      encodeWriteRequest([
        { labels: { __name__: 'ok' }, timestamps: [t0], values: [1] },
        { labels: { __name__: '9bad' }, timestamps: [t0, t0 + 1], values: [1, 2] },
        { labels: { __name__: 'x', __reserved: 'v' }, timestamps: [t0], values: [1] },
        { labels: { job: 'no-name' }, timestamps: [t0], values: [1] },
        { labels: { __name__: 'ooo' }, timestamps: [t0 + 2, t0 + 1, t0 + 3], values: [1, 2, 3] },
      ]),
    );
    expect(r.series.map((s) => s.labels.__name__)).toEqual(['ok', 'ooo']);
    expect(r.series[1]?.timestamps).toEqual([t0 + 2, t0 + 3]);
    expect(r.rejected).toEqual({ invalid_metric_name: 3, invalid_label_name: 1, out_of_order: 1 });
  });

  it('refuses invalid UTF-8 in a label value', () => {
    const body = encodeWriteRequest([{ labels: { __name__: 'm', a: 'é' }, timestamps: [t0], values: [1] }]);
    const i = body.indexOf(Buffer.from('é'));
    body[i + 1] = 0x28; // break the continuation byte
    expect(decodeWriteRequest(body).rejected).toEqual({ invalid_label_value: 1 });
  });

  it('refuses truncated protobuf with a reason', () => {
    const body = encodeWriteRequest([{ labels: { __name__: 'up' }, timestamps: [t0], values: [1] }]);
    expect(() => decodeWriteRequest(body.subarray(0, body.length - 3))).toThrow(
      expect.objectContaining({ reason: 'malformed_protobuf' }),
    );
  });

  it('random bytes never crash the decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeWriteRequest(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('a valid request with random bytes flipped decodes or is refused, never crashes', () => {
    const body = encodeWriteRequest([
      { labels: { __name__: 'a', x: 'y' }, timestamps: [t0, t0 + 1], values: [1, 2] },
      { labels: { __name__: 'b' }, timestamps: [t0], values: [3] },
    ]);
    fc.assert(
      fc.property(fc.nat(body.length - 1), fc.nat(255), (at, byte) => {
        const copy = Buffer.from(body);
        copy[at] = byte;
        try {
          decodeWriteRequest(copy);
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
