// Work that must keep its pace goes first in the process. Paging (the escalation engine's passes, the delivery
// worker's) and SLA clocks run as "foreground" work; ingest (the log writer's batches, an HTTP ingest request
// before its body is read, SMTP before a message is stored) yields to it at each of its steps: while foreground
// work runs, the next ingest step waits until it ends. Ingest budgets bound what is in progress, so a paused step
// holds a bounded amount; a step never waits more than maxYieldMs at once, so back-to-back foreground work slows
// ingest but cannot starve it. One per process (the event loop is what they share), held by the context.

export interface ForegroundWorkStats {
  /** Foreground work running now. */
  running: number;
  /** Ingest steps waiting for it now. */
  waiting: number;
  /** Ingest steps that waited since start, and for how long in all. */
  yielded: number;
  yieldedMs: number;
  /** Steps that went on because they had waited maxYieldMs. */
  timedOut: number;
}

/** The longest an ingest step waits for foreground work at once (the service's default). */
export const foregroundMaxYieldMs = 250;

export class ForegroundWork {
  private running = 0;
  private readonly waiters = new Set<() => void>();
  private yielded = 0;
  private yieldedMs = 0;
  private timedOut = 0;

  constructor(
    readonly maxYieldMs: number = foregroundMaxYieldMs,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(maxYieldMs > 0)) throw new Error('foreground work: maxYieldMs must be positive');
  }

  /** Run work that must keep its pace; ingest steps that come meanwhile wait for it (nesting is fine). */
  async run<T>(work: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      if (this.running === 0) for (const wake of [...this.waiters]) wake();
    }
  }

  /**
   * An ingest step's turn: at once when no foreground work runs, else when it has all ended or maxYieldMs has
   * passed, whichever is first.
   */
  async yieldTo(): Promise<void> {
    if (this.running === 0) return;
    const started = this.now();
    this.yielded++;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(() => {
        this.timedOut++;
        wake();
      }, this.maxYieldMs);
      this.waiters.add(wake);
    });
    this.yieldedMs += this.now() - started;
  }

  stats(): ForegroundWorkStats {
    return {
      running: this.running,
      waiting: this.waiters.size,
      yielded: this.yielded,
      yieldedMs: Math.round(this.yieldedMs),
      timedOut: this.timedOut,
    };
  }
}
