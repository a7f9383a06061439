// The fuzz suite (issue 20, item 3): every parser and listener fed its corpus (test/fuzz/corpus/<target>/) and then
// mutants of it for a bounded time — OPSDESK_FUZZ_SECONDS for the whole suite, 60 by default, shared by the
// targets. Each must give only its defined outcomes (ok, or its own rejection), never hang past the bound, and keep
// its heap bounded. The figures are printed (README, Fuzzing); a failure prints its input and is written under the
// temp folder, for `npm run fuzz` (or a hand) to keep in the corpus once fixed.
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeFailure,
  describeSlowest,
  FuzzPool,
  formatReports,
  fuzzOptionsFromEnv,
  keepCounterexamples,
  loadCorpus,
  type TargetReport,
} from './fuzz-run.js';

const { options, targets } = fuzzOptionsFromEnv(process.env, 60);
/** Heap a run may keep after a full collection, past what it held after its corpus. */
const heapGrowthBoundMb = 64;
const reports: TargetReport[] = [];
const pool = new FuzzPool(options);

describe('fuzzing every parser and listener', () => {
  afterAll(async () => {
    await pool.close();
    console.log(
      `fuzz figures (${options.seconds.toFixed(1)} s of mutants per target):\n${formatReports(reports)}`,
    );
  });

  it.each(targets)(
    '%s: its corpus and its mutants end in its defined outcomes, none hangs, memory stays bounded',
    async (name) => {
      const report = await pool.run(name);
      reports.push(report);
      const slow = describeSlowest(report, options.slowMs);
      if (slow) console.log(slow);
      if (report.failures.length > 0) {
        const kept = keepCounterexamples(path.join(os.tmpdir(), 'opsdesk-fuzz-failures'), report);
        console.log(
          `${report.failures.map((f) => describeFailure(report, f)).join('\n')}\nkept in ${kept.join(', ')}`,
        );
      }
      expect(report.failures.map((f) => `${f.kind}: ${f.detail.split('\n')[0]}`)).toEqual([]);
      expect(report.corpus).toBe(loadCorpus(name).length);
      expect(report.corpus).toBeGreaterThan(0);
      // Every corpus input ran, and mutants after them.
      expect(report.tried).toBeGreaterThan(report.corpus);
      expect(report.ok + report.rejected).toBe(report.tried);
      expect(report.heapGrowthMb).toBeLessThan(heapGrowthBoundMb);
    },
    options.seconds * 1_000 + 240_000,
  );
});
