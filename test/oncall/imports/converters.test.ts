// The three converters read the same on-call setup from each tool's documented export into the same plan, list what
// they could not carry over, and turn any malformed input into Invalid with a path, never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/core/errors.js';
import { convertGrafanaOnCall } from '../../../src/oncall/imports/grafana-oncall.js';
import type { ConvertOptions, ImportPlan, Json } from '../../../src/oncall/imports/import-plan.js';
import { convertOpsgenie } from '../../../src/oncall/imports/opsgenie.js';
import { convertPagerDuty } from '../../../src/oncall/imports/pagerduty.js';
import { directory, grafanaExport, now, opsgenieExport, override, pagerDutyExport } from './fixtures.js';

const options: ConvertOptions = { directory, now };
const alice = 'alice@example.test';
const bob = 'bob@example.test';
const carol = 'carol@example.test';
const eve = 'eve@elsewhere.test';
const weekdays = [1, 2, 3, 4, 5];
const businessWindow = [{ days: weekdays, start: '09:00', end: '17:00' }];

function expectUsers(plan: ImportPlan) {
  const byKey = Object.fromEntries(plan.users.map((u) => [u.key, u.opsdeskUserId]));
  // Carol's export spells her email in capitals: matching is case-blind. Eve has no opsdesk account.
  expect(byKey).toEqual({ [alice]: 1, [bob]: 2, [carol]: 3, [eve]: null });
}

function expectOverride(plan: ImportPlan) {
  expect(plan.schedules[0].overrides).toEqual([
    { user: bob, start: override.start.toMillis(), end: override.end.toMillis() },
  ]);
}

function expectPolicy(plan: ImportPlan, repeat: number, scheduleRef: string) {
  expect(plan.policies).toHaveLength(1);
  const [p] = plan.policies;
  expect(p.repeat).toBe(repeat);
  expect(p.steps).toEqual([
    { delayMinutes: 10, targets: [{ kind: 'schedule', ref: scheduleRef }] },
    {
      delayMinutes: 15,
      targets: [
        { kind: 'user', ref: bob },
        { kind: 'user', ref: eve },
      ],
    },
  ]);
}

function whats(plan: ImportPlan): string[] {
  return plan.notCarried.map((n) => `${n.where} :: ${n.what}`);
}

describe('Opsgenie', () => {
  const plan = convertOpsgenie(opsgenieExport(), options);

  it('matches users by email and lists the unmatched', () => {
    expect(plan.source).toBe('opsgenie');
    expectUsers(plan);
  });

  it('reads both rotations as weekly layers handing over on Monday 09:00, their weekday windows as restrictions', () => {
    const [infra, shadow] = plan.schedules;
    expect(infra.sourceId).toBe('og-infra');
    expect(infra.name).toBe('Infrastructure');
    expect(infra.timeZone).toBe('Europe/Berlin');
    expect(infra.layers).toEqual([
      {
        kind: 'rotation',
        name: 'Out of hours',
        start: '2027-03-01T09:00',
        end: null,
        turn: { unit: 'week', count: 1 },
        participants: [alice, bob],
        // Mon 17:00 → Tue 09:00 … Fri 17:00 → Mon 09:00, cut at midnights.
        restrictions: [
          { days: weekdays, start: '00:00', end: '09:00' },
          { days: weekdays, start: '17:00', end: '24:00' },
          { days: [6, 7], start: '00:00', end: '24:00' },
        ],
      },
      {
        kind: 'rotation',
        name: 'Business hours',
        start: '2027-03-01T09:00',
        end: null,
        turn: { unit: 'week', count: 1 },
        participants: [carol, alice],
        restrictions: businessWindow,
      },
    ]);
    expectOverride(plan);
    // The team-only rotation has nobody to take turns.
    expect(shadow.layers).toEqual([]);
  });

  it('turns rules at 0 and 10 minutes and the repeat into two steps repeated twice', () => {
    expectPolicy(plan, 2, 'og-infra');
    expect(plan.policies[0].name).toBe('Infrastructure escalation');
  });

  it('says what it could not carry over, and raises no overlap for rotations whose windows are disjoint', () => {
    expect(whats(plan)).toEqual([
      'schedule "Shadow" :: the disabled state',
      'schedule "Shadow" / rotation "Team watch" :: the team participant "ops"',
      'schedule "Shadow" :: rotation "Team watch"',
      'escalation "Infrastructure escalation" :: closing the alert after all repeats',
    ]);
  });

  it('reports rotations that are on call at the same time (Opsgenie pages both)', () => {
    const data = opsgenieExport() as { schedules: { rotations: { timeRestriction?: unknown }[] }[] };
    delete data.schedules[0].rotations[0].timeRestriction;
    const overlapping = convertOpsgenie(data, options);
    expect(whats(overlapping)).toContain(
      'schedule "Infrastructure" :: rotations "Out of hours" and "Business hours" on call at the same time',
    );
  });

  it('flattens the timeline into the original final schedule', () => {
    expect(plan.originals).toHaveLength(1);
    expect(plan.originals[0].scheduleSourceId).toBe('og-infra');
    const first = [...plan.originals[0].entries].sort((a, b) => a.start - b.start).slice(0, 2);
    expect(first).toEqual([
      { user: carol, start: now, end: Date.parse('2027-03-15T16:00:00Z') },
      { user: alice, start: Date.parse('2027-03-15T16:00:00Z'), end: Date.parse('2027-03-16T08:00:00Z') },
    ]);
  });
});

