// Licences: an asset of type licence carries its terms (the software it covers, seats, expiry) and seat
// assignments, each to an asset or a user. Assigning past the seats is allowed — real estates drift, and an
// inventory may find more installs than were bought — but the licence then reads overAssigned, and the
// licences list filters on it (GLPI shows the same as "over-allocated").
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Conflict, NotFound } from '../core/errors.js';
import { assetLimits, formatDay, invalidField, parseDay } from './asset-model.js';
import {
  type AssetRow,
  loadAsset,
  loadReadableAsset,
  recordAssetChange,
  requireAssetWrite,
} from './assets.js';
import { assetOwnerScope } from './policies.js';

export interface LicenceAssignment {
  id: number;
  assetId: number | null;
  userId: number | null;
  assignedBy: number | null;
  assignedAt: number;
}

export interface Licence {
  assetId: number;
  name: string;
  softwareName: string;
  seats: number;
  expiresOn: number | null;
  used: number;
  overAssigned: boolean;
  assignments: LicenceAssignment[];
}

export interface LicenceTermsInput {
  softwareName?: string;
  seats: number;
  /** YYYY-MM-DD or null. */
  expiresOn?: string | null;
}

function requireLicence(row: AssetRow): void {
  if (row.type !== 'licence')
    throw new Conflict('asset_not_licence', `Asset ${row.id} is a ${row.type}, not a licence.`);
}

async function readLicence(db: ServiceContext['db'], row: AssetRow): Promise<Licence> {
  const terms = await db
    .selectFrom('asset_licences')
    .selectAll()
    .where('asset_id', '=', row.id)
    .executeTakeFirst();
  const assignments = await db
    .selectFrom('licence_assignments')
    .selectAll()
    .where('licence_id', '=', row.id)
    .orderBy('id')
    .execute();
  const seats = terms?.seats ?? 0;
  return {
    assetId: row.id,
    name: row.name,
    softwareName: terms?.software_name ?? '',
    seats,
    expiresOn: terms?.expires_on ?? null,
    used: assignments.length,
    overAssigned: assignments.length > seats,
    assignments: assignments.map((a) => ({
      id: a.id,
      assetId: a.asset_id,
      userId: a.user_id,
      assignedBy: a.assigned_by,
      assignedAt: a.assigned_at,
    })),
  };
}

export async function getLicence(ctx: ServiceContext, actor: Actor, assetId: number): Promise<Licence> {
  const row = await loadReadableAsset(ctx.db, actor, assetId);
  requireLicence(row);
  return readLicence(ctx.db, row);
}

/** Set a licence's terms (seats, software, expiry). */
export async function setLicenceTerms(
  ctx: ServiceContext,
  actor: Actor,
  assetId: number,
  input: LicenceTermsInput,
): Promise<Licence> {
  requireAssetWrite(actor);
  if (!Number.isSafeInteger(input.seats) || input.seats < 0 || input.seats > assetLimits.seatsMax)
    throw invalidField('/seats', `must be 0–${assetLimits.seatsMax}`);
  const software = (input.softwareName ?? '').trim();
  if (software.length > assetLimits.shortTextMaxLength)
    throw invalidField('/softwareName', `must be at most ${assetLimits.shortTextMaxLength} characters`);
  const expires = input.expiresOn ? parseDay('/expiresOn', input.expiresOn) : null;
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await loadAsset(trx, assetId);
    requireLicence(row);
    const before = await trx
      .selectFrom('asset_licences')
      .selectAll()
      .where('asset_id', '=', assetId)
      .executeTakeFirst();
    const describe = (t: { seats: number; software_name: string; expires_on: number | null } | undefined) =>
      t
        ? `${t.seats} seats${t.software_name ? ` of ${t.software_name}` : ''}${t.expires_on ? ` until ${formatDay(t.expires_on)}` : ''}`
        : null;
    const after = { seats: input.seats, software_name: software, expires_on: expires };
    if (describe(before) === describe(after)) return;
    await trx
      .insertInto('asset_licences')
      .values({ asset_id: assetId, ...after })
      .onConflict((oc) => oc.column('asset_id').doUpdateSet(after))
      .execute();
    await recordAssetChange(trx, assetId, actor.id, now, [
      { field: 'licence', from: describe(before), to: describe(after) },
    ]);
    await trx.updateTable('assets').set({ updated_at: now }).where('id', '=', assetId).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'asset.licence_terms',
      subjectType: 'asset',
      subjectId: assetId,
      details: { seats: input.seats },
    });
  });
  return getLicence(ctx, actor, assetId);
}

