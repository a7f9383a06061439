// The ICMP probe through the system's `ping` (iputils-ping: it holds the capability raw sockets need, we do
// not). Its summary lines give loss and round-trip times; down when no echo is answered or loss is above the
// spec's limit. Metrics: ping_rtt_seconds (the average), ping_loss_ratio.
import { spawn } from 'node:child_process';
import { isIP } from 'node:net';
import type { CheckMetric, CheckResult, CheckRunOptions, PingCheckSpec } from '../check-model.js';
import { startDeadline } from './probe-deadline.js';

export interface PingSummary {
  transmitted: number;
  received: number;
  lossRatio: number;
  /** Milliseconds; null when nothing was answered. */
  rtt: { min: number; avg: number; max: number } | null;
}

/** Read iputils' (and BusyBox's) summary: "3 packets transmitted, 3 received, 0% packet loss" and the rtt line. */
export function parsePingOutput(output: string): PingSummary | null {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(output);
  if (!counts) return null;
  const transmitted = Number(counts[1]);
  const received = Number(counts[2]);
  const rttLine =
    /(?:rtt|round-trip) min\/avg\/max(?:\/(?:mdev|stddev))? = ([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(output);
  return {
    transmitted,
    received,
    lossRatio: transmitted === 0 ? 1 : (transmitted - received) / transmitted,
    rtt: rttLine ? { min: Number(rttLine[1]), avg: Number(rttLine[2]), max: Number(rttLine[3]) } : null,
  };
}

/** The verdict on a summary: down when nothing answered or loss is above the spec's limit; latency is the average rtt. */
export function judgePing(
  spec: PingCheckSpec,
  summary: PingSummary,
): Omit<CheckResult, 'latencyMs'> & { latencyMs: number | null } {
  const metrics: CheckMetric[] = [{ name: 'ping_loss_ratio', value: summary.lossRatio }];
  if (summary.rtt) metrics.push({ name: 'ping_rtt_seconds', value: summary.rtt.avg / 1000 });
  if (summary.received === 0 || !summary.rtt)
    return {
      ok: false,
      latencyMs: null,
      message: `no reply from ${spec.host} (${summary.transmitted} sent)`,
      metrics,
    };
  const lossPercent = Math.round(summary.lossRatio * 1000) / 10;
  const latencyMs = summary.rtt.avg;
  const line = `${summary.received}/${summary.transmitted} replies, rtt ${summary.rtt.avg.toFixed(3)} ms`;
  if (spec.maxLossPercent !== undefined && lossPercent > spec.maxLossPercent)
    return {
      ok: false,
      latencyMs,
      message: `${lossPercent}% loss, above ${spec.maxLossPercent}% (${line})`,
      metrics,
    };
  return { ok: true, latencyMs, message: line, metrics };
}

export async function runPingCheck(spec: PingCheckSpec, options: CheckRunOptions): Promise<CheckResult> {
  const deadline = startDeadline(options);
  const count = spec.count ?? 3;
  // ping's own deadline (-w) ends it a little before ours, so its summary is read rather than killed.
  const waitSeconds = Math.max(1, Math.floor(options.timeoutMs / 1000) - (options.timeoutMs >= 2000 ? 1 : 0));
  const args = ['-n', '-c', String(count), '-i', '0.2', '-W', '1', '-w', String(waitSeconds)];
  if (isIP(spec.host) === 6) args.unshift('-6');
  // The host was validated (a name or an IP, never starting with "-"), and no shell is involved.
  args.push(spec.host);
  const fail = (message: string, metrics: CheckMetric[] = []): CheckResult => ({
    ok: false,
    latencyMs: deadline.elapsedMs(),
    message,
    metrics,
  });
  try {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn('ping', args, {
          signal: deadline.signal,
          env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          if (stdout.length < 65_536) stdout += d;
        });
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          if (stderr.length < 8192) stderr += d;
        });
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, stdout, stderr }));
      },
    );
    const summary = parsePingOutput(run.stdout);
    if (!summary) {
      const why =
        run.stderr.trim().split('\n')[0] || run.stdout.trim().split('\n').pop() || `exit code ${run.code}`;
      return fail(`ping failed: ${why.replace(/^ping: /, '')}`);
    }
    const result = judgePing(spec, summary);
    return { ...result, latencyMs: result.latencyMs ?? deadline.elapsedMs() };
  } catch (err) {
    if (deadline.signal.aborted) return fail(deadline.reason());
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return fail("the system's ping is not installed (Debian: iputils-ping)");
    return fail(`ping failed: ${(err as Error).message}`);
  } finally {
    deadline.done();
  }
}
