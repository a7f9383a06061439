// Reading `timestamp,value` series (fast-check): every accepted timestamp form, and for any line either a row or a
// SeriesInputError naming the line — never another exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimestamp, parseValue, SeriesInputError, SeriesReader } from '../../src/anomaly/index.js';

describe('series CSV', () => {
  it('reads NAB, ISO 8601 and epoch timestamps as UTC epoch ms', () => {
    const t = Date.UTC(2014, 3, 10, 7, 15, 0);
    expect(parseTimestamp('2014-04-10 07:15:00')).toBe(t);
    expect(parseTimestamp('2014-04-10T07:15:00Z')).toBe(t);
    expect(parseTimestamp('2014-04-10T09:15:00+02:00')).toBe(t);
    expect(parseTimestamp('2014-04-10T07:15:00.000000')).toBe(t);
    expect(parseTimestamp(String(t / 1000))).toBe(t);
    expect(parseTimestamp(String(t))).toBe(t);
    expect(parseTimestamp('2014-02-30 00:00:00')).toBeUndefined();
    expect(parseTimestamp('yesterday')).toBeUndefined();
    expect(parseValue('-1.03989471325e-05')).toBe(-1.03989471325e-5);
    expect(parseValue('NaN')).toBeNaN();
    expect(parseValue('12abc')).toBeUndefined();
  });

  it('names the line of a bad row, a missing header, and time going back', () => {
    const reader = new SeriesReader();
    expect(reader.read('timestamp,value')).toBeUndefined();
    expect(reader.read('2014-04-10 07:15:00,1.5')).toMatchObject({ value: 1.5, valueText: '1.5' });
    expect(() => reader.read('2014-04-10 07:10:00,2')).toThrow(
      'line 3: timestamp 2014-04-10 07:10:00 goes back in time',
    );
    expect(() => reader.read('2014-04-10 07:20:00')).toThrow('line 4: expected two fields');
    expect(() => new SeriesReader().read('time,val')).toThrow(
      'line 1: expected the header "timestamp,value"',
    );
    expect(() => new SeriesReader().finish()).toThrow('the input is empty');
  });

  it('answers any line with a row or a SeriesInputError naming it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom('2014-01-01 00:00:00,1', '1400000000,2e3', ',', '')), {
          maxLength: 30,
        }),
        (lines) => {
          const reader = new SeriesReader();
          reader.read('timestamp,value');
          lines.forEach((line, i) => {
            try {
              const row = reader.read(line);
              if (row) expect(Number.isFinite(row.timestampMs)).toBe(true);
            } catch (err) {
              expect(err).toBeInstanceOf(SeriesInputError);
              expect((err as SeriesInputError).line).toBe(i + 2);
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
