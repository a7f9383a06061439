// A vendor's record through HTTP on both databases: the asset repairs sent to it (vendor RMAs opened from tickets)
// with their turnaround on the vendor's page and in the negotiation brief (JSON and printable HTML), the manager's
// view listing a renewal and its brief's link target; and the RMA arithmetic worked by hand (the lower median).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribeAssets } from '../../src/assets/index.js';
import { formatTurnaround, lowerMedian, rmaReason, rmaRecordOf } from '../../src/vendors/vendor-rma.js';
import { scoreVendorPerformance } from '../../src/vendors/vendors.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const day = 86_400_000;

describe('RMA turnaround, worked by hand', () => {
  it('takes the lower middle of an even count, so the median is one real repair', () => {
    expect(lowerMedian([])).toBeNull();
    expect(lowerMedian([5])).toBe(5);
    expect(lowerMedian([9, 1, 4, 7])).toBe(4);
    expect(lowerMedian([3, 1, 2])).toBe(2);
  });

  it('ages open repairs to now, counts the unrepairable and says it in one sentence', () => {
    const now = 100 * day;
    const r = rmaRecordOf(
      [
        {
          repairId: 1,
          assetId: 1,
          ticketId: null,
          rmaNumber: 'A',
          openedAt: 10 * day,
          closedAt: 16 * day,
          outcome: 'repaired',
        },
        {
          repairId: 2,
          assetId: 2,
          ticketId: null,
          rmaNumber: 'B',
          openedAt: 20 * day,
          closedAt: 29 * day,
          outcome: 'unrepairable',
        },
        {
          repairId: 3,
          assetId: 3,
          ticketId: 7,
          rmaNumber: 'C',
          openedAt: 88 * day,
          closedAt: null,
          outcome: null,
        },
      ],
      now,
    );
    expect(r).toMatchObject({
      returned: 2,
      open: 1,
      medianTurnaroundMs: 6 * day,
      longestOpenMs: 12 * day,
      unrepairable: 1,
    });
    expect(r.repairs.map((x) => x.repairId)).toEqual([3, 2, 1]);
    expect(rmaReason(r)).toBe(
      '2 RMA repairs returned, median turnaround 6 days (1 unrepairable); 1 still at the vendor, the longest for 12 days',
    );
    expect(rmaReason(rmaRecordOf([], now))).toBeNull();
    expect(formatTurnaround(36 * 3_600_000)).toBe('1.5 days');
    expect(formatTurnaround(5 * 3_600_000)).toBe('5 hours');
  });
});

describe("a vendor's score, worked by hand", () => {
  const rma = (
    returned: number,
    unrepairable: number,
    medianDays: number | null,
    longestOpenDays: number | null,
  ) => ({
    returned,
    open: longestOpenDays === null ? 0 : 1,
    medianTurnaroundMs: medianDays === null ? null : medianDays * day,
    longestOpenMs: longestOpenDays === null ? null : longestOpenDays * day,
    unrepairable,
    repairs: [],
  });

  it('is 100 with no record, and names what it lacks', () => {
    expect(scoreVendorPerformance(null, null, undefined, undefined)).toEqual({
      scoreBp: 10_000,
      reasons: ['no ticket tag set, so no record of tickets waiting on it'],
    });
  });

  it('takes 10 points per waiting ticket, 30 pro rata of its own SLA misses, and its repairs beyond 14 days', () => {
    // 1 waiting: −10. SLA missed on 1 of 4: −7.50. RMA median 20 days: 6 days late, −6; 1 of 2 unrepairable: −10.
    const s = scoreVendorPerformance('vendor-x', 1, { met: 3, missed: 1 }, rma(2, 1, 20, null));
    expect(s.scoreBp).toBe(10_000 - 1_000 - 750 - 600 - 1_000);
    expect(s.reasons).toEqual([
      '1 pending ticket tagged "vendor-x" waits on it (−10 points each)',
      'missed its response target on 1 of 4 tickets (−7.50 points)',
      '2 RMA repairs returned, median turnaround 20 days (1 unrepairable) (−6 points for 6 days beyond 14, −10 points for the unrepairable)',
    ]);
  });

  it('counts a repair still out as late as a slow return, caps the lateness at 20 points and never goes below 0', () => {
    expect(scoreVendorPerformance('v', 0, { met: 5, missed: 0 }, rma(0, 0, null, 60)).scoreBp).toBe(8_000);
    expect(scoreVendorPerformance('v', 0, undefined, rma(3, 0, 14, null)).scoreBp).toBe(10_000);
    expect(scoreVendorPerformance('v', 12, { met: 0, missed: 3 }, rma(1, 1, 90, 90)).scoreBp).toBe(0);
  });
});

