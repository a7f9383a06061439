// The service's own Prometheus metrics: requests by route and status, request latency, database query
// latency, the event relay's lag and failed deliveries, delivery attempts by channel and reason, and Node's
// process metrics. One registry per app, so tests and benches do not collide.
import client from 'prom-client';
import type { GroupCommitStats } from '../core/db/index.js';
import type { RelayStatus } from '../core/event-dead-letters.js';
import type { ForegroundWork } from '../core/foreground-work.js';
import type { IngestBudget, IngestBudgetStats } from '../core/ingest-budget.js';
import type { DeliveryAttempt } from '../notify/index.js';

export class ServiceMetrics {
  readonly registry = new client.Registry();
  /** Scrapes begun through scrape(): the gauges that share one read per scrape tell scrapes apart by it. */
  private scrapes = 0;
  readonly requests = new client.Counter({
    name: 'opsdesk_http_requests_total',
    help: 'HTTP requests served, by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new client.Histogram({
    name: 'opsdesk_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly dbQueries = new client.Histogram({
    name: 'opsdesk_db_query_duration_seconds',
    help: 'Database query latency',
    labelNames: ['outcome'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });

  readonly deliveryAttempts = new client.Counter({
    name: 'opsdesk_delivery_attempts_total',
    help: 'Delivery attempts (mail, webhook, chat) by channel, the state they left the delivery in, and the failure reason',
    labelNames: ['channel', 'state', 'reason'] as const,
    registers: [this.registry],
  });

  readonly shedRequests = new client.Counter({
    name: 'opsdesk_requests_shed_total',
    help: 'Requests refused under overload, by channel (service: the whole HTTP service; remote_write, logs, alerts: their budgets) and reason (budget, or the threshold passed)',
    labelNames: ['channel', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly ingestBudgets: IngestBudget[] = [];

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) client.collectDefaultMetrics({ register: this.registry, prefix: 'opsdesk_' });
  }

  /** Count one delivery attempt (the delivery worker's observer; reason "" when delivered). */
  readonly observeDelivery = (a: DeliveryAttempt): void => {
    this.deliveryAttempts.inc({ channel: a.channel, state: a.state, reason: a.reason ?? '' });
  };

  /** A counter that follows a running total kept elsewhere (read when scraped). */
  private mirrorCounter(name: string, help: string, read: () => number): void {
    let seen = 0;
    new client.Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        const now = read();
        this.inc(now - seen);
        seen = now;
      },
    });
  }

  /** SQLite's group commit: COMMITs, and the transactions they carried (read when scraped). */
  watchCommits(stats: GroupCommitStats): void {
    this.mirrorCounter(
      'opsdesk_db_commits_total',
      'SQLite COMMITs; each carries a batch of transactions (group commit)',
      () => stats.commits,
    );
    this.mirrorCounter(
      'opsdesk_db_committed_transactions_total',
      'Transactions committed on SQLite (several share a COMMIT under load)',
      () => stats.units,
    );
  }

  /** Ingest steps that waited for foreground work (paging, SLA clocks), and for how long (read when scraped). */
  watchForeground(foreground: ForegroundWork): void {
    this.mirrorCounter(
      'opsdesk_ingest_foreground_waits_total',
      'Ingest steps (a log batch, an HTTP ingest request, an SMTP message) that waited while paging or an SLA cycle ran',
      () => foreground.stats().yielded,
    );
    this.mirrorCounter(
      'opsdesk_ingest_foreground_wait_seconds_total',
      'Time ingest steps spent waiting for paging and SLA cycles',
      () => foreground.stats().yieldedMs / 1000,
    );
    this.mirrorCounter(
      'opsdesk_ingest_foreground_wait_timeouts_total',
      'Ingest steps that went on after their longest wait (250 ms) while foreground work still ran',
      () => foreground.stats().timedOut,
    );
  }

  /** An ingest channel's budget: requests in progress and waiting now, admitted and shed so far (read when scraped). */
  watchIngestBudget(budget: IngestBudget): void {
    this.ingestBudgets.push(budget);
    if (this.ingestBudgets.length > 1) return;
    const budgets = this.ingestBudgets;
    const gauge = (name: string, help: string, pick: (s: IngestBudgetStats) => number) =>
      new client.Gauge({
        name,
        help,
        labelNames: ['channel'] as const,
        registers: [this.registry],
        collect() {
          for (const b of budgets) {
            const s = b.stats();
            this.set({ channel: s.channel }, pick(s));
          }
        },
      });
    gauge(
      'opsdesk_ingest_in_flight',
      'Ingest requests being read and stored now, by channel',
      (s) => s.inFlight,
    );
    gauge(
      'opsdesk_ingest_queued',
      'Ingest requests waiting (unread) for a slot, by channel',
      (s) => s.queued,
    );
    gauge(
      'opsdesk_ingest_admitted',
      'Ingest requests given a slot since the start, by channel',
      (s) => s.admitted,
    );
    gauge(
      'opsdesk_ingest_shed',
      'Ingest requests refused since the start because the channel was full (429, SMTP 421/451), by channel',
      (s) => s.shed,
    );
  }

  /** The registry's metrics in Prometheus' text format: one scrape. */
  scrape(): Promise<string> {
    this.scrapes++;
    return this.registry.metrics();
  }

  /**
   * The outbox relay, read from the database when scraped (so every instance reports the shared state): how
   * far behind it is, and each subscriber's dead-lettered and retrying deliveries. Once per registry.
   */
  watchRelay(read: () => Promise<RelayStatus>): void {
    if (this.registry.getSingleMetric('opsdesk_event_relay_lag_seconds')) return;
    // One read per scrape serves the three gauges, which prom-client collects one after another.
    const status = oneReadPerScrape(() => this.scrapes, read);
    new client.Gauge({
      name: 'opsdesk_event_relay_lag_seconds',
      help: 'Age of the oldest domain event not yet dispatched to subscribers (0 when none waits)',
      registers: [this.registry],
      async collect() {
        this.set((await status()).lagMs / 1000);
      },
    });
    const perSubscriber = (
      name: string,
      help: string,
      pick: (c: { deadLettered: number; retrying: number }) => number,
    ) =>
      new client.Gauge({
        name,
        help,
        labelNames: ['subscriber'] as const,
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const [subscriber, counts] of (await status()).failures)
            this.set({ subscriber }, pick(counts));
        },
      });
    perSubscriber(
      'opsdesk_event_dead_letters',
      'Events set aside for a subscriber after its attempts were spent, until an admin retries them',
      (c) => c.deadLettered,
    );
    perSubscriber(
      'opsdesk_event_retrying',
      'Events a subscriber failed on and that are being retried with backoff',
      (c) => c.retrying,
    );
  }

  observeQuery = (durationMs: number, failed: boolean): void => {
    this.dbQueries.observe({ outcome: failed ? 'error' : 'ok' }, durationMs / 1000);
  };

  /** The logs' ingest on this instance (syslog and HTTP in, the store's writes), read when scraped. Once per registry. */
  watchLogs(read: () => LogIngestStatus): void {
    if (this.registry.getSingleMetric('opsdesk_log_records_received_total')) return;
    const counter = (name: string, help: string, labelNames: string[], fill: (g: client.Gauge) => void) =>
      new client.Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        collect() {
          this.reset();
          fill(this);
        },
      });
    counter(
      'opsdesk_log_records_received_total',
      'Log records taken in since start, by source (counter semantics)',
      ['source'],
      (g) => {
        for (const [source, n] of Object.entries(read().received)) g.set({ source }, n);
      },
    );
    counter(
      'opsdesk_log_records_rejected_total',
      'Log messages, frames, connections or payloads refused since start, by source and reason (counter semantics)',
      ['source', 'reason'],
      (g) => {
        for (const r of read().rejected) g.set({ source: r.source, reason: r.reason }, r.count);
      },
    );
    counter(
      'opsdesk_log_records_stored_total',
      'Log records the store committed since start (counter semantics)',
      [],
      (g) => g.set(read().stored),
    );
    counter(
      'opsdesk_log_records_store_failed_total',
      'Log records whose batch the store could not commit (their senders were refused) (counter semantics)',
      [],
      (g) => g.set(read().storeFailed),
    );
    counter('opsdesk_syslog_connections_open', 'Syslog TCP and TLS connections open now', [], (g) =>
      g.set(read().syslogConnectionsOpen),
    );
  }

  /**
   * Monitoring's ingest on this instance, read when scraped: series the store holds, samples stored by source kind,
   * samples refused by source kind and reason (the counted reasons of every ingest path). Once per registry.
   */
  /**
   * Inventory agents' submissions on this instance, read when scraped: taken by outcome (prolog, created,
   * updated) and refused by reason (the error code). Once per registry.
   */
  watchInventory(read: () => InventoryIngestStatus): void {
    if (this.registry.getSingleMetric('opsdesk_inventory_submissions_total')) return;
    new client.Gauge({
      name: 'opsdesk_inventory_submissions_total',
      help: 'Inventory agent submissions taken by this instance since start, by outcome (counter semantics)',
      labelNames: ['outcome'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [outcome, n] of Object.entries(read().accepted)) this.set({ outcome }, n);
      },
    });
    new client.Gauge({
      name: 'opsdesk_inventory_refused_total',
      help: 'Inventory agent submissions refused by this instance since start, by reason (counter semantics)',
      labelNames: ['reason'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(read().refused)) this.set({ reason }, n);
      },
    });
  }

  watchMonitoring(read: () => Promise<MonitoringIngestStatus>): void {
    if (this.registry.getSingleMetric('opsdesk_metric_series')) return;
    const status = oneReadPerScrape(() => this.scrapes, read);
    new client.Gauge({
      name: 'opsdesk_metric_series',
      help: 'Series the metric store holds (known to this instance)',
      registers: [this.registry],
      async collect() {
        this.set((await status()).series);
      },
    });
    new client.Gauge({
      name: 'opsdesk_metric_samples_stored_total',
      help: 'Samples stored by this instance since start, by source kind (counter semantics)',
      labelNames: ['source'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [source, n] of Object.entries((await status()).stored)) this.set({ source }, n);
      },
    });
    new client.Gauge({
      name: 'opsdesk_metric_samples_rejected_total',
      help: 'Samples (or whole payloads) refused by this instance since start, by source kind and reason (counter semantics)',
      labelNames: ['source', 'reason'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const r of (await status()).rejected) this.set({ source: r.source, reason: r.reason }, r.count);
      },
    });
    // Forwarding to an external store (README, Forwarding metrics): present when OPSDESK_METRICS_FORWARD_URL is set.
    new client.Gauge({
      name: 'opsdesk_metrics_forward_sent_samples_total',
      help: 'Samples this instance forwarded to the external store since start (counter semantics)',
      registers: [this.registry],
      async collect() {
        this.reset();
        const f = (await status()).forward;
        if (f) this.set(f.sentSamples);
      },
    });
    new client.Gauge({
      name: 'opsdesk_metrics_forward_dropped_samples_total',
      help: 'Samples dropped from forwarding by this instance since start, by reason: refused (a 4xx for good) or queue_full (counter semantics)',
      labelNames: ['reason'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const f = (await status()).forward;
        if (f) for (const [reason, n] of Object.entries(f.droppedSamples)) this.set({ reason }, n);
      },
    });
    new client.Gauge({
      name: 'opsdesk_metrics_forward_failed_sends_total',
      help: 'Forward requests that failed and are retried (5xx, 429, network, timeout) on this instance since start (counter semantics)',
      registers: [this.registry],
      async collect() {
        this.reset();
        const f = (await status()).forward;
        if (f) this.set(f.failedSends);
      },
    });
    new client.Gauge({
      name: 'opsdesk_metrics_forward_queue_samples',
      help: 'Samples waiting in the forward queue (all instances)',
      registers: [this.registry],
      async collect() {
        this.reset();
        const f = (await status()).forward;
        if (f) this.set(f.queuedSamples);
      },
    });
  }
}

