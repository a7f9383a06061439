// Asset management's face (issue 16): the inventory (assets with lifecycle, money, warranty and hardware facts;
// installed software), licences with seats, relations between assets, the tickets that name them, each asset's
// history, CSV import, and inventory agents (FusionInventory / GLPI agent) that keep hardware and software
// current. Named, so a new export is a decision.

import './asset-events.js';

export { type AssetDetail, getAsset, type InstalledSoftware, listInstalledSoftware } from './asset-detail.js';
export {
  type ImportRejection,
  type ImportReport,
  importAssetsCsv,
  importLimits,
  parseCsv,
} from './asset-import.js';
export {
  failureRates,
  type LifecycleAsset,
  type LifecycleLicence,
  type LifecycleView,
  lifecycleLimits,
  lifecycleReminderIntervalMs,
  lifecycleView,
  type ModelFailureRate,
  type RaisedReminder,
  raiseLifecycleReminders,
  registerAssets,
  runLifecycleReminders,
  subscribeAssets,
} from './asset-lifecycle.js';
export {
  type Asset,
  type AssetInput,
  assetLimits,
  assetRelationKinds,
  assetStatuses,
  assetTypes,
  dayOrNull,
  formatDay,
  type HardwareFacts,
  normaliseMac,
  parseDay,
} from './asset-model.js';
export {
  type AssetRelation,
  addAssetRelation,
  getAssetRelations,
  removeAssetRelation,
} from './asset-relations.js';
export {
  type AssetRepair,
  type CloseRepairInput,
  closeRepair,
  listRepairs,
  type RepairInput,
  type RepairOption,
  type ReplacementInput,
  repairLimits,
  repairOptions,
  requestReplacement,
  startRepair,
} from './asset-repairs.js';
export {
  type AssetTicket,
  getAssetTickets,
  getTicketAssets,
  linkAssetTicket,
  linkTicketAsset,
  type TicketAsset,
  unlinkAssetTicket,
  unlinkTicketAsset,
} from './asset-tickets.js';
export {
  type AssetFilter,
  type AssetHistoryItem,
  type AssetSort,
  type BulkAssetInput,
  bulkUpdateAssets,
  createAsset,
  encodeAssetCursor,
  listAssetHistory,
  listAssets,
  updateAsset,
} from './assets.js';
export {
  decodeInventoryBody,
  type InventoryDocument,
  inventoryLimits,
  parseInventory,
} from './fusion-inventory.js';
export { glpiDay, importAssetsGlpi, parseGlpiExport } from './glpi-import.js';
export {
  type HostSyncItem,
  type HostSyncReport,
  hardwareFromHostFacts,
  hostSyncIntervalMs,
  registerHostSync,
  runHostSyncNow,
  syncHostAssets,
} from './host-facts.js';
export {
  authenticateInventoryAgent,
  createInventoryAgent,
  type InventoryAgent,
  listInventoryAgents,
  revokeInventoryAgent,
} from './inventory-agents.js';
export {
  countInventoryRefused,
  type InventoryResult,
  type InventoryStats,
  inventoryStats,
  receiveInventory,
} from './inventory-submissions.js';
export {
  assignLicenceSeat,
  getLicence,
  type Licence,
  type LicenceAssignment,
  type LicenceTermsInput,
  listLicences,
  setLicenceTerms,
  unassignLicenceSeat,
} from './licences.js';
export { type AssetAction, canAsset } from './policies.js';
