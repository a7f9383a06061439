// The demo organisation's SLAs: a Berlin office calendar (Mon–Fri 08:00–12:00 and 13:00–17:00, German public
// holidays of this year and the next), a 24/7 calendar, one policy per priority, an OLA for the service desk
// and the escalation path L1 → L2 → manager — so a fresh install's tickets carry live clocks.
import { systemActor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Holiday } from './business-calendar.js';
import { createCalendar } from './calendars.js';
import { createPolicy, type EscalationLevel, setEscalationPath, setGroupOla } from './policies.js';
import { refreshTicketClocks } from './ticket-clocks.js';

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

/** Install the demo SLAs (once: does nothing when the office calendar exists) and give every ticket clocks. */
export async function installDemoSla(ctx: ServiceContext): Promise<{ installed: boolean; tickets: number }> {
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

  const office = await createCalendar(ctx, actor, {
    name: 'Berlin office',
    timeZone: 'Europe/Berlin',
    hours: [1, 2, 3, 4, 5].flatMap((day) => [
      { day, start: '08:00', end: '12:00' },
      { day, start: '13:00', end: '17:00' },
    ]),
    holidays: germanPublicHolidays([year, year + 1]),
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
