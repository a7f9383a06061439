// What the fuzz runner and its workers say to each other: the request, the report, a failure, and the layout of the
// shared memory in which a worker leaves the input it is working on (for the runner to keep when the worker hangs).

/** A crash (an exception that is not the parser's defined error, or a broken invariant), a hang, or memory. */
export interface Failure {
  kind: 'crash' | 'hang' | 'memory';
  detail: string;
  input: Uint8Array;
}

export interface WorkerRequest {
  target: string;
  corpus: { name: string; bytes: Uint8Array }[];
  /** Mutation time after the corpus, seconds. */
  seconds: number;
  /** Mutation runs at most (whichever of time and runs ends first). */
  maxRuns: number;
  seed: number;
  /** One input taking more CPU time than this is a hang (ms); one running this many times as long by the clock is stopped. */
  slowMs: number;
}

/** Given to a worker when it starts: where it leaves the input it is on, for all the targets it runs. */
export interface WorkerStart {
  shared: SharedArrayBuffer;
}

export interface WorkerReport {
  what: string;
  /** Inputs run: the corpus's and the mutants. */
  tried: number;
  ok: number;
  rejected: number;
  /** Distinct outcomes ("ok", "rejected:<reason>", …). */
  outcomes: number;
  topOutcomes: string[];
  seconds: number;
  /** CPU time of the slowest input, ms. */
  slowestMs: number;
  /** The input that took slowestMs (to look into a slow path before it becomes a hang). */
  slowestInput: Uint8Array;
  /** Heap after a full collection at the end, less the same after the corpus. */
  heapGrowthMb: number;
  peakHeapMb: number;
  failures: Failure[];
}

export type WorkerMessage = { type: 'done'; report: WorkerReport } | { type: 'setup-failed'; detail: string };

/** Int32 [inputs started, busy (1/0), input length, -], a Float64 start time (epoch ms), then the input's bytes. */
export const sharedLayout = {
  ints: 4,
  startedAtOffset: 16,
  bytesOffset: 24,
  inputBytes: 4 * 1_048_576,
} as const;
