// The change advisory board: which group approves normal changes, and which emergency ones (the emergency CAB;
// default the CAB itself), kept in the settings table like other settings. Sending a change to its CAB asks
// the approvals engine for one approval from the board's group; its decision comes back as approval.decided,
// which subscribeChanges hands to applyCabDecision.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { ChangesTable, Database } from '../core/db/index.js';
import { Conflict, Invalid } from '../core/errors.js';
import { cancelApprovals, requestApproval } from '../helpdesk/index.js';
import { requireChanges } from './policies.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ChangeSettings {
  /** The group whose members approve normal changes; null: none set (normal changes cannot be submitted). */
  cabGroupId: number | null;
  /** The group for emergency changes (the ECAB); null: the CAB group. */
  emergencyCabGroupId: number | null;
}

const keys = { cab: 'change_cab_group_id', ecab: 'change_emergency_cab_group_id' } as const;

export async function getChangeSettings(db: Db): Promise<ChangeSettings> {
  const rows = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'in', [keys.cab, keys.ecab])
    .execute();
  const value = (key: string) => {
    const v = rows.find((r) => r.key === key)?.value;
    return v === undefined || v === '' ? null : Number(v);
  };
  return { cabGroupId: value(keys.cab), emergencyCabGroupId: value(keys.ecab) };
}

export async function readChangeSettings(ctx: ServiceContext, actor: Actor): Promise<ChangeSettings> {
  requireChanges(actor, 'changes.work');
  return getChangeSettings(ctx.db);
}

export async function setChangeSettings(
  ctx: ServiceContext,
  actor: Actor,
  input: ChangeSettings,
): Promise<ChangeSettings> {
  requireChanges(actor, 'changes.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    for (const [field, groupId] of [
      ['/cabGroupId', input.cabGroupId],
      ['/emergencyCabGroupId', input.emergencyCabGroupId],
    ] as const) {
      if (groupId === null) continue;
      const g = await trx.selectFrom('groups').select('id').where('id', '=', groupId).executeTakeFirst();
      if (!g)
        throw new Invalid('invalid_reference', `${field.slice(1)}: no group ${groupId}`, [
          { field, message: 'no such group' },
        ]);
    }
    const before = await getChangeSettings(trx);
    for (const [key, v] of [
      [keys.cab, input.cabGroupId],
      [keys.ecab, input.emergencyCabGroupId],
    ] as const) {
      const value = v === null ? '' : String(v);
      await trx
        .insertInto('settings')
        .values({ key, value, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
        .execute();
    }
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'settings.changes',
      subjectType: 'settings',
      subjectId: keys.cab,
      details: { before, after: input },
    });
  });
  return { cabGroupId: input.cabGroupId, emergencyCabGroupId: input.emergencyCabGroupId };
}

/** The board that approves a change of this type: the ECAB for emergencies when set, else the CAB. */
export function cabGroupFor(settings: ChangeSettings, type: ChangesTable['type']): number | null {
  return type === 'emergency' ? (settings.emergencyCabGroupId ?? settings.cabGroupId) : settings.cabGroupId;
}

/**
 * Ask the CAB for a change about to wait for it, in the caller's transaction: one approval from any member of
 * the board's group (the approvals engine leaves out the change's requester: nobody approves their own change).
 */
export async function requestCab(
  trx: Transaction<Database>,
  ctx: ServiceContext,
  change: { id: number; type: ChangesTable['type']; title: string; requester_id: number },
): Promise<number> {
  const groupId = cabGroupFor(await getChangeSettings(trx), change.type);
  if (groupId === null)
    throw new Conflict(
      'cab_not_configured',
      `No ${change.type === 'emergency' ? 'emergency CAB or ' : ''}CAB group is set: an admin or manager sets it under Settings → Changes.`,
    );
  const { approvalId } = await requestApproval(trx, ctx, {
    subjectType: 'change',
    subjectId: change.id,
    requesterId: change.requester_id,
    title: `${change.type === 'emergency' ? 'Emergency change' : 'Change'} CHG-${change.id}: ${change.title}`,
    plan: { order: 'parallel', steps: [{ approvers: { kind: 'group', groupId }, rule: 'one' }] },
  });
  return approvalId;
}

/** A change leaving awaiting_cab other than by the board's decision (cancelled): its approval is withdrawn. */
export async function withdrawCab(
  trx: Transaction<Database>,
  now: number,
  actor: Actor,
  changeId: number,
): Promise<void> {
  await cancelApprovals(trx, {
    subjectType: 'change',
    subjectId: changeId,
    actorId: actor.id,
    reason: 'The change was cancelled.',
    now,
  });
}