describe('PagerDuty', () => {
  const plan = convertPagerDuty(pagerDutyExport(), options);

  it('matches users by email and lists the unmatched', () => {
    expect(plan.source).toBe('pagerduty');
    expectUsers(plan);
  });

  it('orders layers by rendering index (bottom first) and reads weekly restrictions', () => {
    expect(plan.schedules).toHaveLength(1);
    const [s] = plan.schedules;
    expect(s.timeZone).toBe('Europe/Berlin');
    expect(s.layers).toEqual([
      {
        kind: 'rotation',
        name: 'Around the clock',
        start: '2027-03-01T09:00',
        end: null,
        turn: { unit: 'week', count: 1 },
        participants: [alice, bob],
        restrictions: [],
      },
      {
        kind: 'rotation',
        name: 'Business hours',
        start: '2027-03-01T09:00',
        end: null,
        turn: { unit: 'week', count: 1 },
        participants: [carol, alice],
        restrictions: businessWindow,
      },
    ]);
    expectOverride(plan);
  });

  it('keeps each rule’s delay as the wait after it, and num_loops as the repeat', () => {
    expectPolicy(plan, 2, 'PINFRA');
  });

  it('says what it could not carry over', () => {
    expect(whats(plan)).toEqual(['schedule "Infrastructure" :: layer "Old ninety-minute trial"']);
    expect(plan.notCarried[0].why).toContain('5400 s');
  });

  it('reads daily restrictions, and second-precision ones rounded with a note', () => {
    const data = pagerDutyExport() as unknown as {
      schedules: { schedule_layers: { restrictions: unknown[] }[] }[];
    };
    data.schedules[0].schedule_layers[1].restrictions = [
      {
        type: 'daily_restriction',
        start_time_of_day: '22:00:30',
        duration_seconds: 8 * 3600,
        start_day_of_week: null,
      },
    ];
    const nightly = convertPagerDuty(data, options);
    expect(nightly.schedules[0].layers[0]).toMatchObject({
      name: 'Around the clock',
      restrictions: [
        { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '06:00' },
        { days: [1, 2, 3, 4, 5, 6, 7], start: '22:00', end: '24:00' },
      ],
    });
    expect(whats(nightly)).toContain(
      'schedule "Infrastructure" / layer "Around the clock" :: restriction seconds',
    );
  });
});

