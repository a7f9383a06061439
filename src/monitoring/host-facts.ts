// What node_exporter's metrics say about a monitored host's hardware and system: CPUs, memory, disks, network
// cards (with their MACs), the OS and kernel, and — where the exporter can read DMI — vendor, model and serial.
// The agent-less half of the asset inventory: the assets domain turns these facts into an asset and keeps it current.
// Pure mapping (`hostFactsFromSamples`) apart from the read (`monitoredHostFacts`).
import type { ServiceContext } from '../core/context.js';
import { capacityHosts } from '../forecast/index.js';
import { metricStore } from './metric-store.js';
import { evaluateInstant } from './promql.js';

export interface HostFacts {
  hostname: string | null;
  os: { name: string; version: string | null; kernel: string | null; architecture: string | null } | null;
  cpus: number | null;
  cpuModel: string | null;
  memoryBytes: number | null;
  disks: { mountpoint: string; device: string; fstype: string; sizeBytes: number }[];
  networkCards: { device: string; mac: string; up: boolean }[];
  vendor: string | null;
  model: string | null;
  serial: string | null;
}

export interface MonitoredHostFacts {
  target: { id: number; name: string };
  instance: string;
  /** When the facts were read (epoch ms): each is its metric's latest sample within the look-back before then. */
  observedAt: number;
  facts: HostFacts;
}

type Sample = { labels: Record<string, string>; value: number };

/** The pseudo and virtual file systems node_exporter reports that are not disks. */
const notDisks =
  /^(tmpfs|devtmpfs|overlay|squashfs|proc|sysfs|cgroup2?|nsfs|autofs|ramfs|fuse\..*|tracefs|debugfs)$/;
/** Interfaces that are not network cards: loopback, bridges and tunnels a host makes for itself. */
const notCards = /^(lo|docker\d*|veth.*|br-.*|virbr\d*|ifb\d*|tun\d*|tap\d*|cni\d*|flannel.*|cali.*)$/;
const nullMac = /^(00:){5}00$/;

/** Facts from one instance's samples of the metrics below (each sample carries `__name__`). */
export function hostFactsFromSamples(samples: readonly Sample[]): HostFacts {
  const facts: HostFacts = {
    hostname: null,
    os: null,
    cpus: null,
    cpuModel: null,
    memoryBytes: null,
    disks: [],
    networkCards: [],
    vendor: null,
    model: null,
    serial: null,
  };
  const cpuIds = new Set<string>();
  const seenMounts = new Set<string>();
  const seenCards = new Set<string>();
  let kernel: string | null = null;
  let architecture: string | null = null;
  const text = (v: string | undefined) => (v && v.trim() !== '' ? v.trim() : null);
  for (const { labels, value } of samples) {
    switch (labels.__name__) {
      case 'node_cpu_seconds_total':
        if (labels.cpu !== undefined) cpuIds.add(labels.cpu);
        break;
      case 'node_cpu_info':
        facts.cpuModel ??= text(labels.model_name);
        break;
      case 'node_memory_MemTotal_bytes':
        if (Number.isFinite(value) && value > 0) facts.memoryBytes = Math.round(value);
        break;
      case 'node_filesystem_size_bytes': {
        const mountpoint = labels.mountpoint ?? '';
        if (!mountpoint || notDisks.test(labels.fstype ?? '') || seenMounts.has(mountpoint)) break;
        if (!Number.isFinite(value) || value <= 0) break;
        seenMounts.add(mountpoint);
        facts.disks.push({
          mountpoint,
          device: labels.device ?? '',
          fstype: labels.fstype ?? '',
          sizeBytes: Math.round(value),
        });
        break;
      }
      case 'node_network_info': {
        const device = labels.device ?? '';
        const mac = (labels.address ?? '').toLowerCase();
        if (
          !device ||
          notCards.test(device) ||
          !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) ||
          nullMac.test(mac)
        )
          break;
        if (seenCards.has(device)) break;
        seenCards.add(device);
        facts.networkCards.push({ device, mac, up: labels.operstate === 'up' });
        break;
      }
      case 'node_uname_info':
        facts.hostname = text(labels.nodename);
        kernel = text(labels.release);
        architecture = text(labels.machine);
        if (!facts.os && labels.sysname)
          facts.os = { name: labels.sysname, version: null, kernel, architecture };
        break;
      case 'node_os_info':
        facts.os = {
          name: text(labels.name) ?? text(labels.id) ?? 'unknown',
          version: text(labels.version) ?? text(labels.version_id),
          kernel,
          architecture,
        };
        break;
      case 'node_dmi_info':
        facts.vendor = text(labels.system_vendor) ?? text(labels.board_vendor);
        facts.model = text(labels.product_name) ?? text(labels.board_name);
        facts.serial =
          text(labels.product_serial) ?? text(labels.chassis_serial) ?? text(labels.board_serial);
        break;
    }
  }
  if (facts.os)
    facts.os = {
      ...facts.os,
      kernel: facts.os.kernel ?? kernel,
      architecture: facts.os.architecture ?? architecture,
    };
  if (cpuIds.size > 0) facts.cpus = cpuIds.size;
  facts.disks.sort((a, b) => a.mountpoint.localeCompare(b.mountpoint));
  facts.networkCards.sort((a, b) => a.device.localeCompare(b.device));
  return facts;
}

