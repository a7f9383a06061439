// `npx tsx bench/oncall-schedules.ts` (or `BENCH_PARTS=oncall npm run bench`): the on-call schedule engine on 200
// generated schedules (2–3 layers, restrictions, overrides, eight zones with and without DST, started up to three
// years ago). Measures who-is-on-call latency (p50/p99) and the final schedule for a year, each beside a baseline
// measured in the same run: a straightforward resolver that expands turns from the layer's start with Luxon.
// Environment: BENCH_ONCALL_SCHEDULES=200, BENCH_ONCALL_QUERIES=100000, BENCH_ONCALL_BASELINE_QUERIES=2000.
import { DateTime } from 'luxon';
import {
  type CompiledSchedule,
  compileSchedule,
  finalSchedule,
  onCallAt,
  type RotationLayer,
  type ScheduleDefinition,
  type Segment,
  type Weekday,
} from '../src/oncall/index.js';

const scheduleCount = Number(process.env.BENCH_ONCALL_SCHEDULES ?? 200);
const queryCount = Number(process.env.BENCH_ONCALL_QUERIES ?? 100_000);
const baselineQueries = Number(process.env.BENCH_ONCALL_BASELINE_QUERIES ?? 2_000);
const zones = [
  'Europe/Berlin',
  'America/New_York',
  'Europe/London',
  'Australia/Sydney',
  'Asia/Kolkata',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'America/Sao_Paulo',
];
const dayMs = 86_400_000;
const hourMs = 3_600_000;
const yearFrom = Date.parse('2026-01-01T00:00:00Z');
const yearTo = Date.parse('2027-01-01T00:00:00Z');

/** A small seeded PRNG (mulberry32), so every run measures the same schedules. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function generate(n: number): ScheduleDefinition[] {
  const rnd = random(10);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const localDate = (ms: number, hh: string) => `${new Date(ms).toISOString().slice(0, 10)}T${hh}`;
  const people = (k: number) => Array.from({ length: k }, () => int(1, 60));
  return Array.from({ length: n }, (_, id) => {
    const started = yearFrom - int(30, 3 * 365) * dayMs;
    const layers: RotationLayer[] = [
      {
        kind: 'rotation',
        name: 'Primary',
        start: localDate(started, pick(['09:00', '10:00', '08:30'])),
        end: null,
        turn: pick([
          { unit: 'week', count: 1 },
          { unit: 'day', count: 1 },
          { unit: 'hour', count: 12 },
        ] as const),
        participants: people(int(4, 8)),
        restrictions: [],
      },
      {
        kind: 'rotation',
        name: 'Business hours',
        start: localDate(started + int(0, 200) * dayMs, '09:00'),
        end: null,
        turn: { unit: 'day', count: 1 },
        participants: people(int(3, 6)),
        restrictions: [{ days: [1, 2, 3, 4, 5] as Weekday[], start: '09:00', end: '17:00' }],
      },
    ];
    if (rnd() < 0.5) {
      const nightsFrom = started + int(0, 400) * dayMs;
      layers.push({
        kind: 'rotation',
        name: 'Nights and weekends',
        start: localDate(nightsFrom, '18:00'),
        end: rnd() < 0.3 ? localDate(nightsFrom + int(60, 900) * dayMs, '18:00') : null,
        turn: { unit: 'week', count: 1 },
        participants: people(int(2, 5)),
        restrictions: [
          { days: [1, 2, 3, 4, 5] as Weekday[], start: '22:00', end: '06:00' },
          { days: [6, 7] as Weekday[], start: '00:00', end: '24:00' },
        ],
      });
    }
    const overrides = Array.from({ length: int(5, 40) }, (_, i) => {
      const start = yearFrom + int(-30, 400) * dayMs + int(0, 23) * hourMs;
      return { id: i + 1, userId: int(1, 60), start, end: start + int(1, 72) * hourMs };
    });
    return { id: id + 1, timeZone: pick(zones), layers, overrides };
  });
}

// ---- Baseline: a straightforward resolver, Luxon all the way, turns expanded from each layer's start. ----

function naiveLayerAt(layer: RotationLayer, zone: string, t: number): number | null {
  const start = DateTime.fromISO(layer.start, { zone });
  if (t < start.toMillis()) return null;
  if (layer.end !== null && t >= DateTime.fromISO(layer.end, { zone }).toMillis()) return null;
  let k = 0;
  if (layer.turn.unit === 'hour') k = Math.floor((t - start.toMillis()) / (layer.turn.count * hourMs));
  else {
    const days = layer.turn.count * (layer.turn.unit === 'week' ? 7 : 1);
    for (let next = start.plus({ days }); next.toMillis() <= t; next = next.plus({ days })) k++;
  }
  if (layer.restrictions.length > 0) {
    const today = DateTime.fromMillis(t, { zone }).startOf('day');
    const inside = [today, today.minus({ days: 1 })].some((day) =>
      layer.restrictions.some((r) => {
        if (!r.days.includes(day.weekday as Weekday)) return false;
        const [sh, sm] = r.start.split(':').map(Number);
        const [eh, em] = r.end.split(':').map(Number);
        const a = day.set({ hour: sh, minute: sm }).toMillis();
        const endDay = eh * 60 + em <= sh * 60 + sm ? day.plus({ days: 1 }) : day;
        const b = (eh === 24 ? endDay.plus({ days: 1 }) : endDay.set({ hour: eh, minute: em })).toMillis();
        return a <= t && t < b;
      }),
    );
    if (!inside) return null;
  }
  return layer.participants[k % layer.participants.length];
}

function naiveAt(def: ScheduleDefinition, t: number): number | null {
  let best: { id: number; userId: number } | undefined;
  for (const o of def.overrides) if (o.start <= t && t < o.end && (!best || o.id > best.id)) best = o;
  if (best) return best.userId;
  for (let i = def.layers.length - 1; i >= 0; i--) {
    const u = naiveLayerAt(def.layers[i] as RotationLayer, def.timeZone, t);
    if (u !== null) return u;
  }
  return null;
}

/**
 * The final schedule the straightforward way: every layer's turns expanded with Luxon from the layer's start,
 * restriction windows built day by day with Luxon, then the top piece found for each stretch.
 */
