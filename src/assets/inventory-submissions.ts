// An agent's inventory becomes an asset: the document is decoded and parsed (fusion-inventory.ts), the device
// found — by the agent's DEVICEID, then the BIOS serial number, then a physical card's MAC address — and
// updated, or a new computer created. One transaction writes the asset, its MACs, its installed software (what
// the agent found replaces what the previous inventory found; software a person added stays), its history and
// the audit log. A device another agent inventories is refused (inventory_device_claimed), never overwritten.
// Every submission is counted by outcome, every refusal by reason (the service's /metrics reads them).
import type { Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, DomainError } from '../core/errors.js';
import { type AssetChange, type AssetRow, insertAsset, recordAssetChange, updateAssetIn } from './assets.js';
import {
  decodeInventoryBody,
  type InventoryDocument,
  type InventorySoftware,
  inventoryReply,
  parseInventory,
  prologReply,
} from './fusion-inventory.js';

type Trx = Transaction<Database>;

export type InventoryOutcome = 'prolog' | 'created' | 'updated';

export interface InventoryStats {
  accepted: Record<InventoryOutcome, number>;
  /** Refusals by reason (the error code: invalid_inventory, inventory_too_large, inventory_device_claimed, …). */
  refused: Record<string, number>;
}

const stats = defineLocalCache('inventory_submission_stats', () => ({
  accepted: { prolog: 0, created: 0, updated: 0 } as Record<InventoryOutcome, number>,
  refused: new Map<string, number>(),
}));

export function inventoryStats(ctx: ServiceContext): InventoryStats {
  const s = ctx.caches.local(stats);
  return { accepted: { ...s.accepted }, refused: Object.fromEntries(s.refused) };
}

/** Count a refusal made before the domain saw the body (an unknown agent, a body over Fastify's limit). */
export function countInventoryRefused(ctx: ServiceContext, reason: string): void {
  const map = ctx.caches.local(stats).refused;
  map.set(reason, (map.get(reason) ?? 0) + 1);
}

export interface InventoryResult {
  outcome: InventoryOutcome;
  assetId: number | null;
  reply: { type: string; body: string };
}

/** Which asset is this device? DEVICEID, then serial, then MAC; null: a new one. */
async function findDevice(trx: Trx, doc: InventoryDocument): Promise<{ row: AssetRow; by: string } | null> {
  const byDevice = await trx
    .selectFrom('assets')
    .selectAll()
    .where('inventory_device_id', '=', doc.deviceId)
    .executeTakeFirst();
  if (byDevice) return { row: byDevice, by: 'deviceid' };
  const m = doc.machine;
  if (!m) return null;
  if (m.serial) {
    const bySerial = await trx
      .selectFrom('assets')
      .selectAll()
      .where('serial', '=', m.serial)
      .where('type', 'not in', ['software', 'licence'])
      .orderBy('id')
      .executeTakeFirst();
    if (bySerial) return { row: bySerial, by: 'serial' };
  }
  if (m.macs.length > 0) {
    const byMac = await trx
      .selectFrom('assets')
      .selectAll()
      .where('id', 'in', (eb) => eb.selectFrom('asset_macs').select('asset_id').where('mac', 'in', m.macs))
      .orderBy('id')
      .executeTakeFirst();
    if (byMac) return { row: byMac, by: 'mac' };
  }
  return null;
}

const softwareKey = (s: { name: string; version: string }) => `${s.name}\u0000${s.version}`;

/** Replace the inventory's software on the asset; the history says what came and went. */
async function replaceSoftware(
  trx: Trx,
  assetId: number,
  found: InventorySoftware[],
): Promise<AssetChange | null> {
  const before = await trx
    .selectFrom('asset_software')
    .select(['name', 'version'])
    .where('asset_id', '=', assetId)
    .where('source', '=', 'inventory')
    .execute();
  const had = new Set(before.map(softwareKey));
  const has = new Set(found.map(softwareKey));
  const added = found.filter((s) => !had.has(softwareKey(s)));
  const removed = before.filter((s) => !has.has(softwareKey(s)));
  if (added.length === 0 && removed.length === 0) return null;
  await trx
    .deleteFrom('asset_software')
    .where('asset_id', '=', assetId)
    .where('source', '=', 'inventory')
    .execute();
  for (let i = 0; i < found.length; i += 500)
    await trx
      .insertInto('asset_software')
      .values(
        found.slice(i, i + 500).map((s) => ({
          asset_id: assetId,
          name: s.name,
          version: s.version,
          publisher: s.publisher,
          installed_on: s.installedOn,
          source: 'inventory' as const,
        })),
      )
      .execute();
  const names = (list: { name: string; version: string }[], sign: string) =>
    list.slice(0, 5).map((s) => `${sign}${s.name} ${s.version}`.trim());
  const detail = [...names(added, '+'), ...names(removed, '−')].join(', ');
  const more = added.length + removed.length > 10 ? ', …' : '';
  return {
    field: 'software',
    from: `${before.length} packages`,
    to: `${found.length} packages (+${added.length} −${removed.length}${detail ? `: ${detail}${more}` : ''})`,
  };
}