/** Give a seat to an asset or a user (one seat each per licence). */
export async function assignLicenceSeat(
  ctx: ServiceContext,
  actor: Actor,
  licenceId: number,
  input: { assetId?: number; userId?: number },
): Promise<Licence> {
  requireAssetWrite(actor);
  if ((input.assetId === undefined) === (input.userId === undefined))
    throw invalidField('/assetId', 'name exactly one of assetId and userId');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await loadAsset(trx, licenceId);
    requireLicence(row);
    if (input.assetId !== undefined) {
      const a = await trx
        .selectFrom('assets')
        .select('id')
        .where('id', '=', input.assetId)
        .executeTakeFirst();
      if (!a) throw invalidField('/assetId', `no asset ${input.assetId}`, 'invalid_reference');
    } else {
      const u = await trx
        .selectFrom('users')
        .select('id')
        .where('id', '=', input.userId as number)
        .executeTakeFirst();
      if (!u) throw invalidField('/userId', `no user ${input.userId}`, 'invalid_reference');
    }
    let taken = trx.selectFrom('licence_assignments').select('id').where('licence_id', '=', licenceId);
    taken =
      input.assetId !== undefined
        ? taken.where('asset_id', '=', input.assetId)
        : taken.where('user_id', '=', input.userId as number);
    if (await taken.executeTakeFirst())
      throw new Conflict(
        'licence_seat_taken',
        `That ${input.assetId !== undefined ? 'asset' : 'user'} already holds a seat of licence ${licenceId}.`,
      );
    await trx
      .insertInto('licence_assignments')
      .values({
        licence_id: licenceId,
        asset_id: input.assetId ?? null,
        user_id: input.userId ?? null,
        assigned_by: actor.id,
        assigned_at: now,
      })
      .execute();
    const to = input.assetId !== undefined ? `asset #${input.assetId}` : `user #${input.userId}`;
    await recordAssetChange(trx, licenceId, actor.id, now, [{ field: 'licence.seat', from: null, to }]);
    await trx.updateTable('assets').set({ updated_at: now }).where('id', '=', licenceId).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'asset.licence_assign',
      subjectType: 'asset',
      subjectId: licenceId,
      details: { ...input },
    });
  });
  return getLicence(ctx, actor, licenceId);
}

export async function unassignLicenceSeat(
  ctx: ServiceContext,
  actor: Actor,
  licenceId: number,
  assignmentId: number,
): Promise<Licence> {
  requireAssetWrite(actor);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await loadAsset(trx, licenceId);
    requireLicence(row);
    const a = await trx
      .selectFrom('licence_assignments')
      .selectAll()
      .where('id', '=', assignmentId)
      .where('licence_id', '=', licenceId)
      .executeTakeFirst();
    if (!a)
      throw new NotFound(
        'licence_assignment_not_found',
        `Licence ${licenceId} has no seat assignment ${assignmentId}.`,
      );
    await trx.deleteFrom('licence_assignments').where('id', '=', a.id).execute();
    const from = a.asset_id !== null ? `asset #${a.asset_id}` : `user #${a.user_id}`;
    await recordAssetChange(trx, licenceId, actor.id, now, [{ field: 'licence.seat', from, to: null }]);
    await trx.updateTable('assets').set({ updated_at: now }).where('id', '=', licenceId).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'asset.licence_unassign',
      subjectType: 'asset',
      subjectId: licenceId,
      details: { assignmentId },
    });
  });
  return getLicence(ctx, actor, licenceId);
}

/** Every licence with its usage, optionally only the over-assigned or those expiring before a moment. */
export async function listLicences(
  ctx: ServiceContext,
  actor: Actor,
  filter: { overAssigned?: boolean; expiresBefore?: number },
): Promise<Licence[]> {
  let q = ctx.db.selectFrom('assets').selectAll().where('type', '=', 'licence');
  const scope = assetOwnerScope(actor);
  if (scope !== null) q = q.where('owner_id', '=', scope);
  if (filter.expiresBefore !== undefined)
    q = q.where('id', 'in', (eb) =>
      eb
        .selectFrom('asset_licences')
        .select('asset_id')
        .where('expires_on', 'is not', null)
        .where('expires_on', '<', filter.expiresBefore as number),
    );
  const rows = await q.orderBy('name').orderBy('id').limit(1000).execute();
  const out: Licence[] = [];
  for (const row of rows) {
    const l = await readLicence(ctx.db, row);
    if (filter.overAssigned === undefined || l.overAssigned === filter.overAssigned) out.push(l);
  }
  return out;
}
