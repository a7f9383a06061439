// An asset's page in one read: the asset, the tickets that name it and which of them are incidents, its repairs
// (staff), its relations, the software installed on it (the first page; the whole list is GET …/software) and,
// for a licence, its terms and seats.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Asset } from './asset-model.js';
import { type AssetRelation, listRelationsOf } from './asset-relations.js';
import { type AssetRepair, listRepairsOf } from './asset-repairs.js';
import { type AssetTicket, listTicketsOf } from './asset-tickets.js';
import { loadReadableAsset, macsOf, toAsset } from './assets.js';
import { getLicence, type Licence } from './licences.js';
import { canAsset } from './policies.js';

export interface InstalledSoftware {
  id: number;
  name: string;
  version: string;
  publisher: string;
  installedOn: number | null;
  source: 'inventory' | 'manual';
}

export interface AssetDetail extends Asset {
  tickets: AssetTicket[];
  /**
   * Its incidents: the tickets of type incident that name it. (Monitored hosts' incidents join here once an
   * asset is linked to a monitoring target; no such link exists yet.)
   */
  incidents: AssetTicket[];
  /** Its repairs, newest first (staff; a requester sees none). */
  repairs: AssetRepair[];
  replacementRequestId: number | null;
  relations: AssetRelation[];
  softwareCount: number;
  licence: Licence | null;
}

export async function getAsset(ctx: ServiceContext, actor: Actor, id: number): Promise<AssetDetail> {
  const row = await loadReadableAsset(ctx.db, actor, id);
  const macs = (await macsOf(ctx.db, [id])).get(id) ?? [];
  const count = await ctx.db
    .selectFrom('asset_software')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('asset_id', '=', id)
    .executeTakeFirstOrThrow();
  const tickets = await listTicketsOf(ctx, actor, id);
  return {
    ...toAsset(row, macs),
    tickets,
    incidents: tickets.filter((t) => t.type === 'incident'),
    repairs: canAsset(actor, 'asset.repair') ? await listRepairsOf(ctx, id) : [],
    replacementRequestId: row.replacement_request_id,
    relations: await listRelationsOf(ctx, actor, id),
    softwareCount: Number(count.n),
    licence: row.type === 'licence' ? await getLicence(ctx, actor, id) : null,
  };
}

/** The software installed on an asset, by name then version. */
export async function listInstalledSoftware(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  filter: { q?: string } = {},
): Promise<InstalledSoftware[]> {
  await loadReadableAsset(ctx.db, actor, id);
  let q = ctx.db.selectFrom('asset_software').selectAll().where('asset_id', '=', id);
  const text = filter.q?.trim().toLowerCase() ?? '';
  if (text !== '')
    q = q.where((eb) => eb(eb.fn('lower', ['name']), 'like', `%${text.replace(/[\\%_]/g, '')}%`));
  const rows = await q.orderBy('name').orderBy('version').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    version: r.version,
    publisher: r.publisher,
    installedOn: r.installed_on,
    source: r.source,
  }));
}
