// The escalation engine on a fake clock, on SQLite and PostgreSQL, with recording fakes for who-is-on-call and
// paging (the engine takes them as ports): a two-step policy pages A at once and the on-call B after five
// minutes, then nobody once exhausted; an acknowledgement stops it and its timeout restarts it; a step with
// nobody on call is skipped; an edited policy leaves a running incident alone; dedup keys fold events; two
// engines on one database page once; a restart continues the timer; signed links acknowledge, tampered ones not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createGroup, createUser } from '../../src/core/auth/index.js';
import { ManualClock } from '../../src/core/clock.js';
import type { ServiceContext } from '../../src/core/context.js';
import { DomainError, NotFound } from '../../src/core/errors.js';
import {
  acknowledgeIncident,
  createIncident,
  createService,
  type EscalationPorts,
  getIncident,
  receiveIncidentEvent,
  resolveIncident,
  respondByLink,
  runEscalations,
  serviceOnCall,
} from '../../src/incidents/index.js';
import {
  createEscalationPolicy,
  type EscalationStep,
  type PageInput,
  updateEscalationPolicy,
} from '../../src/oncall/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const minute = 60_000;

/** Who is on call per schedule id (null: a gap); an unknown schedule is NotFound, as the real one answers. */
class FakeOnCall {
  readonly onCall = new Map<number, number | null>();
  whoIsOnCall = async (_ctx: ServiceContext, scheduleId: number, at: number) => {
    if (!this.onCall.has(scheduleId)) throw new NotFound('not_found', `no schedule ${scheduleId}`);
    const userId = this.onCall.get(scheduleId) ?? null;
    return userId === null ? null : { scheduleId, userId, start: at, end: at + 1, source: { kind: 'gap' } };
  };
}

/** Records every page and cancellation; each page is one email delivery. */
class FakePager {
  pages: (PageInput & { at: number })[] = [];
  cancelled: number[] = [];
  private nextDelivery = 1;
  constructor(private readonly clockOf: () => number) {}
  pageUser = async (_ctx: ServiceContext, _trx: unknown, input: PageInput) => {
    this.pages.push({ ...input, at: this.clockOf() });
    return {
      deliveries: [
        {
          deliveryId: this.nextDelivery++,
          method: 'email',
          notBefore: this.clockOf(),
          contactMethodId: null,
          channelEnabled: true,
        },
      ],
      unreachable: false,
    };
  };
  cancelPages = async (_ctx: ServiceContext, _trx: unknown, incidentId: number) => {
    this.cancelled.push(incidentId);
    return 1;
  };
  pagedFor(incidentId: number) {
    return this.pages
      .filter((p) => p.incidentId === incidentId)
      .map((p) => ({ userId: p.userId, step: p.step }));
  }
}

