// Syslog parsing: RFC 5424 and RFC 3164 with the variants real senders use, the bad input the listener counts,
// and two properties — it never throws on arbitrary bytes, and a record formatted as RFC 5424 parses back to itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StructuredData } from '../../src/logs/index.js';
import {
  formatRfc5424,
  parseSyslogFrame,
  parseSyslogMessage,
  type Rfc5424Fields,
} from '../../src/logs/index.js';

const receivedAt = Date.parse('2026-11-30T08:30:00Z');

function parsed(raw: string | Uint8Array, at = receivedAt, options = {}) {
  const result = parseSyslogMessage(raw, at, options);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.record;
}

describe('RFC 5424', () => {
  it('reads every header field, structured data with escapes, and a message after the BOM', () => {
    const r = parsed(
      '<165>1 2026-11-30T08:00:00.123456+01:00 mymachine.example.com evntslog 4711 ID47 ' +
        '[exampleSDID@32473 iut="3" eventSource="App \\"x\\" \\\\ \\]"][examplePriority@32473 class="high"] \ufeffAn application event',
    );
    expect(r).toEqual({
      time: Date.parse('2026-11-30T07:00:00.123Z'),
      receivedAt,
      host: 'mymachine.example.com',
      app: 'evntslog',
      procId: '4711',
      msgId: 'ID47',
      severity: 5,
      facility: 20,
      message: 'An application event',
      structuredData: {
        'exampleSDID@32473': { iut: '3', eventSource: 'App "x" \\ ]' },
        'examplePriority@32473': { class: 'high' },
      },
      truncated: false,
    });
  });

  it('reads NILVALUEs as nulls and a missing time as the time received', () => {
    const r = parsed('<13>1 - - - - - - just text');
    expect(r).toMatchObject({ time: receivedAt, host: null, app: null, procId: null, msgId: null });
    expect(r.structuredData).toBeNull();
    expect(r.message).toBe('just text');
  });

  it('keeps a message without a BOM, and an empty message', () => {
    expect(parsed('<14>1 2026-11-30T08:00:00Z h a - - - plain').message).toBe('plain');
    expect(parsed('<14>1 2026-11-30T08:00:00Z h a - - -').message).toBe('');
    expect(parsed('<14>1 2026-11-30T08:00:00Z h a - - [x@1 a="b"]').structuredData).toEqual({
      'x@1': { a: 'b' },
    });
  });

  it('reads Z and negative offsets, and fractions past milliseconds', () => {
    expect(parsed('<14>1 2026-11-30T08:00:00.5Z h - - - - m').time).toBe(
      Date.parse('2026-11-30T08:00:00.500Z'),
    );
    expect(parsed('<14>1 2026-11-30T02:30:00.123999-05:30 h - - - - m').time).toBe(
      Date.parse('2026-11-30T08:00:00.123Z'),
    );
  });

  it('keeps malformed structured data in the message rather than losing it', () => {
    const r = parsed('<14>1 2026-11-30T08:00:00Z h a - - [broken no="end m');
    expect(r.structuredData).toBeNull();
    expect(r.message).toBe('[broken no="end m');
  });

  it('cuts header fields to the limits of logFieldLimits', () => {
    const r = parsed(`<14>1 - ${'h'.repeat(300)} ${'a'.repeat(60)} ${'p'.repeat(200)} ${'m'.repeat(40)} - x`);
    expect([r.host?.length, r.app?.length, r.procId?.length, r.msgId?.length]).toEqual([255, 48, 128, 32]);
  });
});

