// `opsdesk anomaly score` as an operator runs it: a real process over a NAB file prints one scored row per input
// row, in order, with the same scores as the detector fed directly; bad input stops with the line and exit code 2.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nabDir } from '../../bench/nab.js';
import { AnomalyDetector, parseTimestamp } from '../../src/anomaly/index.js';
import { formatScore } from '../../src/cli/anomaly-command.js';
import { describeFailure } from '../../src/cli/exit-codes.js';
import { buildProgram } from '../../src/cli/program.js';

const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'src/cli/main.ts');

function opsdesk(
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npx', ['tsx', main, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== undefined) child.stdin?.end(stdin);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function tempCsv(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-anomaly-'));
  const file = path.join(dir, 'series.csv');
  fs.writeFileSync(file, text);
  return file;
}

async function refusal(args: string[]): Promise<{ exitCode: number; message: string }> {
  try {
    await buildProgram().parseAsync(['node', 'opsdesk', ...args]);
  } catch (err) {
    return describeFailure(err);
  }
  throw new Error(`expected ${args.join(' ')} to fail`);
}

describe('opsdesk anomaly score', () => {
  it('scores every row of a NAB file, in order, as the detector does', async () => {
    const file = path.join(nabDir(), 'data/realTraffic/speed_7578.csv');
    const { code, stdout, stderr } = await opsdesk(['anomaly', 'score', '--input', file, '--output', 'csv']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const input = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const output = stdout.trimEnd().split('\n');
    expect(output[0]).toBe('timestamp,value,anomaly_score');
    expect(output).toHaveLength(input.length);
    const detector = new AnomalyDetector();
    input.slice(1).forEach((line, i) => {
      const [timestamp, value] = line.split(',');
      const expected = formatScore(detector.score(parseTimestamp(timestamp) as number, Number(value)));
      expect(output[i + 1]).toBe(`${timestamp},${value},${expected}`);
    });
    const scores = output.slice(1).map((l) => Number(l.split(',')[2]));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(Math.max(...scores)).toBeGreaterThan(0.2);
  });

  it('reads standard input, ISO 8601 and epoch timestamps, CRLF lines', async () => {
    const { code, stdout } = await opsdesk(
      ['anomaly', 'score'],
      'timestamp,value\r\n2024-01-01T00:00:00Z,1\r\n1704067500,2\r\n1704067800000,NaN\r\n',
    );
    expect(code).toBe(0);
    expect(stdout).toBe(
      'timestamp,value,anomaly_score\n2024-01-01T00:00:00Z,1,0\n1704067500,2,0\n1704067800000,NaN,0\n',
    );
  });

  it('stops at a bad line with its number and exit code 2, after printing the rows before it', async () => {
    const file = tempCsv(
      'timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,abc\n2024-01-01 00:10:00,3\n',
    );
    const { code, stdout, stderr } = await opsdesk(['anomaly', 'score', '--input', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('timestamp,value,anomaly_score\n2024-01-01 00:00:00,1,0\n');
    expect(stderr).toBe(`opsdesk: ${file}: line 3: "abc" is not a number\n`);
    const back = tempCsv('timestamp,value\n2024-01-01 00:05:00,1\n2024-01-01 00:00:00,2\n');
    expect((await opsdesk(['anomaly', 'score', '--input', back])).stderr).toBe(
      `opsdesk: ${back}: line 3: timestamp 2024-01-01 00:00:00 goes back in time (rows must be in time order)\n`,
    );
  });

  it('refuses a missing file, a missing header and an unknown --output as usage errors', async () => {
    expect(await refusal(['anomaly', 'score', '--input', '/nonexistent/x.csv'])).toEqual({
      exitCode: 2,
      message: '--input /nonexistent/x.csv: no such file',
    });
    const noHeader = tempCsv('2024-01-01 00:00:00,1\n');
    expect(await refusal(['anomaly', 'score', '--input', noHeader])).toEqual({
      exitCode: 2,
      message: `${noHeader}: line 1: expected the header "timestamp,value", found "2024-01-01 00:00:00,1"`,
    });
    expect(await refusal(['anomaly', 'score', '--input', noHeader, '--output', 'json'])).toEqual({
      exitCode: 2,
      message: '--output json is not known (choose csv)',
    });
  });
});
