// Suppliers on SQLite and PostgreSQL, through HTTP: vendors and their performance; contracts and the renewals
// calendar (a renewing contract's term rolled forward, an ended one gone, pages by cursor); a budget line's
// position worked by hand (contract charges spent and committed, spending, the year-end forecast); an approved
// proposal's request for quotes taking quotes by API and CSV (malformed rows reported, good rows kept), compared
// with weights from the query, awarded once into its budget line; and the renewal reminders on a fake clock across
// a fiscal-year boundary, once per deadline even with two instances racing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Role } from '../../src/core/db/index.js';
import { createContract, createVendor, raiseRenewalReminders } from '../../src/vendors/index.js';
import { dialects, makeApp, makeContext, type TestApp, type TestContext } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

const day = 86_400_000;
const iso = (s: string) => new Date(s).toISOString();

describe.each(dialects)('suppliers on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let tech: Session;
  let requester: Session;
  const password = 'correct horse battery';

  beforeAll(async () => {
    // Sessions must outlive the days these tests step through.
    t = await makeApp(dialect, { OPSDESK_SESSION_TTL_HOURS: '2160' });
    const cast: [string, Role][] = [
      ['manager', 'manager'],
      ['tech', 'technician'],
      ['requester', 'requester'],
    ];
    for (const [name, role] of cast)
      await createUser(t.ctx, null, { email: `${name}@vendors.test`, name, role, password });
    [manager, tech, requester] = await Promise.all(
      cast.map(([name]) => signIn(t.app, `${name}@vendors.test`, password)),
    );
  }, 60_000);
  afterAll(async () => t?.close());

  async function ok(s: Session, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, status = 200) {
    const r = await s.call(method, url, body);
    expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBe(status);
    return r.body;
  }
  const vendor = (name: string, extra: Record<string, unknown> = {}) =>
    ok(manager, 'POST', '/api/v1/vendors', { name, ...extra }, 201);

  it('keeps vendors with contacts and counts the pending tickets waiting on them', async () => {
    const v = await vendor('Acme Storage', {
      categories: ['hardware', 'storage', 'hardware'],
      supplies: ['SAN arrays', 'disks'],
      contacts: [{ name: 'Ann Sales', role: 'account manager', email: 'ann@acme.example' }],
      ticketTag: 'vendor-acme',
    });
    expect(v).toMatchObject({
      categories: ['hardware', 'storage'],
      contacts: [{ name: 'Ann Sales', role: 'account manager', email: 'ann@acme.example', phone: '' }],
      performance: { score: 100, waitingTickets: 0 },
    });
    // Two tickets wait on Acme (pending, tagged), one is tagged but in progress.
    for (const status of ['pending', 'pending', 'in_progress']) {
      const ticket = await ok(
        manager,
        'POST',
        '/api/v1/tickets',
        { title: `Disk RMA ${status}`, description: 'x', tags: ['vendor-acme'] },
        201,
      );
      await t.ctx.db
        .updateTable('tickets')
        .set({ status: status as 'pending' })
        .where('id', '=', ticket.id)
        .execute();
    }
    const read = await ok(tech, 'GET', `/api/v1/vendors/${v.id}`);
    expect(read.performance).toEqual({
      score: 80,
      waitingTickets: 2,
      slaMet: 0,
      slaMissed: 0,
      slaTargetMs: null,
      rmaReturned: 0,
      rmaOpen: 0,
      rmaMedianTurnaroundMs: null,
      reasons: ['2 pending tickets tagged "vendor-acme" wait on it (−10 points each)'],
    });
    expect((await requester.call('GET', '/api/v1/vendors')).status).toBe(403);
    expect((await tech.call('POST', '/api/v1/vendors', { name: 'Nope' })).status).toBe(403);
    expect((await manager.call('POST', '/api/v1/vendors', { name: 'acme storage' })).body.code).toBe(
      'vendor_name_taken',
    );
    const list = await ok(tech, 'GET', '/api/v1/vendors?category=storage');
    expect(list.items.map((x: { name: string }) => x.name)).toEqual(['Acme Storage']);
  });

  it('lists renewals by the end of the running term, rolling renewing contracts forward', async () => {
    const v = await vendor('Renewals Ltd');
    const contract = (body: Record<string, unknown>) =>
      ok(
        manager,
        'POST',
        '/api/v1/contracts',
        { vendorId: v.id, type: 'support', currency: 'EUR', ...body },
        201,
      );
    // now: 2026-03-02T09:00Z
    const a = await contract({
      title: 'A',
      startsAt: '2025-04-01T00:00:00Z',
      termMonths: 12,
      autoRenew: true,
      noticeDays: 60,
    });
    const b = await contract({
      title: 'B',
      startsAt: '2025-09-01T00:00:00Z',
      endsAt: '2026-09-01T00:00:00Z',
    });
    await contract({ title: 'C (ended)', startsAt: '2025-01-01T00:00:00Z', endsAt: '2025-12-31T00:00:00Z' });
    const d = await contract({
      title: 'D',
      startsAt: '2023-01-15T00:00:00Z',
      termMonths: 12,
      autoRenew: true,
      renewalMonths: 12,
      noticeDays: 30,
    });
    expect(a.current).toEqual({
      termEnd: iso('2026-04-01T00:00:00Z'),
      noticeDeadline: iso('2026-01-31T00:00:00Z'),
      action: 'renews',
      running: true,
    });
    expect(d.current.termEnd).toBe(iso('2027-01-15T00:00:00Z'));
    const titles = async (q: string) =>
      (await ok(tech, 'GET', `/api/v1/contracts?vendorId=${v.id}&${q}`)).items.map(
        (c: { title: string }) => c.title,
      );
    expect(await titles('renewingWithinDays=60')).toEqual(['A']);
    expect(await titles('renewingWithinDays=200')).toEqual(['A', 'B']);
    expect(await titles('renewingWithinDays=365')).toEqual(['A', 'B', 'D']);
    // Pages of one, by cursor, in the same order.
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/v1/contracts?vendorId=${v.id}&renewingWithinDays=365&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await ok(tech, 'GET', q);
      seen.push(...page.items.map((c: { id: number }) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([a.id, b.id, d.id]);
    // Cancelled: out of the calendar.
    await ok(manager, 'PATCH', `/api/v1/contracts/${b.id}`, { status: 'cancelled' });
    expect(await titles('renewingWithinDays=365')).toEqual(['A', 'D']);
    expect(
      (
        await manager.call('POST', '/api/v1/contracts', {
          vendorId: v.id,
          type: 'lease',
          currency: 'EUR',
          title: 'x',
          startsAt: '2026-01-01T00:00:00Z',
          endsAt: '2025-01-01T00:00:00Z',
        })
      ).status,
    ).toBe(400);
  });

  it("works out a budget line's spent, committed, remaining and year-end forecast", async () => {
    const v = await vendor('Budget Supplies');
    const line = await ok(
      manager,
      'POST',
      '/api/v1/budget-lines',
      {
        name: 'Infrastructure 2026',
        category: 'infrastructure',
        fiscalYear: 2026,
        currency: 'EUR',
        plannedMinor: 10_000_000,
      },
      201,
    );
    expect(line).toMatchObject({ from: iso('2026-01-01T00:00:00Z'), to: iso('2027-01-01T00:00:00Z') });
    // 1,000.00 a month from 1 January for a year, and 500.00 once at the start: by 2 March, three months and the
    // one-off are due (3,500.00 spent), nine months are to come (9,000.00 committed).
    await ok(
      manager,
      'POST',
      '/api/v1/contracts',
      {
        vendorId: v.id,
        title: 'Hosting',
        type: 'service',
        startsAt: '2026-01-01T00:00:00Z',
        termMonths: 12,
        currency: 'EUR',
        oneOffMinor: 50_000,
        recurringMinor: 100_000,
        recurringPeriod: 'month',
        budgetLineId: line.id,
      },
      201,
    );
    await ok(
      manager,
      'POST',
      `/api/v1/budget-lines/${line.id}/entries`,
      { kind: 'spend', amountMinor: 120_000, description: 'cables' },
      201,
    );
    const got = await ok(tech, 'GET', `/api/v1/budget-lines/${line.id}`);
    // Forecast: 12,500.00 contracted, and 1,200.00 spent in 60.375 days run on over 365: 7,254.658… → 7,254.66.
    expect(got.position).toEqual({
      plannedMinor: 10_000_000,
      spentMinor: 470_000,
      committedMinor: 900_000,
      remainingMinor: 8_630_000,
      contractsSpentMinor: 350_000,
      contractsCommittedMinor: 900_000,
      purchasesMinor: 0,
      otherSpentMinor: 120_000,
      forecastMinor: 1_250_000 + 725_466,
      forecastRemainingMinor: 10_000_000 - 1_975_466,
    });
    expect(got.entries).toHaveLength(1);
    // A contract in another currency cannot draw on it.
    const usd = await manager.call('POST', '/api/v1/contracts', {
      vendorId: v.id,
      title: 'USD',
      type: 'licence',
      startsAt: '2026-01-01T00:00:00Z',
      termMonths: 12,
      currency: 'USD',
      budgetLineId: line.id,
    });
    expect(usd.status).toBe(400);
    expect(
      (
        await manager.call('POST', '/api/v1/budget-lines', {
          name: 'dup',
          category: 'infrastructure',
          fiscalYear: 2026,
          currency: 'EUR',
          plannedMinor: 1,
        })
      ).body.code,
    ).toBe('budget_line_taken');
    const list = await ok(tech, 'GET', '/api/v1/budget-lines?fiscalYear=2026');
    expect(list.items.map((l: { id: number }) => l.id)).toContain(line.id);
  });

  it('turns an approved proposal into a request for quotes, compares three quotes against the budget and awards the winner once', async () => {
    // The proposal and its approval (src/proposals) open the request.
    const target = await ok(
      manager,
      'POST',
      '/api/v1/monitoring/targets',
      { name: 'db-quotes', kind: 'host' },
      201,
    );
    const proposal = await ok(
      manager,
      'POST',
      '/api/v1/proposals',
      {
        title: 'Bigger disks for db-quotes',
        targetId: target.id,
        resource: 'disk',
        what: '4 × 4 TB SSD',
      },
      201,
    );
    const approved = await ok(manager, 'POST', `/api/v1/proposals/${proposal.id}/decision`, {
      decision: 'approve',
      quantity: 4,
    });
    const requestId = approved.quoteRequest.id;
    const open = await ok(tech, 'GET', '/api/v1/quote-requests?status=open');
    expect(open.items.find((r: { id: number }) => r.id === requestId)).toMatchObject({
      proposalId: proposal.id,
      quantity: 4,
    });

    const line = await ok(
      manager,
      'POST',
      '/api/v1/budget-lines',
      {
        name: 'Storage 2026',
        category: 'storage',
        fiscalYear: 2026,
        currency: 'EUR',
        plannedMinor: 500_000,
      },
      201,
    );
    await ok(manager, 'PATCH', `/api/v1/quote-requests/${requestId}`, {
      budgetLineId: line.id,
      termMonths: 30,
      requirements: [
        { key: 'nbd', text: 'Next-business-day replacement', mandatory: true, weight: 3 },
        { key: 'tbw', text: 'At least 7 PB written', weight: 1 },
      ],
    });
    const [alpha, beta, gamma] = await Promise.all(
      ['Alpha Disks', 'Beta Storage', 'Gamma Trading'].map((n) => vendor(n)),
    );
    // Alpha by API: 4 × 900.00, support 300.00 a year (30 months: 750.00), 2 % off the disks (72.00) → 4,278.00
    const q1 = await ok(
      manager,
      'POST',
      `/api/v1/quote-requests/${requestId}/quotes`,
      {
        vendorId: alpha.id,
        currency: 'EUR',
        requirementsMet: ['nbd', 'tbw'],
        lines: [
          { description: 'SSD 4 TB', kind: 'purchase', quantity: 4, unitPriceMinor: 90_000, discountBp: 200 },
          {
            description: 'NBD support',
            kind: 'support',
            quantity: 1,
            unitPriceMinor: 30_000,
            period: 'year',
          },
        ],
      },
      201,
    );
    expect(q1.source).toBe('api');
    // Beta and Gamma by CSV, with malformed rows among them.
    const csv = [
      'vendor,reference,currency,rate,description,kind,quantity,unit_price,period,discount_percent,requirements_met',
      'Beta Storage,B-17,USD,0.9,SSD 4 TB,purchase,4,"1,000.00",once,,nbd', // row 2: a thousands separator
      'Beta Storage,B-17,USD,0.9,SSD 4 TB,purchase,4,1000.00,once,,nbd', // row 3: kept
      'Beta Storage,B-17,USD,0.9,Support,support,1,200.00,year,,', // row 4: kept
      'Beta Storage,B-17,EUR,1,Energy,energy,1,5.00,month,,', // row 5: another currency within the quote
      'Gamma Trading,G-1,EUR,,SSD 4 TB,purchase,4,800.005,once,,', // row 6: too many decimals
      'Gamma Trading,G-1,EUR,,SSD 4 TB,purchase,4,800.00,once,,tbw', // row 7: kept
      'Nobody Inc,N-1,EUR,,SSD,purchase,1,1.00,once,,', // row 8: unknown vendor
      'Gamma Trading,G-1,EUR,,Discount,rebate,1,10.00,once,,', // row 9: unknown kind
      'Gamma Trading,G-1,EUR', // row 10: too few fields
      '',
    ].join('\n');
    const imported = await ok(manager, 'POST', `/api/v1/quote-requests/${requestId}/quotes/import`, { csv });
    expect(imported.rejected.map((r: { row: number }) => r.row)).toEqual([2, 5, 6, 8, 9, 10]);
    expect(imported.rejected.find((r: { row: number }) => r.row === 6).errors[0]).toMatch(/^unit_price/);
    expect(
      imported.quotes.map((q: { vendorId: number; lines: unknown[] }) => [q.vendorId, q.lines.length]),
    ).toEqual([
      [beta.id, 2],
      [gamma.id, 1],
    ]);

    // Beta: (4,000.00 + 500.00 support over 30 months) USD × 0.9 = 4,050.00 EUR; Gamma 3,200.00 but no NBD.
    // Scores (lowest total 3,200.00 sets the price bar): Alpha price 74.80, fit 100 → (60×7480 + 30×10000 +
    // 10×10000)/100 = 84.88; Beta price 79.01, fit 75 → 79.906; Gamma price 100, fit 25 → 77.50 but disqualified
    // (no NBD). Alpha wins on fit.
    const c = await ok(tech, 'GET', `/api/v1/quote-requests/${requestId}/comparison`);
    expect(
      c.ranked.map((r: { vendorName: string; totals: { totalMinor: number }; qualified: boolean }) => [
        r.vendorName,
        r.totals.totalMinor,
        r.qualified,
      ]),
    ).toEqual([
      ['Alpha Disks', 427_800, true],
      ['Beta Storage', 405_000, true],
      ['Gamma Trading', 320_000, false],
    ]);
    expect(c.budget).toEqual({
      lineId: line.id,
      name: 'Storage 2026',
      fiscalYear: 2026,
      remainingMinor: 500_000,
    });
    expect(c.recommendation.quoteId).toBe(c.ranked[0].quoteId);
    expect(c.ranked.map((r: { scores: { weighted: number } }) => r.scores.weighted)).toEqual([
      84.88, 79.91, 77.5,
    ]);
    expect(c.recommendation.quoteId).toBe(q1.id);
    expect(c.recommendation.reasons).toContain('fits the budget line: 722.00 EUR left after it');
    // Price alone: Beta, the cheapest that qualifies, leads.
    const byPrice = await ok(
      tech,
      'GET',
      `/api/v1/quote-requests/${requestId}/comparison?price=100&fit=0&performance=0`,
    );
    expect(byPrice.ranked.map((r: { vendorName: string }) => r.vendorName)).toEqual([
      'Beta Storage',
      'Alpha Disks',
      'Gamma Trading',
    ]);
    expect(byPrice.weights).toEqual({ price: 100, fit: 0, performance: 0 });
    expect(
      (await tech.call('GET', `/api/v1/quote-requests/${requestId}/comparison?price=0&fit=0&performance=0`))
        .status,
    ).toBe(400);

    // Award: technicians may not; a manager commits Alpha's total to the line, once.
    expect(
      (await tech.call('POST', `/api/v1/quote-requests/${requestId}/award`, { quoteId: c.ranked[0].quoteId }))
        .status,
    ).toBe(403);
    const award = await ok(manager, 'POST', `/api/v1/quote-requests/${requestId}/award`, {
      quoteId: c.ranked[0].quoteId,
    });
    expect(award).toMatchObject({
      amountMinor: 427_800,
      currency: 'EUR',
      request: { status: 'awarded', awardedQuoteId: c.ranked[0].quoteId },
    });
    const after = await ok(tech, 'GET', `/api/v1/budget-lines/${line.id}`);
    expect(after.position).toMatchObject({
      purchasesMinor: 427_800,
      committedMinor: 427_800,
      remainingMinor: 72_200,
    });
    expect(after.entries).toMatchObject([
      { kind: 'purchase', amountMinor: 427_800, quoteRequestId: requestId, quoteId: q1.id },
    ]);
    const again = await manager.call('POST', `/api/v1/quote-requests/${requestId}/award`, {
      quoteId: byPrice.ranked[0].quoteId,
    });
    expect([again.status, again.body.code]).toEqual([409, 'quote_request_closed']);
    const late = await manager.call('POST', `/api/v1/quote-requests/${requestId}/quotes`, {
      vendorId: alpha.id,
      currency: 'EUR',
      lines: [{ description: 'x', kind: 'purchase', quantity: 1, unitPriceMinor: 1 }],
    });
    expect(late.status).toBe(409);
    const events = await t.ctx.db
      .selectFrom('outbox')
      .select('payload')
      .where('type', '=', 'quote_request.awarded')
      .execute();
    expect(events.map((e) => JSON.parse(e.payload))).toEqual([
      expect.objectContaining({ quoteRequestId: requestId, amountMinor: 427_800, budgetLineId: line.id }),
    ]);
    // The proposal shows its request awarded.
    expect((await ok(tech, 'GET', `/api/v1/proposals/${proposal.id}`)).quoteRequest.status).toBe('awarded');
  });

  it('writes a request by hand, refuses a comparison without a currency and cancels it', async () => {
    const r = await ok(
      manager,
      'POST',
      '/api/v1/quote-requests',
      { what: 'Laptops for the new hires', quantity: 5 },
      201,
    );
    expect(r).toMatchObject({ proposalId: null, status: 'open', termMonths: 36, currency: null });
    expect((await tech.call('GET', `/api/v1/quote-requests/${r.id}/comparison`)).body.code).toBe(
      'quote_not_comparable',
    );
    await ok(manager, 'PATCH', `/api/v1/quote-requests/${r.id}`, { currency: 'EUR' });
    expect((await ok(tech, 'GET', `/api/v1/quote-requests/${r.id}/comparison`)).noRecommendation).toBe(
      'no quotes yet',
    );
    const cancelled = await ok(manager, 'PATCH', `/api/v1/quote-requests/${r.id}`, {
      status: 'cancelled',
      cancelReason: 'hiring freeze',
    });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'hiring freeze' });
    expect((await manager.call('PATCH', `/api/v1/quote-requests/${r.id}`, { what: 'x' })).status).toBe(409);
    expect((await requester.call('GET', `/api/v1/quote-requests/${r.id}`)).status).toBe(403);
  });
});

