// `opsdesk anomaly score`: score a `timestamp,value` CSV series with the streaming anomaly detector, row by row
// (each row scored before the next is read), and print `timestamp,value,anomaly_score`.
import fs from 'node:fs';
import { SeriesInputError, scoreSeries } from '../anomaly/index.js';
import { UsageError } from './exit-codes.js';
import { readLines } from './logs-command.js';

export const scoreOutputs = ['csv'] as const;

export interface AnomalyScoreOptions {
  input?: string;
  output: string;
}

export async function anomalyScoreCommand(
  options: AnomalyScoreOptions,
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  if (!(scoreOutputs as readonly string[]).includes(options.output)) {
    throw new UsageError(`--output ${options.output} is not known (choose ${scoreOutputs.join(', ')})`);
  }
  const input = await openInput(options.input);
  let buffered: string[] = ['timestamp,value,anomaly_score\n'];
  const flush = async () => {
    if (buffered.length === 0) return;
    const ok = stdout.write(buffered.join(''));
    buffered = [];
    if (!ok) await new Promise<void>((resolve) => stdout.once('drain', () => resolve()));
  };
  const where = options.input && options.input !== '-' ? options.input : 'standard input';
  try {
    await scoreSeries(
      readLinesFlushing(readLines(input), () => (buffered.length >= 512 ? flush() : undefined)),
      (row, score) => {
        buffered.push(`${row.timestampText},${row.valueText},${formatScore(score)}\n`);
      },
    );
  } catch (err) {
    if (err instanceof SeriesInputError) {
      await flush();
      throw new UsageError(`${where}: ${err.message}`);
    }
    throw err;
  }
  await flush();
}

/** Scores keep 6 decimals: enough to rank, short to read. */
export function formatScore(score: number): string {
  return String(Math.round(score * 1e6) / 1e6);
}

async function* readLinesFlushing(
  lines: AsyncIterable<string>,
  flush: () => Promise<void> | undefined,
): AsyncGenerator<string> {
  for await (const line of lines) {
    yield line;
    const pending = flush();
    if (pending) await pending;
  }
}

async function openInput(file: string | undefined): Promise<NodeJS.ReadableStream> {
  if (file === undefined || file === '-') return process.stdin;
  const stream = fs.createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err: NodeJS.ErrnoException) => {
      const reason =
        err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'a directory' : err.message;
      reject(new UsageError(`--input ${file}: ${reason}`));
    });
  });
  return stream;
}