export interface LogIngestStatus {
  /** Records taken in by source (syslog, http). */
  received: Record<string, number>;
  rejected: { source: string; reason: string; count: number }[];
  /** Records the store committed, and those whose batch failed (their senders were told). */
  stored: number;
  storeFailed: number;
  syslogConnectionsOpen: number;
}

export interface InventoryIngestStatus {
  accepted: Record<string, number>;
  refused: Record<string, number>;
}

export interface MonitoringIngestStatus {
  series: number;
  /** Forwarding's counters, when a forward URL is configured. */
  forward: {
    sentSamples: number;
    droppedSamples: Record<string, number>;
    failedSends: number;
    queuedSamples: number;
  } | null;
  stored: Record<string, number>;
  rejected: { source: string; reason: string; count: number }[];
}

/**
 * A read shared by the gauges one scrape collects one after another: the next scrape reads afresh. A scrape
 * through ServiceMetrics.scrape is told apart by its number: a second one in the same turn of the event loop (two
 * requests answered without I/O between them) was served the first one's read. One straight from the registry
 * still reads afresh once the event loop has turned.
 */
function oneReadPerScrape<T>(scrape: () => number, read: () => Promise<T>): () => Promise<T> {
  let current: { scrape: number; value: Promise<T> } | null = null;
  return () => {
    const now = scrape();
    if (current?.scrape !== now) {
      const entry: { scrape: number; value: Promise<T> } = {
        scrape: now,
        value: read().finally(() => {
          setImmediate(() => {
            if (current === entry) current = null;
          });
        }),
      };
      current = entry;
    }
    return current.value;
  };
}