describe.each(dialects)("a vendor's record on %s", (dialect) => {
  let t: TestApp;
  let tech: Session;
  let manager: Session;
  let requester: Session;

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_SESSION_TTL_HOURS: '2160' });
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

  it('shows the repairs sent to a vendor with their turnaround on its page and in its brief', async () => {
    const vendor = await ok(manager, 'POST', '/api/v1/vendors', {
      name: 'Lenovo Service',
      categories: ['hardware'],
      contacts: [{ name: 'Depot', role: 'RMA', email: 'rma@lenovo.example', phone: '' }],
    });
    const laptop = async (name: string) =>
      (
        await ok(tech, 'POST', '/api/v1/assets', {
          name,
          type: 'computer',
          status: 'in_use',
          manufacturer: 'Lenovo',
          model: 'ThinkPad T14',
        })
      ).id as number;
    const rma = async (assetId: number, rmaNumber: string) => {
      const ticket = (
        await ok(requester, 'POST', '/api/v1/tickets', {
          title: 'Laptop will not boot',
          description: 'x',
          type: 'incident',
        })
      ).id as number;
      await ok(tech, 'POST', `/api/v1/tickets/${ticket}/assets`, { assetId });
      const repair = await ok(tech, 'POST', `/api/v1/tickets/${ticket}/assets/${assetId}/repair`, {
        kind: 'vendor_rma',
        vendorId: vendor.id,
        rmaNumber,
      });
      return { ticket, repair: repair.id as number };
    };
    const lt1 = await laptop('LT-1');
    const first = await rma(lt1, 'RMA-1');
    t.clock.advance(4 * day);
    await ok(tech, 'POST', `/api/v1/assets/${lt1}/repairs/${first.repair}/close`, { outcome: 'repaired' });
    const second = await rma(await laptop('LT-2'), 'RMA-2');
    t.clock.advance(3 * day);

    const page = await ok(tech, 'GET', `/api/v1/vendors/${vendor.id}`);
    expect(page.performance).toMatchObject({
      score: 100,
      rmaReturned: 1,
      rmaOpen: 1,
      rmaMedianTurnaroundMs: 4 * day,
    });
    expect(page.performance.reasons).toContain(
      '1 RMA repair returned, median turnaround 4 days; 1 still at the vendor, the longest for 3 days',
    );
    expect(page.rmas).toEqual([
      expect.objectContaining({
        repairId: second.repair,
        ticketId: second.ticket,
        rmaNumber: 'RMA-2',
        closedAt: null,
        turnaroundMs: 3 * day,
        outcome: null,
      }),
      expect.objectContaining({
        repairId: first.repair,
        ticketId: first.ticket,
        rmaNumber: 'RMA-1',
        turnaroundMs: 4 * day,
        outcome: 'repaired',
      }),
    ]);
    // The list carries the same figures.
    const listed = (await ok(tech, 'GET', '/api/v1/vendors')).items.find(
      (v: { id: number }) => v.id === vendor.id,
    );
    expect(listed.performance.rmaOpen).toBe(1);

    // A contract with the vendor ending within 90 days: the manager's view lists it, and its brief carries the record.
    const now = t.clock.now();
    const contract = await ok(manager, 'POST', '/api/v1/contracts', {
      vendorId: vendor.id,
      title: 'Laptop depot repair',
      type: 'maintenance',
      startsAt: new Date(now - 300 * day).toISOString(),
      endsAt: new Date(now + 60 * day).toISOString(),
      autoRenew: true,
      renewalMonths: 12,
      noticeDays: 30,
      currency: 'EUR',
      recurringMinor: 50_000,
      recurringPeriod: 'month',
    });
    const overview = await ok(manager, 'GET', '/api/v1/vendors/overview');
    expect(overview.renewals).toEqual([
      expect.objectContaining({
        contractId: contract.id,
        vendorName: 'Lenovo Service',
        daysToNotice: 30,
        action: 'renews',
      }),
    ]);
    const brief = await ok(tech, 'GET', `/api/v1/contracts/${contract.id}/brief`);
    expect(brief.performance).toMatchObject({ rmaReturned: 1, rmaOpen: 1, rmaMedianTurnaroundMs: 4 * day });
    const html = await tech.call('GET', `/api/v1/contracts/${contract.id}/brief.html`);
    expect(html.status).toBe(200);
    expect(String(html.headers['content-type'])).toMatch(/^text\/html/);
    expect(String(html.body)).toContain('1 RMA repair returned, median turnaround 4 days');
    expect((await requester.call('GET', `/api/v1/vendors/${vendor.id}`)).status).toBe(403);
  });
});
