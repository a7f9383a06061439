// Prints one plain closing line that any CI can read: "Tests: N passed, N failed, N skipped", then, when a
// run failed outside its tests, how many files failed and how many errors there were. A failing run never
// says 0 failed: an error in a hook (beforeAll), at import, or unhandled counts as a failure too.
import type { SerializedError } from 'vitest';
import type { Reporter, TestModule, TestRunEndReason } from 'vitest/node';

export interface RunSummary {
  passed: number;
  /** Failed tests plus errors outside any test (hooks, imports, unhandled). */
  failed: number;
  skipped: number;
  failedFiles: number;
  errorsOutsideTests: number;
}

export function summarise(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
  reason: TestRunEndReason,
): RunSummary {
  let passed = 0;
  let failedTests = 0;
  let skipped = 0;
  let failedFiles = 0;
  let errorsOutsideTests = unhandledErrors.length;
  for (const m of testModules) {
    for (const t of m.children.allTests()) {
      const state = t.result().state;
      if (state === 'passed') passed++;
      else if (state === 'failed') failedTests++;
      else skipped++;
    }
    // A beforeAll/afterAll that throws marks its suite (or the file) failed and skips its tests.
    let hookErrors = m.errors().length;
    for (const s of m.children.allSuites()) hookErrors += s.errors().length;
    errorsOutsideTests += hookErrors;
    if (m.state() === 'failed') {
      failedFiles++;
      // A file that failed without a failed test or a reported error (it could not even be collected).
      if (hookErrors === 0 && ![...m.children.allTests()].some((t) => t.result().state === 'failed'))
        errorsOutsideTests++;
    }
  }
  let failed = failedTests + errorsOutsideTests;
  // Vitest knows the run failed (say, an error in global setup) even when nothing above counted it.
  if (reason === 'failed' && failed === 0) {
    failed = 1;
    errorsOutsideTests = 1;
  }
  return { passed, failed, skipped, failedFiles, errorsOutsideTests };
}

export function summaryLine(s: RunSummary): string {
  const line = `Tests: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`;
  if (s.failedFiles === 0 && s.errorsOutsideTests === 0) return line;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${line} (${plural(s.failedFiles, 'file')} failed, ${plural(s.errorsOutsideTests, 'error')} outside tests)`;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    process.stdout.write(`\n${summaryLine(summarise(testModules, unhandledErrors, reason))}\n`);
  }
}