describe.each(dialects)('renewal reminders on %s', (dialect) => {
  let t: TestContext;
  const manager = {
    id: 0,
    email: 'm@x',
    name: 'm',
    role: 'manager' as const,
    groupIds: [],
    via: 'bearer' as const,
    csrfToken: null,
  };

  beforeAll(async () => {
    // Fiscal years start in April: the term starting 1 April 2027 is fiscal year 2027, one starting 1 April 2028 is 2028.
    t = await makeContext(dialect, { OPSDESK_FISCAL_YEAR_START_MONTH: '4' });
    manager.id = (
      await createUser(t.ctx, null, {
        email: 'rm@vendors.test',
        name: 'rm',
        role: 'manager',
        password: 'correct horse battery',
      })
    ).id;
  }, 60_000);
  afterAll(async () => t?.close());

  const reminders = async () =>
    (
      await t.ctx.db
        .selectFrom('outbox')
        .select(['payload'])
        .where('type', '=', 'contract.renewal_due')
        .orderBy('id')
        .execute()
    ).map((e) => JSON.parse(e.payload));

  it('reminds once per notice deadline, before it, and again for the next term after renewing', async () => {
    const v = await createVendor(t.ctx, manager, { name: 'Reminder Co' });
    // Renews every 12 months on 1 April; 90 days' notice: deadline 1 January 2027, reminded from 2 December 2026.
    const c = await createContract(t.ctx, manager, {
      vendorId: v.id,
      title: 'Backup support',
      type: 'support',
      currency: 'EUR',
      startsAt: Date.parse('2026-04-01T00:00:00Z'),
      termMonths: 12,
      autoRenew: true,
      renewalMonths: 12,
      noticeDays: 90,
      remindDays: 30,
    });
    t.clock.set(Date.parse('2026-12-01T23:59:00Z'));
    expect(await raiseRenewalReminders(t.ctx)).toEqual([]);
    t.clock.set(Date.parse('2026-12-02T00:00:00Z'));
    // Two instances race for it (on PostgreSQL; SQLite is one process, so there they take turns): one reminder.
    const other = await t.openAnother(new ManualClock(t.clock.now()));
    try {
      const [x, y] =
        dialect === 'postgres'
          ? await Promise.all([raiseRenewalReminders(t.ctx), raiseRenewalReminders(other.ctx)])
          : [await raiseRenewalReminders(t.ctx), await raiseRenewalReminders(other.ctx)];
      expect([...x, ...y]).toEqual([c.id]);
    } finally {
      await other.close();
    }
    // Across the calendar year and the deadline: nothing more for this term.
    t.clock.set(Date.parse('2027-01-05T00:00:00Z'));
    expect(await raiseRenewalReminders(t.ctx)).toEqual([]);
    expect(await reminders()).toEqual([
      {
        contractId: c.id,
        vendorId: v.id,
        vendorName: 'Reminder Co',
        title: 'Backup support',
        action: 'renews',
        noticeDeadline: '2027-01-01T00:00:00.000Z',
        termEnd: '2027-04-01T00:00:00.000Z',
        fiscalYear: 2027,
      },
    ]);
    // Renewed on 1 April 2027 (no notice given): the next deadline is 2 January 2028, reminded from 3 December 2027.
    t.clock.set(Date.parse('2027-12-02T12:00:00Z'));
    expect(await raiseRenewalReminders(t.ctx)).toEqual([]);
    t.clock.set(Date.parse('2027-12-03T00:00:00Z'));
    expect(await raiseRenewalReminders(t.ctx)).toEqual([c.id]);
    expect((await reminders()).at(-1)).toMatchObject({
      noticeDeadline: '2028-01-02T00:00:00.000Z',
      termEnd: '2028-04-01T00:00:00.000Z',
      fiscalYear: 2028,
    });
    t.clock.advance(day);
    expect(await raiseRenewalReminders(t.ctx)).toEqual([]);
  });

  it('reminds of a contract that expires, and never of one cancelled', async () => {
    const v = await createVendor(t.ctx, manager, { name: 'Expiring Co' });
    t.clock.set(Date.parse('2028-01-10T00:00:00Z'));
    const expiring = await createContract(t.ctx, manager, {
      vendorId: v.id,
      title: 'Lease',
      type: 'lease',
      currency: 'EUR',
      startsAt: Date.parse('2027-03-01T00:00:00Z'),
      endsAt: Date.parse('2028-03-01T00:00:00Z'),
      noticeDays: 30,
      remindDays: 14,
    });
    await createContract(t.ctx, manager, {
      vendorId: v.id,
      title: 'Cancelled',
      type: 'lease',
      currency: 'EUR',
      status: 'cancelled',
      startsAt: Date.parse('2027-03-01T00:00:00Z'),
      endsAt: Date.parse('2028-03-01T00:00:00Z'),
      noticeDays: 30,
      remindDays: 14,
    });
    // Deadline 31 January 2028; reminded from 17 January.
    t.clock.set(Date.parse('2028-01-17T00:00:00Z'));
    expect(await raiseRenewalReminders(t.ctx)).toEqual([expiring.id]);
    expect((await reminders()).at(-1)).toMatchObject({
      action: 'expires',
      fiscalYear: 2027,
      noticeDeadline: '2028-01-31T00:00:00.000Z',
    });
    t.clock.set(Date.parse('2028-03-02T00:00:00Z'));
    expect(await raiseRenewalReminders(t.ctx)).toEqual([]);
  });
});
