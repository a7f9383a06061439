// The fuzz runner: each target in a worker thread (fuzz-worker.ts) fed its corpus from test/fuzz/corpus/<target>/,
// watched from here — an input that runs past the hang bound gets the worker stopped and is kept, as is the input
// a worker died on (an uncaught error, or its heap limit: unbounded memory). The suite (fuzz.test.ts) and
// `npm run fuzz` (fuzz-cli.ts) both run through here; only the latter writes what it finds into the corpus.
import { createHash, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type Failure,
  sharedLayout,
  type WorkerMessage,
  type WorkerReport,
  type WorkerRequest,
} from './fuzz-protocol.js';

/** Every target, in the order they run (fuzz-worker.ts loads each by its name). */
export const targetNames = [
  'syslog',
  'syslog-tcp',
  'exposition-text',
  'exposition-openmetrics',
  'remote-write',
  'remote-write-protobuf',
  'promql',
  'markdown',
  'csv-assets',
  'csv-users',
  'csv-series',
  'ics-holidays',
  'rrule',
  'mime',
  'inventory',
  'json-bodies',
  'smtp',
] as const;

export const corpusRoot = path.resolve(import.meta.dirname, 'corpus');

export interface FuzzOptions {
  /** Mutation time per target, seconds. */
  seconds: number;
  maxRuns: number;
  seed: number;
  /** One input taking more CPU time than this is a hang, ms (and one five times as long by the clock is stopped). */
  slowMs: number;
  /** The worker's heap limit, MB: past it the worker dies and the run fails for unbounded memory. */
  heapLimitMb: number;
}

export interface TargetReport extends WorkerReport {
  name: string;
  corpus: number;
  seed: number;
}

/**
 * The options from the environment: OPSDESK_FUZZ_SECONDS is the whole run's mutation time, shared by the targets
 * (or those OPSDESK_FUZZ_TARGETS names); OPSDESK_FUZZ_RUNS caps each target's mutants; OPSDESK_FUZZ_SEED replays a run.
 */
