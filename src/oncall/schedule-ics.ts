// iCalendar feeds of final schedules, for Google Calendar or Outlook to subscribe to: one per schedule (every
// on-call stretch, gaps skipped) and one per person (their stretches across schedules). Pure: the caller passes
// the segments and the time of the feed.
import ical, { ICalCalendarMethod } from 'ical-generator';
import type { Segment, SegmentSource } from './schedule-model.js';

export interface ScheduleCalendarInput {
  /** The schedule's id: with each segment's start, it makes the event's UID, stable across refreshes. */
  scheduleId: number;
  name: string;
  /** The schedule's IANA zone: announced as the calendar's display zone (events are in UTC, exact anyway). */
  timeZone: string;
  segments: readonly Segment[];
  /** Display names by user id; a missing one shows as "user <id>". */
  userNames: ReadonlyMap<number, string> | Record<number, string>;
  /** Epoch ms of the feed: every event's DTSTAMP. */
  now: number;
  /** Layer names by index, to say where a stretch comes from (optional). */
  layerNames?: readonly string[];
}

export interface UserCalendarInput {
  userId: number;
  /** The person's name, for the calendar's title. */
  userName: string;
  /** The person's zone (or the organisation's), announced as the display zone. */
  timeZone: string;
  schedules: readonly {
    scheduleId: number;
    name: string;
    segments: readonly Segment[];
    layerNames?: readonly string[];
  }[];
  now: number;
}

const nameOf = (names: ScheduleCalendarInput['userNames'], id: number) =>
  (names instanceof Map ? names.get(id) : (names as Record<number, string>)[id]) ?? `user ${id}`;

function describe(source: SegmentSource, layerNames?: readonly string[]): string {
  if (source.kind === 'override') return 'Override';
  if (source.kind === 'layer')
    return `Layer ${source.layer + 1}${layerNames?.[source.layer] ? `: ${layerNames[source.layer]}` : ''}`;
  return 'Gap';
}

/** A UID that stays the same while a stretch starts at the same instant, so refreshed feeds update in place. */
export function segmentUid(scheduleId: number, start: number): string {
  return `schedule-${scheduleId}-${new Date(start).toISOString().replace(/[-:.]/g, '')}@opsdesk`;
}

function calendar(name: string, timeZone: string) {
  const cal = ical({ name, prodId: { company: 'opsdesk', product: 'on-call', language: 'EN' } });
  cal.method(ICalCalendarMethod.PUBLISH);
  cal.x([['X-WR-TIMEZONE', timeZone]]);
  return cal;
}

/** The feed of one schedule: an event per on-call segment (gaps skipped), summary "On call: <name>". */
export function scheduleCalendar(input: ScheduleCalendarInput): string {
  const cal = calendar(input.name, input.timeZone);
  for (const s of input.segments) {
    if (s.userId === null || s.end <= s.start) continue;
    cal.createEvent({
      id: segmentUid(input.scheduleId, s.start),
      start: new Date(s.start),
      end: new Date(s.end),
      stamp: new Date(input.now),
      summary: `On call: ${nameOf(input.userNames, s.userId)}`,
      description: `${input.name} — ${describe(s.source, input.layerNames)}`,
    });
  }
  return cal.toString();
}

/** The feed of one person: their on-call segments across schedules, summary "On call: <schedule>". */
export function userCalendar(input: UserCalendarInput): string {
  const cal = calendar(`On call — ${input.userName}`, input.timeZone);
  for (const sch of input.schedules) {
    for (const s of sch.segments) {
      if (s.userId !== input.userId || s.end <= s.start) continue;
      cal.createEvent({
        id: segmentUid(sch.scheduleId, s.start),
        start: new Date(s.start),
        end: new Date(s.end),
        stamp: new Date(input.now),
        summary: `On call: ${sch.name}`,
        description: `${sch.name} — ${describe(s.source, sch.layerNames)}`,
      });
    }
  }
  return cal.toString();
}
