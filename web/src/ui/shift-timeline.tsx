// An on-call calendar: one row per day in the schedule's time zone, each day's shifts drawn as bars across
// its 24 hours (a DST day is 23 or 25 hours long and is drawn to its real length), coloured by person, with
// a legend. The server resolves the schedule; this only draws the segments it sent.
import { useTranslation } from 'react-i18next';
import { dateTimeFormat } from '../locale';

export interface TimelineSegment {
  /** ISO instants; end exclusive. */
  start: string;
  end: string;
  userId: number | null;
  /** Where the stretch comes from ("override", "Layer 2"…), shown on hover. */
  source?: string;
}

export interface TimelineRow {
  label: string;
  segments: TimelineSegment[];
}

/** Eight hues that stay apart in both themes; a person keeps theirs across rows. */
const hues = [212, 28, 140, 280, 350, 190, 90, 48];

export function personHue(userId: number): number {
  return hues[userId % hues.length];
}

/** One formatter per zone that reads a local wall time off an instant (formatters are costly to build). */
const wallFormatters = new Map<string, Intl.DateTimeFormat>();

/** The local wall time at `ms` in the zone, as if it were UTC (epoch ms of Y-M-D h:m "Z"). */
function wallAt(ms: number, timeZone: string): number {
  let f = wallFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    wallFormatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute);
}

/**
 * The instant of a local wall time (as epoch ms of its UTC reading) in the zone, as the server resolves it: of the
 * offsets in force half a day either side, the earliest instant that reads as that wall time (a repeated autumn
 * hour takes its first occurrence); a time in the spring gap moves forward by the gap.
 */
export function instantOfWall(wall: number, timeZone: string): number {
  const offsetAt = (ms: number) => wallAt(ms, timeZone) - Math.floor(ms / 60_000) * 60_000;
  const before = wall - offsetAt(wall - 43_200_000);
  const after = wall - offsetAt(wall + 43_200_000);
  const fits = [before, after].filter((t) => wallAt(t, timeZone) === wall);
  return fits.length > 0 ? Math.min(...fits) : before;
}

/** A local `YYYY-MM-DDTHH:MM` in the zone as an ISO instant. */
export function wallToIso(wall: string, timeZone: string): string {
  return new Date(instantOfWall(Date.parse(`${wall}:00Z`), timeZone)).toISOString();
}

/** Midnights of each local day in [from, to) in the zone, as epoch ms (the day's real length follows). */
export function localMidnights(from: number, to: number, timeZone: string): number[] {
  const midnightOf = (ms: number) => {
    const wall = wallAt(ms, timeZone);
    return instantOfWall(wall - (wall % 86_400_000), timeZone);
  };
  const out: number[] = [];
  let day = midnightOf(from);
  while (day < to && out.length < 400) {
    out.push(day);
    // 26 h later is always inside the next local day, whatever DST does.
    day = midnightOf(day + 26 * 3_600_000);
  }
  return out;
}

export function ShiftTimeline({
  rows,
  from,
  to,
  timeZone,
  nameOf,
  label,
}: {
  rows: TimelineRow[];
  from: string;
  to: string;
  timeZone: string;
  nameOf: (userId: number) => string;
  label: string;
}) {
  const { t } = useTranslation('ui');
  const start = Date.parse(from);
  const end = Date.parse(to);
  const days = localMidnights(start, end, timeZone);
  const dayFmt = dateTimeFormat({ timeZone, weekday: 'short', day: 'numeric', month: 'short' });
  const timeFmt = dateTimeFormat({ timeZone, hour: '2-digit', minute: '2-digit' });
  const people = new Map<number, string>();
  for (const r of rows)
    for (const s of r.segments)
      if (s.userId !== null && !people.has(s.userId)) people.set(s.userId, nameOf(s.userId));
  return (
    <figure className="shift-timeline" aria-label={label}>
      {/* Focusable, so a keyboard can scroll it sideways at phone width. */}
      <div className="shift-scroll" role="region" aria-label={t('shifts.calendar', { label })} tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('shifts.day')}</th>
              {rows.map((r) => (
                <th scope="col" key={r.label}>
                  {r.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((dayStart, i) => {
              const dayEnd = i + 1 < days.length ? days[i + 1] : Math.max(end, dayStart + 3_600_000);
              const length = dayEnd - dayStart;
              return (
                <tr key={dayStart}>
                  <th scope="row">{dayFmt.format(dayStart)}</th>
                  {rows.map((r) => (
                    <td key={r.label}>
                      <div className="shift-day">
                        {r.segments
                          .filter((s) => Date.parse(s.start) < dayEnd && Date.parse(s.end) > dayStart)
                          .map((s) => {
                            const a = Math.max(Date.parse(s.start), dayStart);
                            const b = Math.min(Date.parse(s.end), dayEnd);
                            const who = s.userId === null ? t('shifts.nobody') : nameOf(s.userId);
                            const range = `${timeFmt.format(Date.parse(s.start))}–${timeFmt.format(Date.parse(s.end))}`;
                            const title = s.source
                              ? t('shifts.barFrom', { who, range, source: s.source })
                              : t('shifts.bar', { who, range });
                            return (
                              <span
                                key={s.start}
                                className={`shift-bar${s.userId === null ? ' gap' : ''}`}
                                style={{
                                  left: `${((a - dayStart) / length) * 100}%`,
                                  width: `${((b - a) / length) * 100}%`,
                                  ...(s.userId === null ? {} : { ['--hue' as string]: personHue(s.userId) }),
                                }}
                                title={title}
                              >
                                <span className="visually-hidden">{title}</span>
                              </span>
                            );
                          })}
                      </div>
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <figcaption className="shift-legend">
        {[...people].map(([id, name]) => (
          <span key={id} className="shift-person">
            <span
              className="shift-swatch"
              style={{ ['--hue' as string]: personHue(id) }}
              aria-hidden="true"
            />
            {name}
          </span>
        ))}
        <span className="shift-person">
          <span className="shift-swatch gap" aria-hidden="true" />
          {t('shifts.gap')}
        </span>
      </figcaption>
    </figure>
  );
}