describe('RFC 3164 and its variants', () => {
  it('reads <PRI>Mmm dd hh:mm:ss host tag[pid]: msg in the receiver’s year', () => {
    expect(parsed('<38>Nov 30 08:00:00 web1 sshd[4242]: Accepted publickey for root')).toMatchObject({
      time: Date.parse('2026-11-30T08:00:00Z'),
      host: 'web1',
      app: 'sshd',
      procId: '4242',
      severity: 6,
      facility: 4,
      message: 'Accepted publickey for root',
    });
  });

  it('takes last year for a date more than a day ahead (New Year), and next year for one just behind January', () => {
    const newYear = Date.parse('2027-01-01T00:00:30Z');
    expect(parsed('<13>Dec 31 23:59:59 h t: m', newYear).time).toBe(Date.parse('2026-12-31T23:59:59Z'));
    const yearEnd = Date.parse('2026-12-31T23:59:50Z');
    expect(parsed('<13>Jan  1 00:00:05 h t: m', yearEnd).time).toBe(Date.parse('2027-01-01T00:00:05Z'));
    // A clock a few hours ahead of ours is still this year.
    expect(parsed('<13>Nov 30 12:00:00 h t: m').time).toBe(Date.parse('2026-11-30T12:00:00Z'));
  });

  it('reads a space-padded single-digit day, and one without padding', () => {
    expect(parsed('<13>Nov  3 08:00:00 h t: m').time).toBe(Date.parse('2026-11-03T08:00:00Z'));
    expect(parsed('<13>Nov 3 08:00:00 h t: m').time).toBe(Date.parse('2026-11-03T08:00:00Z'));
  });

  it('tells a missing host from a tag', () => {
    expect(parsed('<13>Nov 30 08:00:00 sshd[12]: Connection closed')).toMatchObject({
      host: null,
      app: 'sshd',
      procId: '12',
      message: 'Connection closed',
    });
    expect(parsed('<13>Nov 30 08:00:00 kernel: Out of memory')).toMatchObject({ host: null, app: 'kernel' });
    // RFC 3164 §4.1.3: after the host, the TAG ends at the first character that cannot be in it, a space too.
    expect(parsed('<13>Nov 30 08:00:00 db2 relayed message without a colon')).toMatchObject({
      host: 'db2',
      app: 'relayed',
      message: 'message without a colon',
    });
    expect(parsed('<13>Nov 30 08:00:00 db2 "quoted" is no tag')).toMatchObject({
      host: 'db2',
      app: null,
      message: '"quoted" is no tag',
    });
    expect(parsed('<13>Nov 30 08:00:00 h postfix/smtpd[99]: connect')).toMatchObject({
      app: 'postfix/smtpd',
      procId: '99',
    });
  });

  it('reads an ISO timestamp in the 3164 position (rsyslog’s RFC3339 templates)', () => {
    expect(parsed('<13>2026-11-30T09:00:00.250+01:00 gw1 app[7]: via rsyslog')).toMatchObject({
      time: Date.parse('2026-11-30T08:00:00.250Z'),
      host: 'gw1',
      app: 'app',
      procId: '7',
      message: 'via rsyslog',
    });
  });

  it('takes the time received when there is no timestamp, and still finds the tag', () => {
    expect(parsed('<11>myscript: disk is full')).toMatchObject({
      time: receivedAt,
      host: null,
      app: 'myscript',
      severity: 3,
      message: 'disk is full',
    });
    expect(parsed('<11>disk is full')).toMatchObject({ app: null, message: 'disk is full' });
  });

  it('reads a message without PRI as user.notice (RFC 3164 §4.3.3), and a bare line whole', () => {
    expect(parsed('Nov 30 08:00:00 h cron[1]: job done')).toMatchObject({
      severity: 5,
      facility: 1,
      host: 'h',
      app: 'cron',
    });
    expect(parsed('081109 203615 148 INFO dfs.DataNode: Receiving block')).toMatchObject({
      severity: 5,
      facility: 1,
      host: null,
      app: null,
      time: receivedAt,
      message: '081109 203615 148 INFO dfs.DataNode: Receiving block',
    });
  });

  it('drops a trailing newline, CR and NUL', () => {
    expect(parsed('<13>Nov 30 08:00:00 h t: m\r\n').message).toBe('m');
    expect(parsed(Buffer.from('<13>Nov 30 08:00:00 h t: m\n\0')).message).toBe('m');
  });

  it('reads times without a zone in the configured zone', () => {
    expect(parsed('<13>Nov 30 09:00:00 h t: m', receivedAt, { zone: 'Europe/Berlin' }).time).toBe(
      Date.parse('2026-11-30T08:00:00Z'),
    );
    expect(parsed('<13>2026-11-30T09:00:00 h t: m', receivedAt, { zone: 'Europe/Berlin' }).time).toBe(
      Date.parse('2026-11-30T08:00:00Z'),
    );
  });
});

describe('bad input', () => {
  it('refuses invalid PRIs', () => {
    for (const raw of ['<999>x', '<a>x', '<>x', '<192>x', '<13', '<1234>x'])
      expect(parseSyslogMessage(raw, receivedAt)).toEqual({ ok: false, reason: 'invalid_pri' });
  });

  it('refuses empty messages and a PRI alone', () => {
    for (const raw of ['', '\n', '\0\0', '<13>', '<13>   '])
      expect(parseSyslogMessage(raw, receivedAt)).toEqual({ ok: false, reason: 'empty' });
  });

  it('refuses binary garbage and text that is not UTF-8, but keeps a stray control character', () => {
    expect(parseSyslogMessage(Buffer.from([60, 49, 51, 62, 1, 2, 3, 0, 4, 5, 6]), receivedAt)).toEqual({
      ok: false,
      reason: 'binary',
    });
    expect(
      parseSyslogMessage(Buffer.from([0xff, 0xfe, 0x41, 0xc3, 0x28, 0xa0, 0xa1, 0xe2]), receivedAt),
    ).toEqual({
      ok: false,
      reason: 'not_utf8',
    });
    expect(
      parsed('<13>Nov 30 08:00:00 h t: colour \x1b[31mred\x1b[0m and a bell\x07 in a long line').message,
    ).toContain('red');
  });

  it('truncates an oversized message at a UTF-8 boundary and flags it', () => {
    const head = '<13>1 - h a - - - ';
    const raw = Buffer.from(head + 'é'.repeat(400)); // 2 bytes each
    const r = parsed(raw, receivedAt, { maxMessageBytes: head.length + 101 });
    expect(r.truncated).toBe(true);
    expect(r.message).toBe('é'.repeat(50));
    const text = parsed(head + '€'.repeat(400), receivedAt, { maxMessageBytes: head.length + 100 });
    expect(text).toMatchObject({ truncated: true, message: '€'.repeat(33) });
  });
});

