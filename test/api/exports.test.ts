// Exports over HTTP on both databases: the ticket list as CSV (quoting, the formula guard, columns, filters,
// search, each role's visibility, custom field columns) and XLSX (read back with exceljs), the reports as CSV;
// and 100,000 tickets streamed through a real port, checked whole, while the server's heap stays far below the body.
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

  it('custom fields export as field.<key> columns headed by their labels, values guarded like any text', async () => {
    const defs = [
      { key: 'asset_tag', label: 'Asset tag', type: 'text' },
      { key: 'budget', label: 'Budget', type: 'number' },
      { key: 'extras', label: 'Extras', type: 'multi_choice', options: ['Dock', 'Mouse'] },
      { key: 'approver', label: 'Approver', type: 'user' },
    ];
    for (const d of defs) expect((await manager.call('POST', '/api/v1/custom-fields', d)).status).toBe(201);
    const list = await tech.call('GET', '/api/v1/tickets?sort=created&limit=10');
    const [first, second] = list.body.items as Array<{ id: number }>;
    const set = await tech.call('PATCH', `/api/v1/tickets/${first.id}`, {
      fields: {
        asset_tag: '=cmd|"/C calc"!A0',
        budget: -250,
        extras: ['Dock', 'Mouse'],
        approver: manager.userId,
      },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    await tech.call('PATCH', `/api/v1/tickets/${second.id}`, { fields: { asset_tag: '@SUM(1+1)' } });
    const res = await tech.call(
      'GET',
      '/api/v1/tickets/export.csv?sort=created&columns=id,field.asset_tag,field.budget,field.extras,field.approver',
    );
    expect(res.status).toBe(200);
    const rows = parseCsv(res.body);
    expect(rows[0]).toEqual(['ID', 'Asset tag', 'Budget', 'Extras', 'Approver']);
    expect(rows[1][0]).toBe(String(first.id));
    // The formula guard: a field's text starting with = or @ is text in the reader's spreadsheet; a number is a number.
    expect(rows[1].slice(1)).toEqual([
      `'=cmd|"/C calc"!A0`,
      '-250',
      'Dock, Mouse',
      expect.stringMatching(/^manager/),
    ]);
    expect(rows[2].slice(1)).toEqual([`'@SUM(1+1)`, '', '', '']);
    expect(rows.slice(3).every((r) => r.slice(1).every((c) => c === ''))).toBe(true);
    // The same columns in a workbook: the number typed, the text as text (never a formula).
    const xlsx = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tickets/export.xlsx?sort=created&columns=field.budget,field.asset_tag',
      headers: { authorization: `Bearer ${tech.token}` },
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const cells = (book.getWorksheet('Tickets') as ExcelJS.Worksheet).getRow(2).values as unknown[];
    expect(cells.slice(1)).toEqual([-250, '=cmd|"/C calc"!A0']);
    const unknown = await tech.call('GET', '/api/v1/tickets/export.csv?columns=id,field.no_such_field');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('querystring/columns');
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

describe.each(dialects)('a CSV export of 100,000 tickets on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;
  let base: string;
  const count = 100_000;
  // Titles near their 200-character bound: a body of ~30 MB, far above what a stream holds at once.
  const filler = 'the printer on the third floor prints blank pages after the driver update; '
    .repeat(3)
    .slice(0, 160);
  const title = (n: number) => `Bulk ticket ${n}, "quoted", ${filler}`;
  const model = (n: number) => `Model ${n % 7}`;
  let firstId = 0;
  let lastUpdated = 0;

  beforeAll(async () => {
    t = await makeApp(dialect);
    tech = await userSession(t.app, t.ctx, 'technician');
    const requester = await userSession(t.app, t.ctx, 'requester');
    const manager = await userSession(t.app, t.ctx, 'manager');
    const field = await manager.call('POST', '/api/v1/custom-fields', {
      key: 'laptop_model',
      label: 'Laptop model',
      type: 'text',
    });
    expect(field.status).toBe(201);
    const now = t.clock.now();
    lastUpdated = now;
    const batch = Array.from({ length: 1000 }, (_, i) => i);
    for (let b = 0; b < count / 1000; b++) {
      // Ticket n (0-based) is created n ms before now: the newest first is ticket 0.
      const ids = await t.ctx.db
        .insertInto('tickets')
        .values(
          batch.map((i) => ({
            title: title(b * 1000 + i),
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
        .returning('id')
        .execute();
      if (b === 0) firstId = ids[0].id;
      await t.ctx.db
        .insertInto('ticket_field_values')
        .values(
          ids.map((r, i) => ({
            ticket_id: r.id,
            field_id: field.body.id,
            seq: 0,
            value_text: model(b * 1000 + i),
            value_number: null,
          })),
        )
        .execute();
    }
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => t?.close());

  it('streams every row, complete and in order, while the server’s live heap stays far below the body', async () => {
    // The live heap, measured after a full collection: garbage not yet collected is not memory held. Server
    // and client share this process; the client keeps only counts and the first and last records.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const live = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = live();
    let peak = 0;
    const res = await fetch(
      `${base}/api/v1/tickets/export.csv?sort=-updated&columns=id,title,status,priority,type,updatedAt,field.laptop_model`,
      { headers: { authorization: `Bearer ${tech.token}` } },
    );
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let bytes = 0;
    let records = 0;
    let head = '';
    let tail = '';
    let nextSample = 1_000_000;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      // Records end in CRLF and the titles hold no line breaks: count the LFs.
      for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) records++;
      const text = decoder.decode(value, { stream: true });
      if (head.length < 1000) head += text.slice(0, 1000);
      tail = (tail + text).slice(-1000);
      if (bytes >= nextSample) {
        // Mid-stream, the server holds what it has read and not yet sent: with streaming, about a batch.
        peak = Math.max(peak, live() - before);
        nextSample += 2_000_000;
      }
    }
    expect(records).toBe(count + 1);
    expect(bytes).toBeGreaterThan(20_000_000);
    const iso = (ms: number) => new Date(ms).toISOString();
    const [header, first] = parseCsv(head.slice(0, head.indexOf('\r\n', head.indexOf('\r\n') + 2) + 2));
    expect(header).toEqual(['ID', 'Title', 'Status', 'Priority', 'Type', 'Updated', 'Laptop model']);
    // Newest first: ticket 0 (updated now), then each one a millisecond older, down to ticket 99,999.
    expect(first).toEqual([
      String(firstId),
      title(0),
      'new',
      'medium',
      'incident',
      iso(lastUpdated),
      model(0),
    ]);
    const lastLines = tail.split('\r\n');
    const [last] = parseCsv(`${lastLines[lastLines.length - 2]}\r\n`);
    expect(last).toEqual([
      String(firstId + count - 1),
      title(count - 1),
      'new',
      'medium',
      'incident',
      iso(lastUpdated - (count - 1)),
      model(count - 1),
    ]);
    // Holding the result would keep more than the body's bytes live (its text, and the rows it came from); a
    // stream keeps about one batch of 1,000 rows (~0.3 MB of text) and the sockets' buffers.
    expect(peak).toBeLessThan(bytes / 5);
  }, 120_000);
});
