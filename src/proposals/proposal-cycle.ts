// The proposals job, registered once by `opsdesk serve`: deferred proposals whose date has passed come back as
// proposed, and problems recurring on a host become proposals. One instance runs a pass at a time (an advisory
// lock on PostgreSQL); each write is also safe on its own (a conditional update, a unique open key).
import type { ServiceContext } from '../core/context.js';
import { runExclusively } from '../core/exclusive-work.js';
import type { JobScheduler } from '../core/jobs.js';
import {
  type ProblemSourceOptions,
  type ProblemSourceResult,
  proposeFromProblems,
} from './problem-proposals.js';
import { returnDeferredProposals } from './proposals.js';

/** Deferrals are whole days and problems recur over weeks: every ten minutes is prompt enough. */
export const proposalIntervalMs = 10 * 60_000;

export interface ProposalCycle {
  returned: number[];
  problems: ProblemSourceResult;
}

/** One pass: deferrals first (a person waits for those), then the problem source. Null: another instance ran it. */
export async function runProposalCycle(
  ctx: ServiceContext,
  options: ProblemSourceOptions = {},
): Promise<ProposalCycle | null> {
  const r = await runExclusively(ctx, 'proposals.cycle', async () => ({
    returned: await returnDeferredProposals(ctx),
    problems: await proposeFromProblems(ctx, options),
  }));
  return r.ran ? r.value : null;
}

export function registerProposals(ctx: ServiceContext, jobs: JobScheduler): void {
  jobs.every('proposals.cycle', proposalIntervalMs, () => runProposalCycle(ctx));
}
