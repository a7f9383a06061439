// The demo organisation's SLAs: a Berlin office calendar (Mon–Fri 08:00–12:00 and 13:00–17:00, German public
// holidays of the story's years and the next), a 24/7 calendar, one policy per priority, an OLA for the
// service desk and the escalation path L1 → L2 → manager — so a fresh install's tickets carry live clocks.
// The demo's story is replayed under them (replaySla): the engine fires each warning, breach and escalation
// at its own moment in the story, as a running service would have.
import { systemActor } from '../core/auth/index.js';
import { ManualClock } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import { chunks } from '../core/db/index.js';
import { EventBus } from '../core/events.js';
import type { Holiday } from './business-calendar.js';
import { createCalendar } from './calendars.js';
import { runEscalationCycle } from './escalations.js';
import { createPolicy, type EscalationLevel, setEscalationPath, setGroupOla } from './policies.js';
import { loadSlaSetup, refreshTicketClocks } from './ticket-clocks.js';

/** Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher"). */
export function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

/** The public holidays of all German states for a year (fixed ones as yearly, Easter-based ones as dates). */
export function germanPublicHolidays(years: number[]): Holiday[] {
  const out: Holiday[] = [
    { date: `${years[0]}-01-01`, name: 'Neujahr', yearly: true },
    { date: `${years[0]}-05-01`, name: 'Tag der Arbeit', yearly: true },
    { date: `${years[0]}-10-03`, name: 'Tag der Deutschen Einheit', yearly: true },
    { date: `${years[0]}-12-25`, name: '1. Weihnachtstag', yearly: true },
    { date: `${years[0]}-12-26`, name: '2. Weihnachtstag', yearly: true },
  ];
  for (const year of years) {
    const e = easterSunday(year);
    const easter = Date.UTC(year, e.month - 1, e.day);
    for (const [offset, name] of [
      [-2, 'Karfreitag'],
      [1, 'Ostermontag'],
      [39, 'Christi Himmelfahrt'],
      [50, 'Pfingstmontag'],
    ] as const) {
      out.push({
        date: new Date(easter + offset * 86_400_000).toISOString().slice(0, 10),
        name,
        yearly: false,
      });
    }
  }
  return out;
}

const notify = (who: 'assignee' | 'group' | 'manager') => ({ type: 'notify' as const, who });

/**
 * Install the demo SLAs (once: does nothing when the office calendar exists) and give every ticket clocks.
 * Holidays cover the year of the context's clock through the year after `until` (default: that clock).
 */
export async function installDemoSla(
  ctx: ServiceContext,
  until: number = ctx.clock.now(),
): Promise<{ installed: boolean; tickets: number }> {
  const exists = await ctx.db
    .selectFrom('sla_calendars')
    .select('id')
    .where('name', '=', 'Berlin office')
    .executeTakeFirst();
  if (exists) return { installed: false, tickets: 0 };
  const admin =
    (await ctx.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .orderBy('id')
      .executeTakeFirst()) ??
    (await ctx.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'manager')
      .orderBy('id')
      .executeTakeFirst());
  if (!admin) return { installed: false, tickets: 0 };
  const actor = systemActor(admin.id);
  const year = new Date(ctx.clock.now()).getUTCFullYear();
  const lastYear = Math.max(year, new Date(until).getUTCFullYear()) + 1;
  const years = Array.from({ length: lastYear - year + 1 }, (_, i) => year + i);

  const office = await createCalendar(ctx, actor, {
    name: 'Berlin office',
    timeZone: 'Europe/Berlin',
    hours: [1, 2, 3, 4, 5].flatMap((day) => [
      { day, start: '08:00', end: '12:00' },
      { day, start: '13:00', end: '17:00' },
    ]),
    holidays: germanPublicHolidays(years),
  });
  const always = await createCalendar(ctx, actor, {
    name: '24/7',
    timeZone: 'Europe/Berlin',
    alwaysOpen: true,
  });

  const groups = await ctx.db.selectFrom('groups').select(['id', 'name']).execute();
  const l1 = groups.find((g) => /\bL1\b/.test(g.name))?.id;
  const l2 = groups.find((g) => /\bL2\b/.test(g.name))?.id;

  // priority, name, first response and resolution minutes, calendar, escalation levels
  const plans: [number, string, number, number, number, EscalationLevel[]][] = [
    [
      5,
      'P5 very high',
      30,
      240,
      always.id,
      [
        {
          level: 1,
          target: 'resolution',
          offsetMinutes: -60,
          actions: [notify('assignee'), notify('group')],
        },
        {
          level: 2,
          target: 'resolution',
          offsetMinutes: 0,
          actions: [notify('manager'), ...(l2 ? [{ type: 'reassign' as const, groupId: l2 }] : [])],
        },
      ],
    ],
    [
      4,
      'P4 high',
      60,
      480,
      office.id,
      [
        { level: 1, target: 'first_response', offsetMinutes: 0, actions: [notify('group')] },
        { level: 2, target: 'resolution', offsetMinutes: 0, actions: [notify('manager')] },
      ],
    ],
    [
      3,
      'P3 medium',
      240,
      3 * 480,
      office.id,
      [{ level: 1, target: 'resolution', offsetMinutes: 0, actions: [notify('assignee')] }],
    ],
    [
      2,
      'P2 low',
      480,
      5 * 480,
      office.id,
      [{ level: 1, target: 'resolution', offsetMinutes: 480, actions: [{ type: 'raise_priority' }] }],
    ],
    [1, 'P1 very low', 960, 10 * 480, office.id, []],
  ];
  for (const [priority, name, fr, res, calendarId, levels] of plans) {
    await createPolicy(ctx, actor, {
      name,
      conditions: { priorities: [priority] },
      targets: {
        first_response: { minutes: fr, calendarId, warnPercent: 75 },
        next_response: { minutes: Math.max(fr, Math.round(fr * 2)), calendarId, warnPercent: 75 },
        resolution: { minutes: res, calendarId, warnPercent: 75 },
      },
      levels,
    });
  }
  if (l1) await setGroupOla(ctx, actor, l1, { minutes: 240, calendarId: office.id, warnPercent: 75 });
  if (l1 && l2) await setEscalationPath(ctx, actor, [l1, l2]);

  const ids = (await ctx.db.selectFrom('tickets').select('id').orderBy('id').execute()).map((t) => t.id);
  const tickets = await refreshTicketClocks(ctx.db, ids, ctx.clock.now());
  return { installed: true, tickets };
}

