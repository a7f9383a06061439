// `npm run fuzz`: the fuzz suite's runs for longer (OPSDESK_FUZZ_SECONDS, 300 by default, shared by the targets or
// those OPSDESK_FUZZ_TARGETS names), keeping every crash, hang or memory input it finds in the corpus
// (test/fuzz/corpus/<target>/), where the suite replays it on every run from then on. Exits 1 when it found any.
import {
  corpusRoot,
  describeFailure,
  describeSlowest,
  FuzzPool,
  formatReports,
  fuzzOptionsFromEnv,
  keepCounterexamples,
  type TargetReport,
} from './fuzz-run.js';

const { options, targets } = fuzzOptionsFromEnv(process.env, 300);
console.log(`fuzzing ${targets.length} targets, ${options.seconds.toFixed(1)} s each, seed ${options.seed}`);
const reports: TargetReport[] = [];
let failed = 0;
const pool = new FuzzPool(options);
for (const name of targets) {
  const report = await pool.run(name);
  reports.push(report);
  const slow = describeSlowest(report, options.slowMs);
  if (slow) console.log(slow);
  console.log(
    `${name}: ${report.tried} inputs, ${report.outcomes} outcomes, ${report.failures.length} failures`,
  );
  for (const f of report.failures) console.log(describeFailure(report, f));
  for (const file of keepCounterexamples(corpusRoot, report)) console.log(`  kept in the corpus: ${file}`);
  failed += report.failures.length;
}
await pool.close();
console.log(formatReports(reports));
process.exitCode = failed > 0 ? 1 : 0;
