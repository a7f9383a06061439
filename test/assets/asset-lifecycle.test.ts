// Assets' lifecycle on both databases, through HTTP: repairs from a ticket (in repair, a loaner to the requester,
// history, audit and event in one transaction; closed with a cost, back in use or retired), the repair-or-replace
// figures and their sentence, a replacement as a request for quotes whose award retires the asset, the asset's
// page with its incidents and repairs, the manager's lifecycle window and failure rates per model; and the
// hourly reminders on a fake clock — each raised once per asset and date, also when two instances race.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseLifecycleReminders, subscribeAssets } from '../../src/assets/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const day = 86_400_000;

describe.each(dialects)('repair or replace, lifecycle and failure rates on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;
  let manager: Session;
  let requester: Session;

  beforeAll(async () => {
    t = await makeApp(dialect);
    subscribeAssets(t.ctx);
    tech = await userSession(t.app, t.ctx, 'technician');
    manager = await userSession(t.app, t.ctx, 'manager');
    requester = await userSession(t.app, t.ctx, 'requester');
  }, 60_000);
  afterAll(async () => t?.close());

  const ok = async (s: Session, method: string, url: string, body?: unknown) => {
    const r = await s.call(method, url, body);
    expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    return r.body;
  };
  const asset = async (over: Record<string, unknown> = {}) =>
    (
      await ok(tech, 'POST', '/api/v1/assets', {
        name: `LT-${Math.random().toString(36).slice(2, 7)}`,
        type: 'computer',
        status: 'in_use',
        manufacturer: 'Lenovo',
        model: 'ThinkPad T14',
        purchaseDate: '2024-03-01',
        cost: { amountMinor: 90_000, currency: 'EUR' },
        hardware: { cpus: [{ name: 'Intel Core i7-1365U', cores: 10 }], memoryMb: 32768 },
        ...over,
      })
    ).id as number;
  const ticketWith = async (assetId: number, type: 'incident' | 'request' = 'incident') => {
    const id = (
      await ok(requester, 'POST', '/api/v1/tickets', {
        title: 'Laptop will not boot',
        description: 'x',
        type,
      })
    ).id as number;
    await ok(tech, 'POST', `/api/v1/tickets/${id}/assets`, { assetId });
    return id;
  };

  it('starts a vendor RMA from a ticket with a loaner for the requester, and closes it repaired with its cost', async () => {
    const pc = await asset({ ownerId: requester.userId });
    const loaner = await asset({ name: 'Loaner 1', status: 'in_stock', model: 'Loaner' });
    const vendor = await ok(manager, 'POST', '/api/v1/vendors', { name: `Lenovo Service ${pc}` });
    const ticket = await ticketWith(pc);
    const started = await tech.call('POST', `/api/v1/tickets/${ticket}/assets/${pc}/repair`, {
      kind: 'vendor_rma',
      vendorId: vendor.id,
      rmaNumber: 'RMA-77',
      loanerAssetId: loaner,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body).toMatchObject({
      assetId: pc,
      ticketId: ticket,
      kind: 'vendor_rma',
      rmaNumber: 'RMA-77',
    });
    expect((await ok(tech, 'GET', `/api/v1/assets/${pc}`)).status).toBe('in_repair');
    expect(await ok(tech, 'GET', `/api/v1/assets/${loaner}`)).toMatchObject({
      status: 'in_use',
      ownerId: requester.userId,
    });
    // One open repair at a time; the loaner is no longer in stock.
    const again = await tech.call('POST', `/api/v1/tickets/${ticket}/assets/${pc}/repair`, {
      kind: 'in_house',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('asset_repair_open');
    // A requester may not start one, even on their own ticket.
    expect(
      (await requester.call('POST', `/api/v1/tickets/${ticket}/assets/${pc}/repair`, { kind: 'in_house' }))
        .status,
    ).toBe(403);
    const history = (await ok(tech, 'GET', `/api/v1/assets/${pc}/history`)).items.map(
      (h: { field: string; to: string | null }) => `${h.field}=${h.to}`,
    );
    expect(history).toContain('status=in_repair');
    const events = await t.ctx.db
      .selectFrom('outbox')
      .select('payload')
      .where('type', '=', 'asset.repair_started')
      .execute();
    expect(events.map((e) => JSON.parse(e.payload))).toContainEqual(
      expect.objectContaining({ assetId: pc, repairId: started.body.id, loanerAssetId: loaner }),
    );

    const closed = await ok(tech, 'POST', `/api/v1/assets/${pc}/repairs/${started.body.id}/close`, {
      outcome: 'repaired',
      cost: { amountMinor: 14_000, currency: 'EUR' },
    });
    expect(closed).toMatchObject({ outcome: 'repaired', cost: { amountMinor: 14_000, currency: 'EUR' } });
    expect(closed.closedAt).not.toBeNull();
    const detail = await ok(tech, 'GET', `/api/v1/assets/${pc}`);
    expect(detail.status).toBe('in_use');
    expect(detail.repairs.map((r: { id: number }) => r.id)).toEqual([started.body.id]);
    expect(detail.incidents.map((i: { id: number }) => i.id)).toEqual([ticket]);
    expect(detail.tickets.map((i: { id: number }) => i.id)).toEqual([ticket]);
    // The loaner is back in stock, with no owner, its return in its history and the event.
    expect(await ok(tech, 'GET', `/api/v1/assets/${loaner}`)).toMatchObject({
      status: 'in_stock',
      ownerId: null,
    });
    const loanerHistory = (await ok(tech, 'GET', `/api/v1/assets/${loaner}/history`)).items.map(
      (h: { field: string; to: string | null }) => `${h.field}=${h.to}`,
    );
    expect(loanerHistory).toEqual(
      expect.arrayContaining([
        'status=in_stock',
        'owner=null',
        `loan=returned to stock (repair #${started.body.id} closed)`,
      ]),
    );
    const closedEvents = await t.ctx.db
      .selectFrom('outbox')
      .select('payload')
      .where('type', '=', 'asset.repair_closed')
      .execute();
    expect(closedEvents.map((e) => JSON.parse(e.payload))).toContainEqual(
      expect.objectContaining({ assetId: pc, repairId: started.body.id, loanerReturnedId: loaner }),
    );
    // Lent again to another repair, it can be: it is in stock.
    expect(
      (await ok(tech, 'GET', '/api/v1/assets?status=in_stock&q=Loaner')).items.map(
        (a: { id: number }) => a.id,
      ),
    ).toContain(loaner);
    const closedTwice = await tech.call('POST', `/api/v1/assets/${pc}/repairs/${started.body.id}/close`, {
      outcome: 'repaired',
    });
    expect(closedTwice.status).toBe(409);
    expect((await ok(tech, 'GET', `/api/v1/assets/${pc}/repairs`)).items).toHaveLength(1);
  });

  it('says what repairs cost against a replacement, and a replacement request retires the asset when awarded', async () => {
    const model = `X1 Carbon ${Math.random().toString(36).slice(2, 6)}`;
    const pc = await asset({ model, cost: { amountMinor: 150_000, currency: 'EUR' } });
    const ticket = await ticketWith(pc);
    for (const cost of [10_000, 12_000, 20_000]) {
      const r = await ok(tech, 'POST', `/api/v1/tickets/${ticket}/assets/${pc}/repair`, { kind: 'in_house' });
      await ok(tech, 'POST', `/api/v1/assets/${pc}/repairs/${r.id}/close`, {
        outcome: 'repaired',
        cost: { amountMinor: cost, currency: 'EUR' },
      });
    }
    const before = (await ok(tech, 'GET', `/api/v1/tickets/${ticket}/assets/repair-options`)).items[0];
    expect(before).toMatchObject({
      assetId: pc,
      repairsLast12Months: 3,
      spentLast12Months: { amountMinor: 42_000, currency: 'EUR' },
      replacement: { amountMinor: 150_000, currency: 'EUR', source: 'purchase_cost' },
      advice: 'replace',
    });
    expect(before.summary).toMatch(/: 3 repairs in 12 months, €420 spent, replacement €1,500/);

    // A technician asks for a replacement: a request for quotes with requirements from the asset.
    const asked = await tech.call('POST', `/api/v1/tickets/${ticket}/assets/${pc}/replacement`, {});
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const rfq = await ok(manager, 'GET', `/api/v1/quote-requests/${asked.body.quoteRequestId}`);
    expect(rfq).toMatchObject({ assetId: pc, ticketId: ticket, currency: 'EUR', status: 'open' });
    expect(rfq.requirements.map((r: { key: string }) => r.key)).toEqual(['type', 'model', 'cpu', 'memory']);
    expect(
      (await tech.call('POST', `/api/v1/tickets/${ticket}/assets/${pc}/replacement`, {})).body.code,
    ).toBe('asset_replacement_open');
    // A quote of 900 € makes the estimate; the award retires the asset (the subscriber, through the relay).
    const vendor = await ok(manager, 'POST', '/api/v1/vendors', { name: `Bechtle ${pc}` });
    const quote = await ok(manager, 'POST', `/api/v1/quote-requests/${rfq.id}/quotes`, {
      vendorId: vendor.id,
      currency: 'EUR',
      lines: [{ description: model, kind: 'purchase', quantity: 1, unitPriceMinor: 90_000 }],
    });
    const quoted = (await ok(tech, 'GET', `/api/v1/tickets/${ticket}/assets/repair-options`)).items[0];
    expect(quoted.replacement).toMatchObject({
      amountMinor: 90_000,
      source: 'quote',
      quoteRequestId: rfq.id,
    });
    expect(quoted.summary).toContain('replacement €900');
    await ok(manager, 'POST', `/api/v1/quote-requests/${rfq.id}/award`, { quoteId: quote.id });
    await t.ctx.events.dispatchPending();
    const detail = await ok(tech, 'GET', `/api/v1/assets/${pc}`);
    expect(detail).toMatchObject({ status: 'retired', replacementRequestId: rfq.id });
  });

  it('shows the manager what ends within a window, and refuses a window out of bounds', async () => {
    const now = t.clock.now();
    const inDays = (n: number) => new Date(now + n * day).toISOString().slice(0, 10);
    const soon = await asset({ warrantyEnd: inDays(40), endOfLife: inDays(200) });
    const later = await asset({ warrantyEnd: inDays(150) });
    const lic = (await ok(tech, 'POST', '/api/v1/assets', { name: 'Office 365 E3', type: 'licence' })).id;
    await ok(tech, 'PUT', `/api/v1/assets/${lic}/licence`, { seats: 1, expiresOn: inDays(60) });
    await ok(tech, 'POST', `/api/v1/assets/${lic}/licence/assignments`, { userId: requester.userId });
    await ok(tech, 'POST', `/api/v1/assets/${lic}/licence/assignments`, { userId: tech.userId });
    const q = await ok(manager, 'GET', '/api/v1/assets/lifecycle?within=P3M');
    const ids = (list: { id: number }[]) => list.map((a) => a.id);
    expect(ids(q.warrantiesEnding)).toContain(soon);
    expect(ids(q.warrantiesEnding)).not.toContain(later);
    expect(q.warrantiesEnding.find((a: { id: number }) => a.id === soon)).toMatchObject({
      on: inDays(40),
      daysLeft: 40,
    });
    expect(ids(q.endOfLife)).not.toContain(soon);
    expect(q.licences).toContainEqual(
      expect.objectContaining({ assetId: lic, seats: 1, used: 2, overAssigned: true, expiring: true }),
    );
    const year = await ok(manager, 'GET', '/api/v1/assets/lifecycle?within=P1Y');
    expect(ids(year.endOfLife)).toContain(soon);
    expect((await manager.call('GET', '/api/v1/assets/lifecycle?within=P10Y')).status).toBe(400);
    expect((await manager.call('GET', '/api/v1/assets/lifecycle?within=soon')).status).toBe(400);
    expect((await tech.call('GET', '/api/v1/assets/lifecycle')).status).toBe(403);
  });

  it('ranks models by failures per asset-year', async () => {
    const flaky = `Flaky ${Math.random().toString(36).slice(2, 6)}`;
    const solid = `Solid ${Math.random().toString(36).slice(2, 6)}`;
    const a = await asset({ manufacturer: 'Acme', model: flaky, purchaseDate: '2020-01-01' });
    await asset({ manufacturer: 'Acme', model: flaky, purchaseDate: '2020-01-01' });
    const b = await asset({ manufacturer: 'Acme', model: solid, purchaseDate: '2020-01-01' });
    await ticketWith(a);
    const t2 = await ticketWith(a);
    await ticketWith(b, 'request');
    const r = await ok(tech, 'POST', `/api/v1/tickets/${t2}/assets/${a}/repair`, { kind: 'in_house' });
    await ok(tech, 'POST', `/api/v1/assets/${a}/repairs/${r.id}/close`, { outcome: 'repaired' });
    const rates = (await ok(manager, 'GET', '/api/v1/assets/failure-rates?months=12')).models;
    const f = rates.find((m: { model: string }) => m.model === flaky);
    const s = rates.find((m: { model: string }) => m.model === solid);
    // Two incidents; the repair came from one of them, so it is not a third failure. Two assets over a year.
    expect(f).toMatchObject({ assets: 2, tickets: 2, incidents: 2, repairs: 1, failures: 2 });
    expect(f.assetYears).toBeCloseTo(2, 1);
    expect(f.failuresPerAssetYear).toBeCloseTo(1, 1);
    expect(s).toMatchObject({ assets: 1, tickets: 1, incidents: 0, failures: 0, failuresPerAssetYear: 0 });
    expect(rates.indexOf(f)).toBeLessThan(rates.indexOf(s));
    expect((await tech.call('GET', '/api/v1/assets/failure-rates')).status).toBe(403);
  });
});

describe.each(dialects)('lifecycle reminders on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_ASSET_REMINDER_DAYS: '30' });
    tech = await userSession(t.app, t.ctx, 'technician');
  }, 60_000);
  afterAll(async () => t?.close());

  const events = async (type: string) =>
    (
      await t.ctx.db
        .selectFrom('outbox')
        .select('payload')
        .where('type', '=', type as never)
        .execute()
    ).map((e) => JSON.parse(e.payload));

  it('raises each reminder once per asset and date, before it and across racing instances', async () => {
    // The clock starts on 2 March 2026: a warranty ending on 15 April is reminded from 16 March (30 days ahead).
    const pc = (
      await tech.call('POST', '/api/v1/assets', {
        name: 'Server rack 1',
        type: 'server',
        warrantyEnd: '2026-04-15',
        endOfLife: '2026-04-20',
      })
    ).body.id as number;
    const lic = (await tech.call('POST', '/api/v1/assets', { name: 'Backup suite', type: 'licence' })).body
      .id;
    await tech.call('PUT', `/api/v1/assets/${lic}/licence`, { seats: 1, expiresOn: '2026-04-10' });
    await tech.call('POST', `/api/v1/assets/${lic}/licence/assignments`, { userId: tech.userId });
    await tech.call('POST', `/api/v1/assets/${lic}/licence/assignments`, { assetId: pc });

    // Over-assigned at once; nothing dated yet.
    expect(await raiseLifecycleReminders(t.ctx)).toEqual([{ assetId: lic, kind: 'licence_over_assigned' }]);
    expect(await raiseLifecycleReminders(t.ctx)).toEqual([]);

    t.clock.set(Date.parse('2026-03-16T08:00:00Z'));
    const other = await t.openAnother(new ManualClock(t.clock.now()));
    try {
      const [x, y] =
        dialect === 'postgres'
          ? await Promise.all([raiseLifecycleReminders(t.ctx), raiseLifecycleReminders(other.ctx)])
          : [await raiseLifecycleReminders(t.ctx), await raiseLifecycleReminders(other.ctx)];
      expect([...x, ...y].sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
        { assetId: lic, kind: 'licence_expiring' },
        { assetId: pc, kind: 'warranty_ending' },
      ]);
    } finally {
      await other.close();
    }
    t.clock.advance(day);
    expect(await raiseLifecycleReminders(t.ctx)).toEqual([]);
    t.clock.set(Date.parse('2026-03-21T08:00:00Z'));
    expect(await raiseLifecycleReminders(t.ctx)).toEqual([{ assetId: pc, kind: 'end_of_life' }]);
    expect(await events('asset.warranty_ending')).toEqual([
      {
        assetId: pc,
        name: 'Server rack 1',
        manufacturer: '',
        model: '',
        warrantyEnd: '2026-04-15',
        daysLeft: 30,
      },
    ]);
    expect(await events('licence.over_assigned')).toEqual([
      { assetId: lic, name: 'Backup suite', seats: 1, used: 2 },
    ]);
    expect(await events('licence.expiring')).toHaveLength(1);
    expect(await events('asset.end_of_life')).toHaveLength(1);

    // A new warranty end is a new date: reminded again when it comes near.
    const later = await userSession(t.app, t.ctx, 'technician'); // the first session idled out over the weeks
    expect((await later.call('PATCH', `/api/v1/assets/${pc}`, { warrantyEnd: '2026-04-18' })).status).toBe(
      200,
    );
    expect(await raiseLifecycleReminders(t.ctx)).toEqual([{ assetId: pc, kind: 'warranty_ending' }]);
  });
});
