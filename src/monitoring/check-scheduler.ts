// The check scheduler: runs each enabled check once per interval at a stable offset within it, at most
// OPSDESK_CHECK_CONCURRENCY at a time per instance, never two runs of one check at once. A tick claims the checks due
// within the next second in one UPDATE (a lease on the row; on PostgreSQL the candidates are taken FOR UPDATE SKIP
// LOCKED, so instances share the checks and never run one twice) and advances each to its next slot on its grid —
// previous slot + interval, missed slots skipped — so the pace never drifts under load. Each run ends within the
// check's timeout; its result updates the row, and a change of state is history, target state and event in one
// transaction (checks.ts). A sweep raises CheckNotRunning for a check that has not run for two intervals.

import { sql } from 'kysely';
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import { Conflict } from '../core/errors.js';
import { runExclusively } from '../core/exclusive-work.js';
import type { JobScheduler } from '../core/jobs.js';
import { type AlertInput, receiveAlerts } from './alert-pipeline.js';
import type {
  CheckResult,
  CheckRunOptions,
  CheckSpec,
  CheckState,
  HeartbeatCheckSpec,
} from './check-model.js';
import {
  type Check,
  type CheckRow,
  changeCheckState,
  checkLimits,
  checkOf,
  getCheckRow,
  lockTarget,
  type RecentResult,
} from './checks.js';
import type { IngestSeries } from './metric-model.js';
import { metricStore } from './metric-store.js';

/** Runs one probe (the checks part's runCheck, src/monitoring/checks/run-check.ts). */
export type CheckRunner = (spec: CheckSpec, options: CheckRunOptions) => Promise<CheckResult>;
/** Where a run's samples go: the metric store by default. */
export type CheckMetricSink = (series: IngestSeries[], checkId: number) => Promise<unknown>;
/** Where CheckNotRunning goes: the alert pipeline by default. */
export type CheckAlertSender = (alerts: AlertInput[]) => Promise<unknown>;

export interface CheckPorts {
  runner: CheckRunner;
  sink: CheckMetricSink;
  alerts: CheckAlertSender;
}

export interface CheckSchedulerOptions {
  /** Runs at once on this instance (default: the configuration's). */
  concurrency?: number;
  /** How far ahead a tick claims: a claimed run starts on its own timer, at its slot. */
  lookaheadMs?: number;
  /** Claims per tick at most. */
  claimBatch?: number;
  /** Told when a run starts: its slot and the actual start (the benchmark's jitter). */
  onRunStart?: (checkId: number, slotMs: number, startedMs: number) => void;
}

/** Held past a run's deadline before another instance may take the check. */
const leaseGraceMs = 5_000;
/** A probe that ignores its signal is abandoned this long after its timeout. */
const hardStopGraceMs = 1_000;

/** Until the checks part lands, a check kind without a runner fails with a message saying so. */
const missingRunner: CheckRunner = async (spec) => ({
  ok: false,
  latencyMs: 0,
  message: `no runner for ${spec.kind} checks in this build`,
  metrics: [],
});

const portsCache = defineLocalCache('monitoring.check-ports', () => ({ ports: null as CheckPorts | null }));

/** The context's ports: those registerChecks set, else the defaults (store, alert pipeline). */
export function checkPorts(ctx: ServiceContext): CheckPorts {
  return ctx.caches.local(portsCache).ports ?? defaultPorts(ctx, missingRunner);
}

function defaultPorts(ctx: ServiceContext, runner: CheckRunner): CheckPorts {
  return {
    runner,
    // async: a stub that throws at once becomes a rejection the callers count, never a crash
    sink: async (series, checkId) =>
      metricStore(ctx).append(series, { key: `check:${checkId}`, maxSeries: 10_000 }),
    alerts: async (alerts) => receiveAlerts(ctx, alerts, 'check'),
  };
}

interface ClaimedRun {
  row: CheckRow;
  targetName: string;
  slot: number;
}

export interface RecordedResult {
  check: Check;
  changed: boolean;
  from: CheckState;
}