function naiveFinal(def: ScheduleDefinition, from: number, to: number): number {
  const zone = def.timeZone;
  const levels: [number, number, number][][] = def.layers.map((l) => {
    const layer = l as RotationLayer;
    const pieces: [number, number, number][] = [];
    const start = DateTime.fromISO(layer.start, { zone });
    const end = layer.end === null ? to : Math.min(to, DateTime.fromISO(layer.end, { zone }).toMillis());
    const days = layer.turn.count * (layer.turn.unit === 'week' ? 7 : 1);
    const turnAt = (k: number) =>
      layer.turn.unit === 'hour'
        ? start.plus({ hours: k * layer.turn.count }).toMillis()
        : start.plus({ days: k * days }).toMillis();
    const turns: [number, number, number][] = [];
    for (let k = 0; turnAt(k) < end; k++) {
      const a = turnAt(k);
      const b = Math.min(turnAt(k + 1), end);
      if (b > from) turns.push([Math.max(a, from), b, layer.participants[k % layer.participants.length]]);
    }
    if (layer.restrictions.length === 0) return turns;
    const windows: [number, number][] = [];
    for (
      let day = DateTime.fromMillis(from, { zone }).startOf('day').minus({ days: 1 });
      day.toMillis() < to;
      day = day.plus({ days: 1 })
    ) {
      for (const r of layer.restrictions) {
        if (!r.days.includes(day.weekday as Weekday)) continue;
        const [sh, sm] = r.start.split(':').map(Number);
        const [eh, em] = r.end.split(':').map(Number);
        const endDay = eh * 60 + em <= sh * 60 + sm ? day.plus({ days: 1 }) : day;
        windows.push([
          day.set({ hour: sh, minute: sm }).toMillis(),
          (eh === 24 ? endDay.plus({ days: 1 }) : endDay.set({ hour: eh, minute: em })).toMillis(),
        ]);
      }
    }
    for (const [ta, tb, u] of turns)
      for (const [wa, wb] of windows)
        if (wa < tb && ta < wb) pieces.push([Math.max(ta, wa), Math.min(tb, wb), u]);
    return pieces.sort((x, y) => x[0] - y[0]);
  });
  levels.push(def.overrides.map((o) => [o.start, o.end, o.userId] as [number, number, number]));
  const points = [...new Set([from, to, ...levels.flat().flatMap((p) => p.slice(0, 2))])]
    .filter((p) => p >= from && p <= to)
    .sort((a, b) => a - b);
  let segments = 0;
  let last: number | null | undefined;
  for (let i = 0; i < points.length - 1; i++) {
    let u: number | null = null;
    for (let l = levels.length - 1; l >= 0 && u === null; l--)
      for (const [a, b, who] of levels[l]) if (a <= points[i] && points[i] < b) u = who;
    if (u !== last) segments++;
    last = u;
  }
  return segments;
}

// ---- Measurement. ----

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const f3 = (ms: number) => ms.toFixed(3);

