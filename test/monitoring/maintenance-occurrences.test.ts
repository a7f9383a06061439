// Which occurrence of a maintenance window a status page shows: one-off windows as they are; recurring ones as
// their current or next occurrence, at the same local hour across a DST change, never past ends_at or the horizon.
import { describe, expect, it } from 'vitest';
import { nextOccurrence } from '../../src/monitoring/maintenance-occurrences.js';

const at = (iso: string) => Date.parse(iso);
const day = 86_400_000;

describe('maintenance occurrences', () => {
  it('a one-off window shows until it ends, and not beyond the horizon', () => {
    const w = {
      starts_at: at('2026-03-10T08:00:00Z'),
      ends_at: at('2026-03-10T09:00:00Z'),
      rrule: null,
      time_zone: 'UTC',
      duration_minutes: null,
    };
    expect(nextOccurrence(w, at('2026-03-02T00:00:00Z'), at('2026-04-01T00:00:00Z'))).toEqual({
      startsAt: w.starts_at,
      endsAt: w.ends_at,
    });
    expect(nextOccurrence(w, at('2026-03-02T00:00:00Z'), at('2026-03-05T00:00:00Z'))).toBeNull();
    expect(nextOccurrence(w, at('2026-03-10T09:00:00Z'), at('2026-04-01T00:00:00Z'))).toBeNull();
  });

  it('a weekly Sunday 02:00 Berlin window keeps its local hour across the spring DST change', () => {
    const w = {
      starts_at: at('2026-03-01T01:00:00Z'), // Sunday 02:00 CET
      ends_at: null,
      rrule: 'FREQ=WEEKLY;BYDAY=SU',
      time_zone: 'Europe/Berlin',
      duration_minutes: 60,
    };
    // Current: during the first occurrence.
    expect(nextOccurrence(w, at('2026-03-01T01:30:00Z'), at('2026-03-01T01:30:00Z') + 30 * day)).toEqual({
      startsAt: at('2026-03-01T01:00:00Z'),
      endsAt: at('2026-03-01T02:00:00Z'),
    });
    // After 29 March (CEST), 02:00 local is 00:00Z.
    expect(nextOccurrence(w, at('2026-04-01T00:00:00Z'), at('2026-05-01T00:00:00Z'))?.startsAt).toBe(
      at('2026-04-05T00:00:00Z'),
    );
  });

  it('a recurring window stops at ends_at, and an unreadable rule is refused', () => {
    const w = {
      starts_at: at('2026-03-01T22:00:00Z'),
      ends_at: at('2026-03-04T00:00:00Z'),
      rrule: 'FREQ=DAILY',
      time_zone: 'UTC',
      duration_minutes: 30,
    };
    expect(nextOccurrence(w, at('2026-03-03T23:00:00Z'), at('2026-04-01T00:00:00Z'))).toBeNull();
    expect(nextOccurrence(w, at('2026-03-02T23:00:00Z'), at('2026-04-01T00:00:00Z'))?.startsAt).toBe(
      at('2026-03-03T22:00:00Z'),
    );
    expect(() =>
      nextOccurrence(
        { ...w, rrule: 'FREQ=SOMETIMES' },
        at('2026-03-02T00:00:00Z'),
        at('2026-04-01T00:00:00Z'),
      ),
    ).toThrow(/frequency/);
    expect(
      nextOccurrence(
        { ...w, duration_minutes: null },
        at('2026-03-02T00:00:00Z'),
        at('2026-04-01T00:00:00Z'),
      ),
    ).toBeNull();
  });
});
