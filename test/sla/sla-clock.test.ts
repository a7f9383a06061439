// SLA clocks derived from a ticket's timeline, with a fixed "now", against hand-computed expectations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TicketStatus } from '../../src/core/db/index.js';
import { BusinessCalendar } from '../../src/sla/business-calendar.js';
import {
  type ClockSpecs,
  computeClocks,
  type TicketTimeline,
  type TimelineEntry,
} from '../../src/sla/sla-clock.js';

const min = 60_000;
const h = 60 * min;
const at = (iso: string) => Date.parse(iso);
const berlin = new BusinessCalendar({
  timeZone: 'Europe/Berlin',
  alwaysOpen: false,
  hours: ([1, 2, 3, 4, 5] as const).flatMap((day) => [
    { day, start: '08:00', end: '12:00' },
    { day, start: '13:00', end: '17:00' },
  ]),
  holidays: [{ date: '2026-04-03', name: 'Karfreitag', yearly: false }],
});
const pausing: TicketStatus[] = ['pending', 'resolved'];
const specs: ClockSpecs = {
  first_response: { durationMs: 2 * h, warnPercent: 75, calendar: berlin, pauseStatuses: [] },
  next_response: { durationMs: 4 * h, warnPercent: null, calendar: berlin, pauseStatuses: pausing },
  resolution: {
    durationMs: 8 * h,
    warnPercent: 75,
    calendar: berlin,
    pauseStatuses: pausing,
    levelOffsetsMs: [-h, 2 * h],
  },
};

function timeline(createdAt: string, entries: TimelineEntry[]): TicketTimeline {
  return { createdAt: at(createdAt), initialStatus: 'new', initialGroupId: null, entries };
}
const byTarget = (t: TicketTimeline, now: number, s: ClockSpecs = specs) =>
  Object.fromEntries(computeClocks(t, s, now).map((c) => [c.target, c]));

const reply = (iso: string): TimelineEntry => ({ at: at(iso), kind: 'staff_reply' });
const customer = (iso: string): TimelineEntry => ({ at: at(iso), kind: 'requester_reply' });
const status = (iso: string, to: TicketStatus): TimelineEntry => ({ at: at(iso), kind: 'status', to });

