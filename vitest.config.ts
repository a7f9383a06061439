import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // Test files share their worker's modules (src/ and test/support are evaluated once per worker, not once per
    // file): every test makes its own context, server and database, and nothing in src/ keeps per-database state
    // at module level. Isolating each file cost about 760 s of worker time in imports alone (CI, 266 files).
    isolate: false,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
