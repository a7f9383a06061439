// The asset inventory through HTTP on both databases: create, filter and page the list, edit with history,
// bulk edit, relations, licences (over-assignment shows), the tickets that name an asset from either side,
// what a requester sees (their own assets, read only), and CSV import with a per-row report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('assets on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;
  let manager: Session;
  let requester: Session;
  let otherRequester: Session;

  beforeAll(async () => {
    t = await makeApp(dialect);
    tech = await userSession(t.app, t.ctx, 'technician');
    manager = await userSession(t.app, t.ctx, 'manager');
    requester = await userSession(t.app, t.ctx, 'requester');
    otherRequester = await userSession(t.app, t.ctx, 'requester');
  });
  afterAll(async () => t?.close());

  const laptop = (over: Record<string, unknown> = {}) => ({
    name: 'LT-0042 ThinkPad T14',
    type: 'computer',
    status: 'in_use',
    serial: 'PF3ABC12',
    assetTag: `AT-${Math.random().toString(36).slice(2, 10)}`,
    model: 'ThinkPad T14 Gen 4',
    manufacturer: 'Lenovo',
    location: 'Berlin HQ / 3rd floor',
    purchaseDate: '2024-02-15',
    cost: { amountMinor: 129_900, currency: 'EUR' },
    supplier: 'Bechtle',
    warrantyEnd: '2027-02-14',
    endOfLife: '2028-02-15',
    hardware: {
      cpus: [{ name: 'Intel Core i7-1365U', cores: 10, threads: 12 }],
      memoryMb: 32768,
      networkCards: [{ name: 'wlan0', mac: 'A4-C3-F0-11-22-33' }],
    },
    ...over,
  });

  it('creates an asset and reads it back with every field, the money exact and the MAC normalised', async () => {
    const made = await tech.call('POST', '/api/v1/assets', laptop({ ownerId: requester.userId }));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const got = await tech.call('GET', `/api/v1/assets/${made.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      name: 'LT-0042 ThinkPad T14',
      type: 'computer',
      status: 'in_use',
      serial: 'PF3ABC12',
      manufacturer: 'Lenovo',
      ownerId: requester.userId,
      purchaseDate: '2024-02-15',
      cost: { amountMinor: 129_900, currency: 'EUR' },
      warrantyEnd: '2027-02-14',
      endOfLife: '2028-02-15',
      macs: ['a4:c3:f0:11:22:33'],
      tickets: [],
      relations: [],
      licence: null,
    });
    expect(got.body.hardware.cpus[0].cores).toBe(10);
  });

  it('refuses a bad date, a bad currency, an unknown owner and a duplicate asset tag with clear errors', async () => {
    const badDay = await tech.call('POST', '/api/v1/assets', laptop({ warrantyEnd: '2027-02-30' }));
    expect(badDay.status).toBe(400);
    const badMoney = await tech.call(
      'POST',
      '/api/v1/assets',
      laptop({ cost: { amountMinor: 5, currency: 'eur' } }),
    );
    expect(badMoney.status).toBe(400);
    const badOwner = await tech.call('POST', '/api/v1/assets', laptop({ ownerId: 999_999 }));
    expect(badOwner.status).toBe(400);
    expect(badOwner.body.code).toBe('invalid_reference');
    const first = await tech.call('POST', '/api/v1/assets', laptop({ assetTag: 'DUP-1' }));
    expect(first.status).toBe(201);
    const second = await tech.call('POST', '/api/v1/assets', laptop({ assetTag: 'DUP-1' }));
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('asset_tag_taken');
  });

  it('filters by type, status, location, owner, text and warranty end, and pages with a cursor', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await tech.call('POST', '/api/v1/assets', {
        name: `Printer ${tag} ${i}`,
        type: 'printer',
        status: i % 2 === 0 ? 'in_use' : 'in_stock',
        location: `Room ${tag}`,
        warrantyEnd: `2026-0${i + 1}-01`,
      });
      ids.push(r.body.id);
    }
    const byText = await tech.call('GET', `/api/v1/assets?q=${tag}&limit=2&sort=name`);
    expect(byText.body.items.map((a: { name: string }) => a.name)).toEqual([
      `Printer ${tag} 0`,
      `Printer ${tag} 1`,
    ]);
    const next = await tech.call(
      'GET',
      `/api/v1/assets?q=${tag}&limit=2&sort=name&cursor=${byText.body.nextCursor}`,
    );
    expect(next.body.items.map((a: { name: string }) => a.name)).toEqual([
      `Printer ${tag} 2`,
      `Printer ${tag} 3`,
    ]);
    const last = await tech.call(
      'GET',
      `/api/v1/assets?q=${tag}&limit=2&sort=name&cursor=${next.body.nextCursor}`,
    );
    expect(last.body.items).toHaveLength(1);
    expect(last.body.nextCursor).toBeNull();
    // Newest change first by default, all five reached through pages.
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: number }[]; nextCursor: string | null } } = await tech.call(
        'GET',
        `/api/v1/assets?location=${encodeURIComponent(`Room ${tag}`)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((a) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
    const inUse = await tech.call('GET', `/api/v1/assets?q=${tag}&status=in_use&type=printer,computer`);
    expect(inUse.body.items).toHaveLength(3);
    const ending = await tech.call('GET', `/api/v1/assets?q=${tag}&warrantyEndsBefore=2026-03-01`);
    expect(ending.body.items.map((a: { warrantyEnd: string }) => a.warrantyEnd).sort()).toEqual([
      '2026-01-01',
      '2026-02-01',
    ]);
    const bad = await tech.call('GET', '/api/v1/assets?status=broken');
    expect(bad.status).toBe(400);
    // A cursor of the name order is not one of the newest-first order.
    const badCursor = await tech.call('GET', `/api/v1/assets?cursor=${byText.body.nextCursor}`);
    expect(badCursor.status).toBe(400);
  });

  it('a word many assets share, beside another filter, lists the few passing both in order, wherever they sort', async () => {
    // 560 computers and 40 servers share the word; the servers sort after every computer by name. Over 500
    // matches the list reads in its own order, but with type=server as well it sorts the 40 instead of walking
    // past the computers: either way, the pages must be these servers in name order.
    const w = `zq${Math.random().toString(36).slice(2, 8)}`;
    const csv = ['Name,Type,Status'];
    for (let i = 0; i < 560; i++) csv.push(`Alpha ${w} ${String(i).padStart(3, '0')},computer,in_use`);
    for (let i = 0; i < 40; i++) csv.push(`Zulu ${w} ${String(i).padStart(2, '0')},server,in_use`);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/assets/import',
      headers: { authorization: `Bearer ${tech.token}`, 'content-type': 'text/csv' },
      payload: csv.join('\n'),
    });
    expect(res.json()).toMatchObject({ created: 600, rejected: 0 });
    const servers = Array.from({ length: 40 }, (_, i) => `Zulu ${w} ${String(i).padStart(2, '0')}`);
    for (const sort of ['name', 'updated']) {
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { name: string }[]; nextCursor: string | null } } = await tech.call(
          'GET',
          `/api/v1/assets?q=${w}&type=server&sort=${sort}&limit=15${cursor ? `&cursor=${cursor}` : ''}`,
        );
        names.push(...page.body.items.map((a) => a.name));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(sort === 'name' ? names : [...names].sort()).toEqual(servers);
    }
    const all = await tech.call('GET', `/api/v1/assets?q=${w}&sort=name&limit=3`);
    expect(all.body.items.map((a: { name: string }) => a.name)).toEqual(
      [0, 1, 2].map((i) => `Alpha ${w} 00${i}`),
    );
    const none = await tech.call('GET', `/api/v1/assets?q=${w}&type=printer`);
    expect(none.body.items).toEqual([]);
  });

  it('finds an asset by its MAC address in any spelling', async () => {
    const made = await tech.call(
      'POST',
      '/api/v1/assets',
      laptop({ hardware: { networkCards: [{ name: 'eth0', mac: '00:1B:44:11:3A:B7' }] } }),
    );
    const found = await tech.call('GET', '/api/v1/assets?q=001b.4411.3ab7');
    expect(found.body.items.map((a: { id: number }) => a.id)).toContain(made.body.id);
  });

  it('records every change in the history (who, when, field, old → new) and the audit log', async () => {
    const made = await tech.call('POST', '/api/v1/assets', laptop());
    const id = made.body.id;
    const changed = await manager.call('PATCH', `/api/v1/assets/${id}`, {
      status: 'in_repair',
      location: 'Repair shelf',
      cost: { amountMinor: 99_900, currency: 'EUR' },
      hardware: { ...laptop().hardware, memoryMb: 65536 },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.status).toBe('in_repair');
    const history = await tech.call('GET', `/api/v1/assets/${id}/history`);
    const rows = history.body.items.map((h: { field: string; from: string; to: string; actorId: number }) => [
      h.field,
      h.from,
      h.to,
      h.actorId,
    ]);
    expect(rows).toContainEqual(['status', 'in_use', 'in_repair', manager.userId]);
    expect(rows).toContainEqual(['location', 'Berlin HQ / 3rd floor', 'Repair shelf', manager.userId]);
    expect(rows).toContainEqual(['cost', '129900 EUR', '99900 EUR', manager.userId]);
    expect(rows).toContainEqual(['hardware.memory', '32768 MiB', '65536 MiB', manager.userId]);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('subject_type', '=', 'asset')
      .where('subject_id', '=', String(id))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['asset.create', 'asset.update']);
    // Nothing changed: no history row, no audit entry.
    await manager.call('PATCH', `/api/v1/assets/${id}`, { status: 'in_repair' });
    const again = await tech.call('GET', `/api/v1/assets/${id}/history`);
    expect(again.body.items).toHaveLength(history.body.items.length);
  });

  it('bulk-edits many assets in one go, each with its history; an unknown id changes nothing', async () => {
    const a = (await tech.call('POST', '/api/v1/assets', laptop({ status: 'in_stock' }))).body.id;
    const b = (await tech.call('POST', '/api/v1/assets', laptop({ status: 'in_use' }))).body.id;
    const refused = await tech.call('POST', '/api/v1/assets/bulk-update', {
      ids: [a, 999_999],
      set: { status: 'retired' },
    });
    expect(refused.status).toBe(400);
    expect((await tech.call('GET', `/api/v1/assets/${a}`)).body.status).toBe('in_stock');
    const done = await tech.call('POST', '/api/v1/assets/bulk-update', {
      ids: [a, b],
      set: { status: 'in_use', location: 'Hamburg' },
    });
    expect(done.status).toBe(200);
    expect(done.body.updatedIds.sort()).toEqual([a, b].sort());
    for (const id of [a, b]) {
      const got = (await tech.call('GET', `/api/v1/assets/${id}`)).body;
      expect(got).toMatchObject({ status: 'in_use', location: 'Hamburg' });
    }
    const hb = (await tech.call('GET', `/api/v1/assets/${b}/history`)).body.items;
    expect(hb.some((h: { field: string }) => h.field === 'status')).toBe(false);
    expect(hb.some((h: { field: string; to: string }) => h.field === 'location' && h.to === 'Hamburg')).toBe(
      true,
    );
  });

  it('relates assets (installed on, connected to, depends on) and shows them from both ends', async () => {
    const pc = (await tech.call('POST', '/api/v1/assets', laptop())).body.id;
    const monitor = (await tech.call('POST', '/api/v1/assets', { name: 'Dell U2723QE', type: 'monitor' }))
      .body.id;
    const added = await tech.call('POST', `/api/v1/assets/${monitor}/relations`, {
      kind: 'connected_to',
      toAssetId: pc,
    });
    expect(added.status).toBe(201);
    const dup = await tech.call('POST', `/api/v1/assets/${monitor}/relations`, {
      kind: 'connected_to',
      toAssetId: pc,
    });
    expect(dup.status).toBe(409);
    const self = await tech.call('POST', `/api/v1/assets/${pc}/relations`, {
      kind: 'depends_on',
      toAssetId: pc,
    });
    expect(self.status).toBe(400);
    const fromPc = (await tech.call('GET', `/api/v1/assets/${pc}`)).body.relations;
    expect(fromPc).toMatchObject([
      { kind: 'connected_to', direction: 'in', other: { id: monitor, type: 'monitor' } },
    ]);
    const removed = await tech.call('DELETE', `/api/v1/assets/${pc}/relations/${fromPc[0].id}`);
    expect(removed.status).toBe(204);
    expect((await tech.call('GET', `/api/v1/assets/${monitor}/relations`)).body.items).toEqual([]);
    const history = (await tech.call('GET', `/api/v1/assets/${monitor}/history`)).body.items.map(
      (h: { field: string }) => h.field,
    );
    expect(history.filter((f: string) => f === 'relation.connected_to')).toHaveLength(2);
  });

  it('licences count their seats and show over-assignment', async () => {
    const licence = (
      await tech.call('POST', '/api/v1/assets', { name: 'Office 365 E3 (2 seats)', type: 'licence' })
    ).body.id;
    const terms = await tech.call('PUT', `/api/v1/assets/${licence}/licence`, {
      seats: 2,
      softwareName: 'Microsoft 365',
      expiresOn: '2027-06-30',
    });
    expect(terms.body).toMatchObject({ seats: 2, used: 0, overAssigned: false, expiresOn: '2027-06-30' });
    const pc = (await tech.call('POST', '/api/v1/assets', laptop())).body.id;
    await tech.call('POST', `/api/v1/assets/${licence}/licence/assignments`, { assetId: pc });
    const twice = await tech.call('POST', `/api/v1/assets/${licence}/licence/assignments`, { assetId: pc });
    expect(twice.status).toBe(409);
    await tech.call('POST', `/api/v1/assets/${licence}/licence/assignments`, { userId: requester.userId });
    const over = await tech.call('POST', `/api/v1/assets/${licence}/licence/assignments`, {
      userId: tech.userId,
    });
    expect(over.status).toBe(201);
    expect(over.body).toMatchObject({ seats: 2, used: 3, overAssigned: true });
    const overList = await tech.call('GET', '/api/v1/assets/licences?overAssigned=true');
    expect(overList.body.items.map((l: { assetId: number }) => l.assetId)).toContain(licence);
    const back = await tech.call(
      'DELETE',
      `/api/v1/assets/${licence}/licence/assignments/${over.body.assignments[2].id}`,
    );
    expect(back.body).toMatchObject({ used: 2, overAssigned: false });
    const notLicence = await tech.call('PUT', `/api/v1/assets/${pc}/licence`, { seats: 1 });
    expect(notLicence.status).toBe(409);
    expect(notLicence.body.code).toBe('asset_not_licence');
  });

  it('links tickets and assets from either side; the asset lists its tickets and the ticket its assets', async () => {
    const pc = (await tech.call('POST', '/api/v1/assets', laptop({ ownerId: requester.userId }))).body.id;
    const printer = (
      await tech.call('POST', '/api/v1/assets', { name: 'HP LaserJet floor 2', type: 'printer' })
    ).body.id;
    const ticket = (
      await requester.call('POST', '/api/v1/tickets', { title: 'Laptop will not boot', description: 'x' })
    ).body.id;
    const fromTicket = await tech.call('POST', `/api/v1/tickets/${ticket}/assets`, { assetId: pc });
    expect(fromTicket.status).toBe(200);
    const fromAsset = await tech.call('POST', `/api/v1/assets/${printer}/tickets`, { ticketId: ticket });
    expect(fromAsset.body.items.map((x: { id: number }) => x.id)).toEqual([ticket]);
    const detail = (await tech.call('GET', `/api/v1/assets/${pc}`)).body;
    expect(detail.tickets).toMatchObject([{ id: ticket, title: 'Laptop will not boot' }]);
    expect((await tech.call('GET', `/api/v1/assets/${pc}/tickets`)).body.items).toHaveLength(1);
    const ofTicket = await tech.call('GET', `/api/v1/tickets/${ticket}/assets`);
    expect(ofTicket.body.items.map((a: { id: number }) => a.id)).toEqual([pc, printer]);
    // The requester sees their own laptop on their ticket, not the printer; and cannot link.
    const mine = await requester.call('GET', `/api/v1/tickets/${ticket}/assets`);
    expect(mine.body.items.map((a: { id: number }) => a.id)).toEqual([pc]);
    expect(
      (await requester.call('POST', `/api/v1/tickets/${ticket}/assets`, { assetId: printer })).status,
    ).toBe(403);
    // The ticket's history says so, internally.
    const th = await tech.call('GET', `/api/v1/tickets/${ticket}/history`);
    expect(JSON.stringify(th.body)).toContain('asset');
    expect((await tech.call('DELETE', `/api/v1/tickets/${ticket}/assets/${pc}`)).status).toBe(204);
    expect((await tech.call('DELETE', `/api/v1/assets/${printer}/tickets/${ticket}`)).status).toBe(204);
    expect((await tech.call('GET', `/api/v1/tickets/${ticket}/assets`)).body.items).toEqual([]);
    expect((await tech.call('DELETE', `/api/v1/assets/${printer}/tickets/${ticket}`)).status).toBe(404);
  });

  it('a requester sees only the assets they own, read only; another requester’s are hidden (404)', async () => {
    const mine = (await tech.call('POST', '/api/v1/assets', laptop({ ownerId: requester.userId }))).body.id;
    const theirs = (await tech.call('POST', '/api/v1/assets', laptop({ ownerId: otherRequester.userId })))
      .body.id;
    const list = await requester.call('GET', '/api/v1/assets?limit=200');
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.every((a: { ownerId: number }) => a.ownerId === requester.userId)).toBe(true);
    expect((await requester.call('GET', `/api/v1/assets/${mine}`)).status).toBe(200);
    expect((await requester.call('GET', `/api/v1/assets/${theirs}`)).status).toBe(404);
    expect((await requester.call('GET', `/api/v1/assets/${theirs}/history`)).status).toBe(404);
    expect((await requester.call('PATCH', `/api/v1/assets/${mine}`, { location: 'home' })).status).toBe(403);
    expect((await requester.call('POST', '/api/v1/assets', laptop())).status).toBe(403);
  });

  it('imports CSV: malformed rows are reported by line and reason, good rows kept, duplicates merged by serial or MAC', async () => {
    const s = Math.random().toString(36).slice(2, 8).toUpperCase();
    const existing = (
      await tech.call('POST', '/api/v1/assets', laptop({ serial: `SER-${s}-1`, location: 'Old place' }))
    ).body.id;
    const csv = [
      'Name,Type,Status,Serial Number,Asset Tag,Location,Owner,Purchase Date,Cost,Currency,Warranty End,MAC',
      `PC one,computer,in use,SER-${s}-1,,New place,,2024-01-10,999.00,EUR,2027-01-10,`,
      `PC two,laptop,in_stock,SER-${s}-2,TAG-${s}-2,Berlin,${requester.userId},2024-01-10,1 299,EUR,,aa:bb:cc:${s
        .slice(0, 2)
        .toLowerCase()
        .replace(/[^0-9a-f]/g, '0')}:00:01`,
      `"Switch, core",switch,in_use,,,"DC ""A""",,,,,,`,
      'Bad date,computer,in_use,,,,,2024-13-01,,,,',
      ',computer,in_use,,,,,,,,,',
      'Bad type,toaster,in_use,,,,,,,,,',
      'Bad money,computer,,,,,,,12.345,EUR,,',
      `Bad owner,computer,,,,,nobody-${s}@example.test,,,,,`,
      `PC two again,computer,in_use,SER-${s}-2,,Munich,,,,,,`,
    ].join('\n');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/assets/import',
      headers: { authorization: `Bearer ${tech.token}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ rows: 9, created: 2, updated: 2, rejected: 5 });
    expect(
      report.rejections.map((r: { line: number; fields: { field: string }[] }) => [
        r.line,
        r.fields[0].field,
      ]),
    ).toEqual([
      [5, 'purchaseDate'],
      [6, 'name'],
      [7, 'type'],
      [8, 'cost'],
      [9, 'owner'],
    ]);
    expect(report.updatedIds).toContain(existing);
    const merged = (await tech.call('GET', `/api/v1/assets/${existing}`)).body;
    expect(merged).toMatchObject({
      name: 'PC one',
      location: 'New place',
      cost: { amountMinor: 99_900, currency: 'EUR' },
    });
    const two = (await tech.call('GET', `/api/v1/assets?q=SER-${s}-2`)).body.items;
    expect(two).toHaveLength(1);
    expect(two[0]).toMatchObject({
      name: 'PC two again',
      location: 'Munich',
      ownerId: requester.userId,
      cost: { amountMinor: 129_900 },
    });
    const sw = (await tech.call('GET', `/api/v1/assets?q=${encodeURIComponent('Switch, core')}`)).body.items;
    expect(sw[0]).toMatchObject({ type: 'network_device', location: 'DC "A"' });
    // Merged by MAC: a row with no serial but the MAC of PC two.
    const mac = two[0].macs[0];
    const byMac = await t.app.inject({
      method: 'POST',
      url: '/api/v1/assets/import',
      headers: { authorization: `Bearer ${tech.token}`, 'content-type': 'text/csv' },
      payload: `name;mac;location\nPC two by MAC;${mac.toUpperCase().replaceAll(':', '-')};Cologne\n`,
    });
    expect(byMac.json()).toMatchObject({ created: 0, updated: 1, rejected: 0, updatedIds: [two[0].id] });
    // No name column: the file is refused whole.
    const noHeader = await t.app.inject({
      method: 'POST',
      url: '/api/v1/assets/import',
      headers: { authorization: `Bearer ${tech.token}`, 'content-type': 'text/csv' },
      payload: 'serial,location\nX,Y\n',
    });
    expect(noHeader.statusCode).toBe(400);
    expect(noHeader.json().code).toBe('invalid_asset_import');
  });

  it('imports CSV sent as multipart/form-data', async () => {
    const boundary = '----assets';
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/assets/import',
      headers: {
        authorization: `Bearer ${tech.token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nname,type\nPhone 7,phone\n\r\n--${boundary}--\r\n`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 1, rejected: 0 });
  });
});