/**
 * Write a run's result: last_* columns, the sparkline, failures in a row and, when the state changes, the history
 * row, target state and event (one transaction). Releases the run's lease. `retries` failures in a row are
 * tolerated; the next one is down.
 */
export async function recordCheckResult(
  ctx: ServiceContext,
  checkId: number,
  result: CheckResult,
  at: number,
  ports: CheckPorts = checkPorts(ctx),
): Promise<RecordedResult> {
  const { target_id: targetId } = await getCheckRow(ctx, checkId);
  const { row, changed, from } = await ctx.db.transaction().execute(async (trx) => {
    await lockTarget(ctx, trx, targetId);
    const row = await trx
      .selectFrom('monitoring_checks')
      .selectAll()
      .where('id', '=', checkId)
      .executeTakeFirstOrThrow();
    const failures = result.ok ? 0 : row.consecutive_failures + 1;
    const to: CheckState = result.ok ? 'up' : failures > row.retries ? 'down' : row.state;
    const recent = JSON.parse(row.recent_results) as RecentResult[];
    recent.push([at, Math.round(result.latencyMs * 1000) / 1000, result.ok ? 1 : 0]);
    const message = result.message.slice(0, 500);
    await trx
      .updateTable('monitoring_checks')
      .set({
        consecutive_failures: failures,
        last_run_at: at,
        last_ok: result.ok ? 1 : 0,
        last_latency_ms: result.latencyMs,
        last_message: message,
        recent_results: JSON.stringify(recent.slice(-checkLimits.recentResults)),
        lease_until: null,
        not_running_since: null,
        updated_at: at,
      })
      .where('id', '=', checkId)
      .execute();
    const enabledTo = row.enabled === 1 ? to : row.state;
    await changeCheckState(ctx, trx, row, enabledTo, message, at);
    return { row, changed: enabledTo !== row.state, from: row.state };
  });
  // The state change's event goes out now (check rules, the live stream), not at the relay's next pass.
  if (changed) ctx.events.nudge();
  const fresh = await getCheckRow(ctx, checkId);
  if (row.not_running_since !== null) await resolveNotRunning(ctx, ports, fresh, at);
  return { check: checkOf(fresh), changed, from };
}

