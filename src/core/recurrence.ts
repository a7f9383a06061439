// RFC 5545 recurrence rules expanded by ical.js, with a bound on each search for the next occurrence. ical.js
// steps one period (hour, day, week) at a time until the rule's BYxxx parts are all satisfied, with no limit: a rule
// that no date satisfies (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) spins forever, and with it the service's one thread.
// Found by the fuzz suite (test/fuzz: corpus rrule/ and ics-holidays/, files hang-*). Maintenance windows and the
// holiday import check a rule with recursWithinBound before they keep it, and expand through boundedIterator.
import type ICAL from 'ical.js';

/**
 * Periods one search may step through: more than the 146,097 days of the Gregorian calendar's 400-year cycle, so a
 * daily rule that matches any day is found; an hourly one that matches less often than every 22 years is not.
 */
export const recurrenceSearchSteps = 200_000;

/** The search for the next occurrence went past recurrenceSearchSteps: the rule matches nothing, or too rarely. */
export class RecurrenceTooSparse extends Error {
  constructor() {
    super(`the rule matches no time within ${recurrenceSearchSteps} of its periods`);
    this.name = 'RecurrenceTooSparse';
  }
}

/** ical.js's iterator whose every next() throws RecurrenceTooSparse past recurrenceSearchSteps steps. */
export function boundedIterator(recur: ICAL.Recur, start: ICAL.Time): ICAL.RecurIterator {
  const it = recur.iterator(start);
  // ical.js checks the rule's contracting parts (BYMONTH, BYMONTHDAY, …) once a step, in the loop that searches;
  // next() calls itself once when it meets the same time twice, which counts as a search of its own.
  const check = it.check_contracting_rules.bind(it);
  const next = it.next.bind(it);
  let steps = 0;
  it.check_contracting_rules = () => {
    if (++steps > recurrenceSearchSteps) throw new RecurrenceTooSparse();
    return check();
  };
  it.next = (again?: boolean) => {
    steps = 0;
    return next(again);
  };
  return it;
}

/**
 * Whether the rule's first two occurrences from `start` are found within the bound (or it ends before them): a rule
 * that passes recurs within one search wherever it is then expanded from, as calendars repeat every 400 years.
 */
export function recursWithinBound(recur: ICAL.Recur, start: ICAL.Time): boolean {
  const it = boundedIterator(recur, start);
  try {
    it.next();
    it.next();
    return true;
  } catch (err) {
    if (err instanceof RecurrenceTooSparse) return false;
    throw err;
  }
}
