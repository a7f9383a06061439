// The deadline every probe runs under: the run's timeout and the caller's AbortSignal as one signal, and the
// one-line reason a probe gives when it fires (the scheduler's abort and a timeout read differently).
import type { CheckRunOptions } from '../check-model.js';

export interface ProbeDeadline {
  signal: AbortSignal;
  /** Milliseconds since the probe started, from a monotonic clock (latency is never wall-clock arithmetic). */
  elapsedMs(): number;
  /** "timed out after 2000 ms" or "cancelled" — what to report once the signal has fired. */
  reason(): string;
  /** Free the timer: call when the probe ends. */
  done(): void;
}

export function startDeadline(options: CheckRunOptions): ProbeDeadline {
  const started = performance.now();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  const onAbort = () => controller.abort(new Error('cancelled'));
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    elapsedMs: () => performance.now() - started,
    reason: () => (timedOut ? `timed out after ${options.timeoutMs} ms` : 'cancelled'),
    done() {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    },
  };
}
