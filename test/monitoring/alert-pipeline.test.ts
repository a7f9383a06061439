// The alert pipeline on a fake clock, on SQLite and PostgreSQL, compared with Alertmanager's documented behaviour:
// group_wait (an alert resolved within it is never sent), group_interval batching, repeat_interval checked on
// group_interval ticks, a route muted at night in Berlin, silences, the default inhibition, flapping, maintenance
// (the targets part's port, replaced here), two instances flushing one group once, and a firing group that opens
// an incident with a ticket (its SLA clock), pages the policy's engineer and resolves with its alerts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createUser } from '../../src/core/auth/index.js';
import { createService, getIncident, runEscalations } from '../../src/incidents/index.js';
import {
  flushDueGroups,
  listAlertGroups,
  regroupAlerts,
  replaceAlertRouting,
  runAlertPipeline,
} from '../../src/monitoring/alert-groups.js';
import { usePipelinePorts } from '../../src/monitoring/alert-model.js';
import {
  type AlertInput,
  alertFingerprint,
  listAlerts,
  receiveAlerts,
} from '../../src/monitoring/alert-pipeline.js';
import type { RoutingDocument } from '../../src/monitoring/alert-routing.js';
import { getAlertRouting, putAlertRouting } from '../../src/monitoring/alert-routing-store.js';
import { createSilence, expireSilence } from '../../src/monitoring/silences.js';
import { createEscalationPolicy } from '../../src/oncall/index.js';
import { createPolicy, subscribeSla } from '../../src/sla/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const second = 1000;
const minute = 60_000;
const hour = 3_600_000;

