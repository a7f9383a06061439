// `npx tsx bench/metric-ingest.ts` (or `BENCH_PARTS=metric-ingest npm run bench`): metrics in, on one core.
// The scrape path — a node_exporter-sized text exposition (about 1,500 samples) parsed, given its target labels,
// metric-relabelled and appended to the embedded (SQLite) store, as runScrape does after the fetch (the target's series
// cache, the sample limit and scrape_series_added included; scrapes after the first find their series cached) — and
// the remote-write path — a Prometheus-sized
// request (2,000 samples, snappy protobuf) decoded and appended — each beside the parse-only (decode-only) rate of
// the same payload measured in the same run. Target: ≥ 300,000 samples/s into the store through either path.
// Until the metric store's part lands, metricStore(ctx) is a stub: the store columns say so and the rest still runs.
// Environment: BENCH_INGEST_SECONDS=3 (per measurement); BENCH_FORWARD=1 queues every append for forwarding too
// (OPSDESK_METRICS_FORWARD_URL set), to compare with a run without.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ManualClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { openContext } from '../src/core/runtime.js';
import { parseExposition } from '../src/monitoring/exposition.js';
import type { IngestSeries, MetricStore } from '../src/monitoring/metric-model.js';
import { metricStore } from '../src/monitoring/metric-store.js';
import { compileRelabels } from '../src/monitoring/relabel.js';
import {
  decodeWriteRequest,
  encodeWriteRequest,
  snappyCompress,
  snappyDecompress,
} from '../src/monitoring/remote-write.js';
import {
  appendScraped,
  relabelSamples,
  type ScrapeOutcome,
  type ScrapePlan,
  scrapedSeries,
  storeSink,
} from '../src/monitoring/scrapes.js';

const seconds = Number(process.env.BENCH_INGEST_SECONDS ?? 3);
const start = Date.parse('2026-03-02T09:00:00Z');