/** The metrics read, each as its latest sample within the look-back (facts change rarely; a host scraped hourly still counts). */
const factQueries = [
  'node_cpu_seconds_total{mode="idle"}',
  'node_cpu_info',
  'node_memory_MemTotal_bytes',
  'node_filesystem_size_bytes',
  'node_network_info',
  'node_uname_info',
  'node_os_info',
  'node_dmi_info',
];

/**
 * Every monitored host's facts from the metric store, at the clock's now: the hosts are the monitoring targets
 * named by their scrape jobs (as the capacity report names them); a host with no node_exporter samples within
 * `lookbackMs` is left out.
 */
export async function monitoredHostFacts(
  ctx: ServiceContext,
  options: { lookbackMs?: number } = {},
): Promise<MonitoredHostFacts[]> {
  const now = ctx.clock.now();
  const lookbackMs = options.lookbackMs ?? 86_400_000;
  const targets = await ctx.db.selectFrom('monitoring_targets').select(['id', 'name', 'address']).execute();
  const scrapes = await ctx.db
    .selectFrom('monitoring_scrape_targets')
    .select(['url', 'labels', 'target_id'])
    .execute();
  const hosts = capacityHosts(
    targets,
    scrapes.map((s) => ({
      url: s.url,
      labels: JSON.parse(s.labels) as Record<string, string>,
      targetId: s.target_id,
    })),
  );
  if (hosts.length === 0) return [];
  const store = metricStore(ctx);
  const byInstance = new Map<string, Sample[]>();
  for (const query of factQueries) {
    // last_over_time keeps the metric's labels but drops __name__; the query names it again.
    const name = query.replace(/\{.*$/, '');
    const rows = await evaluateInstant(
      store,
      `last_over_time(${query}[${Math.round(lookbackMs / 1000)}s])`,
      now,
    );
    for (const row of rows) {
      const instance = row.labels.instance;
      if (!instance) continue;
      const list = byInstance.get(instance) ?? [];
      byInstance.set(instance, list);
      list.push({ labels: { ...row.labels, __name__: name }, value: row.value });
    }
  }
  const out: MonitoredHostFacts[] = [];
  const seen = new Set<string>();
  for (const host of hosts) {
    const samples = byInstance.get(host.instance);
    if (host.id === null || !samples || seen.has(`${host.id}\u0000${host.instance}`)) continue;
    seen.add(`${host.id}\u0000${host.instance}`);
    out.push({
      target: { id: host.id, name: host.name },
      instance: host.instance,
      observedAt: now,
      facts: hostFactsFromSamples(samples),
    });
  }
  return out;
}
