// Business calendars against expectations computed by hand: split shifts, holidays (one-off and yearly),
// the DST changes of Europe/Berlin and America/New_York, 24/7; and the invariants as properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, type WorkingHours } from '../../src/sla/business-calendar.js';
import { parseIcsHolidays } from '../../src/sla/calendars.js';

const h = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const weekdays = (spans: [string, string][]): WorkingHours[] =>
  ([1, 2, 3, 4, 5] as const).flatMap((day) => spans.map(([start, end]) => ({ day, start, end })));
const allDays = (): WorkingHours[] =>
  ([1, 2, 3, 4, 5, 6, 7] as const).map((day) => ({ day, start: '00:00', end: '24:00' }));

const berlin = new BusinessCalendar({
  timeZone: 'Europe/Berlin',
  alwaysOpen: false,
  hours: weekdays([
    ['08:00', '12:00'],
    ['13:00', '17:00'],
  ]),
  holidays: [
    { date: '2026-04-03', name: 'Karfreitag', yearly: false },
    { date: '2026-04-06', name: 'Ostermontag', yearly: false },
    { date: '2000-12-25', name: '1. Weihnachtstag', yearly: true },
  ],
});
const newYork = new BusinessCalendar({
  timeZone: 'America/New_York',
  alwaysOpen: false,
  hours: weekdays([['09:00', '17:00']]),
  holidays: [],
});

