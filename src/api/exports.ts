// Writing exports to the reply stream: CSV (RFC 4180) and XLSX (exceljs' streaming WorkbookWriter) from
// batches of rows that a domain reads as they are asked for. The reply pulls: a batch is read only when the
// previous one has gone out (Readable.from over an async generator for CSV; waiting for 'drain' for XLSX), so
// a large export holds about one batch in memory, and a client that goes away stops the reads.
import { PassThrough, Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { toIso } from '../core/clock.js';

export type CellValue = string | number | boolean | null;

/** One column of an export: its header, how to read a row's cell, and what kind of value it is. */
export interface ExportColumn<R> {
  header: string;
  kind?: 'text' | 'number' | 'time' | 'boolean';
  value: (row: R) => CellValue;
}

export interface ExportOptions<R> {
  /** The file name offered to the browser, without the extension. */
  filename: string;
  columns: ExportColumn<R>[];
  /** Batches of rows, read one at a time as the reply drains. */
  batches: AsyncIterable<R[]>;
}

/**
 * A spreadsheet opening a CSV evaluates a cell that begins with = + - @ (and tab or CR, which some strip
 * first) as a formula: a ticket titled `=HYPERLINK(…)` would run in the reader's spreadsheet. Such text cells
 * get a leading apostrophe, as OWASP's CSV injection advice says; numbers are written as numbers.
 */
const formulaStart = /^[=+\-@\t\r]/;

/** One CSV field: the formula guard for text, then RFC 4180 quoting (quotes doubled) where needed. */
export function csvField(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record with RFC 4180's CRLF. */
export function csvRecord(fields: CellValue[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) line += (i === 0 ? '' : ',') + csvField(fields[i]);
  return `${line}\r\n`;
}

function cellForCsv<R>(column: ExportColumn<R>, row: R): CellValue {
  const v = column.value(row);
  return column.kind === 'time' && typeof v === 'number' ? toIso(v) : v;
}

function attachment(filename: string, extension: string): string {
  const name = `${filename}.${extension}`;
  // An ASCII fallback, and the exact name in RFC 5987 form.
  const ascii = name.replace(/[^\w.-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Read the first batch before any byte is sent: a domain's refusal (a bad filter, a forbidden read) still
 * answers problem+json with its status. After that, a failure can only cut the stream short.
 */
async function firstBatch<R>(batches: AsyncIterable<R[]>) {
  const iterator = batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  return { iterator, first };
}

async function* remaining<R>(iterator: AsyncIterator<R[]>, first: IteratorResult<R[]>): AsyncGenerator<R[]> {
  try {
    if (first.done) return;
    yield first.value;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // The client went away (or the stream failed): end the domain's reads.
    await iterator.return?.();
  }
}

/** Bytes the CSV stream buffers before it stops pulling batches (a batch larger than this is held alone). */
const csvHighWaterMark = 64 * 1024;

/** Stream rows as CSV: header row, one record per row, UTF-8 (with a BOM for Excel when asked). */
export async function sendCsv<R>(
  reply: FastifyReply,
  options: ExportOptions<R> & { bom?: boolean },
): Promise<FastifyReply> {
  const { iterator, first } = await firstBatch(options.batches);
  const { columns } = options;
  async function* text(): AsyncGenerator<string> {
    yield (options.bom ? '\uFEFF' : '') + csvRecord(columns.map((c) => c.header));
    for await (const batch of remaining(iterator, first)) {
      let chunk = '';
      for (const row of batch) chunk += csvRecord(columns.map((c) => cellForCsv(c, row)));
      yield chunk;
    }
  }
  const stream = Readable.from(text(), { objectMode: false, highWaterMark: csvHighWaterMark });
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', attachment(options.filename, 'csv'))
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(stream);
}

// XML 1.0 cannot hold most C0 controls: they are dropped from XLSX cells. A cell holds at most 32,767 characters.
const xmlInvalid = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const xlsxCellMax = 32_767;

function cellForXlsx<R>(column: ExportColumn<R>, row: R): string | number | boolean | Date | null {
  const v = column.value(row);
  if (column.kind === 'time' && typeof v === 'number') return new Date(v);
  if (typeof v === 'string') return v.replace(xmlInvalid, '').slice(0, xlsxCellMax);
  return v;
}

/**
 * Stream rows as an XLSX workbook of one sheet. Cells are typed (numbers, dates, booleans, text); text is
 * stored as a string, never a formula, so no guard is needed. No shared strings: each row is written and
 * forgotten, so the memory does not grow with the rows.
 */
export async function sendXlsx<R>(
  reply: FastifyReply,
  options: ExportOptions<R> & { sheet: string },
): Promise<FastifyReply> {
  const { iterator, first } = await firstBatch(options.batches);
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  // exceljs is loaded on the first workbook, not at start: it is 16 MB of memory most services never use.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(options.sheet.slice(0, 31));
  sheet.columns = options.columns.map((c) => ({
    header: c.header,
    width: c.kind === 'time' ? 20 : c.kind === 'text' || c.kind === undefined ? 30 : 12,
    style: c.kind === 'time' ? { numFmt: 'yyyy-mm-dd hh:mm:ss' } : {},
  }));
  const write = async () => {
    let aborted = false;
    out.once('close', () => {
      aborted = true;
    });
    for await (const batch of remaining(iterator, first)) {
      if (aborted) break;
      for (const row of batch) sheet.addRow(options.columns.map((c) => cellForXlsx(c, row))).commit();
      // Wait while the zip's output is full: the next batch is read when the client has taken this one.
      if (out.writableNeedDrain)
        await new Promise((resolve) => {
          out.once('drain', resolve);
          out.once('close', resolve);
        });
    }
    sheet.commit();
    await workbook.commit();
  };
  write().catch((err) => {
    reply.log.error({ err }, 'xlsx export failed');
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  return reply
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', attachment(options.filename, 'xlsx'))
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(out);
}
