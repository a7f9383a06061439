// The one entry the scheduler calls: validate the spec, pick the probe by kind, and turn anything that escapes
// a probe into a failed result. runCheck never throws and never outlives its timeout by more than a moment.
import type { CheckResult, CheckRunOptions, CheckSpec } from '../check-model.js';
import { checkSpecProblems } from './check-specs.js';
import { runDnsCheck } from './dns-check.js';
import { runHttpCheck } from './http-check.js';
import { runPingCheck } from './ping-check.js';
import { runSnmpCheck } from './snmp-check.js';
import { runTcpCheck } from './tcp-check.js';
import { runTlsCheck } from './tls-check.js';

/** How long past its timeout a probe may take to report before runCheck reports for it. */
const overrunGraceMs = 1000;

function probe(spec: CheckSpec, options: CheckRunOptions): Promise<CheckResult> {
  switch (spec.kind) {
    case 'http':
      return runHttpCheck(spec, options);
    case 'tcp':
      return runTcpCheck(spec, options);
    case 'ping':
      return runPingCheck(spec, options);
    case 'dns':
      return runDnsCheck(spec, options);
    case 'tls':
      return runTlsCheck(spec, options);
    case 'snmp':
      return runSnmpCheck(spec, options);
    case 'heartbeat':
      // Beats are pushed to opsdesk; the targets part judges a missing one. Nothing here can run it.
      return Promise.resolve({
        ok: false,
        latencyMs: 0,
        message: 'heartbeat checks are pushed, not run: a missing beat is judged by the scheduler',
        metrics: [],
      });
  }
}

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}…` : line || 'failed';
}

export async function runCheck(spec: CheckSpec, options: CheckRunOptions): Promise<CheckResult> {
  const problems = checkSpecProblems(spec);
  if (problems.length > 0) {
    const first = problems[0] as { field: string; message: string };
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    return {
      ok: false,
      latencyMs: 0,
      message: `invalid check: ${first.field || 'spec'} ${first.message}${more}`,
      metrics: [],
    };
  }
  if (!(options.timeoutMs > 0)) return { ok: false, latencyMs: 0, message: 'invalid timeout', metrics: [] };
  if (options.signal?.aborted) return { ok: false, latencyMs: 0, message: 'cancelled', metrics: [] };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          latencyMs: performance.now() - started,
          message: `timed out after ${options.timeoutMs} ms`,
          metrics: [],
        }),
      options.timeoutMs + overrunGraceMs,
    );
  });
  try {
    const probing = probe(spec, options);
    // A probe that overran and fails later has already been reported for: its late rejection is dropped here.
    probing.catch(() => {});
    const result = await Promise.race([probing, overrun]);
    return { ...result, message: oneLine(result.message) };
  } catch (err) {
    return {
      ok: false,
      latencyMs: performance.now() - started,
      message: oneLine(`check failed: ${err instanceof Error ? err.message : String(err)}`),
      metrics: [],
    };
  } finally {
    clearTimeout(timer);
  }
}