describe.each(dialects)('the alert pipeline on %s', (dialect) => {
  let t: TestContext;
  let admin: Actor;
  let engineer: Actor;
  let serviceId: number;
  const maintenance = new Set<number>();

  /** A firing alert, as Prometheus sends it: an end well ahead, re-sent while it fires. */
  const firing = (labels: Record<string, string>, extra: Partial<AlertInput> = {}): AlertInput => ({
    labels,
    annotations: { summary: `${labels.alertname} is bad` },
    startsAt: t.clock.now(),
    endsAt: t.clock.now() + 24 * hour,
    ...extra,
  });
  const resolved = (labels: Record<string, string>): AlertInput => ({
    labels,
    annotations: {},
    startsAt: t.clock.now() - minute,
    endsAt: t.clock.now(),
  });

  /** The Alertmanager webhook bodies sent so far for an alert name. */
  async function bodies(alertname: string) {
    const rows = await t.ctx.db
      .selectFrom('deliveries')
      .select('payload')
      .where('kind', '=', 'alertmanager.webhook')
      .orderBy('id')
      .execute();
    return rows
      .map((r) => (JSON.parse(r.payload) as { body: Record<string, any> }).body)
      .filter((b) => b.groupLabels.alertname === alertname);
  }
  async function tick(at: number) {
    t.clock.set(at);
    return runAlertPipeline(t.ctx);
  }
  /** Flush ticks every `step` from `from` to `to` (inclusive). */
  async function ticks(from: number, to: number, step = 5 * minute) {
    for (let at = from; at <= to; at += step) await tick(at);
  }

  beforeAll(async () => {
    t = await makeContext(dialect);
    subscribeSla(t.ctx);
    const a = await createUser(t.ctx, null, {
      email: `admin-${dialect}@example.test`,
      name: 'Ada',
      role: 'admin',
      password: 'correct horse battery',
    });
    admin = actorForUser(a);
    engineer = actorForUser(
      await createUser(t.ctx, null, {
        email: `eng-${dialect}@example.test`,
        name: 'Eve',
        role: 'technician',
        password: 'correct horse battery',
      }),
    );
    await createPolicy(t.ctx, admin, { name: 'Standard', targets: { resolution: { minutes: 480 } } });
    const policy = await createEscalationPolicy(t.ctx, admin, {
      name: 'Ops',
      steps: [{ targets: [{ kind: 'user', id: engineer.id }], delayMinutes: 10 }],
      repeatCount: 1,
    });
    serviceId = (await createService(t.ctx, admin, { name: 'Web shop', escalationPolicyId: policy.id })).id;
    const document: RoutingDocument = {
      route: {
        receiver: 'hook',
        group_by: ['alertname'],
        repeat_interval: '1h',
        routes: [
          { receiver: 'incident', matchers: ['kind="incident"'] },
          { receiver: 'hook', matchers: ['kind="night"'], mute_time_intervals: ['nights'] },
        ],
      },
      receivers: [
        {
          name: 'hook',
          webhook_configs: [{ url: 'http://127.0.0.1:9/alerts' }],
          email_configs: [{ to: 'oncall@example.test' }],
        },
        { name: 'incident', incident_configs: [{ service_id: serviceId }] },
      ],
      inhibit_rules: [
        {
          source_matchers: ['severity="critical"'],
          target_matchers: ['severity="warning"', 'target=~".+"'],
          equal: ['target'],
        },
      ],
      time_intervals: [
        {
          name: 'nights',
          time_intervals: [
            {
              times: [
                { start_time: '22:00', end_time: '24:00' },
                { start_time: '00:00', end_time: '06:00' },
              ],
              location: 'Europe/Berlin',
            },
          ],
        },
      ],
    };
    await putAlertRouting(t.ctx, admin, document);
    usePipelinePorts(t.ctx, {
      targets: {
        alertSuppression: async (_ctx, targetId) => (maintenance.has(targetId) ? 'maintenance' : null),
        targetRouting: async () => new Map(),
      },
    });
  }, 60_000);
  afterAll(async () => t?.close());

  it('waits group_wait (30 s) before the first notification, in Alertmanager webhook format v4', async () => {
    const t0 = t.clock.now();
    expect(await receiveAlerts(t.ctx, [firing({ alertname: 'Wait', instance: 'a' })], 'rule')).toEqual({
      accepted: 1,
      rejected: [],
    });
    await tick(t0 + 29 * second);
    expect(await bodies('Wait')).toHaveLength(0);
    await tick(t0 + 30 * second);
    const [body] = await bodies('Wait');
    expect(body).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'hook',
      groupLabels: { alertname: 'Wait' },
      commonLabels: { alertname: 'Wait', instance: 'a' },
      truncatedAlerts: 0,
    });
    expect(body!.alerts).toHaveLength(1);
    expect(body!.alerts[0]).toMatchObject({ status: 'firing', endsAt: '0001-01-01T00:00:00Z' });
    // The mail beside it, on the same pipeline (written disabled: no outbound mail is configured here).
    const mails = await t.ctx.db
      .selectFrom('deliveries')
      .select(['target', 'state', 'payload'])
      .where('kind', '=', 'alert_notification')
      .execute();
    const mail = mails.find((m) => JSON.parse(m.payload).subject.includes('Wait'))!;
    expect(mail).toMatchObject({ target: 'oncall@example.test', state: 'disabled' });
    expect(JSON.parse(mail.payload).subject).toBe('[FIRING:1] Wait: Wait is bad');
  });

  it('never sends an alert that resolved within group_wait', async () => {
    const t0 = t.clock.now();
    await receiveAlerts(t.ctx, [firing({ alertname: 'Blip' })], 'rule');
    t.clock.set(t0 + 10 * second);
    await receiveAlerts(t.ctx, [resolved({ alertname: 'Blip' })], 'rule');
    await ticks(t0 + 30 * second, t0 + 11 * minute);
    expect(await bodies('Blip')).toHaveLength(0);
    expect((await listAlertGroups(t.ctx)).filter((g) => g.groupLabels.alertname === 'Blip')).toHaveLength(0);
  });

  it('batches alerts of a group until the next group_interval, and sends resolutions', async () => {
    const t0 = t.clock.now();
    await receiveAlerts(t.ctx, [firing({ alertname: 'Batch', instance: '1' })], 'rule');
    await tick(t0 + 30 * second);
    expect(await bodies('Batch')).toHaveLength(1);
    t.clock.set(t0 + minute);
    await receiveAlerts(t.ctx, [firing({ alertname: 'Batch', instance: '2' })], 'rule');
    await tick(t0 + 2 * minute);
    await tick(t0 + 5 * minute);
    expect(await bodies('Batch')).toHaveLength(1);
    await tick(t0 + 30 * second + 5 * minute);
    const sent = await bodies('Batch');
    expect(sent).toHaveLength(2);
    expect(sent[1]!.alerts.map((a: any) => a.labels.instance).sort()).toEqual(['1', '2']);
    t.clock.set(t0 + 6 * minute);
    await receiveAlerts(t.ctx, [resolved({ alertname: 'Batch', instance: '1' })], 'rule');
    await tick(t0 + 30 * second + 10 * minute);
    const third = (await bodies('Batch'))[2]!;
    expect(third.status).toBe('firing');
    expect(Object.fromEntries(third.alerts.map((a: any) => [a.labels.instance, a.status]))).toEqual({
      '1': 'resolved',
      '2': 'firing',
    });
  });

  it('repeats an unchanged group after repeat_interval, on a group_interval tick', async () => {
    const t0 = t.clock.now();
    await receiveAlerts(t.ctx, [firing({ alertname: 'Repeat' })], 'rule');
    await tick(t0 + 30 * second);
    // Ticks every 5 minutes after the first flush; the 1 h repeat is due on the twelfth.
    await ticks(t0 + 30 * second + 5 * minute, t0 + 30 * second + 55 * minute);
    expect(await bodies('Repeat')).toHaveLength(1);
    await tick(t0 + 30 * second + 60 * minute);
    expect(await bodies('Repeat')).toHaveLength(2);
  });

  it('resolves an alert not re-sent within the resolve timeout (5 min)', async () => {
    const t0 = t.clock.now();
    await receiveAlerts(t.ctx, [firing({ alertname: 'Quiet' }, { endsAt: null })], 'rule');
    await tick(t0 + 30 * second);
    await tick(t0 + 30 * second + 5 * minute);
    const sent = await bodies('Quiet');
    expect(sent.map((b) => b.status)).toEqual(['firing', 'resolved']);
    const events = await t.ctx.db
      .selectFrom('outbox')
      .select('type')
      .where('subject_type', '=', 'alert')
      .where('type', '=', 'alert.resolved')
      .execute();
    expect(events.length).toBeGreaterThan(0);
  });

  it('records an alert that lapsed unseen as resolved before it fires again', async () => {
    const t0 = t.clock.now();
    const labels = { alertname: 'Lapse' };
    await receiveAlerts(t.ctx, [firing(labels, { endsAt: null })], 'rule');
    t.clock.set(t0 + 6 * minute);
    await receiveAlerts(t.ctx, [firing(labels, { endsAt: null })], 'rule');
    const events = await t.ctx.db
      .selectFrom('outbox')
      .select('type')
      .where('subject_type', '=', 'alert')
      .where('subject_id', '=', alertFingerprint(labels))
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['alert.firing', 'alert.resolved', 'alert.firing']);
  });

  it('mutes a silenced alert (listed as suppressed with the silence) until the silence expires', async () => {
    const t0 = t.clock.now();
    const silence = await createSilence(t.ctx, engineer, {
      matchers: ['alertname="Hush"'],
      endsAt: t0 + 2 * hour,
      comment: 'known, fixing',
    });
    await receiveAlerts(t.ctx, [firing({ alertname: 'Hush' })], 'rule');
    await tick(t0 + 30 * second);
    expect(await bodies('Hush')).toHaveLength(0);
    const listed = (await listAlerts(t.ctx, engineer)).find((a) => a.labels.alertname === 'Hush')!;
    expect(listed.status).toBe('suppressed');
    expect(listed.mutedBy).toEqual([{ kind: 'silenced', silenceIds: [silence.id] }]);
    await expireSilence(t.ctx, engineer, silence.id);
    await tick(t0 + 30 * second + 5 * minute);
    expect(await bodies('Hush')).toHaveLength(1);
  });

  it("inhibits a target's warnings while a critical alert on it fires", async () => {
    const t0 = t.clock.now();
    await receiveAlerts(
      t.ctx,
      [
        firing({ alertname: 'HostDown', severity: 'critical', target: 'db1' }),
        firing({ alertname: 'DiskSlow', severity: 'warning', target: 'db1' }),
        firing({ alertname: 'CpuHot', severity: 'warning', target: 'db2' }),
      ],
      'rule',
    );
    await tick(t0 + 30 * second);
    expect(await bodies('HostDown')).toHaveLength(1);
    expect(await bodies('DiskSlow')).toHaveLength(0);
    expect(await bodies('CpuHot')).toHaveLength(1);
    const slow = (await listAlerts(t.ctx, engineer)).find((a) => a.labels.alertname === 'DiskSlow')!;
    expect(slow.mutedBy[0]?.kind).toBe('inhibited');
  });

  it("holds a target's alerts in maintenance (asked of the targets part)", async () => {
    const now = t.clock.now();
    const target = await t.ctx.db
      .insertInto('monitoring_targets')
      .values({
        name: 'printer-3',
        kind: 'host',
        description: '',
        tags: '[]',
        state: 'up',
        state_since: now,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    maintenance.add(target.id);
    await receiveAlerts(t.ctx, [firing({ alertname: 'Paper', target: 'printer-3' })], 'check');
    await tick(now + 30 * second);
    expect(await bodies('Paper')).toHaveLength(0);
    const listed = (await listAlerts(t.ctx, engineer)).find((a) => a.labels.alertname === 'Paper')!;
    expect(listed).toMatchObject({
      targetId: target.id,
      status: 'suppressed',
      mutedBy: [{ kind: 'maintenance' }],
    });
    maintenance.delete(target.id);
    await tick(now + 30 * second + 5 * minute);
    expect(await bodies('Paper')).toHaveLength(1);
  });

  it('holds a flapping alert until it settles', async () => {
    const t0 = t.clock.now();
    for (let i = 0; i < 3; i++) {
      t.clock.set(t0 + i * 4 * second);
      await receiveAlerts(t.ctx, [firing({ alertname: 'Flap' })], 'rule');
      t.clock.set(t0 + i * 4 * second + 2 * second);
      await receiveAlerts(t.ctx, [resolved({ alertname: 'Flap' })], 'rule');
    }
    t.clock.set(t0 + 20 * second);
    await receiveAlerts(t.ctx, [firing({ alertname: 'Flap' })], 'rule');
    await tick(t0 + 30 * second);
    expect(await bodies('Flap')).toHaveLength(0);
    expect((await listAlerts(t.ctx, engineer)).find((a) => a.labels.alertname === 'Flap')!.mutedBy).toEqual([
      { kind: 'flapping' },
    ]);
    // Six changes within the hour; it settles once they fall back to four, about an hour later.
    await ticks(t0 + 30 * second + 5 * minute, t0 + 30 * second + 55 * minute);
    expect(await bodies('Flap')).toHaveLength(0);
    await ticks(t0 + 30 * second + 60 * minute, t0 + 30 * second + 65 * minute);
    expect(await bodies('Flap')).toHaveLength(1);
  });

  it('sends nothing on a route muted at night in Berlin, and sends when the night ends', async () => {
    // 23:00 in Berlin (CET) is 22:00Z.
    const night = Date.parse('2026-03-20T22:00:00Z');
    t.clock.set(night);
    await receiveAlerts(t.ctx, [firing({ alertname: 'Nightly', kind: 'night' })], 'rule');
    await ticks(night + 30 * second, Date.parse('2026-03-21T04:55:30Z'));
    expect(await bodies('Nightly')).toHaveLength(0);
    await tick(Date.parse('2026-03-21T05:00:30Z'));
    expect(await bodies('Nightly')).toHaveLength(1);
  });

  it('lets two instances flush a due group once', async () => {
    // Another instance on PostgreSQL; on SQLite (one process) the same context twice at once.
    const other = t.ctx.caps.multiInstance
      ? await t.openAnother(t.clock)
      : { ctx: t.ctx, close: async () => undefined };
    try {
      const t0 = t.clock.now();
      await receiveAlerts(t.ctx, [firing({ alertname: 'Twice' })], 'rule');
      t.clock.set(t0 + 30 * second);
      const results = await Promise.all([flushDueGroups(t.ctx), flushDueGroups(other.ctx)]);
      expect(results.reduce((n, r) => n + r.notified, 0)).toBeGreaterThanOrEqual(1);
      expect(await bodies('Twice')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('refuses bad alerts with a reason and keeps the good ones', async () => {
    const result = await receiveAlerts(
      t.ctx,
      [
        firing({ alertname: 'Good' }),
        { labels: {}, annotations: {}, startsAt: 0, endsAt: null },
        { labels: { '1bad': 'x' }, annotations: {}, startsAt: 0, endsAt: null },
        { labels: { a: 'b' }, annotations: {}, startsAt: Number.NaN, endsAt: null },
      ],
      'alertmanager',
    );
    expect(result).toEqual({
      accepted: 1,
      rejected: [
        { index: 1, reason: 'no_labels' },
        { index: 2, reason: 'invalid_label_name' },
        { index: 3, reason: 'invalid_starts_at' },
      ],
    });
  });

  it('opens an incident with a ticket and its SLA, pages the policy, and resolves with its alerts', async () => {
    const t0 = t.clock.now();
    const labels = { alertname: 'ShopDown', kind: 'incident', severity: 'critical' };
    await receiveAlerts(t.ctx, [firing(labels)], 'rule');
    await tick(t0 + 30 * second);
    const group = (await listAlertGroups(t.ctx)).find((g) => g.groupLabels.alertname === 'ShopDown')!;
    expect(group.incidentId).not.toBeNull();
    const incident = await getIncident(t.ctx, admin, group.incidentId!);
    expect(incident).toMatchObject({
      serviceId,
      source: 'monitoring',
      severity: 'critical',
      state: 'triggered',
    });
    expect(incident.ticketId).not.toBeNull();
    expect(incident.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['triggered', 'linked_ticket', 'alert_firing']),
    );
    // The ticket's SLA clock, once the relay hands ticket.created to the SLA subscriber.
    await t.ctx.events.dispatchPending();
    const clocks = await t.ctx.db
      .selectFrom('sla_ticket_clocks')
      .select('ticket_id')
      .where('ticket_id', '=', incident.ticketId!)
      .execute();
    expect(clocks.length).toBeGreaterThan(0);
    // The escalation engine pages the policy's engineer.
    await runEscalations(t.ctx);
    const pages = await t.ctx.db
      .selectFrom('deliveries')
      .select(['user_id', 'incident_id'])
      .where('incident_id', '=', incident.id)
      .execute();
    expect(pages.map((p) => p.user_id)).toContain(engineer.id);

    // A second flush of the still-firing group opens nothing new; the resolution resolves the incident.
    await tick(t0 + 30 * second + 5 * minute);
    t.clock.set(t0 + 7 * minute);
    await receiveAlerts(t.ctx, [resolved(labels)], 'rule');
    await tick(t0 + 30 * second + 10 * minute);
    const after = await getIncident(t.ctx, admin, incident.id);
    expect(after.state).toBe('resolved');
    expect(after.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['alert_resolved', 'resolved']));
    // The ticket stays open for a person to confirm, with an internal note that monitoring sees it resolved.
    const ticket = await t.ctx.db
      .selectFrom('tickets')
      .select('status')
      .where('id', '=', incident.ticketId!)
      .executeTakeFirstOrThrow();
    expect(ticket.status).not.toBe('resolved');
    const notes = await t.ctx.db
      .selectFrom('comments')
      .select(['body', 'internal'])
      .where('ticket_id', '=', incident.ticketId!)
      .execute();
    expect(notes).toEqual([
      expect.objectContaining({
        internal: 1,
        body: expect.stringContaining(`incident #${incident.id} has resolved`),
      }),
    ]);
    const count = await t.ctx.db
      .selectFrom('incidents')
      .select('id')
      .where('dedup_key', '=', after.dedupKey)
      .execute();
    expect(count).toHaveLength(1);
  });
  it('regroups the firing alerts when the routing changes, as Alertmanager does on a reload', async () => {
    const t0 = t.clock.now();
    const shop = { alertname: 'Regroup', kind: 'incident', severity: 'critical' };
    await receiveAlerts(
      t.ctx,
      [firing({ ...shop, instance: 'a' }), firing({ ...shop, instance: 'b' })],
      'rule',
    );
    await tick(t0 + 30 * second);
    const regroup = async () =>
      (await listAlertGroups(t.ctx)).filter((g) => g.groupLabels.alertname === 'Regroup');
    const [first] = await regroup();
    expect(first?.groupLabels).toEqual({ alertname: 'Regroup' });
    expect(first?.alertCount).toBe(2);
    const incident = await getIncident(t.ctx, admin, first!.incidentId!);
    expect(incident.state).toBe('triggered');
    const original = (await getAlertRouting(t.ctx, admin)).document;

    // The same tree again: nothing moves, and the group keeps its notification log.
    await replaceAlertRouting(t.ctx, admin, original);
    expect((await regroup()).map((g) => g.id)).toEqual([first!.id]);
    expect(await regroupAlerts(t.ctx)).toEqual({ joined: 0, left: 0, dropped: 0 });

    // Grouped by instance too: two new groups, the old one dropped and its incident resolved.
    const byInstance: RoutingDocument = {
      ...original,
      route: { ...original.route, group_by: ['alertname', 'instance'] },
    };
    t.clock.set(t0 + minute);
    await replaceAlertRouting(t.ctx, admin, byInstance);
    const after = await regroup();
    expect(
      after.map((g) => g.groupLabels).sort((x, y) => (x.instance ?? '').localeCompare(y.instance ?? '')),
    ).toEqual([
      { alertname: 'Regroup', instance: 'a' },
      { alertname: 'Regroup', instance: 'b' },
    ]);
    expect(after.every((g) => g.alertCount === 1 && g.id !== first!.id)).toBe(true);
    expect((await getIncident(t.ctx, admin, incident.id)).state).toBe('resolved');
    // The alerts are older than group_wait: the new groups flush at the next tick, each with an incident of its own.
    await tick(t0 + minute + second);
    const flushed = await regroup();
    expect(flushed.every((g) => g.lastNotifiedAt !== null && g.incidentId !== null)).toBe(true);
    expect(new Set(flushed.map((g) => g.incidentId)).size).toBe(2);

    await replaceAlertRouting(t.ctx, admin, original);
    expect((await regroup()).map((g) => g.groupLabels)).toEqual([{ alertname: 'Regroup' }]);
    await receiveAlerts(
      t.ctx,
      [resolved({ ...shop, instance: 'a' }), resolved({ ...shop, instance: 'b' })],
      'rule',
    );
    await ticks(t0 + 2 * minute, t0 + 12 * minute);
  });
});
