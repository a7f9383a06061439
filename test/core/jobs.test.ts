// The job scheduler's shutdown: it waits for the jobs' passes and for work a runner started outside a job (a pass
// nudged by an event), so the database is not closed under a pass still writing.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { JobScheduler } from '../../src/core/jobs.js';

describe('JobScheduler.stop', () => {
  it('waits for the stop hooks of runners, and runs no job after it', async () => {
    const jobs = new JobScheduler(pino({ level: 'silent' }));
    const done: string[] = [];
    let release: () => void = () => {};
    const nudgedPass = new Promise<void>((resolve) => {
      release = resolve;
    }).then(() => done.push('nudged pass'));
    jobs.onStop(() => nudgedPass);
    let runs = 0;
    jobs.every('count', 1, async () => {
      runs++;
    });
    jobs.start();
    await new Promise((r) => setTimeout(r, 20));
    const stopped = jobs.stop().then(() => done.push('stopped'));
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toEqual([]);
    release();
    await stopped;
    expect(done).toEqual(['nudged pass', 'stopped']);
    const after = runs;
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toBe(after);
    expect(after).toBeGreaterThan(0);
  });
});
