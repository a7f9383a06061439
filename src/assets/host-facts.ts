// Agent-less inventory (issue 16, item 2): a monitored host whose node_exporter is scraped becomes an asset, its
// hardware facts (CPUs, memory, file systems, network cards with their MACs, OS, and DMI's vendor, model and serial
// where the exporter reads them) filled from the latest metrics and kept current. The asset is found by the target
// it came from, else by serial number, else by a MAC address — so a machine FusionInventory already inventoried is
// merged, not duplicated. What a person keeps (name, owner, location, status, money, notes) is never touched; the
// hardware facts node_exporter does not read (physical disks, memory modules, BIOS version) are kept too.
// A pass runs on one instance at a time; each host is its own transaction.
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Forbidden } from '../core/errors.js';
import { runExclusively } from '../core/exclusive-work.js';
import type { JobScheduler } from '../core/jobs.js';
import { type HostFacts, type MonitoredHostFacts, monitoredHostFacts } from '../monitoring/index.js';
import {
  type AssetInput,
  assetLimits,
  type HardwareFacts,
  normaliseMac,
  normaliseSerial,
} from './asset-model.js';
import { type AssetRow, insertAsset, updateAssetIn } from './assets.js';
import { canAsset } from './policies.js';

export type HostSyncOutcome = 'created' | 'updated' | 'unchanged' | 'conflict';

export interface HostSyncItem {
  targetId: number;
  targetName: string;
  instance: string;
  assetId: number | null;
  outcome: HostSyncOutcome;
  /** How the asset was found: the target's own link, a serial number, a MAC address; null for a new asset. */
  matchedBy: 'target' | 'serial' | 'mac' | null;
  /** Why a conflict was not merged. */
  reason?: string;
}

export interface HostSyncReport {
  hosts: number;
  created: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  items: HostSyncItem[];
}

/** Every 15 minutes: facts change rarely, and a sync can be run at once by a manager. */
export const hostSyncIntervalMs = 15 * 60_000;

const mib = (bytes: number) => Math.round(bytes / 1_048_576);

/** node_exporter's facts as our hardware facts, over what the asset already holds (parts node_exporter lacks stay). */
export function hardwareFromHostFacts(facts: HostFacts, before: HardwareFacts | null): HardwareFacts {
  const out: HardwareFacts = { ...(before ?? {}) };
  if (facts.cpus !== null || facts.cpuModel !== null) {
    const model = facts.cpuModel ?? before?.cpus?.[0]?.name ?? 'CPU';
    // An agent's richer CPU facts stay when they say the same thing (same model, same logical CPUs).
    const agentThreads = (before?.cpus ?? []).reduce((n, c) => n + (c.threads ?? c.cores ?? 0), 0);
    if (!(before?.cpus?.length && agentThreads === facts.cpus && before.cpus[0].name === model))
      out.cpus = [{ name: model, ...(facts.cpus !== null ? { threads: facts.cpus } : {}) }];
  }
  if (facts.memoryBytes !== null) out.memoryMb = mib(facts.memoryBytes);
  if (facts.disks.length > 0)
    out.drives = facts.disks
      .slice(0, assetLimits.hardwareItemsMax)
      .map((d) => ({ mount: d.mountpoint, fileSystem: d.fstype, totalMb: mib(d.sizeBytes) }));
  if (facts.networkCards.length > 0) {
    // Cards are merged by MAC: an agent's card keeps its addresses and type; node_exporter's new ones join.
    const cards = [...(before?.networkCards ?? [])];
    const known = new Set(cards.map((c) => (c.mac ? normaliseMac(c.mac) : null)));
    for (const card of facts.networkCards) {
      const mac = normaliseMac(card.mac);
      if (!mac || known.has(mac)) continue;
      known.add(mac);
      cards.push({ name: card.device, mac });
    }
    out.networkCards = cards.slice(0, assetLimits.hardwareItemsMax);
  }
  if (facts.os)
    out.os = {
      name: facts.os.name,
      ...(facts.os.version ? { version: facts.os.version } : {}),
      ...(facts.os.kernel ? { kernel: facts.os.kernel } : {}),
      ...(facts.os.architecture ? { arch: facts.os.architecture } : {}),
      ...(facts.hostname ? { fqdn: facts.hostname } : before?.os?.fqdn ? { fqdn: before.os.fqdn } : {}),
    };
  const serial = normaliseSerial(facts.serial);
  if (serial || facts.vendor || facts.model)
    out.bios = {
      ...(before?.bios ?? {}),
      ...(serial ? { serial } : {}),
      ...(facts.vendor ? { manufacturer: facts.vendor } : {}),
      ...(facts.model ? { model: facts.model } : {}),
    };
  return out;
}