describe('Grafana OnCall', () => {
  const plan = convertGrafanaOnCall(grafanaExport(), options);

  it('matches users by email and lists the unmatched', () => {
    expect(plan.source).toBe('grafana-oncall');
    expectUsers(plan);
  });

  it('orders shifts by level, reads weekly rolling users with by_day and duration as a weekday window', () => {
    const [s] = plan.schedules;
    expect(s.sourceId).toBe('SINFRA');
    expect(s.layers).toEqual([
      {
        kind: 'rotation',
        name: 'Around the clock',
        start: '2027-03-01T09:00',
        end: null,
        turn: { unit: 'week', count: 1 },
        participants: [alice, bob],
        restrictions: [],
      },
      {
        kind: 'rotation',
        name: 'Business hours',
        start: '2027-03-01T09:00',
        end: null,
        turn: { unit: 'week', count: 1 },
        participants: [carol, alice],
        restrictions: businessWindow,
      },
    ]);
    expectOverride(plan);
  });

  it('turns notify / wait / notify / wait / repeat into two steps repeated 5 times', () => {
    expectPolicy(plan, 5, 'SINFRA');
  });

  it('says what it could not carry over', () => {
    expect(whats(plan)).toEqual([
      'schedule "Infrastructure" :: shift "Month-end review"',
      'escalation chain "Infrastructure" :: the "trigger_webhook" step',
    ]);
  });

  it('imports several users per slot as the first, with a note', () => {
    const data = grafanaExport() as { on_call_shifts: { rolling_users?: string[][] }[] };
    data.on_call_shifts[0].rolling_users = [['UALICE', 'UCAROL'], ['UBOB']];
    const p = convertGrafanaOnCall(data, options);
    expect(p.schedules[0].layers[0]).toMatchObject({ participants: [alice, bob] });
    expect(whats(p)).toContain(
      'schedule "Infrastructure" / shift "Around the clock" :: several users in one rotation slot',
    );
  });
});

// ---- malformed input --------------------------------------------------------------------------------------

const converters = {
  opsgenie: { convert: convertOpsgenie, fixture: () => opsgenieExport() },
  pagerduty: { convert: convertPagerDuty, fixture: () => pagerDutyExport() },
  'grafana-oncall': { convert: convertGrafanaOnCall, fixture: () => grafanaExport() },
};

/** Every path into a JSON value (objects and arrays), to replace one at random. */
function paths(
  v: Json,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) {
    for (const [i, x] of v.slice(0, 3).entries()) paths(x, [...at, i], out);
  } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function replaced(root: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  cur[path[path.length - 1]] = value;
  return copy;
}

function convertsOrInvalid(convert: (d: Json, o: ConvertOptions) => ImportPlan, data: Json): void {
  try {
    const plan = convert(data, options);
    expect(Array.isArray(plan.schedules)).toBe(true);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    const err = e as DomainError;
    expect(err.code).toBe('invalid_import');
    expect(err.fields[0]?.field).toMatch(/^\//);
  }
}

for (const [name, { convert, fixture }] of Object.entries(converters)) {
  describe(`${name}: malformed input`, () => {
    it('answers Invalid with the path of the bad field', () => {
      const data = fixture() as { schedules: Record<string, unknown>[] };
      data.schedules[0].name = 42;
      expect(() => convert(data, options)).toThrowError(expect.objectContaining({ code: 'invalid_import' }));
      try {
        convert(data, options);
      } catch (e) {
        expect((e as DomainError).fields).toEqual([
          { field: '/schedules/0/name', message: 'must be a string' },
        ]);
      }
    });

    it('refuses an unknown time zone', () => {
      const data = fixture() as { schedules: Record<string, unknown>[] };
      data.schedules[0][name === 'opsgenie' ? 'timezone' : 'time_zone'] = 'Mars/Olympus';
      expect(() => convert(data, options)).toThrowError(expect.objectContaining({ code: 'invalid_import' }));
    });

    it('arbitrary JSON: a plan or Invalid, never a crash', () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => convertsOrInvalid(convert, v)),
        { numRuns: 300 },
      );
    });

    it('the fixture with any one part replaced by arbitrary JSON: a plan or Invalid, never a crash', () => {
      const base = fixture();
      const all = paths(base);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: all.length - 1 }), fc.jsonValue({ maxDepth: 3 }), (i, v) =>
          convertsOrInvalid(convert, replaced(base, all[i], v)),
        ),
        { numRuns: 400 },
      );
    });

    it('refuses oversized lists', () => {
      const data = fixture() as { users: unknown[] };
      data.users = Array.from({ length: 5001 }, (_, i) => ({
        id: `u${i}`,
        username: `u${i}@x.test`,
        email: `u${i}@x.test`,
      }));
      expect(() => convert(data, options)).toThrowError(expect.objectContaining({ code: 'invalid_import' }));
    });
  });
}