export function fuzzOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  defaultSeconds: number,
): { options: FuzzOptions; targets: string[] } {
  const names = env.OPSDESK_FUZZ_TARGETS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? [...targetNames];
  const unknown = names.filter((n) => !(targetNames as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(`OPSDESK_FUZZ_TARGETS: no target ${unknown.join(', ')} (${targetNames.join(', ')})`);
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, not ${raw}`);
    return n;
  };
  const total = number('OPSDESK_FUZZ_SECONDS', defaultSeconds);
  return {
    targets: names,
    options: {
      seconds: total / names.length,
      maxRuns: number('OPSDESK_FUZZ_RUNS', Number.MAX_SAFE_INTEGER),
      seed: number('OPSDESK_FUZZ_SEED', randomInt(2 ** 31)),
      slowMs: number('OPSDESK_FUZZ_HANG_MS', 2_000),
      heapLimitMb: number('OPSDESK_FUZZ_HEAP_MB', 1_024),
    },
  };
}

export function loadCorpus(target: string): { name: string; bytes: Uint8Array }[] {
  const dir = path.join(corpusRoot, target);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .sort()
    .map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(dir, f))) }));
}

/** The input the worker was on, from the shared memory (when it is busy). */
function inputInFlight(shared: SharedArrayBuffer): Uint8Array | null {
  const header = new Int32Array(shared, 0, sharedLayout.ints);
  if (Atomics.load(header, 1) !== 1) return null;
  return new Uint8Array(shared, sharedLayout.bytesOffset, Atomics.load(header, 2)).slice();
}

interface LiveWorker {
  worker: Worker;
  shared: SharedArrayBuffer;
  /** What the worker's next event settles: the run in progress. */
  settle:
    | ((event: { message?: WorkerMessage; error?: Error & { code?: string }; exit?: number }) => void)
    | null;
}

/**
 * Runs targets one after another in one worker thread, which keeps the modules it loaded (loading them is most of a
 * short run's time); a worker that hung, died or ran out of memory is ended and the next target gets a new one.
 */
export class FuzzPool {
  private live: LiveWorker | null = null;

  constructor(private readonly options: FuzzOptions) {}

  private start(): LiveWorker {
    const shared = new SharedArrayBuffer(sharedLayout.bytesOffset + sharedLayout.inputBytes);
    const worker = new Worker(new URL('./fuzz-worker.ts', import.meta.url), {
      workerData: { shared },
      execArgv: ['--import', 'tsx'],
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapLimitMb },
    });
    const live: LiveWorker = { worker, shared, settle: null };
    worker.on('message', (message: WorkerMessage) => live.settle?.({ message }));
    worker.on('error', (error: Error & { code?: string }) => live.settle?.({ error }));
    // A report posted just before the worker ended is still on its way: let it arrive first.
    worker.on('exit', (exit) => setTimeout(() => live.settle?.({ exit }), 500));
    return live;
  }

  private stop(): void {
    if (this.live) void this.live.worker.terminate();
    this.live = null;
  }

  /** One target's run: its corpus, then mutants for the options' seconds; never throws for what the target does. */
  run(name: string): Promise<TargetReport> {
    const options = this.options;
    const corpus = loadCorpus(name);
    this.live ??= this.start();
    const live = this.live;
    const header = new Int32Array(live.shared, 0, sharedLayout.ints);
    const startedAt = new Float64Array(live.shared, sharedLayout.startedAtOffset, 1);
    Atomics.store(header, 0, 0);
    Atomics.store(header, 1, 0);
    const request: WorkerRequest = {
      target: name,
      corpus,
      seconds: options.seconds,
      maxRuns: options.maxRuns,
      seed: options.seed,
      slowMs: options.slowMs,
    };
    // A hung input is stopped at five times the hang bound (the worker reports slow inputs that do end itself); a
    // run that takes far longer than its budget (a hang between inputs, in setup) is stopped too.
    const stopAfterMs = Math.max(10_000, 5 * options.slowMs);
    const runDeadline = Date.now() + options.seconds * 1_000 + 180_000;
    const failed = (failure: Omit<Failure, 'input'>, input?: Uint8Array | null): TargetReport => ({
      name,
      what: name,
      corpus: corpus.length,
      seed: options.seed,
      tried: Atomics.load(header, 0),
      ok: 0,
      rejected: 0,
      outcomes: 0,
      topOutcomes: [],
      seconds: 0,
      slowestMs: 0,
      slowestInput: new Uint8Array(),
      heapGrowthMb: 0,
      peakHeapMb: 0,
      failures: [{ ...failure, input: input ?? new Uint8Array() }],
    });
    return new Promise<TargetReport>((resolve) => {
      const finish = (report: TargetReport, keepWorker: boolean) => {
        live.settle = null;
        clearInterval(watchdog);
        if (!keepWorker) this.stop();
        resolve(report);
      };
      const watchdog = setInterval(() => {
        const input = inputInFlight(live.shared);
        if (input && Date.now() - (startedAt[0] as number) > stopAfterMs)
          finish(
            failed({ kind: 'hang', detail: `one input ran past ${stopAfterMs} ms and was stopped` }, input),
            false,
          );
        else if (Date.now() > runDeadline)
          finish(
            failed({ kind: 'hang', detail: 'the run went past its time budget by 3 minutes' }, input),
            false,
          );
      }, 100);
      live.settle = ({ message, error, exit }) => {
        if (message?.type === 'done')
          finish({ ...message.report, name, corpus: corpus.length, seed: options.seed }, true);
        else if (message?.type === 'setup-failed')
          finish(failed({ kind: 'crash', detail: `the target could not start: ${message.detail}` }), false);
        else if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY')
          finish(
            failed(
              { kind: 'memory', detail: `the worker ran out of its ${options.heapLimitMb} MB heap` },
              inputInFlight(live.shared),
            ),
            false,
          );
        else if (error)
          finish(
            failed({ kind: 'crash', detail: error.stack ?? error.message }, inputInFlight(live.shared)),
            false,
          );
        else
          finish(
            failed(
              { kind: 'crash', detail: `the worker exited (${exit}) without a report` },
              inputInFlight(live.shared),
            ),
            false,
          );
      };
      live.worker.postMessage(request);
    });
  }

  close(): Promise<number> | undefined {
    const worker = this.live?.worker;
    this.live = null;
    return worker?.terminate();
  }
}

/** Writes each failure's input into `dir/<target>/` as `<kind>-<hash>`; returns the files written. */
export function keepCounterexamples(dir: string, report: TargetReport): string[] {
  const written: string[] = [];
  for (const f of report.failures) {
    const folder = path.join(dir, report.name);
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(
      folder,
      `${f.kind}-${createHash('sha256').update(f.input).digest('hex').slice(0, 12)}`,
    );
    fs.writeFileSync(file, f.input);
    written.push(file);
  }
  return written;
}

/** The figures, one line a target: what the README's Fuzzing section keeps. */
export function formatReports(reports: TargetReport[]): string {
  const rows = reports.map((r) => [
    r.name,
    String(r.corpus),
    String(r.tried),
    String(r.ok),
    String(r.rejected),
    String(r.outcomes),
    String(Math.round(r.tried / Math.max(r.seconds, 0.001))),
    r.slowestMs.toFixed(0),
    r.heapGrowthMb.toFixed(1),
    String(r.failures.length),
  ]);
  const head = [
    'target',
    'corpus',
    'inputs tried',
    'ok',
    'rejected',
    'distinct outcomes',
    'inputs/s',
    'slowest ms (CPU)',
    'heap growth MB',
    'failures',
  ];
  const total = reports.reduce((n, r) => n + r.tried, 0);
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `${total} inputs in all, seed ${reports[0]?.seed ?? '-'}`,
  ].join('\n');
}

/** A failure said in a few lines, with its input (base64, cut) to replay it. */
export function describeFailure(report: TargetReport, f: Failure): string {
  const b64 = Buffer.from(f.input).toString('base64');
  return `${report.name} ${f.kind} (seed ${report.seed}): ${f.detail.split('\n').slice(0, 6).join('\n')}\n  input (${f.input.length} bytes, base64): ${b64.length > 600 ? `${b64.slice(0, 600)}…` : b64}`;
}

/** The slowest input of a run, when it took over a quarter of the hang bound: a slow path to look into. */
export function describeSlowest(report: TargetReport, slowMs: number): string | null {
  if (report.slowestMs <= slowMs / 4) return null;
  const b64 = Buffer.from(report.slowestInput).toString('base64');
  return `${report.name}: slowest input ${report.slowestMs.toFixed(0)} ms (${report.slowestInput.length} bytes, base64): ${b64.length > 300 ? `${b64.slice(0, 300)}…` : b64}`;
}
