// Relations between assets, a small CMDB: software installed_on a computer, a monitor connected_to a PC, a
// service's server depends_on a switch. Directed (from → to), one of each kind per pair, never an asset with
// itself. Each add and remove is one transaction with both assets' histories and the audit log.
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { AssetRelationKind, AssetStatus, AssetType } from '../core/db/index.js';
import { Conflict, NotFound } from '../core/errors.js';
import { invalidField } from './asset-model.js';
import { loadAsset, loadReadableAsset, recordAssetChange, requireAssetWrite } from './assets.js';
import { canAsset } from './policies.js';

export interface AssetRelation {
  id: number;
  kind: AssetRelationKind;
  /** out: this asset → the other (this asset is installed on / connected to / depends on it); in: the reverse. */
  direction: 'out' | 'in';
  fromAssetId: number;
  toAssetId: number;
  other: { id: number; name: string; type: AssetType; status: AssetStatus };
  createdBy: number | null;
  createdAt: number;
}

/** The relations of an asset, both directions; a requester sees only those whose other end they may read. */
export async function listRelationsOf(
  ctx: ServiceContext,
  actor: Actor,
  assetId: number,
): Promise<AssetRelation[]> {
  const rels = await ctx.db
    .selectFrom('asset_relations')
    .selectAll()
    .where((eb) => eb.or([eb('from_asset_id', '=', assetId), eb('to_asset_id', '=', assetId)]))
    .orderBy('id')
    .execute();
  const otherIds = [
    ...new Set(rels.map((r) => (r.from_asset_id === assetId ? r.to_asset_id : r.from_asset_id))),
  ];
  const others = new Map(
    otherIds.length === 0
      ? []
      : (
          await ctx.db
            .selectFrom('assets')
            .select(['id', 'name', 'type', 'status', 'owner_id'])
            .where('id', 'in', otherIds)
            .execute()
        ).map((a) => [a.id, a] as const),
  );
  return rels
    .flatMap((r) => {
      const other = others.get(r.from_asset_id === assetId ? r.to_asset_id : r.from_asset_id);
      return other && canAsset(actor, 'asset.read', other) ? [{ r, other }] : [];
    })
    .map(({ r, other }) => ({
      id: r.id,
      kind: r.kind,
      direction: r.from_asset_id === assetId ? ('out' as const) : ('in' as const),
      fromAssetId: r.from_asset_id,
      toAssetId: r.to_asset_id,
      other: { id: other.id, name: other.name, type: other.type, status: other.status },
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
}

export async function getAssetRelations(
  ctx: ServiceContext,
  actor: Actor,
  assetId: number,
): Promise<AssetRelation[]> {
  await loadReadableAsset(ctx.db, actor, assetId);
  return listRelationsOf(ctx, actor, assetId);
}

/** "This asset <kind> that one": from is the asset in the path. */
export async function addAssetRelation(
  ctx: ServiceContext,
  actor: Actor,
  assetId: number,
  input: { kind: AssetRelationKind; toAssetId: number },
): Promise<AssetRelation[]> {
  requireAssetWrite(actor);
  if (input.toAssetId === assetId) throw invalidField('/toAssetId', 'an asset is not related to itself');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const from = await loadAsset(trx, assetId);
    const to = await trx
      .selectFrom('assets')
      .select(['id', 'name'])
      .where('id', '=', input.toAssetId)
      .executeTakeFirst();
    if (!to) throw invalidField('/toAssetId', `no asset ${input.toAssetId}`, 'invalid_reference');
    const inserted = await trx
      .insertInto('asset_relations')
      .values({
        from_asset_id: from.id,
        to_asset_id: to.id,
        kind: input.kind,
        created_by: actor.id,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['from_asset_id', 'to_asset_id', 'kind']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1)
      throw new Conflict(
        'asset_relation_exists',
        `Asset ${from.id} is already ${input.kind} asset ${to.id}.`,
      );
    await recordAssetChange(trx, from.id, actor.id, now, [
      { field: `relation.${input.kind}`, from: null, to: `→ #${to.id} ${to.name}` },
    ]);
    await recordAssetChange(trx, to.id, actor.id, now, [
      { field: `relation.${input.kind}`, from: null, to: `← #${from.id} ${from.name}` },
    ]);
    await trx.updateTable('assets').set({ updated_at: now }).where('id', 'in', [from.id, to.id]).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'asset.relate',
      subjectType: 'asset',
      subjectId: from.id,
      details: { kind: input.kind, toAssetId: to.id },
    });
  });
  return listRelationsOf(ctx, actor, assetId);
}

/** Remove a relation of this asset (either direction). */
export async function removeAssetRelation(
  ctx: ServiceContext,
  actor: Actor,
  assetId: number,
  relationId: number,
): Promise<void> {
  requireAssetWrite(actor);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await loadAsset(trx, assetId);
    const rel = await trx
      .selectFrom('asset_relations')
      .selectAll()
      .where('id', '=', relationId)
      .where((eb) => eb.or([eb('from_asset_id', '=', assetId), eb('to_asset_id', '=', assetId)]))
      .executeTakeFirst();
    if (!rel)
      throw new NotFound('asset_relation_not_found', `Asset ${assetId} has no relation ${relationId}.`);
    await trx.deleteFrom('asset_relations').where('id', '=', rel.id).execute();
    await recordAssetChange(trx, rel.from_asset_id, actor.id, now, [
      { field: `relation.${rel.kind}`, from: `→ #${rel.to_asset_id}`, to: null },
    ]);
    await recordAssetChange(trx, rel.to_asset_id, actor.id, now, [
      { field: `relation.${rel.kind}`, from: `← #${rel.from_asset_id}`, to: null },
    ]);
    await trx
      .updateTable('assets')
      .set({ updated_at: now })
      .where('id', 'in', [rel.from_asset_id, rel.to_asset_id])
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'asset.unrelate',
      subjectType: 'asset',
      subjectId: rel.from_asset_id,
      details: { kind: rel.kind, toAssetId: rel.to_asset_id },
    });
  });
}
