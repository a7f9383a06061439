// Who may do what to assets. Staff (technicians, managers, admins) read and write the inventory, its licences,
// relations and ticket links; a requester sees only the assets they own or use, read only — as GLPI's
// self-service profile shows "my devices". Inventory agents' tokens are managers' and admins'.
import { type Actor, isStaff } from '../core/auth/index.js';

export type AssetAction =
  /** See an asset, its history, relations, licence and tickets (requesters: their own only). */
  | 'asset.read'
  /** Create, edit, bulk-edit, relate, assign licence seats, link tickets, import. */
  | 'asset.write'
  /** Create, list and revoke inventory agents' tokens. */
  | 'asset.agents'
  /** Start and close repairs, ask for a replacement, read repairs and the repair-or-replace figures. */
  | 'asset.repair'
  /** The lifecycle view (warranties, ends of life, licences) and failure rates by model: planning. */
  | 'asset.plan';

export function canAsset(
  actor: Pick<Actor, 'id' | 'role'>,
  action: AssetAction,
  asset?: { owner_id: number | null },
): boolean {
  switch (action) {
    case 'asset.read':
      return isStaff(actor) || (asset !== undefined && asset.owner_id === actor.id);
    case 'asset.write':
      return isStaff(actor);
    case 'asset.agents':
    case 'asset.plan':
      return actor.role === 'admin' || actor.role === 'manager';
    case 'asset.repair':
      return isStaff(actor);
  }
}

/** Requesters list only their own assets: the filter the list applies (null: everything). */
export function assetOwnerScope(actor: Pick<Actor, 'id' | 'role'>): number | null {
  return isStaff(actor) ? null : actor.id;
}