/** A seeded PRNG (mulberry32): every run measures the same payloads. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An exposition shaped as node_exporter's on a 16-core host: counters, gauges, a summary, labels with escapes. */
export function nodeExporterPayload(): string {
  const rnd = random(11);
  const out: string[] = [];
  const family = (name: string, type: string, help: string) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  family('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.');
  for (let cpu = 0; cpu < 16; cpu++)
    for (const mode of ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'])
      out.push(`node_cpu_seconds_total{cpu="${cpu}",mode="${mode}"} ${(rnd() * 1e6).toFixed(2)}`);
  const devices = Array.from({ length: 24 }, (_, i) => `/dev/mapper/vg0-lv${i}`);
  for (const m of [
    'avail_bytes',
    'free_bytes',
    'size_bytes',
    'files',
    'files_free',
    'readonly',
    'device_error',
  ]) {
    family(`node_filesystem_${m}`, 'gauge', `Filesystem ${m}.`);
    for (const [i, d] of devices.entries())
      out.push(
        `node_filesystem_${m}{device="${d}",fstype="ext4",mountpoint="/srv/data${i}"} ${Math.floor(rnd() * 1e12)}`,
      );
  }
  const nics = Array.from({ length: 12 }, (_, i) => `eth${i}`);
  for (const m of [
    'receive_bytes',
    'transmit_bytes',
    'receive_packets',
    'transmit_packets',
    'receive_errs',
    'transmit_errs',
    'receive_drop',
    'transmit_drop',
  ]) {
    family(`node_network_${m}_total`, 'counter', `Network device statistic ${m}.`);
    for (const n of nics) out.push(`node_network_${m}_total{device="${n}"} ${Math.floor(rnd() * 1e12)}`);
  }
  for (const m of [
    'reads_completed',
    'writes_completed',
    'read_bytes',
    'written_bytes',
    'io_time_seconds',
    'read_time_seconds',
    'write_time_seconds',
  ]) {
    family(`node_disk_${m}_total`, 'counter', `Disk ${m}.`);
    for (let d = 0; d < 16; d++)
      out.push(`node_disk_${m}_total{device="nvme${d}n1"} ${(rnd() * 1e9).toExponential(6)}`);
  }
  for (let i = 0; i < 300; i++) {
    const name = `node_memory_Stat${i}_bytes`;
    family(name, 'gauge', `Memory information field Stat${i}.`);
    out.push(`${name} ${Math.floor(rnd() * 1e10)}`);
  }
  family('node_interrupts_total', 'counter', 'Interrupt details.');
  for (let irq = 0; irq < 40; irq++)
    for (let cpu = 0; cpu < 16; cpu++)
      out.push(
        `node_interrupts_total{cpu="${cpu}",devices="nvme${irq % 8}q${irq}",info="IR-PCI-MSI-edge",type="${irq + 120}"} ${Math.floor(rnd() * 1e8)}`,
      );
  family('node_hwmon_temp_celsius', 'gauge', 'Hardware monitor for temperature (input)');
  for (let c = 0; c < 64; c++)
    out.push(`node_hwmon_temp_celsius{chip="platform_coretemp_0",sensor="temp${c}"} ${40 + rnd() * 30}`);
  family('node_textfile_scrape_error', 'gauge', 'A label value with escapes.');
  out.push('node_textfile_scrape_error{file="C:\\\\dir\\\\x \\"quoted\\"\\nline"} 0');
  family(
    'go_gc_duration_seconds',
    'summary',
    'A summary of the pause duration of garbage collection cycles.',
  );
  for (const q of ['0', '0.25', '0.5', '0.75', '1'])
    out.push(`go_gc_duration_seconds{quantile="${q}"} ${rnd() * 1e-4}`);
  out.push(`go_gc_duration_seconds_sum ${rnd()}`, 'go_gc_duration_seconds_count 4242');
  family('node_scrape_collector_duration_seconds', 'gauge', 'node_exporter: Duration of a collector scrape.');
  for (const c of ['cpu', 'diskstats', 'filesystem', 'hwmon', 'meminfo', 'netdev', 'time', 'loadavg'])
    out.push(`node_scrape_collector_duration_seconds{collector="${c}"} ${rnd() * 0.01}`);
  return `${out.join('\n')}\n`;
}

/** 2,000 samples in 500 series × 4 timestamps, as Prometheus's queue sends them (max_samples_per_send 2,000). */
function remoteWritePayload(at: number): Buffer {
  const rnd = random(12);
  const series: IngestSeries[] = [];
  for (let i = 0; i < 500; i++) {
    series.push({
      labels: {
        __name__: `node_metric_${i % 50}`,
        job: 'node',
        instance: `host${Math.floor(i / 50)}.example:9100`,
        device: `sd${String.fromCharCode(97 + (i % 26))}`,
      },
      timestamps: [at, at + 15_000, at + 30_000, at + 45_000],
      values: [rnd() * 1e6, rnd() * 1e6, rnd() * 1e6, rnd() * 1e6],
    });
  }
  return snappyCompress(encodeWriteRequest(series));
}

/** Samples per second of wall time and per second of this process's CPU time, of the last rate() measured. */
let lastCpuRate = 0;

/**
 * Run `step` repeatedly for the configured time; samples handled per second (wall). The rate per CPU-second is kept
 * too (lastCpuRate): on a machine shared with other work it says what one core does when it is not waiting.
 */
async function rate(step: (i: number) => Promise<number> | number): Promise<number> {
  // Warm up (JIT, caches, the store's first series) before measuring.
  for (let i = 0; i < 20; i++) await step(-1 - i);
  let samples = 0;
  let i = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const until = t0 + seconds * 1000;
  while (performance.now() < until) samples += await step(i++);
  const cpu = process.cpuUsage(cpu0);
  lastCpuRate = samples / ((cpu.user + cpu.system) / 1e6);
  return samples / ((performance.now() - t0) / 1000);
}

const fmt = (n: number | null) => (n === null ? 'n/a' : Math.round(n).toLocaleString('en-US'));

export async function benchMetricIngest(): Promise<void> {
  const payload = nodeExporterPayload();
  const samplesPerScrape = parseExposition(payload, 'text', { defaultTimestampMs: start }).series.length;
  const body = remoteWritePayload(start);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-ingest-'));
  const clock = new ManualClock(start);
  const config = loadConfig({
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'silent',
    // Every append also queued for forwarding (the queue only grows here: no job drains it).
    ...(process.env.BENCH_FORWARD === '1'
      ? { OPSDESK_METRICS_FORWARD_URL: 'http://127.0.0.1:9/api/v1/write' }
      : {}),
  });
  const opened = await openContext(config, { clock, log: pino({ level: 'silent' }), pgSchema: undefined });
  const ctx = opened.ctx;
  let store: MetricStore | null = null;
  try {
    store = metricStore(ctx);
  } catch (err) {
    console.log(`(the metric store is not built yet: ${(err as Error).message}; store columns are n/a)`);
  }
  const target = { job: 'node', instance: 'host1.example:9100', env: 'prod' };
  // A typical metric_relabel_configs: drop the collector's own timings, keep the rest.
  const metricRelabelConfigs = [
    { source_labels: ['__name__'], regex: 'node_scrape_collector_.*', action: 'drop' as const },
  ];
  const metricRelabel = compileRelabels(metricRelabelConfigs, '/bench');
  const plan: ScrapePlan = {
    id: 1,
    labels: target,
    honorLabels: false,
    honorTimestamps: true,
    metricRelabel,
    metricRelabelConfigs,
    sampleLimit: 50_000,
    seriesLimit: 50_000,
  };
  const sink = storeSink(ctx);
  try {
    console.log(
      `\n## Metrics in (bench/metric-ingest.ts): one core, ${seconds} s per figure; a scrape of ${samplesPerScrape} samples (${(payload.length / 1024).toFixed(0)} KiB), a remote-write request of 2,000 samples (${(body.length / 1024).toFixed(0)} KiB snappy)`,
    );
    const cpuRates: Record<string, number> = {};
    const parseOnly = await rate(
      () => parseExposition(payload, 'text', { defaultTimestampMs: start }).series.length,
    );
    cpuRates.parseOnly = lastCpuRate;
    const parseRelabel = await rate(() => {
      const parsed = parseExposition(payload, 'text', { defaultTimestampMs: start });
      return relabelSamples(parsed.series, { ...target }, false, metricRelabel, {}).length;
    });
    cpuRates.parseRelabel = lastCpuRate;
    const scrapeStore = store
      ? await rate(async (i) => {
          // Each scrape 15 s after the last, as a target scraped every 15 s; the store sees new timestamps.
          const at = start + 60_000 + (i + 21) * 15_000;
          // The service's clock moves with the scrapes (else their samples would soon be from its future).
          clock.set(at);
          const outcome: ScrapeOutcome = {
            up: true,
            at,
            durationMs: 0,
            samplesScraped: 0,
            samplesPostMetricRelabeling: 0,
            seriesAdded: 0,
            accepted: 0,
            rejected: {},
            error: '',
            lineErrors: [],
            format: 'text',
          };
          const batch = scrapedSeries(ctx, plan, payload, 'text', at, outcome);
          await appendScraped(ctx, plan, batch, sink, outcome);
          return outcome.accepted;
        })
      : null;
    cpuRates.scrapeStore = store ? lastCpuRate : 0;
    const decodeOnly = await rate(() => decodeWriteRequest(snappyDecompress(body)).samples);
    cpuRates.decodeOnly = lastCpuRate;
    const writeStore = store
      ? await rate(async (i) => {
          const decoded = decodeWriteRequest(snappyDecompress(body));
          // Shift the request's timestamps forward each round, as the next request would carry.
          const shift = 60_000 * (i + 21) + 3_600_000;
          clock.set(start + shift + 45_000);
          for (const s of decoded.series)
            for (let k = 0; k < s.timestamps.length; k++) s.timestamps[k] += shift;
          return (
            await (store as MetricStore).append(decoded.series, { key: 'remote_write:1', maxSeries: 50_000 })
          ).accepted;
        })
      : null;
    cpuRates.writeStore = store ? lastCpuRate : 0;
    console.log(
      '| path | parse / decode only (samples/s) | + labels and relabel (samples/s) | into the SQLite store (samples/s) | store ÷ parse-only | target |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    console.log(
      `| scrape (text format) | ${fmt(parseOnly)} | ${fmt(parseRelabel)} | ${fmt(scrapeStore)} | ${scrapeStore ? (scrapeStore / parseOnly).toFixed(2) : 'n/a'} | 300,000 |`,
    );
    console.log(
      `| remote-write (snappy protobuf) | ${fmt(decodeOnly)} | — | ${fmt(writeStore)} | ${writeStore ? (writeStore / decodeOnly).toFixed(2) : 'n/a'} | 300,000 |`,
    );
    const c = (n: number | undefined) => (n ? fmt(n) : 'n/a');
    console.log(
      `| scrape, per CPU-second | ${c(cpuRates.parseOnly)} | ${c(cpuRates.parseRelabel)} | ${c(cpuRates.scrapeStore)} | ${cpuRates.scrapeStore ? ((cpuRates.scrapeStore as number) / (cpuRates.parseOnly as number)).toFixed(2) : 'n/a'} | 300,000 |`,
    );
    console.log(
      `| remote-write, per CPU-second | ${c(cpuRates.decodeOnly)} | — | ${c(cpuRates.writeStore)} | ${cpuRates.writeStore ? ((cpuRates.writeStore as number) / (cpuRates.decodeOnly as number)).toFixed(2) : 'n/a'} | 300,000 |`,
    );
  } finally {
    await opened.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMetricIngest();
