// One target's fuzz run, in a worker thread of its own so that the main thread can stop it when an input hangs and
// the worker's heap limit catches unbounded memory. Runs every corpus input, then mutants of the corpus (and of
// inputs that gave an outcome not seen before) until its time or run budget is spent. Before each call it writes
// the input into shared memory: when the worker hangs or dies, the main thread still has the input that did it.
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { SeededRandom as Random } from '../../src/demo/seeded-random.js';
import {
  type Failure,
  sharedLayout,
  type WorkerReport,
  type WorkerRequest,
  type WorkerStart,
} from './fuzz-protocol.js';
import { mutate } from './mutation.js';
import type { FuzzTarget } from './targets.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * This thread's CPU time (ms): what an input is held to, since wall time on a shared 2-core machine also counts other
 * processes' turns. Node 23.9+ has threadCpuUsage; before it, the process's, which the idle main thread barely adds to.
 */
const cpuUsage: () => NodeJS.CpuUsage =
  (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.bind(process) ??
  (() => process.cpuUsage());
function cpuMs(): number {
  const u = cpuUsage();
  return (u.user + u.system) / 1_000;
}

/** Inputs kept for further mutation when they give a new outcome: at most this many, each at most this long. */
const poolLimit = { entries: 500, bytes: 65_536 };
/** Distinct outcomes remembered (a parser that names the line in its reason could otherwise grow this forever). */
const outcomesLimit = 10_000;
/** Failures kept per run: the first of each kind and message. */
const failuresLimit = 20;

async function loadTarget(name: string): Promise<FuzzTarget> {
  // The targets with a database load it only in their own worker.
  if (name === 'json-bodies') return (await import('./json-target.js')).jsonBodies;
  if (name === 'smtp') return (await import('./smtp-target.js')).smtpListener;
  const found = (await import('./targets.js')).pureTargets.find((t) => t.name === name);
  if (!found) throw new Error(`no fuzz target ${name}`);
  return found;
}

/** A failure's identity: its kind and the first line of its message, numbers folded. */
function signatureOf(kind: string, detail: string): string {
  return `${kind}:${(detail.split('\n')[0] ?? '').replace(/\d+/g, 'N').slice(0, 200)}`;
}

async function run(request: WorkerRequest, shared: SharedArrayBuffer): Promise<WorkerReport> {
  const target = await loadTarget(request.target);
  const runner = await target.open();
  const header = new Int32Array(shared, 0, sharedLayout.ints);
  const startedAt = new Float64Array(shared, sharedLayout.startedAtOffset, 1);
  const current = new Uint8Array(shared, sharedLayout.bytesOffset);
  const rng = new Random(request.seed);
  const outcomes = new Map<string, number>();
  const failures: Failure[] = [];
  const failureSignatures = new Set<string>();
  const pool: Buffer[] = request.corpus.map((c) => Buffer.from(c.bytes));
  let tried = 0;
  let ok = 0;
  let rejected = 0;
  let slowestMs = 0;
  let slowestInput = new Uint8Array();
  let peakHeap = 0;

  const fail = (kind: Failure['kind'], input: Buffer, detail: string) => {
    const signature = signatureOf(kind, detail);
    if (failureSignatures.has(signature) || failures.length >= failuresLimit) return;
    failureSignatures.add(signature);
    failures.push({ kind, detail: detail.slice(0, 2_000), input: new Uint8Array(input) });
  };

  const attempt = async (input: Buffer): Promise<void> => {
    const n = Math.min(input.length, current.length);
    current.set(input.subarray(0, n));
    Atomics.store(header, 2, n);
    startedAt[0] = Date.now();
    Atomics.store(header, 1, 1);
    Atomics.add(header, 0, 1);
    const cpu0 = cpuMs();
    let outcome: string | undefined;
    try {
      const r = runner.run(input);
      outcome = typeof r === 'string' ? r : await r;
    } catch (err) {
      fail('crash', input, err instanceof Error ? (err.stack ?? err.message) : String(err));
    }
    const ms = cpuMs() - cpu0;
    Atomics.store(header, 1, 0);
    tried++;
    if (ms > slowestMs) {
      slowestMs = ms;
      slowestInput = new Uint8Array(input);
    }
    if (ms > request.slowMs)
      fail('hang', input, `one input took ${Math.round(ms)} ms of CPU time (bound ${request.slowMs} ms)`);
    if (outcome === undefined) return;
    if (outcome.startsWith('rejected')) rejected++;
    else ok++;
    const seen = outcomes.get(outcome);
    if (seen !== undefined) outcomes.set(outcome, seen + 1);
    else if (outcomes.size < outcomesLimit) {
      outcomes.set(outcome, 1);
      if (pool.length < poolLimit.entries && input.length <= poolLimit.bytes) pool.push(input);
    }
    if ((tried & 255) === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };

  for (const c of pool.slice()) await attempt(c);
  const corpusRuns = tried;
  gc();
  const baseline = process.memoryUsage().heapUsed;
  const start = performance.now();
  const empty = Buffer.alloc(0);
  while (performance.now() - start < request.seconds * 1_000 && tried - corpusRuns < request.maxRuns) {
    const base = pool.length > 0 ? rng.pick(pool) : empty;
    const other = pool.length > 0 ? rng.pick(pool) : empty;
    await attempt(mutate(rng, base, other, target));
  }
  const seconds = (performance.now() - start) / 1_000;
  gc();
  const heapGrowth = process.memoryUsage().heapUsed - baseline;
  await runner.close?.();
  const top = [...outcomes.entries()].sort((a, b) => b[1] - a[1]);
  return {
    what: target.what,
    tried,
    ok,
    rejected,
    outcomes: outcomes.size,
    topOutcomes: top.slice(0, 8).map(([o, n]) => `${o} ×${n}`),
    seconds,
    slowestMs,
    slowestInput,
    heapGrowthMb: heapGrowth / 1_048_576,
    peakHeapMb: Math.max(peakHeap, baseline) / 1_048_576,
    failures,
  };
}

const { shared } = workerData as WorkerStart;
// One run at a time: the runner sends the next target once this one has reported.
parentPort?.on('message', (request: WorkerRequest) => {
  run(request, shared).then(
    (report) => parentPort?.postMessage({ type: 'done', report }),
    (err: unknown) =>
      parentPort?.postMessage({
        type: 'setup-failed',
        detail: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
