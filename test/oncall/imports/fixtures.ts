// One on-call setup written in each source's documented export shape, built by code: an Infrastructure schedule in
// Europe/Berlin of two weekly rotations handing over on Mondays at 09:00 (out of hours: Alice, Bob; weekday business
// hours 09:00–17:00 on top: Carol, Alice), Bob covering 30 March 12:00–20:00, and a policy of two steps (the
// schedule, wait 10 min; Bob and Eve, wait 15 min) repeated twice. Plus each tool's rendered final schedule for the
// comparison window, from an oracle that walks local days by hand (independent of the engine), across the
// 28 March 2027 change to summer time.
import { DateTime } from 'luxon';

export const zone = 'Europe/Berlin';
/** Monday 15 March 2027, 09:00 CET: a handoff. The comparison runs 4 weeks from here, across 28 March. */
export const now = Date.parse('2027-03-15T08:00:00Z');
export const windowEnd = now + 28 * 24 * 3600 * 1000;
export const rotationStart = DateTime.fromISO('2027-03-01T09:00', { zone });
export const override = {
  user: 'bob',
  start: DateTime.fromISO('2027-03-30T12:00', { zone }),
  end: DateTime.fromISO('2027-03-30T20:00', { zone }),
};

export const people = {
  alice: { name: 'Alice Adler', email: 'alice@example.test' },
  bob: { name: 'Bob Berger', email: 'bob@example.test' },
  carol: { name: 'Carol Conte', email: 'Carol@Example.test' },
  eve: { name: 'Eve Ernst', email: 'eve@elsewhere.test' },
} as const;
export type Person = keyof typeof people;
export const outOfHours: Person[] = ['alice', 'bob'];
export const businessHours: Person[] = ['carol', 'alice'];

/** The opsdesk users the plan matches against (Eve has no account). */
export const directory = [
  { id: 1, email: 'alice@example.test' },
  { id: 2, email: 'bob@example.test' },
  { id: 3, email: 'carol@example.test' },
];

export interface OracleEntry {
  start: number;
  end: number;
  person: Person;
  rotation: 'business' | 'outOfHours';
  override: boolean;
}

/**
 * The final schedule by hand: day by day in local time, weekdays 00:00–09:00 and 17:00–24:00 and whole weekends
 * out of hours, weekdays 09:00–17:00 business hours; the turn is the number of Monday-09:00 handoffs since
 * 1 March; the override wins. Local wall times become instants through the zone, so the short night of 28 March
 * is an hour shorter.
 */
