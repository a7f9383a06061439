// A person's notification rules: the ordered list of (contact method, delay) a page follows — chat at once,
// email after 5 minutes, sms after 10. A person without rules gets the default: every verified method at once
// (every method, when none is verified yet; the account's email, when there is no method at all).
import type { Kysely } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Invalid } from '../core/errors.js';
import { assertMayManageContacts, type ContactMethod, contactMethodsOfUsers } from './contact-methods.js';

export const notificationRulesMax = 20;
/** A day: a later step is the escalation policy's business, not a person's rule. */
export const ruleDelayMaxMinutes = 1440;

export interface NotificationRule {
  contactMethodId: number;
  delayMinutes: number;
}

export interface NotificationRules {
  rules: NotificationRule[];
  /** No rules are stored: these are the default. */
  isDefault: boolean;
}

/** What a page follows: each rule with its method; `method` null is the account's own email (the last resort). */
export interface EffectiveRule {
  method: ContactMethod | null;
  delayMinutes: number;
}

/** The default when a person has no rules of their own. */
export function defaultRules(methods: readonly ContactMethod[]): NotificationRule[] {
  const verified = methods.filter((m) => m.verified);
  return (verified.length > 0 ? verified : methods).map((m) => ({ contactMethodId: m.id, delayMinutes: 0 }));
}

/** A person's rules with their methods (no permission check: paging and readiness ask). */
export async function effectiveRules(
  ctx: ServiceContext,
  db: Kysely<Database>,
  userId: number,
): Promise<EffectiveRule[]> {
  const methods = await contactMethodsOfUsers(ctx, db, [userId]);
  const stored = await storedRules(db, userId);
  const rules = stored.length > 0 ? stored : defaultRules(methods);
  if (methods.length === 0) return [{ method: null, delayMinutes: 0 }];
  const byId = new Map(methods.map((m) => [m.id, m]));
  return rules.flatMap((r) => {
    const method = byId.get(r.contactMethodId);
    return method ? [{ method, delayMinutes: r.delayMinutes }] : [];
  });
}

async function storedRules(db: Kysely<Database>, userId: number): Promise<NotificationRule[]> {
  const rows = await db
    .selectFrom('notification_rules')
    .select(['contact_method_id', 'delay_minutes'])
    .where('user_id', '=', userId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ contactMethodId: r.contact_method_id, delayMinutes: r.delay_minutes }));
}

export async function getNotificationRules(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
): Promise<NotificationRules> {
  await assertMayManageContacts(ctx, actor, userId);
  const stored = await storedRules(ctx.db, userId);
  if (stored.length > 0) return { rules: stored, isDefault: false };
  return { rules: defaultRules(await contactMethodsOfUsers(ctx, ctx.db, [userId])), isDefault: true };
}

/** Replace a person's rules (an empty list returns them to the default). Each method must be theirs. */
export async function setNotificationRules(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  rules: readonly NotificationRule[],
): Promise<NotificationRules> {
  await assertMayManageContacts(ctx, actor, userId);
  if (rules.length > notificationRulesMax)
    throw new Invalid(
      'validation_failed',
      `A person has at most ${notificationRulesMax} notification rules.`,
      [{ field: '/rules', message: `must have at most ${notificationRulesMax} items` }],
    );
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    if (!Number.isInteger(r.delayMinutes) || r.delayMinutes < 0 || r.delayMinutes > ruleDelayMaxMinutes)
      throw new Invalid('validation_failed', `A rule's delay is 0 to ${ruleDelayMaxMinutes} whole minutes.`, [
        {
          field: `/rules/${i}/delayMinutes`,
          message: `must be a whole number from 0 to ${ruleDelayMaxMinutes}`,
        },
      ]);
    const key = `${r.contactMethodId}:${r.delayMinutes}`;
    if (seen.has(key))
      throw new Invalid('validation_failed', 'The same method at the same delay is listed twice.', [
        { field: `/rules/${i}`, message: 'repeats an earlier rule' },
      ]);
    seen.add(key);
  });
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const ids = [...new Set(rules.map((r) => r.contactMethodId))];
    const owned =
      ids.length === 0
        ? []
        : await trx
            .selectFrom('contact_methods')
            .select('id')
            .where('user_id', '=', userId)
            .where('id', 'in', ids)
            .execute();
    const ownedIds = new Set(owned.map((o) => o.id));
    rules.forEach((r, i) => {
      if (!ownedIds.has(r.contactMethodId))
        throw new Invalid('invalid_reference', `User ${userId} has no contact method ${r.contactMethodId}.`, [
          { field: `/rules/${i}/contactMethodId`, message: "must be one of the user's contact methods" },
        ]);
    });
    await trx.deleteFrom('notification_rules').where('user_id', '=', userId).execute();
    if (rules.length > 0)
      await trx
        .insertInto('notification_rules')
        .values(
          rules.map((r, position) => ({
            user_id: userId,
            position,
            contact_method_id: r.contactMethodId,
            delay_minutes: r.delayMinutes,
          })),
        )
        .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'notification_rules.replaced',
      subjectType: 'user',
      subjectId: userId,
      details: { rules: rules.map((r) => ({ ...r })) },
    });
  });
  return getNotificationRules(ctx, actor, userId);
}
