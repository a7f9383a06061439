// The proposals job, registered once by `opsdesk serve`: deferred proposals whose date has passed come back as
// proposed, the capacity report's findings become proposals (once a source of them is wired in: the forecast
// domain's report, passed by the entry point), and problems recurring on a host become proposals. One instance
// runs a pass at a time (an advisory lock on PostgreSQL); each write is also safe on its own (a conditional update,
// a unique open key). The capacity report (a forecast per resource of every host) moves slowly and costs the most:
// its findings are kept in the database with the time they were computed, and recomputed at most hourly.
import type { ServiceContext } from '../core/context.js';
import { runExclusively } from '../core/exclusive-work.js';
import type { JobScheduler } from '../core/jobs.js';
import {
  type CapacityFinding,
  type CapacityOptions,
  type CapacityResult,
  proposeFromCapacity,
} from './capacity-proposals.js';
import {
  type ProblemSourceOptions,
  type ProblemSourceResult,
  proposeFromProblems,
} from './problem-proposals.js';
import { returnDeferredProposals } from './proposals.js';

/** Deferrals are whole days and problems recur over weeks: every ten minutes is prompt enough. */
export const proposalIntervalMs = 10 * 60_000;
/** Forecasts over 30 days of hourly points move little in an hour: the capacity findings are recomputed this often. */
export const capacityRefreshMs = 60 * 60_000;
/** The settings row holding the last capacity findings and when they were computed (shared by every instance). */
const findingsKey = 'proposals.capacity_findings';

/** Where the job's findings come from: the capacity report's, those that need action (none wired: no capacity pass). */
export interface ProposalSources {
  capacityFindings?: (ctx: ServiceContext) => Promise<readonly CapacityFinding[]>;
  capacity?: CapacityOptions;
  /** How long computed capacity findings are reused (default capacityRefreshMs; 0: computed every pass). */
  capacityRefreshMs?: number;
  problems?: ProblemSourceOptions;
}

export interface ProposalCycle {
  returned: number[];
  capacity: CapacityResult | null;
  problems: ProblemSourceResult;
}

/** One pass: deferrals first (a person waits for those), then the sources. Null: another instance ran it. */
export async function runProposalCycle(
  ctx: ServiceContext,
  sources: ProposalSources = {},
): Promise<ProposalCycle | null> {
  const r = await runExclusively(ctx, 'proposals.cycle', async () => {
    const returned = await returnDeferredProposals(ctx);
    const capacity = sources.capacityFindings
      ? await proposeFromCapacity(
          ctx,
          await reusedFindings(ctx, sources.capacityFindings, sources.capacityRefreshMs ?? capacityRefreshMs),
          sources.capacity,
        )
      : null;
    return { returned, capacity, problems: await proposeFromProblems(ctx, sources.problems) };
  });
  return r.ran ? r.value : null;
}

/**
 * The capacity findings computed less than refreshMs ago (by this instance or another: they are kept in the
 * settings table), else computed now and kept. Runs inside the job's exclusive pass, so one instance computes them.
 */
async function reusedFindings(
  ctx: ServiceContext,
  compute: (ctx: ServiceContext) => Promise<readonly CapacityFinding[]>,
  refreshMs: number,
): Promise<readonly CapacityFinding[]> {
  const now = ctx.clock.now();
  if (refreshMs > 0) {
    const row = await ctx.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', findingsKey)
      .executeTakeFirst();
    const kept = row ? keptFindings(row.value) : null;
    // A clock set back (computedAt ahead of now) recomputes rather than trusting the future.
    if (kept && kept.computedAt <= now && now - kept.computedAt < refreshMs) return kept.findings;
  }
  const findings = await compute(ctx);
  const value = JSON.stringify({ computedAt: now, findings });
  await ctx.db
    .insertInto('settings')
    .values({ key: findingsKey, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
  return findings;
}

/** The kept findings and their time, or null when the row is not what reusedFindings writes (then they are recomputed). */
function keptFindings(value: string): { computedAt: number; findings: CapacityFinding[] } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null; // not JSON: recomputed and overwritten, which is all a damaged cache row needs
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { computedAt, findings } = parsed as { computedAt?: unknown; findings?: unknown };
  if (typeof computedAt !== 'number' || !Array.isArray(findings)) return null;
  // Each finding is validated again by proposeFromCapacity, as any source's.
  return { computedAt, findings: findings as CapacityFinding[] };
}

export function registerProposals(
  ctx: ServiceContext,
  jobs: JobScheduler,
  sources: ProposalSources = {},
): void {
  jobs.every('proposals.cycle', proposalIntervalMs, () => runProposalCycle(ctx, sources));
}
