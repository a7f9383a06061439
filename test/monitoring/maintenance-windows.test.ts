// Maintenance windows' occurrences (pure): RRULEs expanded in an IANA zone, exact across DST changes, and the
// precise refusals of bad windows.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import {
  checkMaintenanceWindowInput,
  type MaintenanceWindow,
  windowOccurrences,
  zonedInstant,
} from '../../src/monitoring/maintenance-windows.js';

function recurring(
  startsAt: string,
  rrule: string,
  zone: string,
  durationMinutes: number,
): MaintenanceWindow {
  return {
    id: 1,
    name: 'w',
    description: '',
    targetIds: [],
    startsAt: Date.parse(startsAt),
    endsAt: null,
    rrule,
    timeZone: zone,
    durationMinutes,
    createdBy: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

const iso = (t: number) => new Date(t).toISOString();

describe('maintenance window occurrences', () => {
  it('keeps local wall time across the spring and autumn changes (Europe/Berlin)', () => {
    // Daily at 01:30 local for 30 minutes.
    const w = recurring('2026-03-27T00:30:00Z', 'FREQ=DAILY', 'Europe/Berlin', 30);
    const occ = windowOccurrences(w, Date.parse('2026-03-27T00:00:00Z'), Date.parse('2026-03-31T00:00:00Z'));
    expect(occ.map((o) => iso(o.start))).toEqual([
      '2026-03-27T00:30:00.000Z',
      '2026-03-28T00:30:00.000Z',
      '2026-03-29T00:30:00.000Z', // 01:30 CET: the change is at 02:00
      '2026-03-29T23:30:00.000Z', // 01:30 CEST
      '2026-03-30T23:30:00.000Z',
    ]);
    expect(occ.every((o) => o.end - o.start === 30 * 60_000)).toBe(true);
  });

  it('moves a time in the spring gap forward and takes the first of a repeated autumn hour', () => {
    const t = { year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 };
    expect(iso(zonedInstant('Europe/Berlin', t))).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    const autumn = { year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 };
    expect(iso(zonedInstant('Europe/Berlin', autumn))).toBe('2026-10-25T00:30:00.000Z'); // first 02:30 (CEST)
    expect(iso(zonedInstant('America/New_York', { ...autumn, month: 11, day: 1, hour: 1 }))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('honours COUNT and UNTIL, and a one-off window is its own interval', () => {
    const w = recurring('2026-01-05T08:00:00Z', 'FREQ=WEEKLY;COUNT=3', 'UTC', 60);
    expect(windowOccurrences(w, 0, Date.parse('2027-01-01T00:00:00Z'))).toHaveLength(3);
    const once: MaintenanceWindow = { ...w, rrule: null, durationMinutes: null, endsAt: w.startsAt + 1000 };
    expect(windowOccurrences(once, w.startsAt + 999, w.startsAt + 5000)).toEqual([
      { start: w.startsAt, end: w.startsAt + 1000 },
    ]);
    expect(windowOccurrences(once, w.startsAt + 1000, w.startsAt + 5000)).toEqual([]);
  });

  // ical.js searched for the first rule's next day without end, holding the service's one thread, and threw a plain
  // Error (a 500) for the second only when expanding it (the fuzz suite, issue 20).
  it('refuses a rule that matches no time or that ical.js cannot expand; a stored one expands to nothing', () => {
    for (const [rrule, says] of [
      ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'matches no time'],
      ['FREQ=WEEKLY;BYYEARDAY=60', 'neither BYMONTHDAY nor BYYEARDAY'],
    ]) {
      let refused: unknown;
      try {
        checkMaintenanceWindowInput({
          name: 'Never',
          startsAt: Date.parse('2026-03-08T02:00:00Z'),
          rrule,
          durationMinutes: 60,
        });
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(DomainError);
      expect((refused as DomainError).code).toBe('invalid_maintenance_window');
      expect((refused as DomainError).fields).toEqual([
        { field: '/rrule', message: expect.stringContaining(says) },
      ]);
      // Stored before rules were checked: its DTSTART (an occurrence by RFC 5545) at most, and no search after it.
      const startsAt = Date.parse('2026-03-08T02:00:00Z');
      const stored = windowOccurrences(
        recurring('2026-03-08T02:00:00Z', rrule, 'UTC', 60),
        0,
        Date.parse('2027-01-01T00:00:00Z'),
      );
      expect(stored.filter((o) => o.start !== startsAt)).toEqual([]);
    }
    // A rare rule that does recur (every leap year) is kept.
    expect(() =>
      checkMaintenanceWindowInput({
        name: 'Leap',
        startsAt: Date.parse('2026-03-08T02:00:00Z'),
        rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29',
        durationMinutes: 60,
      }),
    ).not.toThrow();
  });
});