export async function benchOncallSchedules(): Promise<void> {
  const defs = generate(scheduleCount);
  console.log(
    `\n## On-call schedules: ${defs.length} schedules (2–3 layers, restrictions, ${defs.reduce((n, d) => n + d.overrides.length, 0)} overrides, ${new Set(defs.map((d) => d.timeZone)).size} zones)`,
  );
  let t0 = performance.now();
  const compiled: CompiledSchedule[] = defs.map(compileSchedule);
  const compileMs = performance.now() - t0;
  // The first year's pass fills the zone tables (a block of ~400 days per zone, once per process); the
  // measured passes then run as a service that has answered a few queries does.
  const coldYear: number[] = [];
  for (const c of compiled) {
    const s = performance.now();
    finalSchedule(c, yearFrom, yearTo);
    coldYear.push(performance.now() - s);
  }

  const rnd = random(7);
  const query = () => ({
    i: Math.floor(rnd() * compiled.length),
    t: yearFrom + Math.floor(rnd() * (yearTo - yearFrom)),
  });
  const lat: number[] = [];
  let sink = 0;
  for (let q = 0; q < queryCount; q++) {
    const { i, t } = query();
    const s = performance.now();
    sink += onCallAt(compiled[i], t)?.userId ?? 0;
    lat.push(performance.now() - s);
  }
  const naiveLat: number[] = [];
  let mismatches = 0;
  for (let q = 0; q < baselineQueries; q++) {
    const { i, t } = query();
    const s = performance.now();
    const u = naiveAt(defs[i], t);
    naiveLat.push(performance.now() - s);
    if (u !== (onCallAt(compiled[i], t)?.userId ?? null)) mismatches++;
  }
  const luxonLat: number[] = [];
  for (let q = 0; q < baselineQueries; q++) {
    const { i, t } = query();
    const s = performance.now();
    sink += DateTime.fromMillis(t, { zone: defs[i].timeZone }).hour;
    luxonLat.push(performance.now() - s);
  }

  console.log(
    `compile ${defs.length} schedules: ${compileMs.toFixed(1)} ms; first final schedule of each (zone tables filling): p50 ${f3(quantile(coldYear, 0.5))} ms, p99 ${f3(quantile(coldYear, 0.99))} ms, max ${f3(Math.max(...coldYear))} ms\n`,
  );
  console.log('| who is on call at T | queries | p50 ms | p99 ms | max ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  console.log(
    `| opsdesk onCallAt (compiled) | ${lat.length} | ${f3(quantile(lat, 0.5))} | ${f3(quantile(lat, 0.99))} | ${f3(Math.max(...lat))} |`,
  );
  console.log(
    `| baseline: naive Luxon resolver, turns expanded from the start | ${naiveLat.length} | ${f3(quantile(naiveLat, 0.5))} | ${f3(quantile(naiveLat, 0.99))} | ${f3(Math.max(...naiveLat))} |`,
  );
  console.log(
    `| reference: one Luxon DateTime.fromMillis in the zone | ${luxonLat.length} | ${f3(quantile(luxonLat, 0.5))} | ${f3(quantile(luxonLat, 0.99))} | ${f3(Math.max(...luxonLat))} |`,
  );
  console.log(`(answers differing from the baseline: ${mismatches} of ${baselineQueries})`);

  const yearLat: number[] = [];
  let segments = 0;
  // Each schedule's year five times, its median kept: on a shared machine a single run can be preempted.
  for (const c of compiled) {
    const runs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const s = performance.now();
      const segs: Segment[] = finalSchedule(c, yearFrom, yearTo);
      runs.push(performance.now() - s);
      if (r === 0) segments += segs.length;
    }
    yearLat.push(quantile(runs, 0.5));
  }
  const naiveYearLat: number[] = [];
  for (const d of defs.slice(0, 20)) {
    const s = performance.now();
    sink += naiveFinal(d, yearFrom, yearTo);
    naiveYearLat.push(performance.now() - s);
  }
  console.log(
    '\n| final schedule for 2026 (a year; per schedule the median of 5 runs) | schedules | p50 ms | p99 ms | max ms | segments per schedule |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(
    `| opsdesk finalSchedule | ${yearLat.length} | ${f3(quantile(yearLat, 0.5))} | ${f3(quantile(yearLat, 0.99))} | ${f3(Math.max(...yearLat))} | ${(segments / compiled.length).toFixed(0)} |`,
  );
  console.log(
    `| baseline: turns expanded from the start with Luxon, pieces scanned | ${naiveYearLat.length} | ${f3(quantile(naiveYearLat, 0.5))} | ${f3(quantile(naiveYearLat, 0.99))} | ${f3(Math.max(...naiveYearLat))} | – |`,
  );
  t0 = performance.now();
  if (sink === -1) console.log(t0); // keep the results alive
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOncallSchedules();