/**
 * The SLA engine run through a replayed story, as a running service would have run it: after each step the
 * ticket's clocks are refreshed at the step's moment (the clock subscriber's work), and before the next step
 * every warning, breach and escalation level that fell due in between fires at its own due moment (the
 * escalation job's work, infinitely often). So the story's timeline holds the escalations it implies, each
 * at its time, and nothing is left owed at the end.
 */
export interface SlaReplay {
  /** A step changed this ticket at this moment. */
  touched(ticketId: number, at: number): Promise<void>;
  /** Fire everything due up to this moment, each at its due time (never before the last step). */
  catchUp(until: number): Promise<number>;
  /** The next moment something may fall due (null: nothing pending). */
  nextDue(): Promise<number | null>;
}

export async function replaySla(ctx: ServiceContext): Promise<SlaReplay> {
  const setup = await loadSlaSetup(ctx.db);
  const clock = new ManualClock(ctx.clock.now());
  const engine: ServiceContext = { ...ctx, clock, events: new EventBus(ctx.db, ctx.caps, clock, ctx.log) };
  // The last cycle's moment, and the latest step's: a cycle never runs before a step it follows.
  let lastCycle = Number.NEGATIVE_INFINITY;
  let floor = ctx.clock.now();
  // A step made something due at once (a raised priority whose target is already past): the next cycle
  // must run at the step's moment, though nextDue only looks after the last cycle.
  let dueNow = false;
  const nextDue = async () => {
    const row = await ctx.db
      .selectFrom('sla_ticket_clocks')
      .select((eb) => eb.fn.min('next_check_at').as('at'))
      .where('next_check_at', '>', Number.isFinite(lastCycle) ? lastCycle : 0)
      .executeTakeFirst();
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  };
  // Steps that ran side by side since the last look: their clocks are recomputed together, once, at the
  // latest step's moment (one load per window instead of one per step).
  const touchedAt = new Map<number, number>();
  const flush = async () => {
    if (touchedAt.size === 0) return;
    const ids = [...touchedAt.keys()];
    const at = Math.max(...touchedAt.values());
    touchedAt.clear();
    await refreshTicketClocks(ctx.db, ids, at, setup);
    for (const part of chunks(ids, 500)) {
      const due = await ctx.db
        .selectFrom('sla_ticket_clocks')
        .select('ticket_id')
        .where('ticket_id', 'in', part)
        .where('next_check_at', '<=', at)
        .limit(1)
        .execute();
      if (due.length > 0) dueNow = true;
    }
  };
  return {
    async touched(ticketId, at) {
      floor = Math.max(floor, at);
      touchedAt.set(ticketId, Math.max(at, touchedAt.get(ticketId) ?? at));
    },
    async catchUp(until) {
      await flush();
      let fired = 0;
      if (dueNow && floor <= until) {
        dueNow = false;
        clock.set(floor);
        fired += (await runEscalationCycle(engine, { setup })).fired;
        lastCycle = Math.max(lastCycle, floor);
      }
      for (;;) {
        const due = await nextDue();
        if (due === null || due > until) return fired;
        const at = Math.max(due, floor);
        clock.set(at);
        fired += (await runEscalationCycle(engine, { setup })).fired;
        lastCycle = at;
      }
    },
    async nextDue() {
      await flush();
      return nextDue();
    },
  };
}
