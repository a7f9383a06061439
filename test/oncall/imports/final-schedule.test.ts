// The imported schedule resolves (through the schedule engine) to the final schedule computed by hand, and agrees
// with each tool's own rendered final schedule over 4 weeks across Berlin's change to summer time (28 March 2027).
import { describe, expect, it } from 'vitest';
import { convertGrafanaOnCall } from '../../../src/oncall/imports/grafana-oncall.js';
import {
  bindSchedule,
  type ConvertOptions,
  type ImportPlan,
} from '../../../src/oncall/imports/import-plan.js';
import { compareWithOriginals, resolveFinalSchedule } from '../../../src/oncall/imports/import-run.js';
import { convertOpsgenie } from '../../../src/oncall/imports/opsgenie.js';
import { convertPagerDuty } from '../../../src/oncall/imports/pagerduty.js';
import { directory, grafanaExport, now, opsgenieExport, pagerDutyExport, windowEnd } from './fixtures.js';

const options: ConvertOptions = { directory, now };
const names: Record<number, string> = { 1: 'alice', 2: 'bob', 3: 'carol' };
const at = (s: string) => Date.parse(s);

/** Who is on call, stretch by stretch, adjacent stretches of one person joined (what a person reads). */
function people(plan: ImportPlan, from: number, to: number) {
  const byEmail = new Map(directory.map((u) => [u.email, u.id]));
  const def = bindSchedule(plan.schedules[0], (key) => byEmail.get(key) ?? -1);
  const out: { who: string | null; start: string; end: string }[] = [];
  for (const s of resolveFinalSchedule(def, from, to)) {
    const who = s.userId === null ? null : (names[s.userId] ?? String(s.userId));
    const last = out[out.length - 1];
    if (last && last.who === who) last.end = new Date(s.end).toISOString();
    else out.push({ who, start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() });
  }
  return out;
}

// Friday 26 March 00:00 CET to Thursday 1 April 00:00 CEST. Week of 22 March (turn 3): out of hours Bob, business
// hours Alice; from Monday 29 March 09:00 (turn 4): Alice and Carol; Bob covers Tuesday 12:00–20:00.
const byHand = [
  { who: 'bob', start: '2027-03-25T23:00:00.000Z', end: '2027-03-26T08:00:00.000Z' },
  { who: 'alice', start: '2027-03-26T08:00:00.000Z', end: '2027-03-26T16:00:00.000Z' },
  // Friday 17:00 CET to Monday 09:00 CEST: 64 hours on the wall, 63 real ones.
  { who: 'bob', start: '2027-03-26T16:00:00.000Z', end: '2027-03-29T07:00:00.000Z' },
  { who: 'carol', start: '2027-03-29T07:00:00.000Z', end: '2027-03-29T15:00:00.000Z' },
  { who: 'alice', start: '2027-03-29T15:00:00.000Z', end: '2027-03-30T07:00:00.000Z' },
  { who: 'carol', start: '2027-03-30T07:00:00.000Z', end: '2027-03-30T10:00:00.000Z' },
  { who: 'bob', start: '2027-03-30T10:00:00.000Z', end: '2027-03-30T18:00:00.000Z' },
  { who: 'alice', start: '2027-03-30T18:00:00.000Z', end: '2027-03-31T07:00:00.000Z' },
  { who: 'carol', start: '2027-03-31T07:00:00.000Z', end: '2027-03-31T15:00:00.000Z' },
  { who: 'alice', start: '2027-03-31T15:00:00.000Z', end: '2027-03-31T22:00:00.000Z' },
];

const tools = {
  opsgenie: () => convertOpsgenie(opsgenieExport(), options),
  pagerduty: () => convertPagerDuty(pagerDutyExport(), options),
  'grafana-oncall': () => convertGrafanaOnCall(grafanaExport(), options),
};

for (const [tool, convert] of Object.entries(tools)) {
  describe(`${tool}: the imported final schedule`, () => {
    const plan = convert();

    it('matches the expectation computed by hand across the change to summer time', () => {
      expect(people(plan, at('2027-03-25T23:00:00Z'), at('2027-03-31T22:00:00Z'))).toEqual(byHand);
    });

    it("agrees with the original's rendered final schedule for all of the next 4 weeks", () => {
      const [c] = compareWithOriginals(plan, resolveFinalSchedule, now, windowEnd);
      expect(c.from).toBe(now);
      expect(c.to).toBe(windowEnd);
      expect(c.stretches.filter((s) => !s.agree)).toEqual([]);
      expect(c.agreementPercent).toBe(100);
      expect(c.matchingMs).toBe(windowEnd - now);
    });

    it('shows where an edited original differs: stretch, theirs and ours', () => {
      const original = plan.originals[0];
      // The original hands Wednesday 31 March 09:00–17:00 CEST to Eve (no opsdesk account) instead of Carol.
      const edited: ImportPlan = {
        ...plan,
        originals: [
          {
            ...original,
            entries: [
              ...original.entries.filter(
                (e) => e.end <= at('2027-03-31T07:00:00Z') || e.start >= at('2027-03-31T15:00:00Z'),
              ),
              {
                user: 'eve@elsewhere.test',
                start: at('2027-03-31T07:00:00Z'),
                end: at('2027-03-31T15:00:00Z'),
              },
            ],
          },
        ],
      };
      const [c] = compareWithOriginals(edited, resolveFinalSchedule, now, windowEnd);
      expect(c.stretches.filter((s) => !s.agree)).toEqual([
        {
          start: at('2027-03-31T07:00:00Z'),
          end: at('2027-03-31T15:00:00Z'),
          theirs: ['eve@elsewhere.test'],
          ours: 'carol@example.test',
          agree: false,
        },
      ]);
      expect(c.agreementPercent).toBe(Math.round((1 - (8 * 3600_000) / (windowEnd - now)) * 10_000) / 100);
    });
  });
}

describe('a plan beyond what a schedule may hold', () => {
  it('is reported instead of compared', () => {
    const plan = convertPagerDuty(pagerDutyExport(), options);
    const layer = plan.schedules[0].layers[0];
    plan.schedules[0].layers = Array.from({ length: 21 }, (_, i) => ({ ...layer, name: `L${i}` }));
    expect(compareWithOriginals(plan, resolveFinalSchedule, now, windowEnd)).toEqual([]);
    expect(plan.notCarried.at(-1)).toMatchObject({
      what: 'the comparison with the original',
      where: 'schedule "Infrastructure"',
    });
  });
});
