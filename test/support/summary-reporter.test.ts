// The closing "Tests: …" line on real vitest runs of tiny fixture files (test/support/fixtures, outside the
// include glob): a run that fails in beforeAll or with an unhandled error never says "0 failed".
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(import.meta.dirname, 'fixtures');

function runFixtures(...files: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        path.join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--config',
        path.join(fixtures, 'vitest.config.ts'),
        ...files,
      ],
      { cwd: root, timeout: 120_000, env: { ...process.env, CI: '1', NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
}

function closingLine(out: string): string {
  const lines = out.split('\n').filter((l) => l.startsWith('Tests: '));
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('the summary line', () => {
  it('counts a file that fails in beforeAll as failed, next to the tests that passed', async () => {
    const run = await runFixtures('passes.fixture.ts', 'fails-in-before-all.fixture.ts');
    expect(run.code).toBe(1);
    expect(closingLine(run.out)).toBe(
      'Tests: 2 passed, 1 failed, 2 skipped (1 file failed, 1 error outside tests)',
    );
  });

  it('counts an unhandled error as a failure', async () => {
    const run = await runFixtures('unhandled-error.fixture.ts');
    expect(run.code).toBe(1);
    expect(closingLine(run.out)).toMatch(
      /^Tests: 1 passed, 1 failed, 0 skipped \(0 files failed, 1 error outside tests\)$/,
    );
  });

  it('says nothing more on a green run', async () => {
    const run = await runFixtures('passes.fixture.ts');
    expect(run.code).toBe(0);
    expect(closingLine(run.out)).toBe('Tests: 2 passed, 0 failed, 0 skipped');
  });
});
