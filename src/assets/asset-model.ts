// The shape of an asset as the domain hands it out, its closed vocabularies (types, states, relation kinds),
// the hardware facts an inventory fills (stored as one JSON column), the limits, and the small parsers every
// entry path shares: days (YYYY-MM-DD ↔ midnight UTC), money (minor units + ISO 4217) and MAC addresses.
import type { AssetRelationKind, AssetStatus, AssetType } from '../core/db/index.js';
import { Invalid } from '../core/errors.js';

export const assetTypes: readonly AssetType[] = [
  'computer',
  'server',
  'network_device',
  'printer',
  'phone',
  'peripheral',
  'monitor',
  'software',
  'licence',
];
export const assetStatuses: readonly AssetStatus[] = ['in_stock', 'in_use', 'in_repair', 'retired'];
export const assetRelationKinds: readonly AssetRelationKind[] = [
  'installed_on',
  'connected_to',
  'depends_on',
];

export const assetLimits = {
  nameMaxLength: 200,
  /** Serial, asset tag, model, manufacturer, location, supplier. */
  shortTextMaxLength: 200,
  notesMaxLength: 20_000,
  searchMaxLength: 200,
  costMinorMax: 1_000_000_000_000,
  /** Assets changed by one bulk edit. */
  bulkMax: 500,
  /** Seats of one licence. */
  seatsMax: 1_000_000,
  /** Installed software kept per asset (an inventory beyond it keeps the first, by name). */
  softwarePerAsset: 5_000,
  /** Network cards, disks, drives, memory modules, CPUs kept per asset. */
  hardwareItemsMax: 256,
} as const;

/** What an inventory (or a person) says about an asset's hardware; every part optional. */
export interface HardwareFacts {
  cpus?: { name: string; manufacturer?: string; cores?: number; threads?: number; speedMhz?: number }[];
  /** Total memory in MiB (the agent's HARDWARE/MEMORY), and the modules where it reads them. */
  memoryMb?: number;
  memoryModules?: { capacityMb: number; type?: string; speed?: string; slot?: string; serial?: string }[];
  /** Physical disks (STORAGES). */
  disks?: {
    name: string;
    model?: string;
    manufacturer?: string;
    sizeMb?: number;
    serial?: string;
    type?: string;
  }[];
  /** Mounted file systems (DRIVES). */
  drives?: { mount: string; fileSystem?: string; totalMb?: number; freeMb?: number }[];
  networkCards?: {
    name: string;
    mac?: string;
    ipAddresses?: string[];
    virtual?: boolean;
    type?: string;
    speed?: string;
  }[];
  os?: { name: string; version?: string; kernel?: string; arch?: string; fqdn?: string };
  bios?: { serial?: string; manufacturer?: string; model?: string; version?: string; date?: string };
}

export interface Asset {
  id: number;
  name: string;
  type: AssetType;
  status: AssetStatus;
  serial: string | null;
  assetTag: string | null;
  model: string;
  manufacturer: string;
  location: string;
  ownerId: number | null;
  /** Midnight UTC of the day, or null. */
  purchasedOn: number | null;
  cost: { amountMinor: number; currency: string } | null;
  supplier: string;
  warrantyEndsOn: number | null;
  endOfLifeOn: number | null;
  notes: string;
  hardware: HardwareFacts | null;
  macs: string[];
  inventory: { agentId: number | null; deviceId: string; at: number | null } | null;
  createdBy: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface AssetInput {
  name?: string;
  type?: AssetType;
  status?: AssetStatus;
  serial?: string | null;
  assetTag?: string | null;
  model?: string;
  manufacturer?: string;
  location?: string;
  ownerId?: number | null;
  /** YYYY-MM-DD. */
  purchaseDate?: string | null;
  cost?: { amountMinor: number; currency: string } | null;
  supplier?: string;
  warrantyEnd?: string | null;
  endOfLife?: string | null;
  notes?: string;
  hardware?: HardwareFacts | null;
}

export const invalidField = (
  field: string,
  message: string,
  code: 'validation_failed' | 'invalid_reference' = 'validation_failed',
) => new Invalid(code, `${field.replace(/^\//, '')}: ${message}`, [{ field, message }]);

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2027-03-31" → midnight UTC of that day; refuses a day that does not exist (2027-02-30). */
export function parseDay(field: string, value: string): number {
  const m = dayPattern.exec(value.trim());
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(ms) || formatDay(ms) !== value.trim())
    throw invalidField(field, 'must be a date YYYY-MM-DD');
  return ms;
}

export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export const dayOrNull = (ms: number | null): string | null => (ms === null ? null : formatDay(ms));

/** "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff", "aa:bb:…" → "aa:bb:cc:dd:ee:ff"; null for anything else or an all-zero one. */
export function normaliseMac(value: string): string | null {
  const hex = value
    .trim()
    .toLowerCase()
    .replace(/[:\-.\s]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex) || /^0+$/.test(hex) || hex === 'ffffffffffff') return null;
  return hex.match(/../g)?.join(':') ?? null;
}

/** A serial number as matched: trimmed; placeholders vendors ship ("To be filled by O.E.M.", "0") are none. */
export function normaliseSerial(value: string | null | undefined): string | null {
  const s = value?.trim() ?? '';
  if (s === '') return null;
  if (
    /^(to be filled by o\.?e\.?m\.?|default string|system serial number|not specified|none|n\/a|0+|x+)$/i.test(
      s,
    )
  )
    return null;
  return s;
}

export function checkCost(
  field: string,
  cost: { amountMinor: number; currency: string },
): { amountMinor: number; currency: string } {
  if (
    !Number.isSafeInteger(cost.amountMinor) ||
    cost.amountMinor < 0 ||
    cost.amountMinor > assetLimits.costMinorMax
  )
    throw invalidField(
      `${field}/amountMinor`,
      `must be a whole number 0–${assetLimits.costMinorMax} (minor units)`,
    );
  if (!/^[A-Z]{3}$/.test(cost.currency))
    throw invalidField(`${field}/currency`, 'must be an ISO 4217 code such as EUR');
  return cost;
}
