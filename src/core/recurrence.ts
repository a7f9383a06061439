// RFC 5545 recurrence rules expanded by ical.js, with a bound on each search for the next occurrence. ical.js
// steps one period (hour, day, week) at a time until the rule's BYxxx parts are all satisfied, with no limit: a rule
// that no date satisfies (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) spins forever, and with it the service's one thread.
// It also refuses some rules only once asked to expand them (FREQ=WEEKLY;BYYEARDAY=60), with a plain Error, and
// reads numbers far out of range (BYMONTHDAY=007199254740993), which its iterator then spends forever on. Found in
// writing and running the fuzz suite (test/fuzz: corpus rrule/ and ics-holidays/). Maintenance windows and the
// holiday import check a rule with recurrenceProblem before they keep it, and expand it through boundedIterator.
import type ICAL from 'ical.js';

/**
 * Periods one search may step through: 20,000 days is 54 years (a rule for 29 February on a Monday recurs every
 * 28), 20,000 hours two years; a rule that matches less often is refused. A step is a few microseconds.
 */
export const recurrenceSearchSteps = 10_000;

/** The rule cannot be expanded: ical.js refused it, or it matches no time within recurrenceSearchSteps. */
export class RecurrenceRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecurrenceRefused';
  }
}

/** RFC 5545 §3.3.10's ranges of the numeric BY-parts: [least, most] absolute value, and whether it may be negative. */
const partRanges: Record<string, [number, number, boolean]> = {
  BYSECOND: [0, 60, false],
  BYMINUTE: [0, 59, false],
  BYHOUR: [0, 23, false],
  BYMONTHDAY: [1, 31, true],
  BYYEARDAY: [1, 366, true],
  BYWEEKNO: [1, 53, true],
  BYMONTH: [1, 12, false],
  BYSETPOS: [1, 366, true],
};
const weekday = /^([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;

/** The first BY-part value (or INTERVAL) out of RFC 5545's range, said as a sentence; null when all are in it. */
function partsProblem(recur: ICAL.Recur): string | null {
  if (!Number.isInteger(recur.interval) || recur.interval < 1 || recur.interval > 1_000)
    return `INTERVAL=${recur.interval} is not from 1 to 1000`;
  for (const [part, values] of Object.entries(recur.parts as Record<string, unknown[]>)) {
    for (const value of values) {
      if (part === 'BYDAY') {
        const m = weekday.exec(String(value));
        if (!m || Number(m[2] ?? 1) < 1 || Number(m[2] ?? 1) > 53)
          return `BYDAY=${String(value).slice(0, 20)} is not a weekday`;
        continue;
      }
      const range = partRanges[part];
      if (!range) continue;
      const n = Number(value);
      const [least, most, negative] = range;
      if (!Number.isInteger(n) || Math.abs(n) < least || Math.abs(n) > most || (n < 0 && !negative))
        return `${part}=${String(value).slice(0, 20)} is out of its range`;
    }
  }
  return null;
}

function refusal(err: unknown): RecurrenceRefused {
  if (err instanceof RecurrenceRefused) return err;
  return new RecurrenceRefused(String((err as Error)?.message ?? err).slice(0, 200));
}

/** ical.js's iterator, each of whose next() ends within the bound; throws RecurrenceRefused (and only that). */
export function boundedIterator(recur: ICAL.Recur, start: ICAL.Time): ICAL.RecurIterator {
  const problem = partsProblem(recur);
  if (problem) throw new RecurrenceRefused(problem);
  let it: ICAL.RecurIterator;
  try {
    it = recur.iterator(start);
  } catch (err) {
    throw refusal(err);
  }
  // ical.js checks the rule's contracting parts (BYMONTH, BYMONTHDAY, …) once a step, in the loop that searches;
  // next() calls itself once when it meets the same time twice, which counts as a search of its own.
  const check = it.check_contracting_rules.bind(it);
  const next = it.next.bind(it);
  let steps = 0;
  it.check_contracting_rules = () => {
    if (++steps > recurrenceSearchSteps)
      throw new RecurrenceRefused(`the rule matches no time within ${recurrenceSearchSteps} of its periods`);
    return check();
  };
  it.next = (again?: boolean) => {
    steps = 0;
    try {
      return next(again);
    } catch (err) {
      throw refusal(err);
    }
  };
  return it;
}

/**
 * Why the rule cannot be kept, or null: its first two occurrences from `start` must be found within the bound (or
 * the rule ends before them); calendars repeat, so such a rule recurs within one search wherever it is expanded from.
 */
export function recurrenceProblem(recur: ICAL.Recur, start: ICAL.Time): string | null {
  try {
    const it = boundedIterator(recur, start);
    it.next();
    it.next();
    return null;
  } catch (err) {
    if (err instanceof RecurrenceRefused) return err.message;
    throw err;
  }
}