describe.each(dialects)('the escalation engine on %s', (dialect) => {
  let t: TestContext;
  let manager: Actor;
  let tech: Actor;
  let a: number;
  let b: number;
  let c: number;
  const scheduleB = 501;
  const scheduleGap = 502;
  let onCall: FakeOnCall;
  let pager: FakePager;
  let ports: EscalationPorts;
  const scheduleExists = async (_ctx: ServiceContext, id: number) => id === scheduleB || id === scheduleGap;

  async function person(role: 'technician' | 'manager', name: string): Promise<Actor> {
    const u = await createUser(t.ctx, null, {
      email: `${name}-${dialect}@example.test`,
      name,
      role,
      password: 'correct horse battery',
    });
    return actorForUser(u);
  }

  /** A service whose policy has these steps and passes. */
  async function serviceWith(steps: EscalationStep[], repeatCount = 1, ackTimeoutMinutes = 30) {
    const policy = await createEscalationPolicy(
      t.ctx,
      manager,
      { name: `Policy ${Math.random()}`, steps, repeatCount },
      { scheduleExists },
    );
    const service = await createService(t.ctx, manager, {
      name: `Service ${Math.random()}`,
      escalationPolicyId: policy.id,
      ackTimeoutMinutes,
    });
    return { policy, service };
  }
  /** A then (5 min) the on-call of schedule B, once. */
  const twoSteps = (): EscalationStep[] => [
    { targets: [{ kind: 'user', id: a }], delayMinutes: 5 },
    { targets: [{ kind: 'schedule', id: scheduleB }], delayMinutes: 10 },
  ];

  async function open(serviceId: number, extra: { dedupKey?: string } = {}) {
    const opened = await createIncident(t.ctx, tech, { serviceId, summary: 'VPN gateway down', ...extra });
    return opened.incident.id;
  }
  async function at(ms: number) {
    t.clock.set(ms);
    return runEscalations(t.ctx, ports);
  }
  async function timelineKinds(id: number) {
    return (await getIncident(t.ctx, manager, id)).timeline.map((e) => e.kind);
  }

  beforeAll(async () => {
    t = await makeContext(dialect);
    manager = await person('manager', 'Mona');
    tech = await person('technician', 'Tess');
    a = (await person('technician', 'Anna')).id;
    b = (await person('technician', 'Ben')).id;
    c = (await person('technician', 'Cleo')).id;
  });
  afterAll(async () => t?.close());

  function freshPorts() {
    onCall = new FakeOnCall();
    onCall.onCall.set(scheduleB, b);
    onCall.onCall.set(scheduleGap, null);
    pager = new FakePager(() => t.clock.now());
    ports = { onCall, pager };
  }

  it('pages A at once, the on-call B after five minutes without an acknowledgement, and nobody once exhausted', async () => {
    freshPorts();
    const { service } = await serviceWith(twoSteps());
    const t0 = t.clock.now();
    const id = await open(service.id);
    await at(t0);
    expect(pager.pagedFor(id)).toEqual([{ userId: a, step: 1 }]);
    await at(t0 + 4 * minute + 59_000);
    expect(pager.pagedFor(id)).toHaveLength(1);
    await at(t0 + 5 * minute);
    expect(pager.pagedFor(id)).toEqual([
      { userId: a, step: 1 },
      { userId: b, step: 2 },
    ]);
    await at(t0 + 15 * minute);
    await at(t0 + 600 * minute);
    expect(pager.pagedFor(id)).toHaveLength(2);
    const incident = await getIncident(t.ctx, manager, id);
    expect(incident.state).toBe('triggered');
    expect(incident.nextEscalationAt).toBeNull();
    expect(incident.timeline.map((e) => [e.kind, e.userId, e.step, e.channel])).toEqual([
      ['triggered', tech.id, null, 'api'],
      ['notified', a, 1, 'email'],
      ['notified', b, 2, 'email'],
      ['exhausted', null, null, null],
    ]);
    expect(incident.timeline[2].at).toBe(t0 + 5 * minute);
    expect(incident.timeline[2].deliveryId).toEqual(expect.any(Number));
  });

  it('an acknowledgement at three minutes stops the escalation: B is never paged, waiting pages are cancelled', async () => {
    freshPorts();
    const { service } = await serviceWith(twoSteps(), 1, 0);
    const t0 = t.clock.now();
    const id = await open(service.id);
    await at(t0);
    t.clock.set(t0 + 3 * minute);
    const acked = await acknowledgeIncident(t.ctx, tech, id, ports);
    expect(acked.state).toBe('acknowledged');
    expect(acked.acknowledgedBy).toBe(tech.id);
    expect(pager.cancelled).toEqual([id]);
    await at(t0 + 5 * minute);
    await at(t0 + 120 * minute);
    expect(pager.pagedFor(id)).toEqual([{ userId: a, step: 1 }]);
    expect(await timelineKinds(id)).toEqual(['triggered', 'notified', 'acknowledged', 'pages_cancelled']);
    // Acknowledged twice is not a move the table allows.
    await expect(acknowledgeIncident(t.ctx, tech, id, ports)).rejects.toMatchObject({
      code: 'incident_transition_not_allowed',
    });
  });

  it('an acknowledgement that times out triggers the incident again, from the first step', async () => {
    freshPorts();
    const { service } = await serviceWith(twoSteps(), 1, 30);
    const t0 = t.clock.now();
    const id = await open(service.id);
    await at(t0);
    t.clock.set(t0 + minute);
    await acknowledgeIncident(t.ctx, tech, id, ports);
    await at(t0 + 30 * minute);
    expect(pager.pagedFor(id)).toHaveLength(1);
    await at(t0 + 31 * minute);
    expect(pager.pagedFor(id)).toEqual([
      { userId: a, step: 1 },
      { userId: a, step: 1 },
    ]);
    const incident = await getIncident(t.ctx, manager, id);
    expect(incident.state).toBe('triggered');
    expect(incident.acknowledgedBy).toBeNull();
    expect(incident.timeline.map((e) => e.kind)).toEqual([
      'triggered',
      'notified',
      'acknowledged',
      'pages_cancelled',
      'ack_timeout',
      'notified',
    ]);
    await at(t0 + 36 * minute);
    expect(pager.pagedFor(id).at(-1)).toEqual({ userId: b, step: 2 });
    const events = await t.ctx.db
      .selectFrom('outbox')
      .select(['type', 'payload'])
      .where('subject_type', '=', 'incident')
      .where('subject_id', '=', String(id))
      .orderBy('id')
      .execute();
    expect(events.map((e) => [e.type, JSON.parse(e.payload).reason ?? null])).toEqual([
      ['incident.triggered', 'opened'],
      ['incident.acknowledged', null],
      ['incident.triggered', 'ack_timeout'],
    ]);
  });

  it('a step with nobody on call is skipped at once, and the next step is paged in the same instant', async () => {
    freshPorts();
    const { service } = await serviceWith([
      { targets: [{ kind: 'schedule', id: scheduleGap }], delayMinutes: 15 },
      { targets: [{ kind: 'user', id: c }], delayMinutes: 5 },
    ]);
    const t0 = t.clock.now();
    const id = await open(service.id);
    await at(t0);
    expect(pager.pagedFor(id)).toEqual([{ userId: c, step: 2 }]);
    const timeline = (await getIncident(t.ctx, manager, id)).timeline;
    expect(timeline.map((e) => [e.kind, e.step])).toEqual([
      ['triggered', null],
      ['step_skipped', 1],
      ['notified', 2],
    ]);
    expect(timeline[1].detail).toContain('nobody on call');
  });

  it('a policy where nobody is on call at any step ends exhausted at once, paging nobody', async () => {
    freshPorts();
    const { service } = await serviceWith(
      [{ targets: [{ kind: 'schedule', id: scheduleGap }], delayMinutes: 5 }],
      3,
    );
    const t0 = t.clock.now();
    const id = await open(service.id);
    await at(t0);
    expect(pager.pagedFor(id)).toEqual([]);
    expect(await timelineKinds(id)).toEqual([
      'triggered',
      'step_skipped',
      'step_skipped',
      'step_skipped',
      'exhausted',
    ]);
  });

  it('repeats the steps K times, then stops', async () => {
    freshPorts();
    const { service } = await serviceWith([{ targets: [{ kind: 'user', id: a }], delayMinutes: 5 }], 3);
    const t0 = t.clock.now();
    const id = await open(service.id);
    for (let m = 0; m <= 30; m++) await at(t0 + m * minute);
    expect(pager.pages.filter((p) => p.incidentId === id).map((p) => p.at - t0)).toEqual([
      0,
      5 * minute,
      10 * minute,
    ]);
    const timeline = (await getIncident(t.ctx, manager, id)).timeline;
    expect(timeline.filter((e) => e.kind === 'notified').map((e) => e.repeat)).toEqual([1, 2, 3]);
    expect(timeline.at(-1)?.kind).toBe('exhausted');
    expect(timeline.at(-1)?.at).toBe(t0 + 15 * minute);
  });

  it('a group step pages every active member', async () => {
    freshPorts();
    const group = await createGroup(t.ctx, null, { name: `On call ${dialect}`, memberIds: [a, c] });
    const { service } = await serviceWith([{ targets: [{ kind: 'group', id: group.id }], delayMinutes: 5 }]);
    const id = await open(service.id);
    await at(t.clock.now());
    expect(
      pager
        .pagedFor(id)
        .map((p) => p.userId)
        .sort(),
    ).toEqual([a, c].sort());
  });

  it('an incident follows its policy as it was when it opened', async () => {
    freshPorts();
    const { policy, service } = await serviceWith(twoSteps());
    const t0 = t.clock.now();
    const id = await open(service.id);
    await at(t0);
    // The policy now pages C first and then nobody else, after a minute.
    await updateEscalationPolicy(
      t.ctx,
      manager,
      policy.id,
      { steps: [{ targets: [{ kind: 'user', id: c }], delayMinutes: 1 }] },
      { scheduleExists },
    );
    await at(t0 + 5 * minute);
    expect(pager.pagedFor(id)).toEqual([
      { userId: a, step: 1 },
      { userId: b, step: 2 },
    ]);
    const incident = await getIncident(t.ctx, manager, id);
    expect(incident.policy.steps).toHaveLength(2);
    // A new incident takes the new policy.
    const second = await open(service.id);
    await at(t0 + 5 * minute);
    expect(pager.pagedFor(second)).toEqual([{ userId: c, step: 1 }]);
  });

  it('an open incident is not opened twice for the same dedup key; once resolved, the key opens a new one', async () => {
    freshPorts();
    const { service } = await serviceWith(twoSteps());
    const first = await createIncident(t.ctx, tech, {
      serviceId: service.id,
      summary: 'Disk full',
      dedupKey: 'disk/db1',
    });
    const again = await createIncident(t.ctx, tech, {
      serviceId: service.id,
      summary: 'Disk full',
      dedupKey: 'disk/db1',
    });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.incident.id).toBe(first.incident.id);
    expect(again.incident.eventCount).toBe(2);
    await at(t.clock.now());
    expect(pager.pagedFor(first.incident.id)).toHaveLength(1);
    // Concurrent events with one key: one incident.
    const racing = await Promise.all(
      Array.from({ length: 6 }, () =>
        createIncident(t.ctx, tech, { serviceId: service.id, summary: 'Flapping', dedupKey: 'flap' }),
      ),
    );
    expect(new Set(racing.map((r) => r.incident.id)).size).toBe(1);
    expect(racing.filter((r) => r.created)).toHaveLength(1);
    await resolveIncident(t.ctx, tech, first.incident.id, ports);
    const reopened = await createIncident(t.ctx, tech, {
      serviceId: service.id,
      summary: 'Disk full',
      dedupKey: 'disk/db1',
    });
    expect(reopened.created).toBe(true);
    expect(reopened.incident.id).not.toBe(first.incident.id);
    // A resolved incident is final.
    await expect(acknowledgeIncident(t.ctx, tech, first.incident.id, ports)).rejects.toMatchObject({
      code: 'incident_transition_not_allowed',
    });
  });

  it('Events API v2: trigger, deduplicate and resolve by dedup key with the integration key', async () => {
    freshPorts();
    const { service } = await serviceWith(twoSteps());
    const payload = { summary: 'CPU high on db1', severity: 'warning', source: 'db1' };
    const trigger = await receiveIncidentEvent(
      t.ctx,
      { routing_key: service.integrationKey, event_action: 'trigger', dedup_key: 'cpu/db1', payload },
      ports,
    );
    const repeat = await receiveIncidentEvent(
      t.ctx,
      { routing_key: service.integrationKey, event_action: 'trigger', dedup_key: 'cpu/db1', payload },
      ports,
    );
    expect(repeat.incidentId).toBe(trigger.incidentId);
    const resolved = await receiveIncidentEvent(
      t.ctx,
      { routing_key: service.integrationKey, event_action: 'resolve', dedup_key: 'cpu/db1' },
      ports,
    );
    expect(resolved.incidentId).toBe(trigger.incidentId);
    const incident = await getIncident(t.ctx, manager, trigger.incidentId!);
    expect(incident).toMatchObject({
      state: 'resolved',
      severity: 'warning',
      eventCount: 2,
      source: 'events_api',
    });
    await expect(
      receiveIncidentEvent(
        t.ctx,
        { routing_key: 'odik_not-a-key-at-all', event_action: 'trigger', payload },
        ports,
      ),
    ).rejects.toMatchObject({ code: 'invalid_integration_key' });
  });

  it("who is on call for a service: its policy's first step, now", async () => {
    freshPorts();
    const { service } = await serviceWith([
      {
        targets: [
          { kind: 'schedule', id: scheduleB },
          { kind: 'user', id: a },
        ],
        delayMinutes: 5,
      },
    ]);
    const now = await serviceOnCall(t.ctx, tech, service.id, ports);
    expect(now.userIds).toEqual([b, a]);
    expect(now.targets.map((x) => x.kind)).toEqual(['schedule', 'user']);
  });

  it('a signed link acknowledges as the paged user; a tampered, misdirected or expired one is refused', async () => {
    freshPorts();
    const { service } = await serviceWith(twoSteps(), 1, 0);
    const t0 = t.clock.now();
    const id = await open(service.id);
    const other = await open(service.id);
    await at(t0);
    const page = pager.pages.find((p) => p.incidentId === id)!;
    const ackToken = new URL(page.acknowledgeUrl, 'http://x').searchParams.get('token')!;
    const resolveToken = new URL(page.resolveUrl, 'http://x').searchParams.get('token')!;
    const refusal = (fn: () => Promise<unknown>) =>
      fn().then(
        () => 'accepted',
        (err) => (err instanceof DomainError ? err.code : String(err)),
      );
    const flipped = ackToken.slice(0, -1) + (ackToken.endsWith('A') ? 'B' : 'A');
    expect(await refusal(() => respondByLink(t.ctx, id, 'ack', flipped, ports))).toBe('respond_link_invalid');
    expect(await refusal(() => respondByLink(t.ctx, other, 'ack', ackToken, ports))).toBe(
      'respond_link_invalid',
    );
    expect(await refusal(() => respondByLink(t.ctx, id, 'ack', resolveToken, ports))).toBe(
      'respond_link_invalid',
    );
    // Another user's id in a token signed for A.
    const [exp, , mac] = ackToken.split('.');
    expect(await refusal(() => respondByLink(t.ctx, id, 'ack', `${exp}.${b}.${mac}`, ports))).toBe(
      'respond_link_invalid',
    );
    expect(await refusal(() => respondByLink(t.ctx, id, 'ack', 'garbage', ports))).toBe(
      'respond_link_invalid',
    );
    t.clock.set(t0 + 2 * minute);
    const acked = await respondByLink(t.ctx, id, 'ack', ackToken, ports);
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: a });
    const timeline = (await getIncident(t.ctx, manager, id)).timeline;
    expect(timeline.find((e) => e.kind === 'acknowledged')).toMatchObject({ userId: a, channel: 'link' });
    // A day later the resolve link has expired.
    t.clock.set(t0 + 25 * 60 * minute);
    expect(await refusal(() => respondByLink(t.ctx, id, 'resolve', resolveToken, ports))).toBe(
      'respond_link_expired',
    );
  });

  it('a restart continues the timer: a new context on the same database pages B when it comes due', async () => {
    freshPorts();
    const { service } = await serviceWith(twoSteps());
    const t0 = t.clock.now();
    const id = await open(service.id);
    await at(t0);
    const laterClock = new ManualClock(t0 + 5 * minute);
    const restarted = await t.openAnother(laterClock);
    try {
      const result = await runEscalations(restarted.ctx, ports);
      expect(result.paged).toBeGreaterThanOrEqual(1);
      expect(pager.pagedFor(id)).toEqual([
        { userId: a, step: 1 },
        { userId: b, step: 2 },
      ]);
    } finally {
      await restarted.close();
    }
  });

  // Several instances share PostgreSQL; SQLite is one process (caps.multiInstance), where two passes of the one
  // instance may still overlap (the job and a nudge).
  it('two engines running the due pass at once page each person once', async () => {
    freshPorts();
    const { service } = await serviceWith(twoSteps());
    const t0 = t.clock.now();
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push(await open(service.id));
    const other = t.ctx.caps.multiInstance
      ? await t.openAnother(new ManualClock(t0))
      : { ctx: t.ctx, close: async () => undefined };
    try {
      t.clock.set(t0);
      await Promise.all([runEscalations(t.ctx, ports), runEscalations(other.ctx, ports)]);
      t.clock.set(t0 + 5 * minute);
      if (other.ctx !== t.ctx) (other.ctx.clock as ManualClock).set(t0 + 5 * minute);
      await Promise.all([runEscalations(t.ctx, ports), runEscalations(other.ctx, ports)]);
    } finally {
      await other.close();
    }
    for (const id of ids) {
      expect(pager.pagedFor(id)).toEqual([
        { userId: a, step: 1 },
        { userId: b, step: 2 },
      ]);
      const notified = (await getIncident(t.ctx, manager, id)).timeline.filter((e) => e.kind === 'notified');
      expect(notified).toHaveLength(2);
    }
  });
});
