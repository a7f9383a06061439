// openWindowsOf: the intervals a client overlaps to count business time. Summing the overlap of any range
// with them must give exactly the business calendar's own business time, across DST changes and holidays,
// so the browser's countdown and the server's clock can never disagree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, type CalendarSpec } from '../../src/sla/business-calendar.js';
import { openWindowsOf } from '../../src/sla/open-windows.js';

const berlin: CalendarSpec = {
  timeZone: 'Europe/Berlin',
  alwaysOpen: false,
  hours: [1, 2, 3, 4, 5].flatMap((day) => [
    { day, start: '08:00', end: '12:00' },
    { day, start: '13:00', end: '24:00' },
  ]),
  holidays: [
    { date: '2026-10-03', name: 'German Unity Day', yearly: true },
    { date: '2026-03-31', name: 'Inventory', yearly: false },
  ],
};

const overlap = (windows: { start: number; end: number }[], from: number, to: number) =>
  windows.reduce((sum, w) => sum + Math.max(0, Math.min(to, w.end) - Math.max(from, w.start)), 0);

describe('openWindowsOf', () => {
  it('joins windows that meet at midnight into one interval', () => {
    // Open all Thursday and Friday (Berlin, UTC+1 in March): one interval, not one per day.
    const spec: CalendarSpec = {
      ...berlin,
      hours: [4, 5].map((day) => ({ day, start: '00:00', end: '24:00' })),
    };
    const w = openWindowsOf(spec, Date.parse('2026-03-25T23:00:00Z'), Date.parse('2026-03-28T23:00:00Z'));
    expect(w).toEqual([
      { start: Date.parse('2026-03-25T23:00:00Z'), end: Date.parse('2026-03-27T23:00:00Z') },
    ]);
  });

  it('gives, by overlap, the business calendar’s own business time for any range', () => {
    const calendar = new BusinessCalendar(berlin);
    const start = Date.parse('2026-03-20T00:00:00Z');
    const span = 40 * 86_400_000;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: span }),
        fc.integer({ min: 1, max: 20 * 86_400_000 }),
        (a, length) => {
          const from = start + a;
          const to = from + length;
          const windows = openWindowsOf(berlin, from, to);
          expect(overlap(windows, from, to)).toBe(calendar.businessMsBetween(from, to));
          for (let i = 1; i < windows.length; i++)
            expect(windows[i].start).toBeGreaterThan(windows[i - 1].end);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses an empty or backwards range and one longer than 366 days', () => {
    const t = Date.parse('2026-03-20T00:00:00Z');
    expect(() => openWindowsOf(berlin, t, t)).toThrow(/after from/);
    expect(() => openWindowsOf(berlin, t, t + 367 * 86_400_000)).toThrow(/366 days/);
  });
});
