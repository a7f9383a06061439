// Exports over HTTP on both databases: the ticket list as CSV (quoting, the formula guard, columns, filters,
// search, each role's visibility) and XLSX (read back with exceljs), the reports as CSV; and, on SQLite,
// 100,000 tickets streamed through a real port while the server's heap stays far below the body's size.
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../../src/core/auth/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

/** A CSV body parsed by RFC 4180 (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('the CSV does not end with CRLF');
  return rows;
}

describe.each(dialects)('exports on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;
  let owner: Session;
  let other: Session;
  let manager: Session;
  const titles = {
    formula: '=HYPERLINK("http://evil","x")',
    quoted: 'Printer says "paper jam", again\r\nand again',
    plus: '+1 for this',
  };

  beforeAll(async () => {
    t = await makeApp(dialect);
    const group = await createGroup(t.ctx, null, { name: 'Desk' });
    tech = await userSession(t.app, t.ctx, 'technician', [group.id]);
    manager = await userSession(t.app, t.ctx, 'manager');
    owner = await userSession(t.app, t.ctx, 'requester');
    other = await userSession(t.app, t.ctx, 'requester');
    for (const title of Object.values(titles)) {
      const r = await owner.call('POST', '/api/v1/tickets', { title, description: 'd', tags: ['printer'] });
      expect(r.status).toBe(201);
    }
    const mine = await other.call('POST', '/api/v1/tickets', {
      title: 'Other person laptop',
      description: 'd',
    });
    await tech.call('PATCH', `/api/v1/tickets/${mine.body.id}`, {
      assigneeId: tech.userId,
      status: 'resolved',
    });
  });
  afterAll(async () => t?.close());

  it('a CSV export has the queue’s columns by default, RFC 4180 quoting and the formula guard', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tickets/export.csv?sort=created',
      headers: { authorization: `Bearer ${tech.token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(String(res.headers['content-disposition'])).toMatch(
      /^attachment; filename="tickets-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    expect(res.body.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(res.body);
    expect(rows[0]).toEqual([
      'ID',
      'Title',
      'Status',
      'Priority',
      'Assignee',
      'Group',
      'Resolution due',
      'Updated',
    ]);
    expect(rows.slice(1).map((r) => r[1])).toEqual([
      `'${titles.formula}`,
      titles.quoted,
      `'${titles.plus}`,
      'Other person laptop',
    ]);
    expect(res.body).toContain('"Printer says ""paper jam"", again\r\nand again"');
    expect(rows[4][2]).toBe('resolved');
    expect(rows[4][4]).toMatch(/^technician/);
    expect(rows[4][7]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('columns= picks and orders the columns; an unknown column is a 400 naming the parameter', async () => {
    const ok = await tech.call('GET', '/api/v1/tickets/export.csv?columns=tags,id,requester&sort=created');
    const rows = parseCsv(ok.body);
    expect(rows[0]).toEqual(['Tags', 'ID', 'Requester']);
    expect(rows[1][0]).toBe('printer');
    expect(rows[1][2]).toMatch(/^requester/);
    const bad = await tech.call('GET', '/api/v1/tickets/export.csv?columns=id,password');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('querystring/columns');
  });

  it('takes the list’s filters and search, and a BOM when asked', async () => {
    const resolved = parseCsv((await tech.call('GET', '/api/v1/tickets/export.csv?status=resolved')).body);
    expect(resolved.slice(1).map((r) => r[1])).toEqual(['Other person laptop']);
    const search = parseCsv(
      (await tech.call('GET', '/api/v1/tickets/export.csv?q=laptop&columns=title')).body,
    );
    expect(search.slice(1)).toEqual([['Other person laptop']]);
    const bom = await tech.call('GET', '/api/v1/tickets/export.csv?bom=true&columns=id');
    expect(bom.body.startsWith('\uFEFFID\r\n')).toBe(true);
    const badFilter = await tech.call('GET', '/api/v1/tickets/export.csv?status=sleeping');
    expect(badFilter.status).toBe(400);
  });

  it('a requester exports only the tickets the queue shows them', async () => {
    const own = parseCsv((await owner.call('GET', '/api/v1/tickets/export.csv?columns=title')).body);
    expect(
      own
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual([`'${titles.formula}`, titles.quoted, `'${titles.plus}`].sort());
    const theirs = parseCsv((await other.call('GET', '/api/v1/tickets/export.csv?columns=title')).body);
    expect(theirs.slice(1)).toEqual([['Other person laptop']]);
    const tech = parseCsv((await manager.call('GET', '/api/v1/tickets/export.csv?columns=title')).body);
    expect(tech.length - 1).toBe(4);
  });

  it('an XLSX export opens with exceljs and holds the same rows with typed cells', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tickets/export.xlsx?sort=created&columns=id,title,createdAt',
      headers: { authorization: `Bearer ${tech.token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Tickets');
    expect(sheet).toBeDefined();
    const values = (sheet as ExcelJS.Worksheet)
      .getSheetValues()
      .filter(Boolean)
      .map((r) => (r as unknown[]).slice(1));
    expect(values[0]).toEqual(['ID', 'Title', 'Created']);
    // XML normalises a CRLF inside a cell to LF.
    expect(values.slice(1).map((r) => r[1])).toEqual([
      titles.formula,
      titles.quoted.replace('\r\n', '\n'),
      titles.plus,
      'Other person laptop',
    ]);
    expect(typeof values[1][0]).toBe('number');
    expect(values[1][2]).toBeInstanceOf(Date);
    // A requester's workbook holds their tickets only.
    const own = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tickets/export.xlsx?columns=title',
      headers: { authorization: `Bearer ${other.token}` },
    });
    const ownBook = new ExcelJS.Workbook();
    await ownBook.xlsx.load(own.rawPayload as unknown as ArrayBuffer);
    expect(ownBook.getWorksheet('Tickets')?.rowCount).toBe(2);
  });

  it('the dashboard and the SLA report export as CSV for managers, not for technicians', async () => {
    const daily = await manager.call('GET', '/api/v1/reports/dashboard.csv?section=status');
    expect(daily.status).toBe(200);
    const rows = parseCsv(daily.body);
    expect(rows[0]).toEqual(['Status', 'Count']);
    expect(rows.slice(1).map((r) => r[0])).toContain('new');
    expect((await tech.call('GET', '/api/v1/reports/dashboard.csv')).status).toBe(403);
    const sla = await manager.call(
      'GET',
      '/api/v1/reports/sla.csv?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&groupBy=group',
    );
    expect(sla.status).toBe(200);
    const slaRows = parseCsv(sla.body);
    expect(slaRows[0].slice(0, 3)).toEqual(['Group', 'Tickets', 'First response met']);
    expect(slaRows[slaRows.length - 1][0]).toBe('Total');
    const breaches = parseCsv(
      (
        await manager.call(
          'GET',
          '/api/v1/reports/sla.csv?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&part=breaches',
        )
      ).body,
    );
    expect(breaches[0][0]).toBe('Ticket');
    expect(
      (await tech.call('GET', '/api/v1/reports/sla.csv?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z'))
        .status,
    ).toBe(403);
  });
});

describe('a CSV export of 100,000 tickets on sqlite', () => {
  let t: TestApp;
  let tech: Session;
  let base: string;
  const count = 100_000;
  // Titles near their 200-character bound: a body of ~30 MB, far above what a stream holds at once.
  const filler = 'the printer on the third floor prints blank pages after the driver update; '
    .repeat(3)
    .slice(0, 160);

  beforeAll(async () => {
    t = await makeApp('sqlite');
    tech = await userSession(t.app, t.ctx, 'technician');
    const requester = await userSession(t.app, t.ctx, 'requester');
    const now = t.clock.now();
    const rows = Array.from({ length: 1000 }, (_, i) => i);
    for (let b = 0; b < count / 1000; b++) {
      await t.ctx.db
        .insertInto('tickets')
        .values(
          rows.map((i) => ({
            title: `Bulk ticket ${b * 1000 + i}, "quoted", ${filler}`,
            description: 'x',
            type: 'incident' as const,
            status: 'new' as const,
            impact: 3,
            urgency: 3,
            priority: 3,
            requester_id: requester.userId,
            created_by: requester.userId,
            created_at: now - b * 1000 - i,
            updated_at: now - b * 1000 - i,
          })),
        )
        .execute();
    }
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => t?.close());

  it('streams every row while the live heap stays far below the body', async () => {
    // The live heap, measured after a full collection: garbage not yet collected is not memory held.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const live = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = live();
    let peak = 0;
    const res = await fetch(
      `${base}/api/v1/tickets/export.csv?columns=id,title,status,priority,type,updatedAt`,
      {
        headers: { authorization: `Bearer ${tech.token}` },
      },
    );
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let bytes = 0;
    let lines = 0;
    let nextSample = 1_000_000;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
      if (bytes >= nextSample) {
        // Mid-stream, the server holds what it has read and not yet sent: with streaming, about a batch.
        peak = Math.max(peak, live() - before);
        nextSample += 2_000_000;
      }
    }
    expect(lines).toBe(count + 1);
    expect(bytes).toBeGreaterThan(20_000_000);
    // Holding the result would keep more than the body's bytes live (its text, and the rows it came from); a
    // stream keeps about one batch of 1,000 rows (~0.3 MB of text) and the sockets' buffers.
    expect(peak).toBeLessThan(bytes / 5);
  }, 120_000);
});
