// The capacity report: for every host that node_exporter reports, the used fraction of each disk (per mountpoint), of
// memory, of CPU and of each network link (per interface and direction, where the link's speed is known), its
// headroom now, its trend over 30 and 90 days, and the date its forecast crosses the threshold (with the band's
// earliest and latest). It reads metrics through a port (a PromQL range query), so it never imports monitoring.
import { dayMs, defaultMaxHorizonMs, forecastSeries } from './forecast.js';

export type CapacityResource = 'disk' | 'memory' | 'cpu' | 'network';
export const capacityResources: readonly CapacityResource[] = ['disk', 'memory', 'cpu', 'network'];

/** The used fraction (0–1) at which each resource needs action. */
export type CapacityThresholds = Record<CapacityResource, number>;
export const defaultThresholds: CapacityThresholds = { disk: 0.9, memory: 0.9, cpu: 0.85, network: 0.8 };

/** A range query as PromQL answers it (monitoring's evaluateRange): the steps and each series' values at them. */
export type RangeQuery = (
  query: string,
  startMs: number,
  endMs: number,
  stepMs: number,
) => Promise<{
  steps: Float64Array;
  series: { labels: Record<string, string>; values: Float64Array; present: Uint8Array }[];
}>;

/** A host as the report names it: the monitoring target whose scrape reports this `instance`, when there is one. */
export interface CapacityHost {
  id: number | null;
  name: string;
  instance: string;
}

/** One resource of one host, its used fraction over time. */
export interface UsageSeries {
  instance: string;
  resource: CapacityResource;
  detail: string;
  /** The PromQL of this one series' used fraction (a chart of it, a proposal's evidence). */
  query: string;
  /** Used fraction (0–1), times ascending. */
  points: { t: number; v: number }[];
}

export interface CapacityItem {
  target: CapacityHost;
  resource: CapacityResource;
  detail: string;
  /** The PromQL of this series' used fraction. */
  query: string;
  /** Fraction free now (1 − the latest used fraction). */
  headroom: number;
  threshold: number;
  crossesAt: number | null;
  earliest: number | null;
  latest: number | null;
  /** Change of the used fraction per day (least squares) over the last 30 and 90 days; null with too little history. */
  trend30d: number | null;
  trend90d: number | null;
  fit: string | null;
  /** The forecast crosses the threshold within the horizon (or already has). */
  needsAction: boolean;
}

export interface CapacityOptions {
  now: number;
  horizonMs: number;
  thresholds?: Partial<CapacityThresholds>;
  /** How far back the forecast fits (default 30 days); trends look back 30 and 90 days. */
  historyMs?: number;
  /** The spacing of the points read (default 1 hour). */
  stepMs?: number;
}

// Pseudo and in-memory filesystems never fill the way a disk does; node_exporter's own defaults leave most out.
const ignoredFsTypes =
  'tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|proc|sysfs|cgroup2?|autofs|fuse[.].*|iso9660|rpc_pipefs|tracefs|efivarfs';
const ignoredMounts = '/(dev|proc|sys|run)(/.*)?';
const ignoredDevices = 'lo|veth.*|docker.*|br-.*|virbr.*|cni.*|flannel.*|cali.*';
const fs = `{fstype!~"${ignoredFsTypes}",mountpoint!~"${ignoredMounts}"}`;

