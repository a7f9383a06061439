// Forecasts of known curves: the fit chosen by out-of-sample error, the dated crossing of a filling disk, the band's
// coverage of held-out noisy samples, and (fast-check) no NaN and no throw on any finite input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forecastSamples, forecastSeries } from '../../src/forecast/index.js';

const hour = 3_600_000;
const day = 24 * hour;
const t0 = Date.UTC(2026, 10, 1);

/** A seeded generator (Park–Miller) and its normal deviates, so every run sees the same noise. */
function noise(seed: number): () => number {
  let s = seed;
  const uniform = () => {
    s = (s * 16_807) % 2_147_483_647;
    return s / 2_147_483_647;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function series(count: number, stepMs: number, f: (t: number, i: number) => number) {
  return Array.from({ length: count }, (_, i) => ({ t: t0 + i * stepMs, v: f(t0 + i * stepMs, i) }));
}

describe('forecastSeries', () => {
  it('a disk filling at 1 GB an hour crosses 500 GB at the right hour', () => {
    const gauss = noise(7);
    // A week of hourly samples from 100 GB used: 500 GB is reached 400 hours after t0.
    const used = series(7 * 24, hour, (_t, i) => 100 + i + 0.3 * gauss());
    const f = forecastSeries(used);
    expect(f?.fit).toBe('linear');
    const crossing = f?.timeLeft(500, used[used.length - 1].t);
    expect(crossing).not.toBeNull();
    expect(Math.abs((crossing?.at ?? 0) - (t0 + 400 * hour))).toBeLessThan(hour);
    expect(crossing?.earliest).toBeLessThan(crossing?.at ?? 0);
    expect(crossing?.latest).toBeGreaterThan(crossing?.at ?? 0);
  });

  it('a falling series reaches a lower threshold, never one above it; a flat one never reaches any', () => {
    const free = series(100, hour, (_t, i) => 1000 - 2 * i);
    const f = forecastSeries(free);
    const crossing = f?.timeLeft(100, free[99].t);
    expect((crossing?.at ?? 0) - t0).toBeCloseTo(450 * hour, -3);
    expect(f?.timeLeft(2000, free[99].t)).toBeNull();
    const level = forecastSeries(series(100, hour, () => 42));
    expect(level?.predict(t0 + 500 * hour).value).toBeCloseTo(42, 9);
    expect(level?.timeLeft(50, t0)).toBeNull();
    expect(level?.timeLeft(42, t0)).toEqual({ at: t0, earliest: t0, latest: t0 });
  });

  it('past the threshold it looks for the next crossing (as Zabbix), and none past the horizon', () => {
    const rising = series(50, hour, (_t, i) => i);
    const f = forecastSeries(rising);
    expect(f?.timeLeft(10, t0 + 49 * hour)).toBeNull();
    expect(f?.timeLeft(1000, t0 + 49 * hour, 100 * hour)).toBeNull();
    expect(f?.timeLeft(1000, t0 + 49 * hour, 1000 * hour)?.at).toBeCloseTo(t0 + 1000 * hour, -4);
  });

  it('picks the exponential fit for exponential growth', () => {
    const gauss = noise(11);
    const grow = series(240, hour, (_t, i) => 10 * Math.exp(i / 60) * (1 + 0.01 * gauss()));
    const f = forecastSeries(grow);
    expect(f?.fit).toBe('exponential');
    expect(f?.predict(t0 + 300 * hour).value).toBeGreaterThan(10 * Math.exp(300 / 60) * 0.9);
  });

  it('picks the logarithmic, power and quadratic fits for their curves', () => {
    const gauss = noise(5);
    expect(forecastSeries(series(300, hour, (_t, i) => 5 + 3 * Math.log(i + 1) + 0.05 * gauss()))?.fit).toBe(
      'logarithmic',
    );
    expect(forecastSeries(series(300, hour, (_t, i) => 2 * (i + 1) ** 1.5 * (1 + 0.01 * gauss())))?.fit).toBe(
      'power',
    );
    expect(forecastSeries(series(300, hour, (_t, i) => 0.01 * i * i - 2 * i + gauss()))?.fit).toBe(
      'polynomial2',
    );
  });

  it('picks the seasonal fit for a daily sine on a trend, and forecasts its peaks', () => {
    const gauss = noise(3);
    const shape = (t: number) => 50 + (t - t0) / day + 10 * Math.sin((2 * Math.PI * (t % day)) / day);
    const load = series(14 * 96, 15 * 60_000, (t) => shape(t) + gauss());
    const f = forecastSeries(load);
    expect(f?.fit).toBe('seasonal');
    const peak = t0 + 16 * day + 6 * hour;
    const trough = t0 + 16 * day + 18 * hour;
    expect(f?.predict(peak).value).toBeCloseTo(shape(peak), 0);
    expect(f?.predict(trough).value).toBeCloseTo(shape(trough), 0);
    // 78 is first reached at the peak of day 18 (68.25 + 10), not at the trend's crossing on day 28.
    const crossing = f?.timeLeft(78, load[load.length - 1].t);
    expect(((crossing?.at ?? 0) - t0) / day).toBeGreaterThan(17.5);
    expect(((crossing?.at ?? 0) - t0) / day).toBeLessThan(19.5);
  });

  it('a line’s crossings solved in closed form are the scan’s, to the millisecond, for each fit and direction', () => {
    const gauss = noise(17);
    const curves: [string, (i: number) => number][] = [
      ['linear', (i) => 100 + 0.8 * i + 2 * gauss()],
      ['exponential', (i) => 10 * Math.exp(i / 300) * (1 + 0.01 * gauss())],
      ['logarithmic', (i) => 5 + 3 * Math.log(i + 1) + 0.05 * gauss()],
      ['power', (i) => 2 * (i + 1) ** 1.5 * (1 + 0.01 * gauss())],
      ['linear', (i) => 900 - 0.5 * i + gauss()],
    ];
    let compared = 0;
    for (const [fit, f] of curves) {
      const points = series(400, hour, (_t, i) => f(i));
      const solved = forecastSeries(points, { fits: [fit as 'linear'] });
      const scanned = forecastSeries(points, { fits: [fit as 'linear'], crossings: 'scan' });
      expect(solved?.fit).toBe(fit);
      const last = points[points.length - 1];
      for (const threshold of [last.v * 1.5, last.v * 3, last.v * 0.5, last.v + 1, points[0].v]) {
        for (const horizon of [undefined, 30 * day, 3 * 365 * day]) {
          const a = solved?.timeLeft(threshold, last.t, horizon) ?? null;
          const b = scanned?.timeLeft(threshold, last.t, horizon) ?? null;
          expect(a === null).toBe(b === null);
          if (!a || !b) continue;
          compared++;
          for (const k of ['at', 'earliest', 'latest'] as const) {
            if (!Number.isFinite(b[k])) expect(a[k]).toBe(b[k]);
            else expect(Math.abs(a[k] - b[k])).toBeLessThanOrEqual(1);
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('closed-form crossings agree with the scan on random lines and thresholds (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0.01, max: 20, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        (slope, spread, offset, seed) => {
          const gauss = noise(seed);
          const points = series(200, hour, (_t, i) => 100 + slope * i + spread * gauss());
          const solved = forecastSeries(points, { fits: ['linear'] });
          const scanned = forecastSeries(points, { fits: ['linear'], crossings: 'scan' });
          const from = points[points.length - 1].t;
          const a = solved?.timeLeft(100 + offset, from) ?? null;
          const b = scanned?.timeLeft(100 + offset, from) ?? null;
          expect(a === null).toBe(b === null);
          if (!a || !b) return;
          for (const k of ['at', 'earliest', 'latest'] as const) {
            if (!Number.isFinite(b[k])) expect(a[k]).toBe(b[k]);
            else expect(Math.abs(a[k] - b[k])).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a long history is fitted on slice means: the same fit and crossing as its hourly means, the band from every sample', () => {
    const gauss = noise(23);
    // 30 days of a disk filling 1 % a day, at 1-minute steps (43,200 samples) and as hourly means.
    const minute = 60_000;
    const count = 30 * 24 * 60;
    const ts = new Float64Array(count);
    const vs = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      ts[i] = t0 + i * minute;
      vs[i] = 40 + i / (24 * 60) + 0.5 * gauss();
    }
    const hourlyT = new Float64Array(count / 60);
    const hourlyV = new Float64Array(count / 60);
    for (let h = 0; h < count / 60; h++) {
      let st = 0;
      let sv = 0;
      for (let i = h * 60; i < h * 60 + 60; i++) {
        st += ts[i];
        sv += vs[i];
      }
      hourlyT[h] = st / 60;
      hourlyV[h] = sv / 60;
    }
    const copies = [ts.slice(), vs.slice()];
    const long = forecastSamples(ts, vs);
    const hourly = forecastSamples(hourlyT, hourlyV);
    expect(long?.fit).toBe('linear');
    expect(hourly?.fit).toBe('linear');
    const from = ts[count - 1];
    const a = long?.timeLeft(90, from);
    const b = hourly?.timeLeft(90, from);
    // 90 % is reached 20 days after the last sample.
    expect(Math.abs((a?.at ?? 0) - (from + 20 * day))).toBeLessThan(6 * hour);
    expect(Math.abs((a?.at ?? 0) - (b?.at ?? 0))).toBeLessThan(hour);
    // The band is the samples' own spread (0.5), not the hourly means' (0.5 / √60).
    const r = long?.predict(from + day);
    expect(((r?.upper ?? 0) - (r?.lower ?? 0)) / 2).toBeGreaterThan(0.9);
    expect(((r?.upper ?? 0) - (r?.lower ?? 0)) / 2).toBeLessThan(1.1);
    // And the caller's arrays are read, not changed.
    expect([ts, vs]).toEqual(copies);
  });

  it('the 95 % band covers about 95 % of held-out noisy samples, and widens with the horizon', () => {
    const gauss = noise(42);
    const all = series(1200, hour, (_t, i) => 20 + 0.05 * i + 2 * gauss());
    const f = forecastSeries(all.slice(0, 1000), { level: 0.95 });
    let inside = 0;
    for (const p of all.slice(1000)) {
      const r = f?.predict(p.t);
      if (r && p.v >= r.lower && p.v <= r.upper) inside++;
    }
    expect(inside / 200).toBeGreaterThan(0.9);
    expect(inside / 200).toBeLessThan(0.995);
    const near = f?.predict(t0 + 1000 * hour);
    const far = f?.predict(t0 + 5000 * hour);
    expect((far?.upper ?? 0) - (far?.lower ?? 0)).toBeGreaterThan((near?.upper ?? 0) - (near?.lower ?? 0));
    const narrow = forecastSeries(all.slice(0, 1000), { level: 0.5 })?.predict(t0 + 1000 * hour);
    expect((narrow?.upper ?? 0) - (narrow?.lower ?? 0)).toBeLessThan((near?.upper ?? 0) - (near?.lower ?? 0));
  });

  it('keeps to the fits asked for, and answers null when none applies', () => {
    const grow = series(100, hour, (_t, i) => 10 + i);
    expect(forecastSeries(grow, { fits: ['polynomial3'] })?.fit).toBe('polynomial3');
    const negative = series(100, hour, (_t, i) => -10 - i);
    expect(forecastSeries(negative, { fits: ['exponential', 'power'] })).toBeNull();
    expect(forecastSeries(negative, { fits: ['exponential', 'linear'] })?.fit).toBe('linear');
  });

  it('answers null for too few samples or one instant, and a level for a constant series', () => {
    expect(forecastSeries([])).toBeNull();
    expect(
      forecastSeries([
        { t: 1, v: 1 },
        { t: 2, v: 2 },
      ]),
    ).toBeNull();
    expect(
      forecastSeries([
        { t: 5, v: 1 },
        { t: 5, v: 2 },
        { t: 5, v: 3 },
      ]),
    ).toBeNull();
    const three = forecastSeries([
      { t: 1, v: 1 },
      { t: 2, v: 2 },
      { t: 3, v: 3 },
    ]);
    expect(three?.fit).toBe('linear');
    expect(Number.isFinite(three?.predict(10).value)).toBe(true);
  });

  it('never answers NaN nor throws on any finite input (fast-check)', () => {
    const point = fc.record({
      t: fc.oneof(fc.integer({ min: -1e13, max: 1e13 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
      v: fc.oneof(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      ),
    });
    fc.assert(
      fc.property(
        fc.array(point, { maxLength: 60 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (points, at, threshold) => {
          const f = forecastSeries(points);
          if (f === null) return;
          for (const t of [at, points[0]?.t ?? 0, (points[points.length - 1]?.t ?? 0) + 1e9]) {
            const r = f.predict(t);
            expect(Number.isNaN(r.value) || Number.isNaN(r.lower) || Number.isNaN(r.upper)).toBe(false);
            expect(r.lower).toBeLessThanOrEqual(r.upper);
          }
          expect(Number.isNaN(f.error)).toBe(false);
          const crossing = f.timeLeft(threshold, at);
          if (crossing) {
            expect(Number.isNaN(crossing.at + crossing.earliest)).toBe(false);
            expect(crossing.earliest).toBeLessThanOrEqual(crossing.at);
            expect(crossing.latest).toBeGreaterThanOrEqual(crossing.at);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles smooth random walks of realistic sizes with every fit (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 12, maxLength: 400 }),
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        (steps, base) => {
          let v = base;
          const points = steps.map((d, i) => {
            v += d;
            return { t: t0 + i * 300_000, v };
          });
          const f = forecastSeries(points);
          expect(f).not.toBeNull();
          const r = f?.predict(t0 + 1000 * 300_000);
          expect(Number.isNaN(r?.value)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
