// Foreground work (paging, SLA clocks) goes first: an ingest step that comes while it runs waits until it ends, or
// at most maxYieldMs; with none running, a step goes at once. On a real SQLite file, the log writer's batch waits
// for an escalation pass in progress and is stored right after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForegroundWork } from '../../src/core/foreground-work.js';
import { openLogIngest } from '../../src/logs/index.js';
import { makeContext, type TestContext } from '../support/context.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('foreground work', () => {
  it('lets an ingest step go at once when nothing runs', async () => {
    const work = new ForegroundWork(1_000);
    const t0 = performance.now();
    await work.yieldTo();
    expect(performance.now() - t0).toBeLessThan(50);
    expect(work.stats()).toMatchObject({ running: 0, waiting: 0, yielded: 0 });
  });

  it('holds ingest steps until every foreground run (nested ones too) has ended', async () => {
    const work = new ForegroundWork(60_000);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const outer = work.run(async () => {
      await work.run(async () => {
        order.push('inner');
      });
      await gate;
      order.push('outer');
      return 42;
    });
    const steps = [1, 2, 3].map((n) => work.yieldTo().then(() => order.push(`step ${n}`)));
    await sleep(30);
    expect(work.stats()).toMatchObject({ running: 1, waiting: 3, yielded: 3 });
    expect(order).toEqual(['inner']);
    release();
    expect(await outer).toBe(42);
    await Promise.all(steps);
    expect(order).toEqual(['inner', 'outer', 'step 1', 'step 2', 'step 3']);
    expect(work.stats()).toMatchObject({ running: 0, waiting: 0, timedOut: 0 });
  });

  it('lets a step go after maxYieldMs, so back-to-back foreground work cannot starve ingest', async () => {
    const work = new ForegroundWork(40);
    let stop = false;
    const busy = work.run(async () => {
      while (!stop) await sleep(5);
    });
    const t0 = performance.now();
    await work.yieldTo();
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(35);
    expect(work.stats()).toMatchObject({ running: 1, waiting: 0, yielded: 1, timedOut: 1 });
    stop = true;
    await busy;
  });

  it('releases its waiters when foreground work fails', async () => {
    const work = new ForegroundWork(60_000);
    const failing = work.run(async () => {
      await sleep(20);
      throw new Error('pass failed');
    });
    const step = work.yieldTo();
    await expect(failing).rejects.toThrow('pass failed');
    await step;
    expect(work.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('refuses a bound that is not positive', () => {
    expect(() => new ForegroundWork(0)).toThrow(/maxYieldMs/);
  });
});

describe('the log writer yields to foreground work (SQLite file)', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeContext('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores a batch appended during a pass only after the pass', async () => {
    const foreground = new ForegroundWork(60_000);
    const ctx = { ...t.ctx, foreground };
    const ingest = openLogIngest(ctx);
    const at = t.ctx.clock.now();
    const stored = async () =>
      Number(
        (
          await ctx.db
            .selectFrom('log_records')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    let storedDuringPass = -1;
    let appended!: Promise<void>;
    await foreground.run(async () => {
      appended = ingest.append([
        {
          time: at,
          receivedAt: at,
          host: 'web-01',
          app: 'nginx',
          procId: null,
          msgId: null,
          severity: 3,
          facility: 1,
          message: 'upstream timed out while paging ran',
          structuredData: null,
          source: 'http',
          peer: 'test',
          truncated: false,
        },
      ]);
      await sleep(150);
      storedDuringPass = await stored();
    });
    await appended;
    expect(storedDuringPass).toBe(0);
    expect(await stored()).toBe(1);
    expect(foreground.stats()).toMatchObject({ yielded: 1, timedOut: 0 });
    await ingest.close();
  });
});
