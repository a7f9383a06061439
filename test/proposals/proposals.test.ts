// Upgrade proposals on SQLite and PostgreSQL: written by hand and edited while proposed; every decision (approve
// raising a normal change linked to its problem and a request for quotes, all or nothing; defer coming back on the
// clock; reject with a reason; decided is final); the capacity source idempotent, refreshing a moved forecast and
// one proposal under racing instances; the recurring-problem source; who may do what; and hostile input.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Role } from '../../src/core/db/index.js';
import { errorCatalogue } from '../../src/core/errors.js';
import { openIncidentFromAlerts } from '../../src/incidents/index.js';
import {
  type CapacityFinding,
  capacityRefreshMs,
  proposeFromCapacity,
  returnDeferredProposals,
  runProposalCycle,
} from '../../src/proposals/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

const day = 86_400_000;

describe.each(dialects)('upgrade proposals on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let manager: Session;
  let tech: Session;
  let requester: Session;
  let targetId: number;
  let targetName: string;

  async function target(name = `db-${Math.random().toString(36).slice(2, 8)}`): Promise<number> {
    const r = await manager.call('POST', '/api/v1/monitoring/targets', { name, kind: 'host' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id;
  }

  async function manual(body: Record<string, unknown> = {}): Promise<any> {
    const r = await tech.call('POST', '/api/v1/proposals', {
      title: 'More memory for the database',
      targetId,
      resource: 'memory',
      what: 'Add 64 GB RAM',
      summary: 'Swapping at peak hours',
      ...body,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  const finding = (over: Partial<CapacityFinding> = {}): CapacityFinding => ({
    targetId,
    resource: 'disk',
    detail: '/var',
    crossesAt: t.clock.now() + 40 * day,
    earliest: t.clock.now() + 30 * day,
    latest: t.clock.now() + 55 * day,
    headroom: 0.14,
    threshold: 0.9,
    query: `1 - node_filesystem_avail_bytes{target="${targetName}",mountpoint="/var"} / node_filesystem_size_bytes`,
    ...over,
  });

  const password = 'correct horse battery';
  const cast: [string, Role][] = [
    ['admin', 'admin'],
    ['manager', 'manager'],
    ['tech', 'technician'],
    ['requester', 'requester'],
  ];
  async function signInAll(): Promise<void> {
    [admin, manager, tech, requester] = await Promise.all(
      cast.map(([name]) => signIn(t.app, `${name}@proposals.test`, password)),
    );
  }
  /** Time passes (sessions lapse over days: everyone signs in again). */
  async function later(ms: number): Promise<void> {
    t.clock.advance(ms);
    await signInAll();
  }

  beforeAll(async () => {
    t = await makeApp(dialect);
    for (const [name, role] of cast)
      await createUser(t.ctx, null, { email: `${name}@proposals.test`, name: `The ${name}`, role, password });
    await signInAll();
    targetName = `db-main-${dialect}`;
    targetId = await target(targetName);
  });
  afterAll(async () => t?.close());

  it('a technician writes one up by hand; it reads back and lists with filters', async () => {
    const p = await manual({
      dueAt: '2026-04-01T00:00:00.000Z',
      cost: { amountMinor: 125_000, currency: 'EUR' },
      evidence: [
        {
          kind: 'metric',
          label: 'memory',
          query: 'node_memory_MemAvailable_bytes',
          from: '2026-02-01T00:00:00Z',
          to: '2026-03-01T00:00:00Z',
        },
      ],
    });
    expect(p).toMatchObject({
      source: 'manual',
      status: 'proposed',
      targetId,
      subjectName: targetName,
      dueAt: '2026-04-01T00:00:00.000Z',
      dueByHand: true,
      cost: { amountMinor: 125_000, currency: 'EUR', source: 'manual' },
      allowedDecisions: ['approve', 'defer', 'reject'],
      changeId: null,
      quoteRequest: null,
    });
    expect(p.evidence[0]).toMatchObject({
      kind: 'metric',
      query: 'node_memory_MemAvailable_bytes',
      title: 'memory',
    });
    expect((await tech.call('GET', `/api/v1/proposals/${p.id}`)).body.id).toBe(p.id);
    const list = await tech.call(
      'GET',
      `/api/v1/proposals?status=proposed&source=manual&targetId=${targetId}`,
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => i.id)).toContain(p.id);
    const none = await tech.call('GET', '/api/v1/proposals?status=rejected&source=manual');
    expect(none.body.items.map((i: any) => i.id)).not.toContain(p.id);
  });

  it('the list pages by due date (none last) with a cursor, every item once', async () => {
    const other = await target();
    const made = [];
    for (const due of ['2026-05-03T00:00:00Z', null, '2026-05-01T00:00:00Z', '2026-05-02T00:00:00Z', null])
      made.push((await manual({ targetId: other, ...(due ? { dueAt: due } : {}) })).id);
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await tech.call(
        'GET',
        `/api/v1/proposals?targetId=${other}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(r.status).toBe(200);
      seen.push(...r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen.map((p) => p.id)).toEqual([made[2], made[3], made[0], made[1], made[4]]);
  });

  it('edits while proposed; a decided one is locked', async () => {
    const p = await manual();
    const edited = await tech.call('PATCH', `/api/v1/proposals/${p.id}`, {
      what: 'Add 128 GB RAM',
      cost: { amountMinor: 240_000, currency: 'EUR' },
      dueAt: '2026-06-01T00:00:00Z',
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      what: 'Add 128 GB RAM',
      cost: { amountMinor: 240_000 },
      dueByHand: true,
    });
    const rejected = await manager.call('POST', `/api/v1/proposals/${p.id}/decision`, {
      decision: 'reject',
      reason: 'The database moves to new hardware in May',
    });
    expect(rejected.status).toBe(200);
    const late = await tech.call('PATCH', `/api/v1/proposals/${p.id}`, { what: 'x' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('proposal_locked');
  });

  it('approving raises a normal change (linked to the problem) and a request for quotes; the decision is final', async () => {
    const problem = await tech.call('POST', '/api/v1/problems', { title: 'Database swaps at peak' });
    const p = await manual({ problemId: problem.body.id });
    const r = await manager.call('POST', `/api/v1/proposals/${p.id}/decision`, {
      decision: 'approve',
      quantity: 4,
      spec: '4 × 16 GB DDR4 ECC RDIMM',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      status: 'approved',
      decidedBy: manager.userId,
      allowedDecisions: [],
      quoteRequest: { quantity: 4, spec: '4 × 16 GB DDR4 ECC RDIMM', status: 'open', what: 'Add 64 GB RAM' },
    });
    const change = await manager.call('GET', `/api/v1/changes/${r.body.changeId}`);
    expect(change.status).toBe(200);
    expect(change.body).toMatchObject({ title: p.title, type: 'normal', state: 'draft' });
    expect(change.body.plan).toContain('Add 64 GB RAM');
    expect(change.body.plan).toContain(`From upgrade proposal #${p.id}.`);
    expect(change.body.links).toEqual([
      expect.objectContaining({ targetType: 'problem', targetId: problem.body.id }),
    ]);
    const again = await admin.call('POST', `/api/v1/proposals/${p.id}/decision`, {
      decision: 'reject',
      reason: 'no',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('proposal_decided');
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('subject_type', '=', 'upgrade_proposal')
      .where('subject_id', '=', String(p.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['proposal.create', 'proposal.decide']);
    const events = await t.ctx.db
      .selectFrom('outbox')
      .select('type')
      .where('subject_type', '=', 'upgrade_proposal')
      .where('subject_id', '=', String(p.id))
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['proposal.created', 'proposal.decided']);
  });

  it('an approval that fails half-way leaves nothing: no change, no request, still proposed', async () => {
    const p = await manual();
    const changesBefore = await t.ctx.db
      .selectFrom('changes')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    // A request for quotes already there (as a crash's leftover would be) makes the approval's insert fail last.
    await t.ctx.db
      .insertInto('quote_requests')
      .values({
        proposal_id: p.id,
        what: 'x',
        quantity: 1,
        spec: '',
        status: 'open',
        created_by: null,
        created_at: 0,
        updated_at: 0,
      })
      .execute();
    const r = await manager.call('POST', `/api/v1/proposals/${p.id}/decision`, { decision: 'approve' });
    expect(r.status).toBe(409);
    await t.ctx.db.deleteFrom('quote_requests').where('proposal_id', '=', p.id).execute();
    const after = await manager.call('GET', `/api/v1/proposals/${p.id}`);
    expect(after.body).toMatchObject({
      status: 'proposed',
      changeId: null,
      quoteRequest: null,
      decidedAt: null,
    });
    const changesAfter = await t.ctx.db
      .selectFrom('changes')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(changesAfter.n)).toBe(Number(changesBefore.n));
  });

  it('a deferral comes back as proposed when its date passes (the job, on the clock)', async () => {
    const p = await manual();
    const until = new Date(t.clock.now() + 10 * day).toISOString();
    const past = await manager.call('POST', `/api/v1/proposals/${p.id}/decision`, {
      decision: 'defer',
      until: new Date(t.clock.now() - 1000).toISOString(),
    });
    expect(past.status).toBe(400);
    const noDate = await manager.call('POST', `/api/v1/proposals/${p.id}/decision`, { decision: 'defer' });
    expect(noDate.status).toBe(400);
    const d = await manager.call('POST', `/api/v1/proposals/${p.id}/decision`, {
      decision: 'defer',
      until,
      reason: 'Next quarter’s budget',
    });
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({
      status: 'deferred',
      deferredUntil: until,
      decisionReason: 'Next quarter’s budget',
    });
    expect((await tech.call('PATCH', `/api/v1/proposals/${p.id}`, { what: 'x' })).status).toBe(409);
    await later(10 * day - 1);
    expect(await returnDeferredProposals(t.ctx)).not.toContain(p.id);
    await later(1);
    const cycle = await runProposalCycle(t.ctx);
    expect(cycle?.returned).toContain(p.id);
    const back = await tech.call('GET', `/api/v1/proposals/${p.id}`);
    expect(back.body).toMatchObject({ status: 'proposed', deferredUntil: null });
    expect(await returnDeferredProposals(t.ctx)).toEqual([]);
  });

  it('a rejection needs a reason; a deferred one may still be approved', async () => {
    const p = await manual();
    const bare = await manager.call('POST', `/api/v1/proposals/${p.id}/decision`, { decision: 'reject' });
    expect(bare.status).toBe(400);
    await manager.call('POST', `/api/v1/proposals/${p.id}/decision`, {
      decision: 'defer',
      until: new Date(t.clock.now() + 5 * day).toISOString(),
    });
    const ok = await admin.call('POST', `/api/v1/proposals/${p.id}/decision`, { decision: 'approve' });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('approved');
    expect(ok.body.deferredUntil).toBeNull();
  });

  it('the same capacity findings twice make one proposal; a moved forecast refreshes it', async () => {
    const host = await target();
    const f = finding({ targetId: host });
    const first = await proposeFromCapacity(t.ctx, [f]);
    expect(first.items[0].outcome).toBe('created');
    const second = await proposeFromCapacity(t.ctx, [f]);
    expect(second.items[0]).toEqual({ outcome: 'unchanged', proposalId: first.items[0].proposalId });
    const id = first.items[0].proposalId;
    let p = (await tech.call('GET', `/api/v1/proposals/${id}`)).body;
    expect(p).toMatchObject({ source: 'capacity', resource: 'disk', detail: '/var', dueByHand: false });
    expect(Date.parse(p.dueAt)).toBe((f.crossesAt as number) - 14 * day);
    expect(p.evidence[0]).toMatchObject({ kind: 'metric', query: f.query });
    // The forecast moved ten days earlier.
    const moved = { ...f, crossesAt: (f.crossesAt as number) - 10 * day, headroom: 0.11 };
    const third = await proposeFromCapacity(t.ctx, [moved]);
    expect(third.items[0]).toEqual({ outcome: 'updated', proposalId: id });
    p = (await tech.call('GET', `/api/v1/proposals/${id}`)).body;
    expect(Date.parse(p.dueAt)).toBe((moved.crossesAt as number) - 14 * day);
    expect(p.forecast.headroom).toBe(0.11);
    expect(p.summary).toContain('11%');
    // A due date set by hand stays when the forecast moves again.
    await tech.call('PATCH', `/api/v1/proposals/${id}`, { dueAt: '2026-03-20T00:00:00.000Z' });
    await proposeFromCapacity(t.ctx, [{ ...moved, crossesAt: (moved.crossesAt as number) - day }]);
    p = (await tech.call('GET', `/api/v1/proposals/${id}`)).body;
    expect(p.dueAt).toBe('2026-03-20T00:00:00.000Z');
    const all = await tech.call('GET', `/api/v1/proposals?targetId=${host}`);
    expect(all.body.items).toHaveLength(1);
    // Another resource, and a finding that does not cross, are their own.
    const more = await proposeFromCapacity(t.ctx, [
      finding({ targetId: host, resource: 'memory', detail: '' }),
      finding({ targetId: host, resource: 'cpu', detail: '', crossesAt: null }),
    ]);
    expect(more.items.map((i) => i.outcome)).toEqual(['created', 'skipped']);
  });

  it('the job takes the capacity report’s findings when a source is wired in: a dated proposal, once', async () => {
    const host = await target();
    const sources = { capacityFindings: async () => [finding({ targetId: host, detail: '/data' })] };
    const first = await runProposalCycle(t.ctx, sources);
    expect(first?.capacity?.items.map((i) => i.outcome)).toEqual(['created']);
    const again = await runProposalCycle(t.ctx, sources);
    expect(again?.capacity?.items.map((i) => i.outcome)).toEqual(['unchanged']);
    const list = await tech.call('GET', `/api/v1/proposals?targetId=${host}&source=capacity`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].dueAt).not.toBeNull();
  });

  it('the job computes the capacity findings at most hourly, and every instance reuses them in between', async () => {
    const host = await target();
    // Whatever an earlier pass kept is an hour old now.
    await later(capacityRefreshMs);
    let computed = 0;
    let crossesAt = t.clock.now() + 20 * day;
    const sources = {
      capacityFindings: async () => {
        computed++;
        return [finding({ targetId: host, detail: '/cache', crossesAt, earliest: null, latest: null })];
      },
    };
    const first = await runProposalCycle(t.ctx, sources);
    expect(first?.capacity?.items.map((i) => i.outcome)).toEqual(['created']);
    expect(computed).toBe(1);
    // Ten minutes on, and on another instance: the kept findings, not a new report.
    await later(10 * 60_000);
    const other = await t.openAnother(new ManualClock(t.clock.now()));
    try {
      const again = await runProposalCycle(other.ctx, sources);
      expect(again?.capacity?.items.map((i) => i.outcome)).toEqual(['unchanged']);
      expect(computed).toBe(1);
    } finally {
      await other.close();
    }
    // An hour after they were computed: computed again, and a forecast that moved updates the proposal.
    crossesAt -= 5 * day;
    await later(capacityRefreshMs - 10 * 60_000);
    const hourly = await runProposalCycle(t.ctx, sources);
    expect(computed).toBe(2);
    expect(hourly?.capacity?.items.map((i) => i.outcome)).toEqual(['updated']);
    // A source that must be asked every pass says so.
    await runProposalCycle(t.ctx, { ...sources, capacityRefreshMs: 0 });
    expect(computed).toBe(3);
  });

  it('a rejected capacity proposal is not proposed again for the quiet period', async () => {
    const host = await target();
    const f = finding({ targetId: host });
    const { items } = await proposeFromCapacity(t.ctx, [f]);
    await manager.call('POST', `/api/v1/proposals/${items[0].proposalId}/decision`, {
      decision: 'reject',
      reason: 'Logs move to the log server',
    });
    expect((await proposeFromCapacity(t.ctx, [f])).items[0].outcome).toBe('held');
    await later(31 * day);
    const back = await proposeFromCapacity(t.ctx, [
      { ...f, crossesAt: t.clock.now() + 9 * day, earliest: null, latest: null },
    ]);
    expect(back.items[0].outcome).toBe('created');
    expect(back.items[0].proposalId).not.toBe(items[0].proposalId);
  });

  it('two instances proposing the same findings at once make one proposal', async () => {
    const host = await target();
    const other = await t.openAnother(new ManualClock(t.clock.now()));
    try {
      const fs = [finding({ targetId: host }), finding({ targetId: host, detail: '/home' })];
      const runs = [t.ctx, other.ctx, t.ctx].map((c) => () => proposeFromCapacity(c, fs));
      // PostgreSQL: at the same moment; SQLite is one process (one instance), so one after the other.
      const results = t.ctx.caps.multiInstance
        ? await Promise.all(runs.map((run) => run()))
        : [await runs[0](), await runs[1](), await runs[2]()];
      const created = results.flatMap((r) => r.items).filter((i) => i.outcome === 'created');
      expect(created).toHaveLength(2);
      const all = await tech.call('GET', `/api/v1/proposals?targetId=${host}`);
      expect(all.body.items.map((p: any) => p.detail).sort()).toEqual(['/home', '/var']);
    } finally {
      await other.close();
    }
  });

  it('a finding for an unknown target or with a bad number is refused clearly', async () => {
    await expect(proposeFromCapacity(t.ctx, [finding({ targetId: 999_999 })])).rejects.toMatchObject({
      code: 'invalid_reference',
    });
    await expect(proposeFromCapacity(t.ctx, [finding({ headroom: Number.NaN })])).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('hostile findings are refused with a catalogued code, or proposed; never another failure', async () => {
    const host = await target();
    const time = fc.oneof(
      fc.constant(null),
      fc.integer({ min: -1, max: 5_000_000_000_000 }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 1.5),
    );
    const findingArb = fc.record({
      targetId: fc.oneof(fc.constant(host), fc.integer({ min: -5, max: 3_000_000_000 })),
      resource: fc.oneof(
        fc.constantFrom('disk', 'memory', 'cpu', 'network'),
        fc.constantFrom('toString', '__proto__', 'gpu'),
      ),
      detail: fc.oneof(fc.string({ maxLength: 20 }), fc.constant('x'.repeat(300))),
      crossesAt: time,
      earliest: time,
      latest: time,
      headroom: fc.oneof(fc.double(), fc.integer()),
      threshold: fc.oneof(fc.double(), fc.integer()),
      query: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('up')),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(findingArb, { maxLength: 3 }), async (findings) => {
        try {
          const r = await proposeFromCapacity(t.ctx, findings as CapacityFinding[]);
          expect(r.items).toHaveLength(findings.length);
        } catch (err) {
          expect(Object.keys(errorCatalogue)).toContain((err as { code?: string }).code);
        }
      }),
      { numRuns: 100 },
    );
    // Found by the property once (PostgreSQL's 22003): an id past 32 bits is refused as an id, not compared.
    await expect(
      proposeFromCapacity(t.ctx, [
        {
          targetId: 2_147_483_648,
          resource: 'disk',
          detail: '',
          crossesAt: 0,
          earliest: 0,
          latest: 0,
          headroom: 0,
          threshold: 0,
          query: '!',
        } as CapacityFinding,
      ]),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('a problem recurring on one host becomes a hardware proposal with its incidents as evidence', async () => {
    const name = `web-${dialect}-recurring`;
    const host = await target(name);
    const policy = await admin.call('POST', '/api/v1/escalation-policies', {
      name: `Proposals ${dialect}`,
      steps: [{ targets: [{ kind: 'user', id: tech.userId }], delayMinutes: 5 }],
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    const tickets: number[] = [];
    const incidents: number[] = [];
    for (let i = 0; i < 3; i++) {
      const opened = await openIncidentFromAlerts(t.ctx, {
        dedupKey: `{}:{alertname="DiskErrors", target="${name}"}#${i}`,
        serviceId: null,
        escalationPolicyId: policy.body.id,
        summary: `[FIRING:1] DiskErrors on ${name}`,
        severity: 'warning',
        details: { groupKey: `g${i}`, groupLabels: { alertname: 'DiskErrors', target: name }, alerts: 1 },
        openTicket: true,
        ticketGroupId: null,
        alertLines: [`DiskErrors {target="${name}"}`],
      });
      tickets.push(opened.ticketId as number);
      incidents.push(opened.incident.id);
      await later(day);
    }
    const problem = await tech.call('POST', '/api/v1/problems', {
      title: 'Disk controller resets',
      incidentIds: tickets.slice(0, 2),
    });
    expect(problem.status).toBe(201);
    // Two incidents: not recurring yet.
    let cycle = await runProposalCycle(t.ctx);
    expect(cycle?.problems.created).toEqual([]);
    await tech.call('POST', `/api/v1/problems/${problem.body.id}/incidents`, { ticketId: tickets[2] });
    cycle = await runProposalCycle(t.ctx);
    expect(cycle?.problems.created).toHaveLength(1);
    const p = (await tech.call('GET', `/api/v1/proposals/${cycle?.problems.created[0]}`)).body;
    expect(p).toMatchObject({
      source: 'problem',
      resource: 'hardware',
      targetId: host,
      problemId: problem.body.id,
    });
    expect(p.evidence).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'problem', id: problem.body.id, title: 'Disk controller resets' }),
        ...tickets.map((id) => expect.objectContaining({ kind: 'ticket', id })),
        ...incidents.map((id) => expect.objectContaining({ kind: 'incident', id })),
      ]),
    );
    // Again: nothing new.
    cycle = await runProposalCycle(t.ctx);
    expect(cycle?.problems).toEqual({ created: [], updated: [] });
  });

  it('who may: technicians read and propose but do not decide; requesters see nothing', async () => {
    const p = await manual();
    const techDecides = await tech.call('POST', `/api/v1/proposals/${p.id}/decision`, {
      decision: 'approve',
    });
    expect(techDecides.status).toBe(403);
    for (const [method, url, body] of [
      ['GET', '/api/v1/proposals', undefined],
      ['GET', `/api/v1/proposals/${p.id}`, undefined],
      ['POST', '/api/v1/proposals', { title: 'x', targetId, resource: 'disk' }],
      ['PATCH', `/api/v1/proposals/${p.id}`, { what: 'y' }],
      ['POST', `/api/v1/proposals/${p.id}/decision`, { decision: 'approve' }],
    ] as const) {
      const r = await requester.call(method, url, body);
      expect(r.status, `${method} ${url}`).toBe(403);
    }
    expect((await manager.call('GET', '/api/v1/proposals/999999')).status).toBe(404);
  });

  it('hostile input never answers 5xx, and every refusal is a catalogued problem', async () => {
    const p = await manual();
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(
        '2026-13-45T99:00:00Z',
        '9999-12-31T23:59:59Z',
        '0000-01-01T00:00:00Z',
        'EUR',
        '__proto__',
        'a'.repeat(5000),
      ),
      fc.array(
        fc.record({
          kind: fc.constantFrom('metric', 'ticket', 'incident', 'problem', 'x'),
          id: fc.integer(),
          query: fc.string(),
          from: fc.string(),
          to: fc.string(),
        }),
        { maxLength: 3 },
      ),
      fc.record({ amountMinor: fc.oneof(fc.integer(), fc.double()), currency: fc.string({ maxLength: 4 }) }),
    );
    const keys = [
      'title',
      'targetId',
      'resource',
      'detail',
      'what',
      'summary',
      'evidence',
      'dueAt',
      'cost',
      'problemId',
      'decision',
      'until',
      'reason',
      'quantity',
      'spec',
    ];
    const body = fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 });
    const query = fc.record(
      {
        status: fc.oneof(
          fc.constantFrom('proposed', 'deferred,approved', 'nope', ''),
          fc.string({ maxLength: 20 }),
        ),
        source: fc.oneof(fc.constantFrom('capacity', 'manual'), fc.string({ maxLength: 10 })),
        targetId: fc.oneof(fc.integer(), fc.string({ maxLength: 10 })),
        cursor: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('eyJrIjpbMSwyXX0')),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('create', 'patch', 'decide', 'list'),
        body,
        query,
        async (route, b, q) => {
          const r =
            route === 'create'
              ? await tech.call('POST', '/api/v1/proposals', {
                  targetId,
                  resource: 'disk',
                  title: 'fuzz',
                  ...b,
                })
              : route === 'patch'
                ? await tech.call('PATCH', `/api/v1/proposals/${p.id}`, b)
                : route === 'decide'
                  ? await manager.call('POST', `/api/v1/proposals/${(await manual()).id}/decision`, b)
                  : await tech.call(
                      'GET',
                      `/api/v1/proposals?${new URLSearchParams(q as Record<string, string>)}`,
                    );
          expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
          if (r.status >= 400) expect(Object.keys(errorCatalogue)).toContain(r.body.code);
        },
      ),
      { numRuns: 150 },
    );
  });
});
