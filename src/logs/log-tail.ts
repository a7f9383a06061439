// The live tail's source: one poller per instance reads the records table by id cursor while anyone tails, and
// hands each new record to the subscribers whose filter it matches. Reading the shared table (not an event bus)
// is what makes records written by any instance reach every instance's tail. On PostgreSQL ids are taken at
// insert and become visible at commit, so a smaller id can appear after a larger one: the cursor stops at the
// first missing id and waits for it (gapWaitMs), and a gap that stays (a rolled-back batch) is then passed.
import type { ServiceContext } from '../core/context.js';
import type { LogFilter, LogRecordView } from './log-search.js';
import { logsAfter, parseLogQuery } from './log-search.js';

export interface TailOptions {
  /** How often the table is read while someone tails. */
  intervalMs?: number;
  /** How long a missing id holds the cursor before it is taken for a rolled-back insert. */
  gapWaitMs?: number;
  /** Rows read per poll at most (a burst is read in several polls, back to back). */
  rowsPerPoll?: number;
}

export interface TailSubscriber {
  filter: LogFilter;
  /** Called with the matching records of a poll, oldest first. */
  send(records: LogRecordView[]): void;
}

interface Subscription {
  subscriber: TailSubscriber;
  after: number;
  /** Lower-cased query terms, each to be found in the message. */
  terms: string[];
}

/** Does a record pass a filter (the same filter search applies in SQL)? */
function matches(s: Subscription, r: LogRecordView & { rawTemplateId: string }): boolean {
  const f = s.subscriber.filter;
  if (f.hosts?.length && (r.host === null || !f.hosts.includes(r.host))) return false;
  if (f.apps?.length && (r.app === null || !f.apps.includes(r.app))) return false;
  if (f.severities && !f.severities.includes(r.severity as never)) return false;
  if (f.from !== undefined && r.time < f.from) return false;
  if (f.to !== undefined && r.time >= f.to) return false;
  if (f.templateId !== undefined && r.templateId !== f.templateId && r.rawTemplateId !== f.templateId)
    return false;
  if (f.targetId !== undefined && r.targetId !== f.targetId) return false;
  if (s.terms.length > 0) {
    const text = r.message.toLowerCase();
    for (const t of s.terms) if (!text.includes(t)) return false;
  }
  return true;
}

export class LogTail {
  private readonly subscriptions = new Set<Subscription>();
  /** Every id at or below it has been handled. */
  private floor: number | null = null;
  /** Ids above the floor already handled (read past a gap). */
  private readonly handled = new Set<number>();
  private stuckSince: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private starting: Promise<void> | null = null;
  private readonly intervalMs: number;
  private readonly gapWaitMs: number;
  private readonly rowsPerPoll: number;

  constructor(
    private readonly ctx: ServiceContext,
    options: TailOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 300;
    this.gapWaitMs = options.gapWaitMs ?? 5_000;
    this.rowsPerPoll = options.rowsPerPoll ?? 2_000;
  }

  /** Records stored after this call that match the filter go to `send`; the returned function ends it. */
  async subscribe(subscriber: TailSubscriber): Promise<() => void> {
    const terms = subscriber.filter.q ? parseLogQuery(subscriber.filter.q).map((t) => t.toLowerCase()) : [];
    if (this.floor === null) {
      this.starting ??= (async () => {
        const top = await this.ctx.db
          .selectFrom('log_records')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirst();
        this.floor = Number(top?.id ?? 0);
      })().finally(() => {
        this.starting = null;
      });
      await this.starting;
    }
    const after = Math.max(this.floor ?? 0, ...this.handled);
    const s: Subscription = { subscriber, after, terms };
    this.subscriptions.add(s);
    this.arm();
    return () => {
      this.subscriptions.delete(s);
      if (this.subscriptions.size === 0) this.stop();
    };
  }

  get size(): number {
    return this.subscriptions.size;
  }

  /** Stop polling; the cursor is read anew when someone tails again. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.floor = null;
    this.handled.clear();
    this.stuckSince = null;
  }

  /** Wait for a poll in progress (shutdown). */
  async idle(): Promise<void> {
    await this.polling;
  }

  private arm(delay = this.intervalMs): void {
    if (this.timer || this.subscriptions.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.polling = this.poll()
        .then((full) => {
          this.polling = null;
          this.arm(full ? 0 : this.intervalMs);
        })
        .catch((err) => {
          this.polling = null;
          this.ctx.log.error({ err }, 'log tail: a poll failed');
          this.arm();
        }) as Promise<void>;
    }, delay);
    this.timer.unref();
  }

  /** One read; true when it read a full page (more may be waiting). */
  async poll(): Promise<boolean> {
    if (this.floor === null || this.subscriptions.size === 0) return false;
    const rows = await logsAfter(this.ctx, this.floor, this.rowsPerPoll);
    const fresh = rows.filter((r) => !this.handled.has(r.id));
    if (fresh.length > 0) {
      for (const s of this.subscriptions) {
        const mine = fresh.filter((r) => r.id > s.after && matches(s, r));
        if (mine.length > 0) s.subscriber.send(mine.map(({ rawTemplateId: _, ...view }) => view));
      }
      for (const r of fresh) this.handled.add(r.id);
    }
    this.advance();
    return rows.length === this.rowsPerPoll && fresh.length > 0;
  }

  private advance(): void {
    if (this.floor === null) return;
    while (this.handled.has(this.floor + 1)) {
      this.floor += 1;
      this.handled.delete(this.floor);
    }
    if (this.handled.size === 0) {
      this.stuckSince = null;
      return;
    }
    // Ids above a missing one are here: wait for it a while, then take it for lost (rolled back).
    const now = Date.now();
    this.stuckSince ??= now;
    if (now - this.stuckSince >= this.gapWaitMs) {
      this.floor = Math.min(...this.handled) - 1;
      this.stuckSince = null;
      this.advance();
    }
  }
}
