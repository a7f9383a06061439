// Each group's assignment policy: manual, round-robin, least-loaded, best skill match or the queue optimiser,
// and whether it assigns on its own as tickets arrive (auto). A group without a row is manual.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { NotFound } from '../core/errors.js';
import { type GroupPolicy, groupPolicies } from './assignment-choice.js';
import { requireStaffing } from './permissions.js';
import { invalid } from './technician-input.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AssignmentPolicy {
  groupId: number;
  policy: GroupPolicy;
  auto: boolean;
  /** Who got the group's last automatic assignment (the round-robin cursor). */
  lastUserId: number | null;
  updatedAt: number | null;
}

async function requireGroup(db: Db, groupId: number): Promise<void> {
  const g = await db.selectFrom('groups').select('id').where('id', '=', groupId).executeTakeFirst();
  if (!g) throw new NotFound('group_not_found', `No group ${groupId}.`);
}

export async function loadPolicy(db: Db, groupId: number): Promise<AssignmentPolicy> {
  const row = await db
    .selectFrom('assignment_policies')
    .selectAll()
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  if (!row) return { groupId, policy: 'manual', auto: false, lastUserId: null, updatedAt: null };
  return {
    groupId,
    policy: row.policy,
    auto: row.auto === 1,
    lastUserId: row.last_user_id,
    updatedAt: row.updated_at,
  };
}

export async function getAssignmentPolicy(
  ctx: ServiceContext,
  actor: Actor,
  groupId: number,
): Promise<AssignmentPolicy> {
  requireStaffing(actor, 'rules.read');
  await requireGroup(ctx.db, groupId);
  return loadPolicy(ctx.db, groupId);
}

export async function setAssignmentPolicy(
  ctx: ServiceContext,
  actor: Actor,
  groupId: number,
  input: { policy: GroupPolicy; auto?: boolean },
): Promise<AssignmentPolicy> {
  requireStaffing(actor, 'rules.manage');
  if (!groupPolicies.includes(input.policy))
    throw invalid('/policy', `must be one of ${groupPolicies.join(', ')}`);
  // Manual assignment is by hand: there is nothing to run on arrival.
  const auto = input.policy !== 'manual' && input.auto === true ? 1 : 0;
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await requireGroup(trx, groupId);
    const values = { policy: input.policy, auto, updated_by: actor.id, updated_at: now };
    const updated = await trx
      .updateTable('assignment_policies')
      .set(values)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0)
      await trx
        .insertInto('assignment_policies')
        .values({ group_id: groupId, ...values })
        .onConflict((oc) => oc.column('group_id').doUpdateSet(values))
        .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'assignment_policy.updated',
      subjectType: 'group',
      subjectId: groupId,
      details: { policy: input.policy, auto: auto === 1 },
    });
  });
  return loadPolicy(ctx.db, groupId);
}

/**
 * Take the group's assignment lock for the rest of the transaction and read its policy: one UPDATE of its
 * row, so concurrent assignments in one group (several instances, or two arrivals at once) take turns and
 * each reads the round-robin cursor and the loads the previous one left. Null: the group has no policy row
 * (manual), and there is nothing to lock.
 */
export async function lockGroupPolicy(
  trx: Transaction<Database>,
  groupId: number,
): Promise<AssignmentPolicy | null> {
  const row = await trx
    .updateTable('assignment_policies')
    .set((eb) => ({ turns: eb('turns', '+', 1) }))
    .where('group_id', '=', groupId)
    .returning(['policy', 'auto', 'last_user_id', 'updated_at'])
    .executeTakeFirst();
  if (!row) return null;
  return {
    groupId,
    policy: row.policy,
    auto: row.auto === 1,
    lastUserId: row.last_user_id,
    updatedAt: row.updated_at,
  };
}

/** Move the round-robin cursor (under the lock taken by lockGroupPolicy). */
export async function moveCursor(trx: Transaction<Database>, groupId: number, userId: number): Promise<void> {
  await trx
    .updateTable('assignment_policies')
    .set({ last_user_id: userId })
    .where('group_id', '=', groupId)
    .execute();
}
