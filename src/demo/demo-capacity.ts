// A file server of the demo organisation with two weeks of node_exporter history already in the metric store, so
// that a fresh install shows what takes weeks to see on a real host: its /srv filesystem filling at about 1.2% a day
// (the capacity report dates the crossing and proposes an upgrade), a working set that grows slowly, CPU with a
// working-day rhythm and a night two days ago when a runaway process held the load up — watched by an anomaly
// rule, whose scores the charts show. The samples are deterministic (a seeded generator) and end at the story's "now".
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { listServices } from '../incidents/index.js';
import {
  createAlertRule,
  createScrapeTarget,
  createTarget,
  type IngestSeries,
  metricStore,
} from '../monitoring/index.js';
import { SeededRandom } from './seeded-random.js';

export const demoFileServer = {
  name: 'files-01',
  instance: 'files-01.corp.example:9100',
  job: 'node',
} as const;

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const step = 5 * minute;
/** Two weeks: inside the raw samples' retention (15 days by default). */
const historyMs = 14 * day;
const gib = 1024 ** 3;

export interface DemoCapacityRefs {
  manager: Actor;
  groupId: number;
}

/** Busy on working days from 8 to 18 (UTC; the demo's office is in Europe/Berlin, close enough for a chart). */
function workload(t: number): number {
  const d = new Date(t);
  const weekday = d.getUTCDay() >= 1 && d.getUTCDay() <= 5;
  const h = d.getUTCHours() + d.getUTCMinutes() / 60;
  const office = h >= 7 && h < 17 ? Math.sin(((h - 7) / 10) * Math.PI) : 0;
  return weekday ? office : office * 0.15;
}

export async function installDemoCapacity(
  ctx: ServiceContext,
  refs: DemoCapacityRefs,
): Promise<{ targetId: number }> {
  const random = new SeededRandom(20261208);
  const now = ctx.clock.now();
  const end = Math.floor(now / step) * step;
  const times: number[] = [];
  for (let t = end - historyMs; t <= end; t += step) times.push(t);
  const noise = (scale: number) => (random.next() - 0.5) * 2 * scale;
  const base = { instance: demoFileServer.instance, job: demoFileServer.job };

  const srvSize = 2048 * gib;
  const rootSize = 64 * gib;
  const memTotal = 32 * gib;
  // /srv: 62% used two weeks ago, +0.9 points a day with more written on working days (90% in about two and a half
  // weeks from now); / flat around 41%.
  const srvUsed = (t: number, i: number) =>
    srvSize * (0.62 + (0.009 * (t - (end - historyMs))) / day) + workload(t) * 2 * gib + (i % 7) * 0.01 * gib;
  const series: IngestSeries[] = [];
  const fs = (mountpoint: string, device: string, size: number, used: (t: number, i: number) => number) => {
    const labels = { ...base, device, fstype: 'ext4', mountpoint };
    series.push(
      {
        labels: { __name__: 'node_filesystem_size_bytes', ...labels },
        timestamps: times,
        values: times.map(() => size),
      },
      {
        labels: { __name__: 'node_filesystem_avail_bytes', ...labels },
        timestamps: times,
        values: times.map((t, i) => Math.max(0, Math.round(size - used(t, i)))),
      },
    );
  };
  fs('/srv', '/dev/sdb1', srvSize, srvUsed);
  fs('/', '/dev/sda1', rootSize, () => rootSize * 0.41 + noise(0.2 * gib));
  series.push(
    {
      labels: { __name__: 'node_memory_MemTotal_bytes', ...base },
      timestamps: times,
      values: times.map(() => memTotal),
    },
    {
      labels: { __name__: 'node_memory_MemAvailable_bytes', ...base },
      timestamps: times,
      values: times.map((t) =>
        Math.round(
          memTotal * (0.55 - (0.05 * (t - (end - historyMs))) / historyMs - 0.15 * workload(t) + noise(0.01)),
        ),
      ),
    },
  );
  // Two CPUs' idle seconds: counters that grow by the idle share of each step.
  for (const cpu of ['0', '1']) {
    let idle = 1_000_000;
    series.push({
      labels: { __name__: 'node_cpu_seconds_total', ...base, cpu, mode: 'idle' },
      timestamps: times,
      values: times.map((t) => {
        const busy = Math.min(0.95, Math.max(0.02, 0.08 + 0.45 * workload(t) + noise(0.03)));
        idle += (step / 1000) * (1 - busy);
        return Math.round(idle * 100) / 100;
      }),
    });
  }
  // The 1-minute load: the working-day rhythm, and two nights ago a runaway process kept it at 4 for three hours.
  const stuckFrom = end - 2 * day - ((end % day) - 1 * hour);
  series.push({
    labels: { __name__: 'node_load1', ...base },
    timestamps: times,
    values: times.map((t) => {
      const stuck = t >= stuckFrom && t < stuckFrom + 3 * hour;
      return Math.round(Math.max(0, (stuck ? 4 : 0.25 + 2.2 * workload(t)) + noise(0.12)) * 100) / 100;
    }),
  });
  const result = await metricStore(ctx).append(series, { key: 'demo:files-01', maxSeries: 100 });
  const refused = Object.values(result.rejected).reduce((a, b) => a + (b ?? 0), 0);
  if (refused > 0)
    throw new Error(`the demo's file server history was refused: ${JSON.stringify(result.rejected)}`);

  const target = await createTarget(ctx, refs.manager, {
    name: demoFileServer.name,
    kind: 'host',
    address: 'files-01.corp.example',
    description: 'The department’s file server: home and team shares on /srv, nightly backups.',
    tags: ['env:demo', 'role:files'],
    groupId: refs.groupId,
    serviceId:
      (await listServices(ctx, refs.manager)).find((s) => s.name === 'Servers and storage')?.id ?? null,
  });
  // Its node_exporter job, kept disabled: the demo's history is all there is of this host.
  await createScrapeTarget(ctx, refs.manager, {
    url: `http://${demoFileServer.instance}/metrics`,
    job: demoFileServer.job,
    intervalSeconds: 60,
    targetId: target.id,
    enabled: false,
  });
  await createAlertRule(ctx, refs.manager.id, {
    name: 'FileServerUnusual',
    kind: 'anomaly',
    expr: `{instance="${demoFileServer.instance}",__name__=~"node_load1|node_memory_MemAvailable_bytes"}`,
    severity: 'warning',
    group: 'capacity',
    intervalSeconds: 60,
    annotations: {
      summary:
        '{{ $labels.metric }} on {{ $labels.instance }} is unusual for this time (score {{ $value | humanize }})',
    },
  });
  return { targetId: target.id };
}