describe('business calendar', () => {
  it('a split shift skips the lunch break, and a due time on closing time stays there', () => {
    // Mon 2026-03-02 11:30 CET (10:30Z) + 1 h: 11:30–12:00, then 13:00–13:30 CET = 12:30Z.
    expect(berlin.addBusinessMs(at('2026-03-02T10:30:00Z'), h)).toBe(at('2026-03-02T12:30:00Z'));
    // Mon 08:00 CET + 4 h = 12:00 CET (11:00Z), not 13:00.
    expect(berlin.addBusinessMs(at('2026-03-02T07:00:00Z'), 4 * h)).toBe(at('2026-03-02T11:00:00Z'));
    // Before opening: Mon 06:00 CET + 30 min = 08:30 CET.
    expect(berlin.addBusinessMs(at('2026-03-02T05:00:00Z'), h / 2)).toBe(at('2026-03-02T07:30:00Z'));
  });

  it('Berlin spring forward: Friday 16:00 CET + 4 h is Monday 11:00 CEST (66 wall hours, not 67)', () => {
    const start = at('2026-03-27T15:00:00Z'); // Fri 16:00 CET
    const due = berlin.addBusinessMs(start, 4 * h); // Fri 16–17 (1 h), Mon 30 March 08–11 CEST (3 h)
    expect(due).toBe(at('2026-03-30T09:00:00Z'));
    expect(berlin.businessMsBetween(start, due)).toBe(4 * h);
  });

  it('Berlin fall back: Friday 23 October 15:00 CEST + 5 h is Monday 26 October 11:00 CET', () => {
    // Fri 15–17 CEST (2 h), Mon 08–11 CET (3 h).
    expect(berlin.addBusinessMs(at('2026-10-23T13:00:00Z'), 5 * h)).toBe(at('2026-10-26T10:00:00Z'));
  });

  it('a 24-hour day calendar counts 23 hours on the spring-forward Sunday and 25 on the fall-back one', () => {
    const cal = new BusinessCalendar({
      timeZone: 'Europe/Berlin',
      alwaysOpen: false,
      hours: allDays(),
      holidays: [],
    });
    // Sun 29 March 2026 00:00 CET (Sat 23:00Z) to Mon 00:00 CEST (Sun 22:00Z).
    expect(cal.businessMsBetween(at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'))).toBe(23 * h);
    // Sun 25 October 2026 00:00 CEST (Sat 22:00Z) to Mon 00:00 CET (Sun 23:00Z).
    expect(cal.businessMsBetween(at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'))).toBe(25 * h);
    const ny = new BusinessCalendar({
      timeZone: 'America/New_York',
      alwaysOpen: false,
      hours: allDays(),
      holidays: [],
    });
    // Sun 8 March 2026 00:00 EST (05:00Z) to Mon 00:00 EDT (04:00Z): 23 h.
    expect(ny.businessMsBetween(at('2026-03-08T05:00:00Z'), at('2026-03-09T04:00:00Z'))).toBe(23 * h);
    // Sat 31 Oct 00:00 EDT (04:00Z) to Mon 2 Nov 00:00 EST (05:00Z): 24 + 25 = 49 h.
    expect(ny.businessMsBetween(at('2026-10-31T04:00:00Z'), at('2026-11-02T05:00:00Z'))).toBe(49 * h);
  });

  it('New York: across spring forward and fall back the opening hour stays 09:00 local', () => {
    // Fri 6 March 16:00 EST (21:00Z) + 2 h: Fri 16–17, Mon 9 March 09–10 EDT = 14:00Z.
    expect(newYork.addBusinessMs(at('2026-03-06T21:00:00Z'), 2 * h)).toBe(at('2026-03-09T14:00:00Z'));
    // Fri 30 Oct 16:00 EDT (20:00Z) + 2 h: Fri 16–17, Mon 2 Nov 09–10 EST = 15:00Z.
    expect(newYork.addBusinessMs(at('2026-10-30T20:00:00Z'), 2 * h)).toBe(at('2026-11-02T15:00:00Z'));
    expect(newYork.businessMsBetween(at('2026-10-30T20:00:00Z'), at('2026-11-02T15:00:00Z'))).toBe(2 * h);
  });

  it('holidays close whole days: Easter 2026 and a yearly Christmas', () => {
    // Thu 2 April 16:00 CEST (14:00Z) + 3 h: Thu 16–17, Good Friday and Easter Monday closed, Tue 7 April 08–10.
    expect(berlin.addBusinessMs(at('2026-04-02T14:00:00Z'), 3 * h)).toBe(at('2026-04-07T08:00:00Z'));
    // Thu 24 Dec 2026 16:30 CET + 1 h: 30 min, Fri 25 (yearly) closed, weekend, Mon 28 08:00–08:30 CET.
    expect(berlin.addBusinessMs(at('2026-12-24T15:30:00Z'), h)).toBe(at('2026-12-28T07:30:00Z'));
    expect(berlin.isHoliday('2031-12-25')).toBe(true);
    expect(berlin.isOpen(at('2026-04-03T08:00:00Z'))).toBe(false);
    expect(berlin.isOpen(at('2026-04-02T08:00:00Z'))).toBe(true);
  });

  it('24/7 is wall time; with a holiday, that day is skipped (23 h long on the DST Sunday)', () => {
    const plain = new BusinessCalendar({
      timeZone: 'Europe/Berlin',
      alwaysOpen: true,
      hours: [],
      holidays: [],
    });
    expect(plain.addBusinessMs(at('2026-03-28T11:00:00Z'), 24 * h)).toBe(at('2026-03-29T11:00:00Z'));
    const cal = new BusinessCalendar({
      timeZone: 'Europe/Berlin',
      alwaysOpen: true,
      hours: [],
      holidays: [{ date: '2026-03-29', name: 'closed', yearly: false }],
    });
    // Sat 12:00 CET + 24 h: Sat 12–24 (12 h), Sunday closed, Mon 00:00 CEST (Sun 22:00Z) + 12 h = 10:00Z.
    expect(cal.addBusinessMs(at('2026-03-28T11:00:00Z'), 24 * h)).toBe(at('2026-03-30T10:00:00Z'));
  });

  it('rejects a bad time zone and a calendar without hours', () => {
    expect(
      () => new BusinessCalendar({ timeZone: 'Mars/Olympus', alwaysOpen: true, hours: [], holidays: [] }),
    ).toThrow(/time zone/);
    expect(
      () => new BusinessCalendar({ timeZone: 'UTC', alwaysOpen: false, hours: [], holidays: [] }),
    ).toThrow(/working hours/);
  });

  it('imports holidays from iCalendar: yearly rules, one-off and multi-day events', () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//EN',
      'BEGIN:VEVENT',
      'UID:1',
      'DTSTART;VALUE=DATE:20261003',
      'RRULE:FREQ=YEARLY',
      'SUMMARY:Tag der Deutschen Einheit',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:2',
      'DTSTART;VALUE=DATE:20260403',
      'DTEND;VALUE=DATE:20260404',
      'SUMMARY:Karfreitag',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:3',
      'DTSTART;VALUE=DATE:20261224',
      'DTEND;VALUE=DATE:20261227',
      'SUMMARY:Betriebsferien',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    expect(parseIcsHolidays(ics)).toEqual([
      { date: '2026-10-03', name: 'Tag der Deutschen Einheit', yearly: true },
      { date: '2026-04-03', name: 'Karfreitag', yearly: false },
      { date: '2026-12-24', name: 'Betriebsferien', yearly: false },
      { date: '2026-12-25', name: 'Betriebsferien', yearly: false },
      { date: '2026-12-26', name: 'Betriebsferien', yearly: false },
    ]);
    expect(() => parseIcsHolidays('not a calendar')).toThrow();
  });
});

describe('business calendar properties', () => {
  const calendars = [berlin, newYork];
  const instant = fc.integer({ min: at('2025-01-01T00:00:00Z'), max: at('2028-01-01T00:00:00Z') });
  const duration = fc.integer({ min: 0, max: 200 * h });

  it('a due time never moves earlier when the start moves later', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...calendars),
        instant,
        fc.integer({ min: 0, max: 30 * 24 * h }),
        duration,
        (cal, s, later, d) => {
          expect(cal.addBusinessMs(s + later, d)).toBeGreaterThanOrEqual(cal.addBusinessMs(s, d));
        },
      ),
    );
  });

  it('adding d business time and counting back gives d; adding in two steps is adding once', () => {
    fc.assert(
      fc.property(fc.constantFrom(...calendars), instant, duration, duration, (cal, s, d1, d2) => {
        const due = cal.addBusinessMs(s, d1);
        expect(cal.businessMsBetween(s, due)).toBe(d1);
        expect(cal.addBusinessMs(due, d2)).toBe(cal.addBusinessMs(s, d1 + d2));
      }),
    );
  });
});