// ---- shapes beyond the shared fixture ---------------------------------------------------------------------

describe('other documented shapes', () => {
  it('Opsgenie: a time-of-day restriction past midnight, hourly turns of a length, a "none" turn reported', () => {
    const data = opsgenieExport() as { schedules: { rotations: Record<string, unknown>[] }[] };
    data.schedules[0].rotations = [
      {
        id: 'r',
        name: 'Nights',
        startDate: '2027-03-01T21:00:00Z',
        type: 'hourly',
        length: 12,
        participants: [
          { type: 'user', username: 'alice@example.test' },
          { type: 'none' },
          { type: 'user', id: 'og-bob' },
        ],
        timeRestriction: {
          type: 'time-of-day',
          restriction: { startHour: 22, startMin: 0, endHour: 6, endMin: 30 },
        },
      },
    ];
    const p = convertOpsgenie(data, options);
    expect(p.schedules[0].layers).toEqual([
      {
        kind: 'rotation',
        name: 'Nights',
        start: '2027-03-01T22:00',
        end: null,
        turn: { unit: 'hour', count: 12 },
        participants: [alice, bob],
        restrictions: [
          { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '06:30' },
          { days: [1, 2, 3, 4, 5, 6, 7], start: '22:00', end: '24:00' },
        ],
      },
    ]);
    expect(whats(p)).toContain('schedule "Infrastructure" / rotation "Nights" :: a "none" turn');
  });

  it('Grafana OnCall: daily rolling nights become a daily window; single and recurrent events; a shift in another zone', () => {
    const data = grafanaExport({ withFinal: false }) as {
      schedules: { shifts: string[] }[];
      on_call_shifts: Record<string, unknown>[];
    };
    data.schedules[0].shifts = ['N', 'ONE', 'REC'];
    data.on_call_shifts = [
      {
        id: 'N',
        name: 'Nights',
        type: 'rolling_users',
        time_zone: 'Europe/Berlin',
        level: 0,
        start: '2027-03-01T20:00:00',
        duration: 12 * 3600,
        frequency: 'daily',
        interval: 1,
        rolling_users: [['UALICE'], ['UBOB'], ['UCAROL']],
        start_rotation_from_user_index: 1,
      },
      {
        id: 'ONE',
        name: 'Maintenance',
        type: 'single_event',
        time_zone: 'Europe/Berlin',
        level: 3,
        start: '2027-03-20T08:00:00',
        duration: 4 * 3600,
        users: ['UCAROL', 'UBOB'],
      },
      {
        id: 'REC',
        name: 'Weekly check',
        type: 'recurrent_event',
        time_zone: 'America/New_York',
        level: 2,
        start: '2027-03-01T10:00:00',
        duration: 3600,
        frequency: 'weekly',
        interval: 1,
        users: ['UBOB'],
      },
    ];
    const p = convertGrafanaOnCall(data, options);
    expect(p.schedules[0].layers).toEqual([
      {
        kind: 'rotation',
        name: 'Nights',
        start: '2027-03-01T20:00',
        end: null,
        turn: { unit: 'day', count: 1 },
        participants: [bob, carol, alice],
        restrictions: [
          { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '08:00' },
          { days: [1, 2, 3, 4, 5, 6, 7], start: '20:00', end: '24:00' },
        ],
      },
      {
        kind: 'rotation',
        name: 'Weekly check',
        // 10:00 in New York is 16:00 in Berlin that Monday.
        start: '2027-03-01T16:00',
        end: null,
        turn: { unit: 'week', count: 1 },
        participants: [bob],
        restrictions: [{ days: [1], start: '16:00', end: '17:00' }],
      },
      {
        kind: 'shifts',
        name: 'Maintenance',
        shifts: [{ user: carol, start: '2027-03-20T08:00', end: '2027-03-20T12:00' }],
      },
    ]);
    expect(whats(p)).toEqual([
      'schedule "Infrastructure" / shift "Maintenance" :: 2 users on each event',
      'schedule "Infrastructure" / shift "Weekly check" :: the shift\'s own time zone America/New_York',
      'escalation chain "Infrastructure" :: the "trigger_webhook" step',
    ]);
  });
});
