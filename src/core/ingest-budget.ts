// The budget of one ingest channel (remote-write, the log endpoint, alert intake, SMTP): at most maxInFlight
// requests being read and stored at once and maxQueued waiting for a slot; past both the request is shed, and the
// edge says so in its protocol (HTTP 429 with Retry-After, SMTP 451). Each channel has its own, and periodic work
// (paging, SLA clocks) is not under any, so a flooded channel slows only itself. Held per listener, never global.

/** Gives the slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

/** What a budget has admitted and refused since it was made, and how full it is now. */
export interface IngestBudgetStats {
  channel: string;
  maxInFlight: number;
  maxQueued: number;
  inFlight: number;
  queued: number;
  /** Requests that got a slot (at once or after waiting). */
  admitted: number;
  /** Requests refused because the slots and the queue were full. */
  shed: number;
  /** Requests that left the queue before their turn (the client went away). */
  abandoned: number;
  peakInFlight: number;
  peakQueued: number;
}

interface Waiter {
  grant: (release: ReleaseSlot) => void;
}

export class IngestBudget {
  private inFlight = 0;
  private readonly waiting: Waiter[] = [];
  private admitted = 0;
  private shed = 0;
  private abandoned = 0;
  private peakInFlight = 0;
  private peakQueued = 0;

  constructor(
    readonly channel: string,
    readonly maxInFlight: number,
    readonly maxQueued: number,
  ) {
    if (!(maxInFlight >= 1) || !(maxQueued >= 0))
      throw new Error(`ingest budget ${channel}: needs maxInFlight ≥ 1 and maxQueued ≥ 0`);
  }

  /**
   * A slot now, a promise of one when the queue has room, or null: shed. A caller that stops waiting (its client
   * went away) calls the returned `abandon`, so a queue of departed clients cannot hold the channel shut.
   */
  enter(): { slot: ReleaseSlot } | { wait: Promise<ReleaseSlot>; abandon: () => void } | null {
    if (this.inFlight < this.maxInFlight && this.waiting.length === 0) return { slot: this.take() };
    if (this.waiting.length >= this.maxQueued) {
      this.shed++;
      return null;
    }
    let waiter!: Waiter;
    const wait = new Promise<ReleaseSlot>((resolve) => {
      waiter = { grant: resolve };
    });
    this.waiting.push(waiter);
    this.peakQueued = Math.max(this.peakQueued, this.waiting.length);
    const abandon = () => {
      const at = this.waiting.indexOf(waiter);
      if (at < 0) return;
      this.waiting.splice(at, 1);
      this.abandoned++;
    };
    return { wait, abandon };
  }

  /** Whether a request arriving now would be shed. */
  full(): boolean {
    return this.inFlight >= this.maxInFlight && this.waiting.length >= this.maxQueued;
  }

  /** Count a request refused early because the budget was full (HTTP before authentication, SMTP at MAIL FROM). */
  countShed(): void {
    this.shed++;
  }

  stats(): IngestBudgetStats {
    return {
      channel: this.channel,
      maxInFlight: this.maxInFlight,
      maxQueued: this.maxQueued,
      inFlight: this.inFlight,
      queued: this.waiting.length,
      admitted: this.admitted,
      shed: this.shed,
      abandoned: this.abandoned,
      peakInFlight: this.peakInFlight,
      peakQueued: this.peakQueued,
    };
  }

  private take(): ReleaseSlot {
    this.inFlight++;
    this.admitted++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      const next = this.waiting.shift();
      if (next) next.grant(this.take());
    };
  }
}