async function findAsset(
  ctx: ServiceContext,
  host: MonitoredHostFacts,
): Promise<{ row: AssetRow; by: 'target' | 'serial' | 'mac' } | null> {
  const byTarget = await ctx.db
    .selectFrom('assets')
    .selectAll()
    .where('monitoring_target_id', '=', host.target.id)
    .orderBy('id')
    .executeTakeFirst();
  if (byTarget) return { row: byTarget, by: 'target' };
  const serial = normaliseSerial(host.facts.serial);
  if (serial) {
    const row = await ctx.db
      .selectFrom('assets')
      .selectAll()
      .where('serial', '=', serial)
      .where('type', 'not in', ['software', 'licence'])
      .orderBy('id')
      .executeTakeFirst();
    if (row) return { row, by: 'serial' };
  }
  const macs = host.facts.networkCards.flatMap((c) => normaliseMac(c.mac) ?? []);
  if (macs.length > 0) {
    const row = await ctx.db
      .selectFrom('assets')
      .selectAll()
      .where('id', 'in', (eb) => eb.selectFrom('asset_macs').select('asset_id').where('mac', 'in', macs))
      .orderBy('id')
      .executeTakeFirst();
    if (row) return { row, by: 'mac' };
  }
  return null;
}

async function syncHost(
  ctx: ServiceContext,
  actorId: number | null,
  host: MonitoredHostFacts,
): Promise<HostSyncItem> {
  const base = { targetId: host.target.id, targetName: host.target.name, instance: host.instance };
  const now = ctx.clock.now();
  const found = await findAsset(ctx, host);
  if (found && found.row.monitoring_target_id !== null && found.row.monitoring_target_id !== host.target.id)
    return {
      ...base,
      assetId: found.row.id,
      outcome: 'conflict',
      matchedBy: found.by,
      reason: `asset ${found.row.id} is already the host of monitoring target ${found.row.monitoring_target_id}`,
    };
  const facts = host.facts;
  const serial = normaliseSerial(facts.serial);
  return ctx.db.transaction().execute(async (trx) => {
    if (!found) {
      const input: AssetInput & { name: string; type: 'server' } = {
        name: (facts.hostname ?? host.target.name).slice(0, assetLimits.nameMaxLength),
        type: 'server',
        status: 'in_use',
        ...(serial ? { serial } : {}),
        ...(facts.vendor ? { manufacturer: facts.vendor.slice(0, assetLimits.shortTextMaxLength) } : {}),
        ...(facts.model ? { model: facts.model.slice(0, assetLimits.shortTextMaxLength) } : {}),
        hardware: hardwareFromHostFacts(facts, null),
      };
      const id = await insertAsset(trx, actorId, input, now, {
        monitoring_target_id: host.target.id,
        host_facts_at: now,
      });
      return { ...base, assetId: id, outcome: 'created', matchedBy: null };
    }
    const row = found.row;
    const before = row.hardware ? (JSON.parse(row.hardware) as HardwareFacts) : null;
    // Only facts: a person's name, owner, location and status stay; serial, vendor and model fill only blanks.
    const input: AssetInput = { hardware: hardwareFromHostFacts(facts, before) };
    if (serial && row.serial === null) input.serial = serial;
    if (facts.vendor && row.manufacturer === '')
      input.manufacturer = facts.vendor.slice(0, assetLimits.shortTextMaxLength);
    if (facts.model && row.model === '') input.model = facts.model.slice(0, assetLimits.shortTextMaxLength);
    const link = row.monitoring_target_id === host.target.id ? {} : { monitoring_target_id: host.target.id };
    const changes = await updateAssetIn(trx, row, actorId, input, now, link);
    await trx.updateTable('assets').set({ host_facts_at: now }).where('id', '=', row.id).execute();
    const outcome: HostSyncOutcome =
      changes.length > 0 || 'monitoring_target_id' in link ? 'updated' : 'unchanged';
    return { ...base, assetId: row.id, outcome, matchedBy: found.by };
  });
}

/** One pass over every monitored host with node_exporter facts (the facts read at the clock's now). */
export async function syncHostAssets(
  ctx: ServiceContext,
  actorId: number | null = null,
): Promise<HostSyncReport> {
  const hosts = await monitoredHostFacts(ctx);
  const report: HostSyncReport = {
    hosts: hosts.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    conflicts: 0,
    items: [],
  };
  for (const host of hosts) {
    const item = await syncHost(ctx, actorId, host);
    report.items.push(item);
    if (item.outcome === 'conflict') report.conflicts++;
    else report[item.outcome]++;
  }
  return report;
}

/** `POST /api/v1/assets/sync-hosts`: a manager (or admin) runs the pass now; audited. Null when another instance is running it. */
export async function runHostSyncNow(ctx: ServiceContext, actor: Actor): Promise<HostSyncReport | null> {
  if (!canAsset(actor, 'asset.agents'))
    throw new Forbidden(
      'forbidden',
      'Syncing monitored hosts into the inventory is for managers and admins.',
    );
  const r = await runExclusively(ctx, 'assets.host-sync', () => syncHostAssets(ctx, actor.id));
  if (!r.ran) return null;
  const report = r.value;
  await ctx.db.transaction().execute((trx) =>
    recordAudit(trx, {
      actorId: actor.id,
      at: ctx.clock.now(),
      action: 'asset.sync_hosts',
      subjectType: 'asset',
      subjectId: report.items.find((i) => i.assetId !== null)?.assetId ?? 0,
      details: {
        hosts: report.hosts,
        created: report.created,
        updated: report.updated,
        conflicts: report.conflicts,
      },
    }),
  );
  return report;
}

/** The periodic pass, one instance at a time. */
export function registerHostSync(ctx: ServiceContext, jobs: JobScheduler): void {
  jobs.every('assets.host-sync', hostSyncIntervalMs, () =>
    runExclusively(ctx, 'assets.host-sync', () => syncHostAssets(ctx)),
  );
}
