// GLPI's computers export imported on both databases: English and French headers in any order, GLPI's states,
// types and date formats mapped, bad rows reported by line and reason with the good rows kept, a serial or MAC
// already known updating its asset. The parser is fuzzed with fast-check: it never throws (beyond a file-level
// refusal), and every data row is either parsed or reported.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glpiDay, parseGlpiExport } from '../../src/assets/index.js';
import { DomainError } from '../../src/core/errors.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const q = (cells: string[]) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(';');

const english = [
  q([
    'Name',
    'Entity',
    'Status',
    'Manufacturer',
    'Serial number',
    'Type',
    'Model',
    'Operating system - Name',
    'Location',
    'Last update',
    'Component - Processor',
    'Inventory number',
    'User',
    'Date of purchase',
  ]),
  q([
    'PC-ACC-001',
    'Root entity > Finance',
    'In use',
    'Dell Inc.',
    'GLPI-SN-001',
    'Desktop',
    'OptiPlex 7010',
    'Windows 11 Pro',
    'Paris > Floor 2',
    '2026-11-30 14:02',
    'Intel(R) Core(TM) i5-13500$$##$$Intel(R) Core(TM) i5-13500',
    'INV-0001',
    'Glpi Person',
    '2024-02-15',
  ]),
  q([
    'SRV-FILES',
    'Root entity',
    'En stock',
    'HPE',
    'GLPI-SN-002',
    'Server',
    'ProLiant DL360 Gen10',
    'Debian GNU/Linux 12',
    'DC1',
    '2026-11-29 08:00',
    'Intel Xeon Silver 4210',
    'INV-0002',
    'nobody-known',
    '',
  ]),
  q(['', 'Root entity', 'In use', 'Dell', 'GLPI-SN-003', 'Laptop', '', '', '', '', '', 'INV-0003', '', '']),
  q([
    'PC-BAD-DATE',
    'Root entity',
    'In use',
    'Dell',
    'GLPI-SN-004',
    'Laptop',
    '',
    '',
    '',
    '',
    '',
    'INV-0004',
    '',
    '2026-02-30',
  ]),
  q([
    'PC-ACC-002',
    'Root entity',
    'Custom state',
    'Lenovo',
    'GLPI-SN-005',
    'Laptop',
    'T14',
    '',
    '',
    '',
    '',
    'INV-0005',
    '',
    '',
  ]),
].join('\r\n');

// French headers, another order, GLPI's DD-MM-YYYY dates.
const french = [
  q([
    'Numéro de série',
    'Nom',
    'Statut',
    'Fabricant',
    'Lieu',
    "Date d'expiration de la garantie",
    'Utilisateur',
  ]),
  q(['GLPI-SN-001', 'PC-ACC-001 (renamed)', 'En réparation', 'Dell Inc.', 'Lyon', '31-03-2027', '']),
  q(['GLPI-SN-100', 'PORTABLE-7', 'Au rebut', 'HP', 'Lyon', '15-01-2026', '']),
  q(['GLPI-SN-101', 'PORTABLE-8', 'En service', 'HP', 'Lyon', '32-13-2026', '']),
].join('\n');