/** The PromQL of each resource's used fraction; `window` is the rate window (at least the step). */
export function capacityQueries(window: string): {
  resource: CapacityResource;
  query: string;
  detail: (l: Record<string, string>) => string;
  /** The same PromQL narrowed to one series of the answer (by its labels). */
  one: (l: Record<string, string>) => string;
}[] {
  const speed = `(node_network_speed_bytes{device!~"${ignoredDevices}"} > 0)`;
  const pick = (l: Record<string, string>, names: string[]) =>
    names
      .filter((n) => l[n] !== undefined)
      .map((n) => `${n}=${quoteLabel(l[n] as string)}`)
      .join(',');
  return [
    {
      resource: 'disk',
      query: `1 - node_filesystem_avail_bytes${fs} / node_filesystem_size_bytes${fs}`,
      detail: (l) => l.mountpoint ?? l.device ?? '',
      one: (l) => {
        const m = `{${pick(l, ['instance', 'job', 'mountpoint', 'device'])}}`;
        return `1 - node_filesystem_avail_bytes${m} / node_filesystem_size_bytes${m}`;
      },
    },
    {
      resource: 'memory',
      query: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes',
      detail: () => '',
      one: (l) => {
        const m = `{${pick(l, ['instance', 'job'])}}`;
        return `1 - node_memory_MemAvailable_bytes${m} / node_memory_MemTotal_bytes${m}`;
      },
    },
    {
      resource: 'cpu',
      query: `1 - avg by (instance, job) (rate(node_cpu_seconds_total{mode="idle"}[${window}]))`,
      detail: () => '',
      one: (l) =>
        `1 - avg by (instance, job) (rate(node_cpu_seconds_total{mode="idle",${pick(l, ['instance', 'job'])}}[${window}]))`,
    },
    {
      resource: 'network',
      query: `rate(node_network_receive_bytes_total{device!~"${ignoredDevices}"}[${window}]) / ${speed}`,
      detail: (l) => `${l.device ?? ''} receive`,
      one: (l) => {
        const m = `{${pick(l, ['instance', 'job', 'device'])}}`;
        return `rate(node_network_receive_bytes_total${m}[${window}]) / (node_network_speed_bytes${m} > 0)`;
      },
    },
    {
      resource: 'network',
      query: `rate(node_network_transmit_bytes_total{device!~"${ignoredDevices}"}[${window}]) / ${speed}`,
      detail: (l) => `${l.device ?? ''} transmit`,
      one: (l) => {
        const m = `{${pick(l, ['instance', 'job', 'device'])}}`;
        return `rate(node_network_transmit_bytes_total${m}[${window}]) / (node_network_speed_bytes${m} > 0)`;
      },
    },
  ];
}

