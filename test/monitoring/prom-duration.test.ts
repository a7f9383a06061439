// Prometheus's duration text, read once for PromQL, the query API's step and the alert routing document.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { promDurationMs } from '../../src/monitoring/index.js';

describe('promDurationMs', () => {
  it('reads units largest first, each once, as Prometheus does', () => {
    expect(promDurationMs('30s')).toBe(30_000);
    expect(promDurationMs('1h30m')).toBe(5_400_000);
    expect(promDurationMs('1y2w3d4h5m6s7ms')).toBe(
      365 * 86_400_000 + 2 * 604_800_000 + 3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6_000 + 7,
    );
    for (const bad of ['', '5m1h', '1h1h', '1.5m', '-1s', '10', 'm', '1H'])
      expect(promDurationMs(bad)).toBeNull();
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const ms = promDurationMs(s);
        expect(ms === null || (Number.isInteger(ms) && ms >= 0)).toBe(true);
      }),
    );
  });
});
