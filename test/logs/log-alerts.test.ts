// New-pattern and spike alerts on both dialects with a fake clock, through the real alert pipeline with its default
// routing: no alert storm at first start (every host learns for an hour), a new error pattern and a spike each
// raise an alert that opens an incident on the host's target's service, silences hold them back, and they resolve
// (quiet, merged, back under the threshold). Pattern rates read a merged pattern's minutes as its survivor's.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createUser } from '../../src/core/auth/index.js';
import { JobScheduler } from '../../src/core/jobs.js';
import { createService, getIncident } from '../../src/incidents/index.js';
import { evaluateLogAlerts, patternRates, registerLogs } from '../../src/logs/index.js';
import {
  createSilence,
  createTarget,
  listAlertGroups,
  listAlerts,
  runAlertPipeline,
} from '../../src/monitoring/index.js';
import { createEscalationPolicy } from '../../src/oncall/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';
import { writePatternRecords, writeSeries } from './support/pattern-minutes.js';

const second = 1000;
const minute = 60_000;

describe.each(dialects)('log pattern alerts on %s', (dialect) => {
  let t: TestContext;
  let admin: Actor;
  let t0: number;
  const at = (ms: number) => t.clock.set(ms);
  const floorMinute = (ms: number) => Math.floor(ms / minute) * minute;

  async function firing(alertname: string, pattern: string) {
    return (await listAlerts(t.ctx, admin)).find(
      (a) => a.labels.alertname === alertname && a.labels.pattern === pattern,
    );
  }
  async function groupOf(alertname: string, target: string) {
    return (await listAlertGroups(t.ctx)).find(
      (g) => g.groupLabels.alertname === alertname && g.groupLabels.target === target,
    );
  }

  beforeAll(async () => {
    t = await makeContext(dialect);
    t0 = t.clock.now();
    admin = actorForUser(
      await createUser(t.ctx, null, {
        email: `admin-${dialect}@example.test`,
        name: 'Ada',
        role: 'admin',
        password: 'correct horse battery',
      }),
    );
    const policy = await createEscalationPolicy(t.ctx, admin, {
      name: 'Ops',
      steps: [{ targets: [{ kind: 'user', id: admin.id }], delayMinutes: 10 }],
      repeatCount: 1,
    });
    const service = await createService(t.ctx, admin, { name: 'Web', escalationPolicyId: policy.id });
    // The default routing opens an incident on the alerting target's service.
    for (const [name, address] of [
      ['web-1', '10.0.0.1'],
      ['web-2', '10.0.0.2'],
    ])
      await createTarget(t.ctx, admin, { name, kind: 'host', address, serviceId: service.id });
  }, 60_000);
  afterAll(async () => t?.close());

  it('raises no alert storm at first start: every host learns its patterns for an hour', async () => {
    for (let i = 0; i < 10; i++) {
      const time = t0 + i * minute + 10 * second;
      await writePatternRecords(t.ctx, [
        { templateId: 'boot', template: 'service <*> started', time, host: 'web-1', severity: 6, count: 5 },
        { templateId: 'boot', time, host: 'web-2', severity: 6, count: 5 },
        ...(i === 2
          ? [{ templateId: 'cfg', template: 'config <*> missing', time, host: 'web-1', severity: 3 }]
          : []),
        ...(i === 5
          ? [{ templateId: 'panic', template: 'worker <*> panicked', time, host: 'web-2', severity: 2 }]
          : []),
      ]);
    }
    for (let i = 1; i <= 20; i++) {
      at(t0 + i * minute + 5 * second);
      const round = await evaluateLogAlerts(t.ctx);
      expect(round.opened).toEqual({ new: 0, spike: 0 });
    }
    // After the hour, the patterns it learned are not news either.
    at(t0 + 70 * minute);
    await writePatternRecords(t.ctx, [
      { templateId: 'cfg', time: t.clock.now(), host: 'web-1', severity: 3 },
    ]);
    at(t0 + 71 * minute);
    expect((await evaluateLogAlerts(t.ctx)).opened.new).toBe(0);
    expect(await t.ctx.db.selectFrom('monitoring_alerts').select('fingerprint').execute()).toEqual([]);
  });

  it('alerts on a new error pattern, opens an incident on the default routing, and resolves when it goes quiet', async () => {
    at(t0 + 75 * minute);
    const seen = t.clock.now();
    await writePatternRecords(t.ctx, [
      {
        templateId: 'disk',
        template: 'disk <*> is full',
        message: 'disk /var is full',
        time: seen,
        host: 'web-1',
        severity: 3,
        count: 3,
      },
    ]);
    at(seen + 20 * second);
    const round = await evaluateLogAlerts(t.ctx);
    expect(round.opened.new).toBe(1);
    const alert = await firing('LogPatternNew', 'disk');
    expect(alert).toMatchObject({
      labels: {
        alertname: 'LogPatternNew',
        pattern: 'disk',
        severity: 'warning',
        host: 'web-1',
        target: 'web-1',
      },
      startsAt: seen,
      state: 'firing',
      status: 'active',
    });
    expect(alert?.annotations.summary).toBe('New error pattern on web-1: disk <*> is full');
    expect(alert?.annotations.description).toContain('3 records, 3 at severity err or worse');
    expect(alert?.annotations.description).toContain('Example: disk /var is full');

    // The pipeline: group_wait (30 s) after the alert began, the group opens an incident with a ticket.
    at(seen + 50 * second);
    await runAlertPipeline(t.ctx);
    const group = await groupOf('LogPatternNew', 'web-1');
    expect(group?.incidentId).not.toBeNull();
    const incident = await getIncident(t.ctx, admin, group!.incidentId!);
    expect(incident).toMatchObject({ source: 'monitoring', severity: 'warning', state: 'triggered' });
    expect(incident.ticketId).not.toBeNull();
    expect(incident.summary).toContain('New error pattern on web-1');

    // Still firing a minute later, and not raised twice — also by another instance (or after a restart): the
    // state is in the database.
    at(seen + 80 * second);
    const other = await t.openAnother(t.clock);
    try {
      expect((await evaluateLogAlerts(other.ctx)).opened.new).toBe(0);
    } finally {
      await other.close();
    }
    expect((await evaluateLogAlerts(t.ctx)).opened.new).toBe(0);
    expect((await firing('LogPatternNew', 'disk'))?.state).toBe('firing');

    // Fifteen quiet minutes resolve it, and the pipeline resolves the incident with it.
    at(seen + 16 * minute);
    expect((await evaluateLogAlerts(t.ctx)).resolved).toBe(1);
    expect((await firing('LogPatternNew', 'disk'))?.state).toBe('resolved');
    for (const after of [0, 5, 10]) {
      at(seen + (16 + after) * minute + second);
      await runAlertPipeline(t.ctx);
    }
    expect((await getIncident(t.ctx, admin, incident.id)).state).toBe('resolved');
  });

  it('lets a silence hold a log alert back: no incident', async () => {
    const now = floorMinute(t.clock.now()) + 2 * minute;
    at(now);
    await createSilence(t.ctx, admin, {
      matchers: ['alertname="LogPatternNew"', 'host="web-2"'],
      endsAt: now + 2 * 3_600_000,
      comment: 'known noise on web-2',
    });
    await writePatternRecords(t.ctx, [
      { templateId: 'oom', template: 'out of memory: killed <*>', time: now, host: 'web-2', severity: 2 },
    ]);
    at(now + 10 * second);
    expect((await evaluateLogAlerts(t.ctx)).opened.new).toBe(1);
    const alert = await firing('LogPatternNew', 'oom');
    expect(alert?.labels.severity).toBe('critical');
    expect(alert?.status).toBe('suppressed');
    expect(alert?.mutedBy.map((m) => m.kind)).toEqual(['silenced']);
    at(now + 50 * second);
    await runAlertPipeline(t.ctx);
    expect((await groupOf('LogPatternNew', 'web-2'))?.incidentId ?? null).toBeNull();
  });

  it('learns a host that appears later for its first hour, as at first start', async () => {
    const now = t.clock.now();
    await writePatternRecords(t.ctx, [
      { templateId: 'db-boot', template: 'database <*> recovering', time: now, host: 'db-9', severity: 3 },
    ]);
    at(now + 30 * second);
    expect((await evaluateLogAlerts(t.ctx)).opened.new).toBe(0);
  });

  it('resolves a new-pattern alert when a technician merges the pattern, and rates count it for the survivor', async () => {
    const now = t.clock.now();
    await writePatternRecords(t.ctx, [
      { templateId: 'disk2', template: 'disk <*> is full!', time: now, host: 'web-1', severity: 3, count: 4 },
    ]);
    at(now + 10 * second);
    expect((await evaluateLogAlerts(t.ctx)).opened.new).toBe(1);
    // The store's merge (a technician's): the pattern's records count as the survivor's from now on.
    await t.ctx.db
      .updateTable('log_templates')
      .set({ merged_into: 'disk' })
      .where('id', '=', 'disk2')
      .execute();
    at(now + 70 * second);
    expect((await evaluateLogAlerts(t.ctx)).resolved).toBe(1);
    expect((await firing('LogPatternNew', 'disk2'))?.state).toBe('resolved');

    const from = floorMinute(t0 + 75 * minute);
    const rates = await patternRates(t.ctx, {
      ids: ['disk2'],
      from,
      to: floorMinute(now) + minute,
      stepMs: minute,
    });
    expect(rates.patterns.map((p) => p.patternId)).toEqual(['disk']);
    expect(rates.patterns[0].total).toBe(3 + 4);
    expect(rates.patterns[0].points[0]).toEqual({ t: from, count: 3, errors: 3, perMinute: 3 });
    expect(rates.patterns[0].points.at(-1)).toMatchObject({ count: 4, perMinute: 4 });
  });

  it('alerts on a spike against the baseline, opens an incident, and resolves when the rate is back', async () => {
    const start = floorMinute(t.clock.now()) + minute;
    // Two hours of a steady 10 a minute (a warning-level pattern) before now.
    await writeSeries(t.ctx, {
      templateId: 'slow',
      template: 'slow query took <*> ms',
      host: 'web-1',
      severity: 4,
      from: start - 120 * minute,
      minutes: 120,
      perMinute: () => 10,
    });
    at(start + 5 * second);
    expect((await evaluateLogAlerts(t.ctx)).opened.spike).toBe(0);

    // A step to 100 a minute: alerted within the five-minute window.
    let alertedAfter: number | null = null;
    for (let j = 0; j < 5 && alertedAfter === null; j++) {
      await writePatternRecords(t.ctx, [
        { templateId: 'slow', time: start + j * minute + second, host: 'web-1', severity: 4, count: 100 },
      ]);
      at(start + (j + 1) * minute + 5 * second);
      if ((await evaluateLogAlerts(t.ctx)).opened.spike === 1) alertedAfter = j + 1;
    }
    expect(alertedAfter).not.toBeNull();
    const alert = await firing('LogPatternSpike', 'slow');
    expect(alert?.labels).toEqual({
      alertname: 'LogPatternSpike',
      pattern: 'slow',
      severity: 'warning',
      host: 'web-1',
      target: 'web-1',
    });
    expect(alert?.annotations.baseline).toBe('10');
    expect(Number(alert?.annotations.rate)).toBeGreaterThan(30);
    at(t.clock.now() + 30 * second);
    await runAlertPipeline(t.ctx);
    const group = await groupOf('LogPatternSpike', 'web-1');
    expect(group?.incidentId).not.toBeNull();

    // Back to 10 a minute: it resolves once the window has been under the threshold for five minutes.
    const back = start + alertedAfter! * minute;
    let resolvedAfter: number | null = null;
    for (let j = 0; j < 20 && resolvedAfter === null; j++) {
      await writePatternRecords(t.ctx, [
        { templateId: 'slow', time: back + j * minute + second, host: 'web-1', severity: 4, count: 10 },
      ]);
      at(back + (j + 1) * minute + 5 * second);
      if ((await evaluateLogAlerts(t.ctx)).resolved === 1) resolvedAfter = j + 1;
    }
    expect(resolvedAfter).not.toBeNull();
    expect((await firing('LogPatternSpike', 'slow'))?.state).toBe('resolved');
    // The resolution reached the pipeline once: nothing is left to send.
    const unsent = await t.ctx.db
      .selectFrom('log_pattern_alerts')
      .select('template_id')
      .where('resolution_sent', '=', 0)
      .where('status', '=', 'resolved')
      .execute();
    expect(unsent).toEqual([]);
  }, 60_000);
  it('pages nobody for an info flood: only patterns that logged at warning or worse alert on spikes', async () => {
    const start = floorMinute(t.clock.now()) + minute;
    await writeSeries(t.ctx, {
      templateId: 'hits',
      template: 'GET <*> 200',
      host: 'web-2',
      severity: 6,
      from: start - 120 * minute,
      minutes: 125,
      perMinute: (i) => (i < 120 ? 10 : 200),
    });
    at(start + 5 * minute + 5 * second);
    expect((await evaluateLogAlerts(t.ctx)).opened.spike).toBe(0);
    expect(await firing('LogPatternSpike', 'hits')).toBeUndefined();
  });

  it('runs the round each minute from registerLogs', () => {
    const jobs = new JobScheduler(pino({ level: 'silent' }));
    registerLogs(t.ctx, jobs);
    expect(jobs.names()).toContain('logs.pattern-alerts');
  });
});