/** A PromQL label value in double quotes, backslashes and quotes escaped. */
function quoteLabel(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The series of every resource over the last 90 days (at least the history), read through the port. */
export async function readUsage(range: RangeQuery, options: CapacityOptions): Promise<UsageSeries[]> {
  const step = options.stepMs ?? 3_600_000;
  const back = Math.max(90 * dayMs, options.historyMs ?? 30 * dayMs);
  const start = Math.floor((options.now - back) / step) * step;
  const window = `${Math.max(300, Math.round(step / 1000))}s`;
  const out: UsageSeries[] = [];
  for (const q of capacityQueries(window)) {
    const { steps, series } = await range(q.query, start, options.now, step);
    for (const s of series) {
      const instance = s.labels.instance ?? '';
      const points: { t: number; v: number }[] = [];
      for (let i = 0; i < steps.length; i++) {
        if (s.present[i] && Number.isFinite(s.values[i])) points.push({ t: steps[i], v: s.values[i] });
      }
      if (points.length > 0)
        out.push({
          instance,
          resource: q.resource,
          detail: q.detail(s.labels),
          query: q.one(s.labels),
          points,
        });
    }
  }
  return out;
}

/** Least-squares slope per day of the points at or after `since`; null with fewer than 2 or no spread in time. */
function slopePerDay(points: { t: number; v: number }[], since: number): number | null {
  let n = 0;
  let st = 0;
  let sv = 0;
  let i0 = points.length;
  while (i0 > 0 && points[i0 - 1].t >= since) i0--;
  if (points.length - i0 < 2) return null;
  const t0 = points[i0].t;
  for (let i = i0; i < points.length; i++) {
    n++;
    st += (points[i].t - t0) / dayMs;
    sv += points[i].v;
  }
  const mt = st / n;
  const mv = sv / n;
  let stt = 0;
  let stv = 0;
  for (let i = i0; i < points.length; i++) {
    const dt = (points[i].t - t0) / dayMs - mt;
    stt += dt * dt;
    stv += dt * (points[i].v - mv);
  }
  return stt > 0 ? stv / stt : null;
}

/** The report's items from the usage series: those that need action first (soonest crossing first), then by headroom. */
export function capacityItems(
  usage: UsageSeries[],
  hosts: CapacityHost[],
  options: CapacityOptions,
): CapacityItem[] {
  const byInstance = new Map<string, CapacityHost>();
  for (const h of hosts) if (!byInstance.has(h.instance)) byInstance.set(h.instance, h);
  const thresholds = { ...defaultThresholds, ...options.thresholds };
  const history = options.historyMs ?? 30 * dayMs;
  const { now, horizonMs } = options;
  const items: CapacityItem[] = [];
  for (const u of usage) {
    if (u.points.length === 0) continue;
    const threshold = thresholds[u.resource];
    const latest = u.points[u.points.length - 1].v;
    const recent = u.points.filter((p) => p.t >= now - history);
    const fit = forecastSeries(recent);
    // Over the threshold already: it needs action now (timeLeft would look for the next crossing, downwards).
    const over = latest >= threshold;
    const crossing = over
      ? { at: now, earliest: now, latest: now }
      : (fit?.timeLeft(threshold, now, Math.max(horizonMs, defaultMaxHorizonMs)) ?? null);
    const finite = (t: number | undefined) => (t !== undefined && Number.isFinite(t) ? t : null);
    items.push({
      target: byInstance.get(u.instance) ?? { id: null, name: u.instance, instance: u.instance },
      resource: u.resource,
      detail: u.detail,
      query: u.query,
      headroom: 1 - latest,
      threshold,
      crossesAt: finite(crossing?.at),
      earliest: finite(crossing?.earliest),
      latest: finite(crossing?.latest),
      trend30d: slopePerDay(u.points, now - 30 * dayMs),
      trend90d: slopePerDay(u.points, now - 90 * dayMs),
      fit: fit?.fit ?? null,
      needsAction: over || (crossing !== null && crossing.at <= now + horizonMs),
    });
  }
  items.sort(
    (a, b) =>
      Number(b.needsAction) - Number(a.needsAction) ||
      (a.crossesAt ?? Number.POSITIVE_INFINITY) - (b.crossesAt ?? Number.POSITIVE_INFINITY) ||
      a.headroom - b.headroom ||
      a.target.name.localeCompare(b.target.name) ||
      a.resource.localeCompare(b.resource) ||
      a.detail.localeCompare(b.detail),
  );
  return items;
}

/** The whole report: read the usage through the port, then forecast each series. */
export async function capacityReport(
  range: RangeQuery,
  hosts: CapacityHost[],
  options: CapacityOptions,
): Promise<{ items: CapacityItem[]; horizonMs: number }> {
  const usage = await readUsage(range, options);
  return { items: capacityItems(usage, hosts, options), horizonMs: options.horizonMs };
}

/**
 * The hosts the report names: each scrape target's `instance` (its label, else its URL's host:port) tied to the
 * monitoring target it belongs to, and each monitoring target's address as an instance of its own.
 */
export function capacityHosts(
  targets: { id: number; name: string; address: string | null }[],
  scrapes: { url: string; labels: Record<string, string>; targetId: number | null }[],
): CapacityHost[] {
  const names = new Map(targets.map((t) => [t.id, t.name]));
  const hosts: CapacityHost[] = [];
  for (const s of scrapes) {
    if (s.targetId === null || !names.has(s.targetId)) continue;
    let instance = s.labels.instance;
    if (!instance) {
      try {
        instance = new URL(s.url).host;
      } catch {
        continue; // a stored URL that no longer parses names no instance
      }
    }
    hosts.push({ id: s.targetId, name: names.get(s.targetId) ?? '', instance });
  }
  for (const t of targets) if (t.address) hosts.push({ id: t.id, name: t.name, instance: t.address });
  return hosts;
}