async function targetNames(ctx: ServiceContext, targetIds: number[]): Promise<Map<number, string>> {
  if (targetIds.length === 0) return new Map();
  const rows = await ctx.db
    .selectFrom('monitoring_targets')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(targetIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

function notRunningAlert(check: CheckRow, targetName: string, at: number, endsAt: number | null): AlertInput {
  return {
    labels: { alertname: 'CheckNotRunning', target: targetName, check: check.name, severity: 'warning' },
    annotations: {
      summary: `Check ${check.name} on ${targetName} has not run for two intervals (${check.interval_seconds * 2} s).`,
    },
    startsAt: at,
    endsAt,
  };
}

async function resolveNotRunning(
  ctx: ServiceContext,
  ports: CheckPorts,
  row: CheckRow,
  at: number,
): Promise<void> {
  const names = await targetNames(ctx, [row.target_id]);
  try {
    await ports.alerts([
      notRunningAlert(
        row,
        names.get(row.target_id) ?? String(row.target_id),
        Number(row.not_running_since ?? at),
        at,
      ),
    ]);
  } catch (err) {
    // The pipeline's resolve timeout ends the alert if this message is lost; say so in the log.
    ctx.log.warn({ err, checkId: row.id }, 'CheckNotRunning could not be resolved');
  }
}

/** Evaluate a heartbeat check at a slot: its last beat (or its creation) must be within interval + grace. */
function heartbeatResult(row: CheckRow, now: number): CheckResult | null {
  const spec = JSON.parse(row.spec) as HeartbeatCheckSpec;
  const since = row.last_beat_at === null ? Number(row.created_at) : Number(row.last_beat_at);
  const deadline = since + (row.interval_seconds + (spec.graceSeconds ?? 0)) * 1000;
  if (now <= deadline)
    return row.last_beat_at === null
      ? null
      : {
          ok: true,
          latencyMs: 0,
          message: `last beat ${Math.round((now - since) / 1000)} s ago`,
          metrics: [],
        };
  return {
    ok: false,
    latencyMs: 0,
    message:
      row.last_beat_at === null
        ? 'no beat received yet'
        : `no beat for ${Math.round((now - since) / 1000)} s`,
    metrics: [],
  };
}

/** Run a probe within its timeout; a runner that throws or hangs is a failed run with the reason. */
async function probe(ctx: ServiceContext, runner: CheckRunner, row: CheckRow): Promise<CheckResult> {
  const timeoutMs = row.timeout_seconds * 1000;
  const started = ctx.clock.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      // Give the runner a moment to answer with its own reason before abandoning it.
      setTimeout(
        () =>
          resolve({
            ok: false,
            latencyMs: timeoutMs,
            message: `timed out after ${row.timeout_seconds} s`,
            metrics: [],
          }),
        hardStopGraceMs,
      ).unref();
    }, timeoutMs);
    timer.unref();
  });
  try {
    const spec = JSON.parse(row.spec) as CheckSpec;
    return await Promise.race([
      runner(spec, { timeoutMs, signal: controller.signal, now: () => ctx.clock.now() }),
      deadline,
    ]);
  } catch (err) {
    ctx.log.debug({ err, checkId: row.id }, 'check runner failed');
    return {
      ok: false,
      latencyMs: ctx.clock.now() - started,
      message: `runner failed: ${String((err as Error)?.message ?? err).slice(0, 300)}`,
      metrics: [],
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The samples of one run: up, probe_duration_seconds and the runner's own figures, under the check's labels. */
export function runSeries(
  row: CheckRow,
  targetName: string,
  result: CheckResult,
  at: number,
): IngestSeries[] {
  const base = { target: targetName, check: row.name, kind: row.kind };
  const one = (name: string, value: number, extra: Record<string, string> = {}): IngestSeries => ({
    labels: { ...extra, ...base, __name__: name },
    timestamps: [at],
    values: [value],
  });
  return [
    one('up', result.ok ? 1 : 0),
    one('probe_duration_seconds', result.latencyMs / 1000),
    ...result.metrics.map((m) => one(m.name, m.value, m.labels)),
  ];
}

export class CheckScheduler {
  private readonly concurrency: number;
  private readonly lookaheadMs: number;
  private readonly claimBatch: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly timers = new Map<number, { timer: NodeJS.Timeout; run: ClaimedRun }>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly runningIds = new Set<number>();
  private stopped = false;
  /** Counters for the logs and tests: runs done, runs whose metrics the sink refused, alerts not sent. */
  readonly stats = { runs: 0, sinkFailures: 0, alertFailures: 0 };

  constructor(
    private readonly ctx: ServiceContext,
    private readonly ports: CheckPorts,
    private readonly options: CheckSchedulerOptions = {},
  ) {
    this.concurrency = options.concurrency ?? ctx.config.checkConcurrency;
    this.lookaheadMs = options.lookaheadMs ?? 1_000;
    this.claimBatch = options.claimBatch ?? 1_000;
  }

  /** Claim the checks due within the lookahead and start each on a timer at its slot; does not wait for them. */
  async tick(): Promise<number> {
    if (this.stopped) return 0;
    const claimed = await this.claim(this.ctx.clock.now() + this.lookaheadMs);
    const now = this.ctx.clock.now();
    for (const run of claimed) {
      const delay = run.slot - now;
      if (delay <= 0) this.launch(run);
      else {
        const timer = setTimeout(() => {
          this.timers.delete(run.row.id);
          this.launch(run);
        }, delay);
        this.timers.set(run.row.id, { timer, run });
      }
    }
    return claimed.length;
  }

  /** Claim what is due now and run it to the end (tests on a manual clock). */
  async runDue(): Promise<number> {
    const claimed = await this.claim(this.ctx.clock.now());
    for (const run of claimed) this.launch(run);
    await this.idle();
    return claimed.length;
  }

  /** Every started run has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stop claiming; runs not started yet go back to their slot, started ones finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    const unstarted = [...this.timers.values()];
    this.timers.clear();
    for (const { timer } of unstarted) clearTimeout(timer);
    for (const { run } of unstarted)
      await this.ctx.db
        .updateTable('monitoring_checks')
        .set({ next_run_at: run.slot, lease_until: null })
        .where('id', '=', run.row.id)
        .execute();
    await this.idle();
  }

  private async claim(horizon: number): Promise<ClaimedRun[]> {
    const now = this.ctx.clock.now();
    const leaseBase = now + this.lookaheadMs + leaseGraceMs;
    const skipLocked = this.ctx.caps.supportsSkipLocked;
    // One statement: candidates (skipping rows another instance holds) get a lease and their next slot on the grid,
    // slot + interval × (1 + whole intervals missed), so a late claim never shifts the grid.
    const rows = await this.ctx.db
      .updateTable('monitoring_checks')
      .set({
        next_run_at: sql`next_run_at + CAST(interval_seconds AS bigint) * 1000 * (1 + (CASE WHEN CAST(${now} AS bigint) > next_run_at THEN (CAST(${now} AS bigint) - next_run_at) / (CAST(interval_seconds AS bigint) * 1000) ELSE 0 END))`,
        lease_until: sql`CAST(${leaseBase} AS bigint) + CAST(timeout_seconds AS bigint) * 1000`,
      })
      .where('id', 'in', (eb) => {
        let q = eb
          .selectFrom('monitoring_checks')
          .select('id')
          .where('enabled', '=', 1)
          .where('next_run_at', '<=', horizon)
          .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<', now)]))
          .orderBy('next_run_at')
          .limit(this.claimBatch);
        if (skipLocked) q = q.forUpdate().skipLocked();
        return q;
      })
      .where('enabled', '=', 1)
      .returningAll()
      .execute();
    const names = await targetNames(
      this.ctx,
      rows.map((r) => r.target_id),
    );
    return rows.map((row) => {
      const intervalMs = row.interval_seconds * 1000;
      return {
        row,
        targetName: names.get(row.target_id) ?? String(row.target_id),
        // The slot on the grid, even when the claim came late (then the run starts at once, and its lateness shows
        // in the start-time jitter rather than being hidden by calling "now" the slot).
        slot: Number(row.next_run_at) - intervalMs,
      };
    });
  }

  private launch(run: ClaimedRun): void {
    if (this.runningIds.has(run.row.id)) return; // the lease makes this unreachable; never two at once regardless
    this.runningIds.add(run.row.id);
    const p = this.execute(run)
      .catch((err) => this.ctx.log.error({ err, checkId: run.row.id }, 'check run could not be recorded'))
      .finally(() => {
        this.runningIds.delete(run.row.id);
        this.inFlight.delete(p);
      });
    this.inFlight.add(p);
  }

  private async acquire(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  private async execute(run: ClaimedRun): Promise<void> {
    const { row } = run;
    let result: CheckResult | null;
    let at: number;
    if (row.kind === 'heartbeat') {
      at = this.ctx.clock.now();
      this.options.onRunStart?.(row.id, run.slot, at);
      result = heartbeatResult(row, at);
    } else {
      await this.acquire();
      try {
        at = this.ctx.clock.now();
        this.options.onRunStart?.(row.id, run.slot, at);
        result = await probe(this.ctx, this.ports.runner, row);
      } finally {
        this.release();
      }
    }
    this.stats.runs++;
    if (result === null) {
      // A heartbeat check still waiting for its first beat: no result yet, only the lease to give back.
      await this.ctx.db
        .updateTable('monitoring_checks')
        .set({ lease_until: null, last_run_at: at, last_message: 'waiting for the first beat' })
        .where('id', '=', row.id)
        .execute();
      return;
    }
    await recordCheckResult(this.ctx, row.id, result, at, this.ports);
    try {
      await this.ports.sink(runSeries(row, run.targetName, result, at), row.id);
    } catch (err) {
      this.stats.sinkFailures++;
      this.ctx.log.warn({ err, checkId: row.id }, 'check metrics not stored');
    }
  }

  /**
   * Raise CheckNotRunning for every enabled check that has not run for two intervals (and is not flagged yet); a
   * check is flagged only once the alert went out, so a failed send is tried again on the next sweep.
   */
  async sweep(): Promise<number> {
    const now = this.ctx.clock.now();
    const stale = await this.ctx.db
      .selectFrom('monitoring_checks')
      .selectAll()
      .where('enabled', '=', 1)
      .where('not_running_since', 'is', null)
      .where(
        sql<boolean>`coalesce(last_run_at, created_at) + CAST(interval_seconds AS bigint) * 2000 < CAST(${now} AS bigint)`,
      )
      .execute();
    if (stale.length === 0) return 0;
    const names = await targetNames(
      this.ctx,
      stale.map((r) => r.target_id),
    );
    let raised = 0;
    for (const row of stale) {
      const targetName = names.get(row.target_id) ?? String(row.target_id);
      try {
        await this.ports.alerts([notRunningAlert(row, targetName, now, null)]);
      } catch (err) {
        this.stats.alertFailures++;
        this.ctx.log.warn({ err, checkId: row.id }, 'CheckNotRunning not sent; the next sweep retries');
        continue;
      }
      const lastRun = row.last_run_at === null ? null : new Date(Number(row.last_run_at)).toISOString();
      await this.ctx.db
        .updateTable('monitoring_checks')
        .set({
          not_running_since: now,
          last_message: lastRun ? `not run since ${lastRun}` : 'never run',
        })
        .where('id', '=', row.id)
        .where('not_running_since', 'is', null)
        .execute();
      raised++;
    }
    return raised;
  }
}

/**
 * Run a check now (the API's "run now"): takes the row's lease so it never overlaps a scheduled run (409 while one
 * runs), records the result as a scheduled run would, and returns it.
 */
export async function runCheckNow(
  ctx: ServiceContext,
  checkId: number,
): Promise<{ result: CheckResult; check: Check }> {
  const row = await getCheckRow(ctx, checkId);
  const now = ctx.clock.now();
  const took = await ctx.db
    .updateTable('monitoring_checks')
    .set({ lease_until: now + row.timeout_seconds * 1000 + leaseGraceMs })
    .where('id', '=', checkId)
    .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<', now)]))
    .executeTakeFirst();
  if (Number(took.numUpdatedRows) === 0) throw new Conflict('check_running', 'The check is running now.');
  const ports = checkPorts(ctx);
  const result =
    row.kind === 'heartbeat'
      ? (heartbeatResult(row, now) ?? {
          ok: true,
          latencyMs: 0,
          message: 'waiting for the first beat',
          metrics: [],
        })
      : await probe(ctx, ports.runner, row);
  const at = ctx.clock.now();
  const recorded = await recordCheckResult(ctx, checkId, result, at, ports);
  const names = await targetNames(ctx, [row.target_id]);
  try {
    await ports.sink(runSeries(row, names.get(row.target_id) ?? String(row.target_id), result, at), row.id);
  } catch (err) {
    ctx.log.warn({ err, checkId }, 'check metrics not stored');
  }
  return { result, check: recorded.check };
}

/**
 * Wire the checks: the scheduler's tick (every 250 ms, claiming a second ahead), the not-running sweep (every 30 s,
 * one instance at a time) and the ports the API's "run now" uses. Returns the scheduler (tests, benchmarks).
 */
export function registerChecks(
  ctx: ServiceContext,
  jobs: JobScheduler,
  runner?: CheckRunner,
  options: CheckSchedulerOptions & Partial<Omit<CheckPorts, 'runner'>> = {},
): CheckScheduler {
  const defaults = defaultPorts(ctx, runner ?? missingRunner);
  const ports: CheckPorts = {
    runner: defaults.runner,
    sink: options.sink ?? defaults.sink,
    alerts: options.alerts ?? defaults.alerts,
  };
  ctx.caches.local(portsCache).ports = ports;
  const scheduler = new CheckScheduler(ctx, ports, options);
  jobs.every('monitoring.checks', 250, () => scheduler.tick());
  jobs.every('monitoring.checks.sweep', 30_000, () =>
    runExclusively(ctx, 'monitoring.checks.sweep', () => scheduler.sweep()),
  );
  jobs.onStop(() => scheduler.stop());
  return scheduler;
}