describe('properties', () => {
  it('never throws on arbitrary bytes, and answers a record or a reason', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, pri) => {
        const raw = pri ? Buffer.concat([Buffer.from('<13>'), bytes]) : bytes;
        const result = parseSyslogMessage(raw, receivedAt, { maxMessageBytes: 480 });
        if (result.ok) expect(typeof result.record.message).toBe('string');
        else
          expect(['empty', 'invalid_pri', 'invalid_header', 'not_utf8', 'binary']).toContain(result.reason);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        parseSyslogMessage(text, receivedAt);
        parseSyslogMessage(`<34>1 ${text}`, receivedAt);
        parseSyslogMessage(`<34>Nov 30 ${text}`, receivedAt);
      }),
      { numRuns: 2000 },
    );
  });

  const printable = (max: number) =>
    fc
      .string({
        unit: fc.integer({ min: 33, max: 126 }).map((c) => String.fromCharCode(c)),
        minLength: 1,
        maxLength: max,
      })
      .filter((s) => s !== '-');
  const sdName = fc.string({
    unit: fc
      .integer({ min: 33, max: 126 })
      .filter((c) => c !== 61 && c !== 93 && c !== 34)
      .map((c) => String.fromCharCode(c)),
    minLength: 1,
    maxLength: 32,
  });
  // Message text: any Unicode but the control characters (which the listener judges) and a leading BOM.
  const text = fc
    .string({ unit: 'grapheme', maxLength: 200 })
    .filter((s) => !/[\x00-\x1f\x7f\ufffd]/.test(s) && !s.startsWith('\ufeff'));
  const structured: fc.Arbitrary<StructuredData | null> = fc.option(
    fc.dictionary(
      sdName,
      fc.dictionary(sdName, fc.string({ unit: 'grapheme', maxLength: 40 }), { maxKeys: 4 }),
      {
        minKeys: 1,
        maxKeys: 3,
      },
    ),
  );
  const record: fc.Arbitrary<Rfc5424Fields> = fc.record({
    time: fc.integer({ min: Date.parse('1970-01-01T00:00:00Z'), max: Date.parse('2200-01-01T00:00:00Z') }),
    host: fc.option(printable(255)),
    app: fc.option(printable(48)),
    procId: fc.option(printable(128)),
    msgId: fc.option(printable(32)),
    severity: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7),
    facility: fc.integer({ min: 0, max: 23 }),
    message: text,
    structuredData: structured,
  });

  it('a record formatted as RFC 5424 parses back to itself', () => {
    fc.assert(
      fc.property(
        record,
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.boolean(),
        (r, offsetMinutes, bom) => {
          const raw = Buffer.from(formatRfc5424(r, { offsetMinutes, bom }));
          const back = parseSyslogMessage(raw, receivedAt);
          expect(back).toEqual({ ok: true, record: { ...r, receivedAt, truncated: false } });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the listener’s path (a frame inside a larger buffer) reads what parseSyslogMessage reads of the same bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ maxLength: 700 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.boolean(),
        (before, body, after, pri) => {
          const frame = pri
            ? Buffer.concat([Buffer.from('<165>Nov 30 08:00:00 h t[1]: '), body])
            : Buffer.from(body);
          const buf = Buffer.concat([before, frame, after]);
          const options = { maxMessageBytes: 480, zone: 'UTC' };
          const viaFrame = parseSyslogFrame(
            buf,
            before.length,
            before.length + frame.length,
            receivedAt,
            options,
            'syslog-tcp',
            'peer',
          );
          const viaMessage = parseSyslogMessage(frame, receivedAt, options);
          if (viaMessage.ok)
            expect(viaFrame).toEqual({ ...viaMessage.record, source: 'syslog-tcp', peer: 'peer' });
          else expect(viaFrame).toBe(viaMessage.reason);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