async function applyInventory(
  ctx: ServiceContext,
  agent: { id: number; name: string },
  doc: InventoryDocument,
): Promise<{ outcome: 'created' | 'updated'; assetId: number }> {
  const m = doc.machine;
  if (!m) throw new Error('an inventory document has a machine');
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const found = await findDevice(trx, doc);
    if (found && found.row.inventory_agent_id !== null && found.row.inventory_agent_id !== agent.id)
      throw new Conflict(
        'inventory_device_claimed',
        `The device (matched by ${found.by}) is asset ${found.row.id}, inventoried by another agent.`,
      );
    if (found) {
      // A device id another asset holds stays there: a MAC or serial match must not steal it.
      const holder = await trx
        .selectFrom('assets')
        .select('id')
        .where('inventory_device_id', '=', doc.deviceId)
        .executeTakeFirst();
      if (holder && holder.id !== found.row.id)
        throw new Conflict(
          'inventory_device_claimed',
          `Device ${doc.deviceId} is asset ${holder.id}, not asset ${found.row.id}.`,
        );
    }
    const input = {
      name: m.name,
      ...(m.manufacturer ? { manufacturer: m.manufacturer.slice(0, 200) } : {}),
      ...(m.model ? { model: m.model.slice(0, 200) } : {}),
      hardware: m.hardware,
    };
    const extra: Partial<AssetRow> = {
      inventory_agent_id: agent.id,
      inventory_device_id: doc.deviceId,
      inventoried_at: now,
    };
    let assetId: number;
    let outcome: 'created' | 'updated';
    const changes: AssetChange[] = [];
    if (found) {
      assetId = found.row.id;
      outcome = 'updated';
      // A serial a person typed is kept; an asset without one takes the agent's.
      const serial = found.row.serial === null && m.serial ? { serial: m.serial } : {};
      changes.push(...(await updateAssetIn(trx, found.row, null, { ...input, ...serial }, now, extra)));
      if (found.row.inventory_device_id !== doc.deviceId)
        await recordAssetChange(trx, assetId, null, now, [
          { field: 'inventory.deviceId', from: found.row.inventory_device_id, to: doc.deviceId },
        ]);
    } else {
      outcome = 'created';
      assetId = await insertAsset(
        trx,
        null,
        { ...input, type: 'computer', status: 'in_use', serial: m.serial, name: input.name.slice(0, 200) },
        now,
        extra,
      );
    }
    const software = await replaceSoftware(trx, assetId, m.software);
    if (software) {
      changes.push(software);
      if (outcome === 'updated') await recordAssetChange(trx, assetId, null, now, [software]);
    }
    await trx.updateTable('inventory_agents').set({ last_seen_at: now }).where('id', '=', agent.id).execute();
    await recordAudit(trx, {
      actorId: null,
      at: now,
      action: `asset.inventory_${outcome}`,
      subjectType: 'asset',
      subjectId: assetId,
      details: {
        agentId: agent.id,
        deviceId: doc.deviceId,
        format: doc.format,
        changes: changes.map((c) => c.field),
      },
    });
    return { outcome, assetId };
  });
}

/** One submission from an authenticated agent: a PROLOG is answered SEND, an inventory applied. */
export async function receiveInventory(
  ctx: ServiceContext,
  agent: { id: number; name: string },
  body: Buffer,
): Promise<InventoryResult> {
  const s = ctx.caches.local(stats);
  try {
    const doc = parseInventory(decodeInventoryBody(body));
    if (doc.query === 'prolog') {
      s.accepted.prolog++;
      await ctx.db
        .updateTable('inventory_agents')
        .set({ last_seen_at: ctx.clock.now() })
        .where('id', '=', agent.id)
        .execute();
      return { outcome: 'prolog', assetId: null, reply: prologReply(doc.format) };
    }
    const { outcome, assetId } = await applyInventory(ctx, agent, doc);
    s.accepted[outcome]++;
    return { outcome, assetId, reply: inventoryReply(doc.format) };
  } catch (e) {
    const reason = e instanceof DomainError ? e.code : 'internal';
    countInventoryRefused(ctx, reason);
    ctx.log.warn(
      { agentId: agent.id, reason, err: e instanceof DomainError ? undefined : e },
      'inventory refused',
    );
    throw e;
  }
}
