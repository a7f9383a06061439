// The proposals job, registered once by `opsdesk serve`: deferred proposals whose date has passed come back as
// proposed, the capacity report's findings become proposals (once a source of them is wired in: the forecast
// domain's report, passed by the entry point), and problems recurring on a host become proposals. One instance
// runs a pass at a time (an advisory lock on PostgreSQL); each write is also safe on its own (a conditional update,
// a unique open key).
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

/** Where the job's findings come from: the capacity report's, those that need action (none wired: no capacity pass). */
export interface ProposalSources {
  capacityFindings?: (ctx: ServiceContext) => Promise<readonly CapacityFinding[]>;
  capacity?: CapacityOptions;
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
      ? await proposeFromCapacity(ctx, await sources.capacityFindings(ctx), sources.capacity)
      : null;
    return { returned, capacity, problems: await proposeFromProblems(ctx, sources.problems) };
  });
  return r.ran ? r.value : null;
}

export function registerProposals(
  ctx: ServiceContext,
  jobs: JobScheduler,
  sources: ProposalSources = {},
): void {
  jobs.every('proposals.cycle', proposalIntervalMs, () => runProposalCycle(ctx, sources));
}