describe('parseGlpiExport', () => {
  it('reads GLPI’s dates in its three display formats and refuses impossible ones', () => {
    expect(glpiDay('d', '2027-03-31 10:00')).toBe('2027-03-31');
    expect(glpiDay('d', '31-03-2027')).toBe('2027-03-31');
    expect(glpiDay('d', '03-31-2027')).toBe('2027-03-31');
    expect(() => glpiDay('d', '31-02-2027')).toThrow();
  });

  it('never throws on any text beyond a file-level refusal, and every data row is parsed or reported', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        'In use',
        'En stock',
        'Server',
        '2026-01-02',
        '31-12-2026',
        'aa:bb:cc:dd:ee:ff',
        '$$##$$',
        '"',
        ';',
        '\n',
      ),
    );
    const header = fc.shuffledSubarray(
      [
        'Name',
        'Nom',
        'Status',
        'Serial number',
        'Type',
        'Lieu',
        'User',
        'Date of purchase',
        'Network port - MAC',
        'Modèle',
      ],
      { minLength: 1 },
    );
    const file = fc.oneof(
      fc.string({ maxLength: 400 }),
      header.chain((h) =>
        fc
          .array(fc.tuple(fc.boolean(), fc.array(cell, { maxLength: h.length + 2 })), { maxLength: 12 })
          .map((rows) => [q(h), ...rows.map(([quoted, r]) => (quoted ? q(r) : r.join(';')))].join('\n')),
      ),
    );
    fc.assert(
      fc.property(file, (text) => {
        try {
          const out = parseGlpiExport(text);
          expect(out.parsed.length + out.refused.length).toBe(out.rows);
          for (const r of out.refused) expect(r.reason.length).toBeGreaterThan(0);
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          expect(e.code).toBe('invalid_asset_import');
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe.each(dialects)('GLPI export import on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;
  let person: Session;
  beforeAll(async () => {
    t = await makeApp(dialect);
    tech = await userSession(t.app, t.ctx, 'technician');
    person = await userSession(t.app, t.ctx, 'requester');
    await t.ctx.db
      .updateTable('users')
      .set({ name: 'Glpi Person' })
      .where('id', '=', person.userId)
      .execute();
  });
  afterAll(async () => t?.close());

  const post = (body: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/assets/import?format=glpi',
      headers: { authorization: `Bearer ${tech.token}`, 'content-type': 'text/csv' },
      payload: body,
    });

  it('maps the English export’s columns and reports the bad rows by line and reason', async () => {
    const res = await post(english);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ rows: 5, created: 3, updated: 0, rejected: 2 });
    expect(
      report.rejections.map((r: { line: number; reason: string }) => [r.line, r.reason.split(':')[0]]),
    ).toEqual([
      [4, 'name'],
      [5, 'purchaseDate'],
    ]);
    const [pc] = (await tech.call('GET', '/api/v1/assets?q=GLPI-SN-001')).body.items;
    expect(pc).toMatchObject({
      name: 'PC-ACC-001',
      type: 'computer',
      status: 'in_use',
      manufacturer: 'Dell Inc.',
      model: 'OptiPlex 7010',
      location: 'Paris > Floor 2',
      assetTag: 'INV-0001',
      ownerId: person.userId,
      purchaseDate: '2024-02-15',
    });
    expect(pc.hardware.os.name).toBe('Windows 11 Pro');
    expect(pc.hardware.cpus).toHaveLength(2);
    const [srv] = (await tech.call('GET', '/api/v1/assets?q=GLPI-SN-002')).body.items;
    expect(srv).toMatchObject({ type: 'server', status: 'in_stock', ownerId: null });
    expect(srv.notes).toContain('GLPI user: nobody-known');
    // A state GLPI's site invented is not a reason to refuse the row: it keeps our default.
    const [odd] = (await tech.call('GET', '/api/v1/assets?q=GLPI-SN-005')).body.items;
    expect(odd.status).toBe('in_stock');
  });

  it('reads the French export in another column order; a known serial updates its asset', async () => {
    const res = await post(french);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ rows: 3, created: 1, updated: 1, rejected: 1 });
    expect(report.rejections[0]).toMatchObject({ line: 4 });
    expect(report.rejections[0].reason).toMatch(/^warrantyEnd:/);
    const found = (await tech.call('GET', '/api/v1/assets?q=GLPI-SN-001')).body.items;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      name: 'PC-ACC-001 (renamed)',
      status: 'in_repair',
      location: 'Lyon',
      warrantyEnd: '2027-03-31',
    });
    const [scrapped] = (await tech.call('GET', '/api/v1/assets?q=GLPI-SN-100')).body.items;
    expect(scrapped.status).toBe('retired');
  });

  it('refuses a file without a name column as a whole', async () => {
    const res = await post('"Entity";"Status"\n"Root";"In use"\n');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_asset_import');
  });
});
