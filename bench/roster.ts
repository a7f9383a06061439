// `npx tsx bench/roster.ts` (or `npm run bench` with BENCH_PARTS=roster): a 12-person 24/7 roster for 3 months
// in Europe/Berlin (across the spring DST change), three 8-hour shifts and two 12-hour shifts a day, typical
// rules (48 h a week, 11 h rest, 3 nights in a row, holidays), target ≤ 5 s each. Baseline measured in the same
// run: a plain round-robin roster that ignores the rules (each shift to the next person in turn), timed the same
// way and held to the same checker — how many rules it breaks, and how fair it is.
// Environment: BENCH_ROSTER_REPEAT=3 (runs per case, median reported), BENCH_ROSTER_DAYS=92.
import os from 'node:os';
import {
  checkRoster,
  expandSlots,
  type RosterRequest,
  type RosterResult,
  solveRoster,
  validateRosterRequest,
} from '../src/oncall/index.js';
import type { ExplicitShift } from '../src/oncall/schedule-model.js';

const repeats = Number(process.env.BENCH_ROSTER_REPEAT ?? 3);
const days = Number(process.env.BENCH_ROSTER_DAYS ?? 92);

function request(shifts: RosterRequest['shifts']): RosterRequest {
  const end = new Date(Date.UTC(2026, 0, days)).toISOString().slice(0, 10);
  return {
    name: '24/7 Infrastructure',
    period: { start: '2026-01-01', end, timeZone: 'Europe/Berlin' },
    shifts,
    people: Array.from({ length: 12 }, (_, i) => ({
      userId: i + 1,
      // Two people take a week off each, and one works part time.
      ...(i === 0 ? { timeOff: [{ from: '2026-02-09', to: '2026-02-15' }] } : {}),
      ...(i === 1 ? { timeOff: [{ from: '2026-03-02', to: '2026-03-08' }] } : {}),
      ...(i === 2 ? { maxHoursPerWeek: 24 } : {}),
    })),
    holidays: ['2026-01-01', '2026-01-06', '2026-03-08', '2026-04-03'],
    rules: { maxHoursPerWeek: 48, minRestHours: 11, maxConsecutiveNights: 3, maxConsecutiveDays: 6 },
    seed: 1,
  };
}

/** The baseline: shift k goes to person k mod n, whatever the rules say. */
function roundRobin(req: RosterRequest): ExplicitShift[] {
  const slots = expandSlots(validateRosterRequest(req));
  const shifts: ExplicitShift[] = [];
  let k = 0;
  for (const s of slots)
    for (let seat = 0; seat < s.required; seat++)
      shifts.push({
        userId: req.people[k++ % req.people.length].userId,
        start: s.localStart,
        end: s.localEnd,
      });
  return shifts;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function spreadOf(req: RosterRequest, shifts: ExplicitShift[]) {
  const slots = new Map(
    expandSlots(validateRosterRequest(req)).map((s) => [`${s.localStart}|${s.localEnd}`, s]),
  );
  const per = new Map<number, { nights: number; weekends: number; hours: number }>();
  for (const p of req.people) per.set(p.userId, { nights: 0, weekends: 0, hours: 0 });
  for (const sh of shifts) {
    const s = slots.get(`${sh.start}|${sh.end}`)!;
    const x = per.get(sh.userId)!;
    x.hours += s.hours;
    if (s.night) x.nights++;
    if (s.weekend) x.weekends++;
  }
  const spread = (f: (x: { nights: number; weekends: number; hours: number }) => number) => {
    const v = [...per.values()].map(f);
    return Math.max(...v) - Math.min(...v);
  };
  return {
    nights: spread((x) => x.nights),
    weekends: spread((x) => x.weekends),
    hours: spread((x) => x.hours),
  };
}

export async function benchRoster(): Promise<void> {
  console.log(
    `\n## Roster generation: 12 people, 24/7, ${days} days in Europe/Berlin (48 h/week, 11 h rest, 3 nights in a row) — node ${process.version}, ${os.cpus().length} cores`,
  );
  console.log(
    '| case | shifts | time (median) | rules broken | nights spread | weekends spread | hours spread | search nodes | improving moves |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const cases: [string, RosterRequest['shifts']][] = [
    [
      'three 8-hour shifts',
      [
        { name: 'early', start: '06:00', end: '14:00' },
        { name: 'late', start: '14:00', end: '22:00' },
        { name: 'night', start: '22:00', end: '06:00' },
      ],
    ],
    [
      'two 12-hour shifts',
      [
        { name: 'day', start: '07:00', end: '19:00' },
        { name: 'night', start: '19:00', end: '07:00' },
      ],
    ],
  ];
  for (const [label, shifts] of cases) {
    const req = request(shifts);
    const valid = validateRosterRequest(req);
    const times: number[] = [];
    let result: RosterResult | null = null;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      result = solveRoster(req);
      times.push(performance.now() - t0);
    }
    const baseTimes: number[] = [];
    let base: ExplicitShift[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      base = roundRobin(req);
      checkRoster(valid, base);
      baseTimes.push(performance.now() - t0);
    }
    const baseCheck = checkRoster(valid, base);
    const baseSpread = spreadOf(req, base);
    const broken = (c: typeof baseCheck) =>
      c.rules.filter((x) => !x.ok).map((x) => `${x.rule} ×${x.violations}`);
    if (!result?.feasible) {
      console.log(
        `| generator, ${label} | — | ${(median(times) / 1000).toFixed(2)} s | infeasible: ${result?.violations[0]?.explanation} | | | | | |`,
      );
    } else {
      const own = checkRoster(valid, result.layer.shifts);
      const sp = spreadOf(req, result.layer.shifts);
      console.log(
        `| generator, ${label} | ${result.layer.shifts.length} | ${(median(times) / 1000).toFixed(2)} s | ${broken(own).length === 0 ? 'none' : broken(own).join(', ')} | ${sp.nights} | ${sp.weekends} | ${sp.hours} h | ${result.search.nodes} | ${result.search.improvements} |`,
      );
    }
    console.log(
      `| baseline round-robin, ${label} | ${base.length} | ${(median(baseTimes) / 1000).toFixed(3)} s | ${broken(baseCheck).join(', ') || 'none'} | ${baseSpread.nights} | ${baseSpread.weekends} | ${baseSpread.hours} h | | |`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRoster();
