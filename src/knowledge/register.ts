// The knowledge base's periodic work, registered once by `opsdesk serve`: review reminders to policy owners and
// the service agreement kept true to the SLA policies. Both are safe on several instances at once.
import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';
import { queueReviewReminders } from './policy-reviews.js';
import { refreshServiceAgreement } from './service-agreement.js';

/** How often reminders are looked for and the agreement compared: reminders are days ahead, so minutes suffice. */
export const knowledgeIntervalMs = 10 * 60_000;

/** One pass of the knowledge job: reminders first (mail is what someone waits for), then the agreement. */
export async function runKnowledgeCycle(ctx: ServiceContext): Promise<{ reminders: number }> {
  const reminders = await queueReviewReminders(ctx);
  await refreshServiceAgreement(ctx);
  return { reminders };
}

export function registerKnowledge(ctx: ServiceContext, jobs: JobScheduler): void {
  jobs.every('knowledge.policies', knowledgeIntervalMs, () => runKnowledgeCycle(ctx));
}
