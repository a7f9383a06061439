// `opsdesk logs templates`: mine the templates of a file of raw log lines and print, for each line in order, its
// group's final template as JSON lines. Reads bytes, not text lines, so that a binary or endless line is cut at
// maxLineLength instead of growing without bound.
import fs from 'node:fs';
import { DomainError } from '../core/errors.js';
import { compileLogFormat, LineTemplateMining, type LogFormat, maxLineLength } from '../logs/index.js';
import { UsageError } from './exit-codes.js';

export const templateOutputs = ['jsonl'] as const;

export interface LogsTemplatesOptions {
  input?: string;
  format?: string;
  output: string;
}

export async function logsTemplatesCommand(options: LogsTemplatesOptions): Promise<void> {
  if (!(templateOutputs as readonly string[]).includes(options.output)) {
    throw new UsageError(`--output ${options.output} is not known (choose ${templateOutputs.join(', ')})`);
  }
  let format: LogFormat | undefined;
  if (options.format !== undefined) {
    try {
      format = compileLogFormat(options.format);
    } catch (err) {
      if (err instanceof DomainError) throw new UsageError(`--format: ${err.message}`);
      throw err;
    }
  }
  const input = await openInput(options.input);
  const mining = new LineTemplateMining({ format, receivedAt: Date.now() });
  for await (const line of readLines(input)) mining.add(line);
  await writeResults(mining, process.stdout);
}

async function openInput(file: string | undefined): Promise<NodeJS.ReadableStream> {
  if (file === undefined || file === '-') return process.stdin;
  const stream = fs.createReadStream(file);
  // Open before reading, so that a missing file is a usage error and not a failure half-way.
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

/**
 * Lines of a byte stream, LF or CRLF, decoded as UTF-8 (invalid bytes become U+FFFD). A line longer than
 * maxLineLength bytes keeps its first maxLineLength bytes; the rest, up to its line end, is skipped.
 */
export async function* readLines(
  input: AsyncIterable<Buffer | string> | NodeJS.ReadableStream,
): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  const finish = (): string => {
    let line = pendingBytes === 0 ? '' : Buffer.concat(pending, pendingBytes).toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    pending = [];
    pendingBytes = 0;
    skipping = false;
    return line;
  };
  const keep = (piece: Buffer): void => {
    if (skipping) return;
    const room = maxLineLength - pendingBytes;
    if (piece.length > room) {
      if (room > 0) pending.push(piece.subarray(0, room));
      pendingBytes = maxLineLength;
      skipping = true;
      return;
    }
    pending.push(piece);
    pendingBytes += piece.length;
  };
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let from = 0;
    for (let nl = bytes.indexOf(10, from); nl !== -1; nl = bytes.indexOf(10, from)) {
      keep(bytes.subarray(from, nl));
      yield finish();
      from = nl + 1;
    }
    if (from < bytes.length) keep(bytes.subarray(from));
  }
  // A last line without a line end is still a line; an empty input, or one ending in a line end, adds none.
  if (pendingBytes > 0 || skipping) yield finish();
}

async function writeResults(mining: LineTemplateMining, out: NodeJS.WritableStream): Promise<void> {
  // A reader that stops early (`| head`) closes the pipe: that ends the output, it is not a failure.
  let closed = false;
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') closed = true;
    else throw err;
  };
  out.on('error', onError);
  const flush = (text: string): Promise<void> =>
    new Promise((resolve) => {
      if (closed) return resolve();
      if (out.write(text)) resolve();
      else {
        const done = (): void => {
          out.off('drain', done);
          out.off('close', done);
          resolve();
        };
        out.once('drain', done);
        out.once('close', done);
      }
    });
  let buffer = '';
  let n = 0;
  for (const r of mining.results()) {
    if (closed) break;
    n++;
    buffer += `${JSON.stringify({ line: n, templateId: r.templateId, template: r.template })}\n`;
    if (buffer.length >= 1 << 16) {
      await flush(buffer);
      buffer = '';
    }
  }
  if (buffer.length > 0) await flush(buffer);
}
