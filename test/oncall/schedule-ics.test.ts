// iCalendar feeds, parsed back with ical.js: one event per on-call segment (gaps skipped), stable UIDs, DTSTAMP
// from the given time, and a per-user feed across schedules.
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import {
  compileSchedule,
  finalSchedule,
  type RotationLayer,
  scheduleCalendar,
  userCalendar,
} from '../../src/oncall/index.js';

const at = (iso: string) => Date.parse(iso);
const rotation = (partial: Partial<RotationLayer>): RotationLayer => ({
  kind: 'rotation',
  name: 'Primary',
  start: '2026-03-27T09:00',
  end: null,
  turn: { unit: 'day', count: 1 },
  participants: [1, 2],
  restrictions: [],
  ...partial,
});
function events(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  return cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      summary: e.summary,
      stamp: (v.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().toISOString(),
    };
  });
}

const berlin = compileSchedule({
  id: 7,
  timeZone: 'Europe/Berlin',
  layers: [rotation({ restrictions: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '09:00', end: '21:00' }] })],
  overrides: [{ id: 1, userId: 3, start: at('2026-03-29T10:00:00Z'), end: at('2026-03-29T12:00:00Z') }],
});
const now = at('2026-03-20T12:00:00Z');

describe('iCalendar feeds', () => {
  const segments = finalSchedule(berlin, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'));

  it('a schedule feed has one event per on-call segment, gaps skipped, exact across the spring change', () => {
    const text = scheduleCalendar({
      scheduleId: 7,
      name: 'Infrastructure',
      timeZone: 'Europe/Berlin',
      segments,
      userNames: { 1: 'Ada', 2: 'Brian', 3: 'Chen' },
      now,
    });
    expect(text).toContain('X-WR-CALNAME:Infrastructure');
    expect(text).toContain('X-WR-TIMEZONE:Europe/Berlin');
    const stamp = '2026-03-20T12:00:00.000Z';
    // Sat 09:00–21:00 CET = 08:00–20:00Z (Brian); Sun 09:00–21:00 CEST = 07:00–19:00Z (Ada), Chen's override inside.
    expect(events(text)).toEqual([
      {
        uid: 'schedule-7-20260328T080000000Z@opsdesk',
        start: '2026-03-28T08:00:00.000Z',
        end: '2026-03-28T20:00:00.000Z',
        summary: 'On call: Brian',
        stamp,
      },
      {
        uid: 'schedule-7-20260329T070000000Z@opsdesk',
        start: '2026-03-29T07:00:00.000Z',
        end: '2026-03-29T10:00:00.000Z',
        summary: 'On call: Ada',
        stamp,
      },
      {
        uid: 'schedule-7-20260329T100000000Z@opsdesk',
        start: '2026-03-29T10:00:00.000Z',
        end: '2026-03-29T12:00:00.000Z',
        summary: 'On call: Chen',
        stamp,
      },
      {
        uid: 'schedule-7-20260329T120000000Z@opsdesk',
        start: '2026-03-29T12:00:00.000Z',
        end: '2026-03-29T19:00:00.000Z',
        summary: 'On call: Ada',
        stamp,
      },
    ]);
    // Regenerated later, the same stretches keep their UIDs (calendar apps update them in place).
    const again = events(
      scheduleCalendar({
        scheduleId: 7,
        name: 'Infrastructure',
        timeZone: 'Europe/Berlin',
        segments,
        userNames: new Map(),
        now: now + 1000,
      }),
    );
    expect(again.map((e) => e.uid)).toEqual(events(text).map((e) => e.uid));
    expect(again[0].summary).toBe('On call: user 2');
  });

  it("a person's feed holds only their segments, across schedules", () => {
    const other = compileSchedule({
      id: 8,
      timeZone: 'America/New_York',
      layers: [rotation({ start: '2026-03-27T09:00', participants: [2, 1] })],
      overrides: [],
    });
    const text = userCalendar({
      userId: 1,
      userName: 'Ada',
      timeZone: 'Europe/Berlin',
      schedules: [
        { scheduleId: 7, name: 'Infrastructure', segments },
        {
          scheduleId: 8,
          name: 'Network',
          segments: finalSchedule(other, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z')),
        },
      ],
      now,
    });
    // Network: 09:00 EDT handoffs (13:00Z); Ada (participant 2) has 2026-03-28 13:00Z to 2026-03-29 13:00Z.
    expect(events(text).map((e) => [e.summary, e.start, e.end])).toEqual([
      ['On call: Infrastructure', '2026-03-29T07:00:00.000Z', '2026-03-29T10:00:00.000Z'],
      ['On call: Infrastructure', '2026-03-29T12:00:00.000Z', '2026-03-29T19:00:00.000Z'],
      ['On call: Network', '2026-03-28T13:00:00.000Z', '2026-03-29T13:00:00.000Z'],
    ]);
  });
});
