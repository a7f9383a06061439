// Periodic work behind one API. In-process timers: on SQLite the service is one process; on PostgreSQL
// each job guards itself with row locks (SKIP LOCKED), so several instances never do the same row twice.
import type { Logger } from 'pino';

interface Job {
  name: string;
  intervalMs: number;
  run: () => Promise<unknown>;
  timer: NodeJS.Timeout | null;
  running: Promise<unknown> | null;
}

export class JobScheduler {
  private readonly jobs: Job[] = [];
  private readonly stopHooks: (() => Promise<unknown>)[] = [];
  private started = false;

  constructor(private readonly log: Logger) {}

  every(name: string, intervalMs: number, run: () => Promise<unknown>): void {
    const job: Job = { name, intervalMs, run, timer: null, running: null };
    this.jobs.push(job);
    if (this.started) this.arm(job);
  }

  /**
   * Work to finish when the scheduler stops: a runner's pass started by a nudge rather than by a job (an incident
   * opened, a ticket arrived) must not be cut off by the shutdown that closes the database.
   */
  onStop(hook: () => Promise<unknown>): void {
    this.stopHooks.push(hook);
  }

  /** The registered jobs' names, in registration order. */
  names(): string[] {
    return this.jobs.map((j) => j.name);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const job of this.jobs) this.arm(job);
  }

  private arm(job: Job): void {
    job.timer = setTimeout(async () => {
      job.running = job.run().catch((err) => this.log.error({ err, job: job.name }, 'job failed'));
      await job.running;
      job.running = null;
      if (this.started) this.arm(job);
    }, job.intervalMs);
    job.timer.unref();
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const job of this.jobs) {
      if (job.timer) clearTimeout(job.timer);
      job.timer = null;
    }
    await Promise.all([...this.jobs.map((j) => j.running), ...this.stopHooks.map((hook) => hook())]);
  }
}

/**
 * The delivery pipeline's worker as the rest of the service reaches it through the context (ctx.deliveries):
 * made by notify's register (src/notify/delivery-worker.ts); a context without one only queues deliveries.
 */
export interface DeliveryQueue {
  /** Deliver soon, once what the caller wrote has committed. */
  nudge(): void;
  /** No more passes; connections closed. */
  close(): void;
}