describe('SLA clocks', () => {
  // Every ticket here is created on Monday 2 March 2026 at 10:00 CET (09:00Z).
  const created = '2026-03-02T09:00:00Z';

  it('a new ticket: due times on business hours, a warning at 75 %, levels before and after the breach', () => {
    const c = byTarget(timeline(created, []), at('2026-03-02T09:30:00Z'));
    // First response 2 h: 10–12 CET.
    expect(c.first_response).toMatchObject({
      phase: 'running',
      dueAt: at('2026-03-02T11:00:00Z'),
      elapsedMs: 30 * min,
    });
    expect(c.first_response.warning?.expectedAt).toBe(at('2026-03-02T10:30:00Z'));
    // Resolution 8 h: Mon 10–12 and 13–17 (6 h), Tue 08–10.
    expect(c.resolution.dueAt).toBe(at('2026-03-03T09:00:00Z'));
    expect(c.resolution.warning?.expectedAt).toBe(at('2026-03-02T16:00:00Z')); // 6 h: Mon 17:00 CET
    expect(c.resolution.levels.map((l) => l.expectedAt)).toEqual([
      at('2026-03-03T08:00:00Z'), // 1 h before: Tue 09:00 CET
      at('2026-03-03T11:00:00Z'), // 2 h after: Tue 12:00 CET
    ]);
    expect(c.next_response.phase).toBe('inactive');
  });

  it('a pending ticket does not consume resolution time; the requester reply starts a next-response cycle', () => {
    const entries = [
      reply('2026-03-02T10:00:00Z'), // Mon 11:00: first response after 1 h
      status('2026-03-02T13:00:00Z', 'pending'), // Mon 14:00
      customer('2026-03-03T08:00:00Z'), // Tue 09:00
      status('2026-03-03T08:00:00Z', 'in_progress'),
    ];
    const paused = byTarget(timeline(created, entries.slice(0, 2)), at('2026-03-02T15:00:00Z'));
    expect(paused.resolution).toMatchObject({
      phase: 'paused',
      dueAt: null,
      elapsedMs: 3 * h,
      remainingMs: 5 * h,
      pausedMs: 2 * h,
    });
    expect(paused.first_response).toMatchObject({
      phase: 'achieved',
      achievedMs: h,
      marginMs: h,
      breached: false,
    });

    const c = byTarget(timeline(created, entries), at('2026-03-03T09:00:00Z'));
    // Elapsed: Mon 10–12, 13–14 and Tue 09–10 = 4 h; paused Mon 14–17 and Tue 08–09 = 4 h.
    expect(c.resolution).toMatchObject({
      phase: 'running',
      elapsedMs: 4 * h,
      pausedMs: 4 * h,
      remainingMs: 4 * h,
    });
    expect(c.resolution.dueAt).toBe(at('2026-03-03T14:00:00Z')); // Tue 10–12, 13–15 CET
    expect(c.next_response).toMatchObject({ phase: 'running', cycle: 1, elapsedMs: h });
    expect(c.next_response.dueAt).toBe(at('2026-03-03T13:00:00Z')); // Tue 09–12, 13–14 CET
  });

  it('nothing breaches while its clock is paused (glpi#24481); first response never pauses', () => {
    const c = byTarget(
      timeline(created, [status('2026-03-02T09:30:00Z', 'pending')]),
      at('2026-03-16T09:00:00Z'),
    );
    expect(c.resolution).toMatchObject({ phase: 'paused', breached: false, elapsedMs: 30 * min });
    expect(c.resolution.breach.reachedAt).toBeNull();
    expect(c.first_response).toMatchObject({
      phase: 'running',
      breached: true,
      dueAt: at('2026-03-02T11:00:00Z'),
    });
  });

  it('a resolved ticket has achieved its targets; late resolution has a negative margin', () => {
    const onTime = byTarget(
      timeline(created, [reply('2026-03-02T14:00:00Z'), status('2026-03-02T14:00:00Z', 'resolved')]),
      at('2026-03-09T00:00:00Z'),
    );
    expect(onTime.resolution).toMatchObject({
      phase: 'achieved',
      achievedMs: 4 * h,
      marginMs: 4 * h,
      breached: false,
    });
    expect(onTime.first_response).toMatchObject({ achievedMs: 4 * h, marginMs: -2 * h, breached: true });
    const late = byTarget(
      timeline(created, [status('2026-03-03T11:00:00Z', 'resolved')]),
      at('2026-03-09T00:00:00Z'),
    );
    expect(late.resolution).toMatchObject({
      phase: 'achieved',
      achievedMs: 10 * h,
      marginMs: -2 * h,
      breached: true,
    });
    expect(late.resolution.dueAt).toBe(at('2026-03-03T09:00:00Z'));
    // The resolution also answers the first response.
    expect(late.first_response).toMatchObject({ phase: 'achieved', achievedAt: at('2026-03-03T11:00:00Z') });
  });

  it('a new policy applies to the same timeline: the pauses already served stay served (glpi#6902)', () => {
    const entries = [
      reply('2026-03-02T10:00:00Z'),
      status('2026-03-02T13:00:00Z', 'pending'),
      status('2026-03-03T08:00:00Z', 'in_progress'),
    ];
    const longer: ClockSpecs = { ...specs, resolution: { ...specs.resolution!, durationMs: 16 * h } };
    const c = byTarget(timeline(created, entries), at('2026-03-03T09:00:00Z'), longer);
    expect(c.resolution).toMatchObject({ elapsedMs: 4 * h, pausedMs: 4 * h, remainingMs: 12 * h });
    // Tue 10–12, 13–17 (6 h), Wed 08–12, 13–15 (6 h) → Wed 15:00 CET.
    expect(c.resolution.dueAt).toBe(at('2026-03-04T14:00:00Z'));
  });

  it('a pause never shortens the remaining time (property)', () => {
    const start = at('2026-03-02T07:00:00Z');
    const span = 14 * 24 * h;
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: span }),
            fc.constantFrom<TicketStatus>('in_progress', 'pending', 'assigned'),
          ),
          { maxLength: 8 },
        ),
        fc.integer({ min: 0, max: span }),
        fc.integer({ min: 0, max: 3 * 24 * h }),
        fc.integer({ min: 0, max: span + 3 * 24 * h }),
        (changes, p1, length, nowOffset) => {
          const base = changes
            .sort((a, b) => a[0] - b[0])
            .map(([o, s]) => ({ at: start + o, kind: 'status' as const, to: s }));
          const statusAt = (t: number) => base.filter((e) => e.at <= t).at(-1)?.to ?? 'new';
          const a = start + p1;
          const b = a + length;
          const withPause: TimelineEntry[] = [
            ...base.filter((e) => e.at < a),
            { at: a, kind: 'status', to: 'pending' },
            { at: b, kind: 'status', to: statusAt(b) },
            ...base.filter((e) => e.at > b),
          ];
          const now = start + nowOffset;
          const t = (entries: TimelineEntry[]) => ({
            createdAt: start,
            initialStatus: 'new' as const,
            initialGroupId: null,
            entries,
          });
          const without = computeClocks(t(base), specs, now).find((c) => c.target === 'resolution')!;
          const paused = computeClocks(t(withPause), specs, now).find((c) => c.target === 'resolution')!;
          expect(paused.remainingMs).toBeGreaterThanOrEqual(without.remainingMs);
        },
      ),
    );
  });
});
