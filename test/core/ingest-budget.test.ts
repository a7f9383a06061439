// An ingest channel's budget: slots at once, then a bounded queue served in arrival order, then shed; a slot given
// back twice counts once; a waiter that leaves frees its place. A property: whatever the order of arrivals,
// departures and releases, in-flight never passes its maximum, the queue never passes its own, and every request
// is admitted, shed or abandoned exactly once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IngestBudget, type ReleaseSlot } from '../../src/core/ingest-budget.js';

describe('IngestBudget', () => {
  it('gives slots, then queues in arrival order, then sheds; a release hands the slot to the first waiter', async () => {
    const budget = new IngestBudget('logs', 2, 2);
    const a = budget.enter();
    const b = budget.enter();
    expect(a && 'slot' in a).toBe(true);
    expect(b && 'slot' in b).toBe(true);
    const c = budget.enter();
    const d = budget.enter();
    expect(c && 'wait' in c).toBe(true);
    expect(d && 'wait' in d).toBe(true);
    expect(budget.full()).toBe(true);
    expect(budget.enter()).toBeNull();
    expect(budget.stats()).toMatchObject({ inFlight: 2, queued: 2, admitted: 2, shed: 1 });

    const order: string[] = [];
    if (c && 'wait' in c) void c.wait.then(() => order.push('c'));
    if (d && 'wait' in d) void d.wait.then(() => order.push('d'));
    if (a && 'slot' in a) {
      a.slot();
      a.slot(); // a second release does nothing
    }
    await Promise.resolve();
    expect(order).toEqual(['c']);
    expect(budget.stats()).toMatchObject({ inFlight: 2, queued: 1, admitted: 3 });
    if (b && 'slot' in b) b.slot();
    await Promise.resolve();
    expect(order).toEqual(['c', 'd']);
    expect(budget.stats()).toMatchObject({
      inFlight: 2,
      queued: 0,
      admitted: 4,
      peakInFlight: 2,
      peakQueued: 2,
    });
  });

  it('a waiter that leaves frees its place and is never granted', async () => {
    const budget = new IngestBudget('smtp', 1, 1);
    const first = budget.enter();
    const waiter = budget.enter();
    if (!first || !('slot' in first) || !waiter || !('wait' in waiter)) throw new Error('unexpected');
    waiter.abandon();
    expect(budget.stats()).toMatchObject({ queued: 0, abandoned: 1 });
    let granted = false;
    void waiter.wait.then(() => {
      granted = true;
    });
    first.slot();
    await Promise.resolve();
    expect(granted).toBe(false);
    expect(budget.stats().inFlight).toBe(0);
  });

  it('never passes its bounds, and accounts for every request once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.constantFrom('arrive', 'release', 'leave'), { maxLength: 60 }),
        (maxInFlight, maxQueued, steps) => {
          const budget = new IngestBudget('x', maxInFlight, maxQueued);
          const holding: ReleaseSlot[] = [];
          const waiting: (() => void)[] = [];
          let arrivals = 0;
          for (const step of steps) {
            if (step === 'arrive') {
              arrivals++;
              const e = budget.enter();
              if (e && 'slot' in e) holding.push(e.slot);
              else if (e) {
                // A grant arrives as a resolved promise; the test takes it synchronously through the release.
                void e.wait.then((release) => holding.push(release));
                waiting.push(e.abandon);
              }
            } else if (step === 'release') holding.shift()?.();
            else waiting.shift()?.();
            const s = budget.stats();
            expect(s.inFlight).toBeLessThanOrEqual(maxInFlight);
            expect(s.queued).toBeLessThanOrEqual(maxQueued);
          }
          const s = budget.stats();
          expect(s.admitted + s.shed + s.abandoned + s.queued).toBe(arrivals);
        },
      ),
    );
  });
});
