// RFC 6587 framing as a property: frames written octet-counted or LF-terminated, mixed per frame, and cut into
// chunks anywhere, come out whole and in order; a frame over the limit comes out cut, the rest of it skipped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SyslogFramer } from '../../src/ingest/syslog-framing.js';

function frameAll(chunks: Buffer[], maxBytes: number) {
  const out: Array<{ text: string; cut: boolean }> = [];
  const errors: string[] = [];
  const framer = new SyslogFramer(
    maxBytes,
    (buf, start, end, cut) => out.push({ text: buf.toString('utf8', start, end), cut }),
    (detail) => errors.push(detail),
  );
  for (const chunk of chunks) framer.push(chunk);
  framer.end();
  return { out, errors };
}

/** Cuts `bytes` at the given fractions. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(at, p));
    at = p;
  }
  chunks.push(bytes.subarray(at));
  return chunks;
}

// A message: starts with `<`, has no LF or NUL (which end a non-transparent frame) nor CR (which CRLF leaves).
const message = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 80 })
  .map((s) => `<13>${s.replace(/[\n\r\0]/g, ' ')}`);

describe('syslog framing', () => {
  it('any mix of octet-counted and LF-terminated frames, cut into any chunks, comes out whole and in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(message, fc.constantFrom('octets', 'lf', 'nul', 'crlf')), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }),
        (frames, cuts) => {
          const bytes = Buffer.concat(
            frames.map(([m, how]) => {
              if (how === 'octets') return Buffer.from(`${Buffer.byteLength(m)} ${m}`);
              return Buffer.from(m + (how === 'lf' ? '\n' : how === 'nul' ? '\0' : '\r\n'));
            }),
          );
          const { out, errors } = frameAll(split(bytes, cuts), 10_000);
          expect(errors).toEqual([]);
          expect(out.map((f) => f.text.replace(/\r$/, ''))).toEqual(frames.map(([m]) => m));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps one byte over the limit of a long frame (for the parser to cut) and skips the rest', () => {
    const long = `<13>${'x'.repeat(100)}`;
    const { out } = frameAll([Buffer.from(`${long}\n${long.length} ${long}<13>after\n`)], 20);
    expect(out).toEqual([
      { text: long.slice(0, 21), cut: true },
      { text: long.slice(0, 21), cut: true },
      { text: '<13>after', cut: false },
    ]);
  });

  it('resyncs at the next LF after an octet count that is not a number', () => {
    const { out, errors } = frameAll(
      [Buffer.from('12x <13>lost\n<13>kept\n1234567890123 nope\n5 <13>a')],
      100,
    );
    expect(out.map((f) => f.text)).toEqual(['<13>kept', '<13>a']);
    expect(errors).toEqual(['octet count not a number', 'octet count too long']);
  });

  it('keeps a partial frame at the end, flagged cut when its octet count said it was longer', () => {
    expect(frameAll([Buffer.from('<13>no newline')], 100).out).toEqual([
      { text: '<13>no newline', cut: false },
    ]);
    expect(frameAll([Buffer.from('50 <13>short')], 100).out).toEqual([{ text: '<13>short', cut: true }]);
  });
});