export function oracle(from: number, to: number): OracleEntry[] {
  const out: OracleEntry[] = [];
  const push = (e: OracleEntry) => {
    const start = Math.max(e.start, from);
    const end = Math.min(e.end, to);
    if (start >= end) return;
    const last = out[out.length - 1];
    if (
      last &&
      last.end === start &&
      last.person === e.person &&
      last.rotation === e.rotation &&
      last.override === e.override
    )
      last.end = end;
    else out.push({ ...e, start, end });
  };
  const turnOf = (local: DateTime) => {
    const days = Math.round(local.startOf('day').diff(rotationStart.startOf('day'), 'days').days);
    const minutes = days * 1440 + local.hour * 60 + local.minute - 9 * 60;
    return Math.floor(minutes / (7 * 1440));
  };
  let day = DateTime.fromMillis(from, { zone }).startOf('day');
  while (day.toMillis() < to) {
    const weekday = day.weekday <= 5;
    const cuts = weekday ? [0, 9, 17, 24] : [0, 24];
    for (let i = 0; i + 1 < cuts.length; i += 1) {
      const startLocal = cuts[i] === 0 ? day : day.set({ hour: cuts[i] });
      const endLocal = cuts[i + 1] === 24 ? day.plus({ days: 1 }) : day.set({ hour: cuts[i + 1] });
      const rotation = weekday && cuts[i] === 9 ? 'business' : 'outOfHours';
      const list = rotation === 'business' ? businessHours : outOfHours;
      // A turn changes only at Monday 09:00, which is always a cut: one turn per piece.
      const turn = turnOf(startLocal);
      const person = list[((turn % list.length) + list.length) % list.length];
      const s = startLocal.toMillis();
      const e = endLocal.toMillis();
      const os = override.start.toMillis();
      const oe = override.end.toMillis();
      // Split the piece around the override.
      if (oe <= s || os >= e) push({ start: s, end: e, person, rotation, override: false });
      else {
        if (s < os) push({ start: s, end: os, person, rotation, override: false });
        push({ start: Math.max(s, os), end: Math.min(e, oe), person: 'bob', rotation, override: true });
        if (oe < e) push({ start: oe, end: e, person, rotation, override: false });
      }
    }
    day = day.plus({ days: 1 });
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const;

// ---- Opsgenie (REST v2: users, schedules?expand=rotation, overrides, escalations, timeline) --------------------

export function opsgenieExport(options: { withTimeline?: boolean } = {}) {
  const user = (p: Person) => ({ type: 'user', id: `og-${p}`, username: people[p].email });
  const data: Record<string, unknown> = {
    users: (Object.keys(people) as Person[]).map((p) => ({
      id: `og-${p}`,
      username: people[p].email,
      fullName: people[p].name,
      role: { id: 'User', name: 'User' },
      timeZone: zone,
      verified: true,
      blocked: false,
    })),
    schedules: [
      {
        id: 'og-infra',
        name: 'Infrastructure',
        description: '24/7 infrastructure on-call',
        timezone: zone,
        enabled: true,
        ownerTeam: { id: 'og-team-ops', name: 'ops' },
        rotations: [
          {
            id: 'og-rot-ooh',
            name: 'Out of hours',
            startDate: iso(rotationStart.toMillis()),
            type: 'weekly',
            length: 1,
            participants: outOfHours.map(user),
            timeRestriction: {
              type: 'weekday-and-time-of-day',
              restrictions: weekdays.map((d, i) => ({
                startDay: d,
                startHour: 17,
                startMin: 0,
                endDay: i === 4 ? 'monday' : weekdays[i + 1],
                endHour: 9,
                endMin: 0,
              })),
            },
          },
          {
            id: 'og-rot-biz',
            name: 'Business hours',
            startDate: iso(rotationStart.toMillis()),
            type: 'weekly',
            length: 1,
            participants: businessHours.map(user),
            timeRestriction: {
              type: 'weekday-and-time-of-day',
              restrictions: weekdays.map((d) => ({
                startDay: d,
                startHour: 9,
                startMin: 0,
                endDay: d,
                endHour: 17,
                endMin: 0,
              })),
            },
          },
        ],
      },
      {
        id: 'og-shadow',
        name: 'Shadow',
        timezone: zone,
        enabled: false,
        rotations: [
          {
            id: 'og-rot-team',
            name: 'Team watch',
            startDate: iso(rotationStart.toMillis()),
            type: 'daily',
            length: 1,
            participants: [{ type: 'team', id: 'og-team-ops', name: 'ops' }],
          },
        ],
      },
    ],
    overrides: {
      'og-infra': [
        {
          alias: 'bob-covers',
          user: user('bob'),
          startDate: iso(override.start.toMillis()),
          endDate: iso(override.end.toMillis()),
          rotations: [],
        },
      ],
    },
    escalations: [
      {
        id: 'og-esc-infra',
        name: 'Infrastructure escalation',
        description: '',
        ownerTeam: { id: 'og-team-ops', name: 'ops' },
        rules: [
          {
            condition: 'if-not-acked',
            notifyType: 'default',
            delay: { timeAmount: 0, timeUnit: 'minutes' },
            recipient: { type: 'schedule', id: 'og-infra', name: 'Infrastructure' },
          },
          {
            condition: 'if-not-acked',
            notifyType: 'default',
            delay: { timeAmount: 10, timeUnit: 'minutes' },
            recipient: user('bob'),
          },
          {
            condition: 'if-not-acked',
            notifyType: 'default',
            delay: { timeAmount: 10, timeUnit: 'minutes' },
            recipient: user('eve'),
          },
        ],
        repeat: { waitInterval: 15, count: 2, resetRecipientStates: false, closeAlertAfterAll: true },
      },
    ],
  };
  if (options.withTimeline !== false) {
    const entries = oracle(now, windowEnd);
    const periods = (rotation: OracleEntry['rotation']) =>
      entries
        .filter((e) => e.rotation === rotation)
        .map((e) => ({
          startDate: iso(e.start),
          endDate: iso(e.end),
          type: e.override ? 'override' : 'default',
          recipient: { id: `og-${e.person}`, type: 'user', name: people[e.person].email },
        }));
    data.timelines = {
      'og-infra': {
        _parent: { id: 'og-infra', name: 'Infrastructure', enabled: true },
        startDate: iso(now),
        endDate: iso(windowEnd),
        finalTimeline: {
          rotations: [
            { id: 'og-rot-ooh', name: 'Out of hours', order: 1, periods: periods('outOfHours') },
            { id: 'og-rot-biz', name: 'Business hours', order: 2, periods: periods('business') },
          ],
        },
      },
    };
  }
  return data;
}

// ---- PagerDuty (REST v2: users, schedules with final_schedule, overrides, escalation_policies) ------------------

const pdId = (p: Person) => `P${p.toUpperCase()}`;

export function pagerDutyExport(options: { withFinal?: boolean } = {}) {
  const ref = (p: Person) => ({ user: { id: pdId(p), type: 'user_reference', summary: people[p].name } });
  const start = rotationStart.toISO({ suppressMilliseconds: true }) as string;
  const schedule: Record<string, unknown> = {
    id: 'PINFRA',
    type: 'schedule',
    summary: 'Infrastructure',
    name: 'Infrastructure',
    time_zone: zone,
    description: '24/7 infrastructure on-call',
    schedule_layers: [
      {
        id: 'PLBIZ',
        name: 'Business hours',
        start,
        end: null,
        rotation_virtual_start: start,
        rotation_turn_length_seconds: 604_800,
        users: businessHours.map(ref),
        restrictions: [1, 2, 3, 4, 5].map((d) => ({
          type: 'weekly_restriction',
          start_time_of_day: '09:00:00',
          duration_seconds: 8 * 3600,
          start_day_of_week: d,
        })),
        rendering_index: 2,
      },
      {
        id: 'PLALL',
        name: 'Around the clock',
        start,
        end: null,
        rotation_virtual_start: start,
        rotation_turn_length_seconds: 604_800,
        users: outOfHours.map(ref),
        restrictions: [],
        rendering_index: 1,
      },
      {
        id: 'PLOLD',
        name: 'Old ninety-minute trial',
        start: '2026-01-05T09:00:00+01:00',
        end: '2026-02-02T09:00:00+01:00',
        rotation_virtual_start: '2026-01-05T09:00:00+01:00',
        rotation_turn_length_seconds: 5400,
        users: [ref('carol')],
        restrictions: [],
        rendering_index: 0,
      },
    ],
  };
  if (options.withFinal !== false)
    schedule.final_schedule = {
      name: 'Final Schedule',
      rendered_schedule_entries: oracle(now, windowEnd).map((e) => ({
        start: DateTime.fromMillis(e.start, { zone }).toISO({ suppressMilliseconds: true }),
        end: DateTime.fromMillis(e.end, { zone }).toISO({ suppressMilliseconds: true }),
        user: { id: pdId(e.person), type: 'user_reference', summary: people[e.person].name },
      })),
    };
  return {
    users: (Object.keys(people) as Person[]).map((p) => ({
      id: pdId(p),
      type: 'user',
      name: people[p].name,
      email: people[p].email,
      time_zone: zone,
      role: 'user',
    })),
    schedules: [schedule],
    overrides: {
      PINFRA: [
        {
          id: 'POVR1',
          start: override.start.toISO({ suppressMilliseconds: true }),
          end: override.end.toISO({ suppressMilliseconds: true }),
          user: { id: pdId('bob'), type: 'user_reference', summary: people.bob.name },
        },
      ],
    },
    escalation_policies: [
      {
        id: 'PEP1',
        type: 'escalation_policy',
        name: 'Infrastructure',
        num_loops: 2,
        escalation_rules: [
          {
            id: 'PR1',
            escalation_delay_in_minutes: 10,
            targets: [{ id: 'PINFRA', type: 'schedule_reference' }],
          },
          {
            id: 'PR2',
            escalation_delay_in_minutes: 15,
            targets: [
              { id: pdId('bob'), type: 'user_reference' },
              { id: pdId('eve'), type: 'user_reference' },
            ],
          },
        ],
      },
    ],
  };
}

// ---- Grafana OnCall (HTTP API v1: users, schedules, on_call_shifts, escalation chains/policies, final_shifts) --

const gId = (p: Person) => `U${p.toUpperCase()}`;

export function grafanaExport(options: { withFinal?: boolean } = {}) {
  const local = (d: DateTime) => d.toFormat("yyyy-MM-dd'T'HH:mm:ss");
  const data: Record<string, unknown> = {
    users: (Object.keys(people) as Person[]).map((p) => ({
      id: gId(p),
      email: people[p].email,
      slack: null,
      username: p,
      role: 'user',
      is_phone_number_verified: false,
      timezone: zone,
      teams: [],
    })),
    schedules: [
      {
        id: 'SINFRA',
        team_id: null,
        name: 'Infrastructure',
        type: 'web',
        time_zone: zone,
        on_call_now: [],
        shifts: ['OALL', 'OBIZ', 'OCOVER', 'OMONTH'],
        slack: { channel_id: null, user_group_id: null },
      },
    ],
    on_call_shifts: [
      {
        id: 'OALL',
        team_id: null,
        schedule: 'SINFRA',
        name: 'Around the clock',
        type: 'rolling_users',
        time_zone: zone,
        level: 0,
        start: local(rotationStart),
        rotation_start: local(rotationStart),
        duration: 604_800,
        frequency: 'weekly',
        interval: 1,
        until: null,
        week_start: 'MO',
        by_day: null,
        by_month: null,
        by_monthday: null,
        rolling_users: outOfHours.map((p) => [gId(p)]),
        start_rotation_from_user_index: 0,
      },
      {
        id: 'OBIZ',
        team_id: null,
        schedule: 'SINFRA',
        name: 'Business hours',
        type: 'rolling_users',
        time_zone: zone,
        level: 1,
        start: local(rotationStart),
        rotation_start: local(rotationStart),
        duration: 8 * 3600,
        frequency: 'weekly',
        interval: 1,
        until: null,
        week_start: 'MO',
        by_day: ['MO', 'TU', 'WE', 'TH', 'FR'],
        by_month: null,
        by_monthday: null,
        rolling_users: businessHours.map((p) => [gId(p)]),
        start_rotation_from_user_index: 0,
      },
      {
        id: 'OCOVER',
        team_id: null,
        schedule: 'SINFRA',
        name: 'Bob covers',
        type: 'override',
        time_zone: zone,
        start: local(override.start),
        duration: 8 * 3600,
        rolling_users: [[gId('bob')]],
      },
      {
        id: 'OMONTH',
        team_id: null,
        schedule: 'SINFRA',
        name: 'Month-end review',
        type: 'recurrent_event',
        time_zone: zone,
        level: 2,
        start: '2026-01-30T09:00:00',
        duration: 3600,
        frequency: 'monthly',
        interval: 1,
        until: '2026-06-30T00:00:00',
        by_day: null,
        users: [gId('carol')],
      },
    ],
    escalation_chains: [{ id: 'FINFRA', team_id: null, name: 'Infrastructure' }],
    escalation_policies: [
      {
        id: 'E1',
        escalation_chain_id: 'FINFRA',
        position: 0,
        type: 'notify_on_call_from_schedule',
        important: false,
        notify_on_call_from_schedule: 'SINFRA',
      },
      { id: 'E2', escalation_chain_id: 'FINFRA', position: 1, type: 'wait', duration: 600 },
      {
        id: 'E3',
        escalation_chain_id: 'FINFRA',
        position: 2,
        type: 'notify_persons',
        important: false,
        persons_to_notify: [gId('bob'), gId('eve')],
      },
      {
        id: 'E4',
        escalation_chain_id: 'FINFRA',
        position: 3,
        type: 'trigger_webhook',
        action_to_trigger: 'W1',
      },
      { id: 'E5', escalation_chain_id: 'FINFRA', position: 4, type: 'wait', duration: 900 },
      { id: 'E6', escalation_chain_id: 'FINFRA', position: 5, type: 'repeat_escalation' },
    ],
  };
  if (options.withFinal !== false)
    data.final_shifts = {
      SINFRA: oracle(now, windowEnd).map((e) => ({
        user_pk: gId(e.person),
        user_email: people[e.person].email,
        user_username: e.person,
        shift_start: iso(e.start),
        shift_end: iso(e.end),
      })),
    };
  return data;
}
