// Renewal reminders: a contract whose notice deadline is `remindDays` or fewer days away (and whose term has not
// ended) raises contract.renewal_due once for that deadline — webhooks, mail and the live stream take it from
// there. Each reminder is claimed by a conditional update of the contract's reminded_deadline in the same
// transaction as its event, so two instances never raise one twice; the pass also runs on one instance at a
// time (an advisory lock on PostgreSQL). A renewing contract's next term has a new deadline and so a new reminder.
import { toIso } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import { runExclusively } from '../core/exclusive-work.js';
import type { JobScheduler } from '../core/jobs.js';
import { currentTerm, dayMs, fiscalYearOf } from './contract-terms.js';
import { termsOf } from './contracts.js';

/** Deadlines are whole days: hourly is prompt enough. */
export const renewalReminderIntervalMs = 60 * 60_000;

/** One pass: the ids of the contracts reminded now (ascending). */
export async function raiseRenewalReminders(ctx: ServiceContext): Promise<number[]> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .selectFrom('contracts')
    .innerJoin('vendors', 'vendors.id', 'contracts.vendor_id')
    .selectAll('contracts')
    .select('vendors.name as vendor_name')
    .where('contracts.status', '=', 'active')
    .where((eb) => eb.or([eb('contracts.auto_renew', '=', 1), eb('contracts.ends_at', '>', now)]))
    .orderBy('contracts.id')
    .execute();
  const reminded: number[] = [];
  for (const r of rows) {
    const term = currentTerm(termsOf(r), now);
    if (now >= term.termEnd || now < term.noticeDeadline - r.remind_days * dayMs) continue;
    if (r.reminded_deadline === term.noticeDeadline) continue;
    const claimed = await ctx.db.transaction().execute(async (trx) => {
      const done = await trx
        .updateTable('contracts')
        .set({ reminded_deadline: term.noticeDeadline })
        .where('id', '=', r.id)
        .where((eb) =>
          eb.or([eb('reminded_deadline', 'is', null), eb('reminded_deadline', '!=', term.noticeDeadline)]),
        )
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) return false;
      await ctx.events.record(trx, [
        {
          type: 'contract.renewal_due',
          subjectType: 'contract',
          subjectId: r.id,
          actorId: null,
          payload: {
            contractId: r.id,
            vendorId: r.vendor_id,
            vendorName: r.vendor_name,
            title: r.title,
            action: term.action,
            noticeDeadline: toIso(term.noticeDeadline),
            termEnd: toIso(term.termEnd),
            fiscalYear: fiscalYearOf(term.termEnd, ctx.config.fiscalYearStartMonth),
          },
        },
      ]);
      return true;
    });
    if (claimed) reminded.push(r.id);
  }
  if (reminded.length > 0) ctx.events.nudge();
  return reminded;
}

/** The pass on one instance at a time; null when another instance ran it. */
export async function runRenewalReminders(ctx: ServiceContext): Promise<number[] | null> {
  const r = await runExclusively(ctx, 'vendors.renewal-reminders', () => raiseRenewalReminders(ctx));
  return r.ran ? r.value : null;
}

export function registerVendors(ctx: ServiceContext, jobs: JobScheduler): void {
  jobs.every('vendors.renewal-reminders', renewalReminderIntervalMs, () => runRenewalReminders(ctx));
}
