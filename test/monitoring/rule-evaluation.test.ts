// The alert rules' state machine on a ManualClock, against Prometheus's documented behaviour
// (configuration/alerting_rules and rules/alerting.go): pending → firing after `for`, `for: 0`, resolved, pending
// dropped, keep_firing_for, flapping input, label templating, collisions, resends, and a restart that continues.
// Stored on both dialects; PromQL and the pipeline are replaced by ports (an in-memory vector and a recorder).
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JobScheduler } from '../../src/core/jobs.js';
import {
  type AlertInput,
  type AlertOrigin,
  alertRulePorts,
  createAlertRule,
  evaluateDueRules,
  getAlertRule,
  type Labels,
  registerAlertRules,
  replaceAlertRulePorts,
  updateAlertRule,
} from '../../src/monitoring/index.js';
import { evaluateAlertingRule, type RuleSpec } from '../../src/monitoring/rule-evaluation.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const s = 1000;
const m = 60 * s;

describe('the state machine (pure)', () => {
  const rule: RuleSpec = { name: 'Up', labels: {}, annotations: {}, forMs: 2 * m, keepFiringForMs: 0 };
  const v = [{ labels: { __name__: 'up', job: 'a' }, value: 0 }];
  it('drops __name__, adds alertname, and collides when the rule labels merge series', () => {
    const r = evaluateAlertingRule(rule, new Map(), v, 0);
    expect(r.ok && [...r.active.values()][0]?.labels).toEqual({ job: 'a', alertname: 'Up' });
    const collide = evaluateAlertingRule(
      { ...rule, labels: { job: 'same' } },
      new Map(),
      [
        { labels: { job: 'a' }, value: 1 },
        { labels: { job: 'b' }, value: 1 },
      ],
      0,
    );
    expect(collide).toEqual({
      ok: false,
      error: 'vector contains metrics with the same labelset after applying alert labels',
    });
  });
});

async function insertCheck(t: TestContext): Promise<{ id: number; targetId: number }> {
  const now = t.clock.now();
  const target = await t.ctx.db
    .insertInto('monitoring_targets')
    .values({
      name: 'intranet',
      kind: 'service',
      address: null,
      description: '',
      group_id: null,
      escalation_policy_id: null,
      service_id: null,
      tags: JSON.stringify(['env:prod', 'web']),
      state: 'up',
      state_since: now,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const check = await t.ctx.db
    .insertInto('monitoring_checks')
    .values({
      target_id: target.id,
      name: 'https',
      kind: 'http',
      spec: JSON.stringify({ kind: 'http', url: 'http://127.0.0.1:1/' }),
      interval_seconds: 60,
      timeout_seconds: 10,
      retries: 0,
      enabled: 1,
      last_message: '',
      last_run_at: null,
      last_ok: null,
      last_latency_ms: null,
      lease_until: null,
      heartbeat_token_hash: null,
      last_beat_at: null,
      state: 'up',
      state_since: now,
      consecutive_failures: 1,
      next_run_at: now,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: check.id, targetId: target.id };
}

describe.each(dialects)('alert rules on %s', (dialect) => {
  let t: TestContext;
  let vector: { labels: Labels; value: number }[];
  let sent: { alerts: AlertInput[]; origin: AlertOrigin; at: number }[];
  let failEvaluation: string | null;

  // One database per dialect; each test starts from no rules, targets or checks.
  beforeAll(async () => {
    t = await makeContext(dialect);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.ctx.db.deleteFrom('monitoring_alert_rules').execute();
    await t.ctx.db.deleteFrom('monitoring_targets').execute();
    vector = [];
    sent = [];
    failEvaluation = null;
    replaceAlertRulePorts(t.ctx, {
      checkExpr: () => {},
      evaluate: async () => {
        if (failEvaluation) throw new Error(failEvaluation);
        return vector.map((x) => ({ labels: { ...x.labels }, value: x.value }));
      },
      send: async (_ctx, alerts, origin) => {
        sent.push({ alerts: [...alerts], origin, at: t.clock.now() });
        return { accepted: alerts.length, rejected: [] };
      },
    });
  });

  async function round(): Promise<void> {
    await evaluateDueRules(t.ctx);
  }
  async function step(ms: number): Promise<void> {
    t.clock.advance(ms);
    await round();
  }
  const states = async (id: number) => (await getAlertRule(t.ctx, id)).alerts.map((a) => a.state);

  it('a new label set is pending, fires after `for`, and resolves when gone; resolved is sent for 15 minutes', async () => {
    const rule = await createAlertRule(t.ctx, null, {
      name: 'InstanceDown',
      kind: 'promql',
      expr: 'up == 0',
      forSeconds: 120,
      intervalSeconds: 60,
      severity: 'critical',
      labels: { team: 'ops' },
      annotations: { summary: '{{ $labels.instance }} down, value {{ $value }}' },
    });
    vector = [{ labels: { __name__: 'up', instance: 'web-1', job: 'node' }, value: 0 }];
    const t0 = t.clock.now();
    await round();
    expect(await states(rule.id)).toEqual(['pending']);
    expect(sent).toHaveLength(0); // pending alerts are never sent
    await step(m);
    expect(await states(rule.id)).toEqual(['pending']);
    await step(m); // active for 2 minutes = for
    const firing = await getAlertRule(t.ctx, rule.id);
    expect(firing.state).toBe('firing');
    expect(firing.alerts[0]?.activeAt).toBe(t0);
    expect(sent).toHaveLength(1);
    const a = sent[0]?.alerts[0] as AlertInput;
    expect(sent[0]?.origin).toBe('rule');
    expect(a.labels).toEqual({
      alertname: 'InstanceDown',
      instance: 'web-1',
      job: 'node',
      severity: 'critical',
      team: 'ops',
    });
    expect(a.annotations).toEqual({ summary: 'web-1 down, value 0' });
    expect(a.startsAt).toBe(t0 + 2 * m); // Prometheus sends FiredAt as startsAt
    expect(a.endsAt).toBe(t0 + 2 * m + 4 * m); // valid until 4 × max(resend delay, interval)

    await step(m); // still firing: sent again
    expect(sent).toHaveLength(2);
    vector = [];
    await step(m); // resolved
    expect(await states(rule.id)).toEqual(['inactive']);
    expect(sent[2]?.alerts[0]?.endsAt).toBe(t.clock.now());
    // Resolved alerts are re-sent until the retention (15 minutes) has passed, then dropped.
    for (let i = 0; i < 15; i++) await step(m);
    expect(sent.length).toBe(3 + 15);
    await step(m);
    expect(await states(rule.id)).toEqual([]);
    expect(sent.length).toBe(18);
  });

  it('`for: 0` fires at once; a pending alert that disappears is dropped, never sent', async () => {
    const now = await createAlertRule(t.ctx, null, {
      name: 'Now',
      kind: 'promql',
      expr: 'x',
      intervalSeconds: 30,
    });
    const later = await createAlertRule(t.ctx, null, {
      name: 'Later',
      kind: 'promql',
      expr: 'x',
      forSeconds: 300,
      intervalSeconds: 30,
    });
    vector = [{ labels: { job: 'a' }, value: 1 }];
    await round();
    expect(await states(now.id)).toEqual(['firing']);
    expect(await states(later.id)).toEqual(['pending']);
    vector = [];
    await step(30 * s);
    expect(await states(later.id)).toEqual([]);
    expect(sent.flatMap((x) => x.alerts).every((a) => a.labels.alertname === 'Now')).toBe(true);
  });

  it('flapping input restarts `for` each time the series comes back', async () => {
    const rule = await createAlertRule(t.ctx, null, {
      name: 'Flappy',
      kind: 'promql',
      expr: 'x',
      forSeconds: 120,
      intervalSeconds: 60,
    });
    for (let i = 0; i < 6; i++) {
      vector = i % 2 === 0 ? [{ labels: { job: 'a' }, value: 1 }] : [];
      if (i > 0) t.clock.advance(m);
      await round();
    }
    expect(sent).toHaveLength(0);
    expect(await states(rule.id)).toEqual([]);
  });

  it('keep_firing_for keeps it firing that long after the condition clears, and a return resets it', async () => {
    const rule = await createAlertRule(t.ctx, null, {
      name: 'Sticky',
      kind: 'promql',
      expr: 'x',
      keepFiringForSeconds: 180,
      intervalSeconds: 60,
    });
    vector = [{ labels: { job: 'a' }, value: 1 }];
    await round();
    expect(await states(rule.id)).toEqual(['firing']);
    vector = [];
    const cleared = t.clock.now() + m;
    await step(m);
    let a = (await getAlertRule(t.ctx, rule.id)).alerts[0];
    expect(a?.state).toBe('firing');
    expect(a?.keepFiringSince).toBe(cleared);
    vector = [{ labels: { job: 'a' }, value: 1 }];
    await step(m); // back: keepFiringSince reset
    a = (await getAlertRule(t.ctx, rule.id)).alerts[0];
    expect(a?.keepFiringSince).toBeNull();
    vector = [];
    await step(m);
    await step(m);
    await step(m);
    expect(await states(rule.id)).toEqual(['firing']); // 2 min after clearing: still within 3
    await step(m);
    expect(await states(rule.id)).toEqual(['inactive']); // 3 min: resolved
  });

  it('a rule whose labels collide records the error and does not stop the others', async () => {
    const bad = await createAlertRule(t.ctx, null, {
      name: 'Bad',
      kind: 'promql',
      expr: 'x',
      labels: { job: 'one' },
    });
    const good = await createAlertRule(t.ctx, null, { name: 'Good', kind: 'promql', expr: 'x' });
    vector = [
      { labels: { job: 'a' }, value: 1 },
      { labels: { job: 'b' }, value: 2 },
    ];
    await round();
    const b = await getAlertRule(t.ctx, bad.id);
    expect(b.health).toBe('err');
    expect(b.lastError).toBe('vector contains metrics with the same labelset after applying alert labels');
    expect(b.lastEvaluatedAt).toBe(t.clock.now());
    expect(await states(good.id)).toEqual(['firing', 'firing']);
    failEvaluation = 'query timed out';
    await step(60 * s);
    expect((await getAlertRule(t.ctx, good.id)).lastError).toBe('query timed out');
    expect(await states(good.id)).toEqual(['firing', 'firing']); // a failed evaluation changes no alert
  });

  it('templated labels make distinct alerts; an empty templated label is dropped', async () => {
    const rule = await createAlertRule(t.ctx, null, {
      name: 'Disk',
      kind: 'promql',
      expr: 'x',
      labels: { where: '{{ $labels.host | toUpper }}', gone: '{{ $labels.nothing }}' },
    });
    vector = [
      { labels: { host: 'a' }, value: 0.05 },
      { labels: { host: 'b' }, value: 0.07 },
    ];
    await round();
    const alerts = (await getAlertRule(t.ctx, rule.id)).alerts.map((a) => a.labels);
    expect(alerts).toContainEqual({ alertname: 'Disk', host: 'a', where: 'A' });
    expect(alerts).toContainEqual({ alertname: 'Disk', host: 'b', where: 'B' });
  });

  it('a restart continues where it was: pending time counts, and rounds go on on the grid', async () => {
    const rule = await createAlertRule(t.ctx, null, {
      name: 'Slow',
      kind: 'promql',
      expr: 'x',
      forSeconds: 120,
      intervalSeconds: 60,
    });
    vector = [{ labels: { job: 'a' }, value: 1 }];
    await round();
    t.clock.advance(m);
    await round();
    // Another instance (a restarted service) on the same database, later.
    const clock = t.clock;
    const other = await t.openAnother(clock);
    try {
      replaceAlertRulePorts(other.ctx, {
        evaluate: async () => vector,
        send: async (_c, alerts, origin) => {
          sent.push({ alerts: [...alerts], origin, at: clock.now() });
          return { accepted: alerts.length, rejected: [] };
        },
      });
      clock.advance(m);
      const r = await evaluateDueRules(other.ctx);
      expect(r.evaluated).toBe(1);
      expect((await getAlertRule(other.ctx, rule.id)).state).toBe('firing');
      expect(sent).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('check rules: down for N consecutive checks → alerts with alertname, target, check, severity', async () => {
    const check = await insertCheck(t);
    const byTag = await createAlertRule(t.ctx, null, {
      name: 'SiteDown',
      kind: 'check',
      check: { tags: ['env:prod'], downAfter: 3 },
      severity: 'critical',
      annotations: { summary: '{{ $labels.target }} failed {{ $value }} checks in a row' },
    });
    await round();
    expect(await states(byTag.id)).toEqual([]);
    await t.ctx.db
      .updateTable('monitoring_checks')
      .set({ consecutive_failures: 3, state: 'down' })
      .where('id', '=', check.id)
      .execute();
    await evaluateDueRules(t.ctx, { checksOnly: true });
    expect(await states(byTag.id)).toEqual(['firing']);
    expect(sent[0]?.origin).toBe('check');
    expect(sent[0]?.alerts[0]?.labels).toEqual({
      alertname: 'SiteDown',
      target: 'intranet',
      check: 'https',
      severity: 'critical',
    });
    expect(sent[0]?.alerts[0]?.annotations.summary).toBe('intranet failed 3 checks in a row');
    await t.ctx.db
      .updateTable('monitoring_checks')
      .set({ consecutive_failures: 0, state: 'up' })
      .where('id', '=', check.id)
      .execute();
    await evaluateDueRules(t.ctx, { checksOnly: true });
    expect(await states(byTag.id)).toEqual(['inactive']);
  });

  it('a group has one interval; a changed expression starts its alerts afresh, a changed label keeps them', async () => {
    const a = await createAlertRule(t.ctx, null, { name: 'A', kind: 'promql', expr: 'x', group: 'g' });
    const b = await createAlertRule(t.ctx, null, {
      name: 'B',
      kind: 'promql',
      expr: 'x',
      group: 'g',
      intervalSeconds: 15,
    });
    expect((await getAlertRule(t.ctx, a.id)).intervalSeconds).toBe(15);
    expect(b.nextEvaluationAt).toBe(a.nextEvaluationAt);
    vector = [{ labels: { job: 'a' }, value: 1 }];
    await round();
    await updateAlertRule(t.ctx, null, a.id, { annotations: { summary: 'changed' } });
    expect(await states(a.id)).toEqual(['firing']);
    await updateAlertRule(t.ctx, null, a.id, { expr: 'y' });
    expect(await states(a.id)).toEqual([]);
  });

  // Several instances share PostgreSQL only; on SQLite the service is one process.
  if (dialect === 'postgres')
    it('two instances evaluating at once send each alert once', async () => {
      await createAlertRule(t.ctx, null, { name: 'Once', kind: 'promql', expr: 'x' });
      vector = [{ labels: { job: 'a' }, value: 1 }];
      const other = await t.openAnother(t.clock);
      try {
        replaceAlertRulePorts(other.ctx, alertRulePorts(t.ctx));
        const results = await Promise.all([evaluateDueRules(t.ctx), evaluateDueRules(other.ctx)]);
        expect(results.map((r) => r.evaluated).sort()).toEqual([0, 1]);
        expect(sent).toHaveLength(1);
      } finally {
        await other.close();
      }
    });

  it("a check's state change evaluates the check rules at once, between rounds", async () => {
    const jobs = new JobScheduler(pino({ level: 'silent' }));
    const runner = registerAlertRules(t.ctx, jobs);
    try {
      const check = await insertCheck(t);
      const rule = await createAlertRule(t.ctx, null, {
        name: 'SiteDown',
        kind: 'check',
        check: { targetId: check.targetId, downAfter: 2 },
      });
      await evaluateDueRules(t.ctx); // the round: nothing down; the next is a minute away
      expect(await states(rule.id)).toEqual([]);
      const at = t.clock.now();
      await t.ctx.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('monitoring_checks')
          .set({ consecutive_failures: 2, state: 'down' })
          .where('id', '=', check.id)
          .execute();
        await t.ctx.events.record(trx, [
          {
            type: 'check.state_changed',
            subjectType: 'monitoring_check',
            subjectId: check.id,
            actorId: null,
            payload: {
              checkId: check.id,
              targetId: check.targetId,
              from: 'up',
              to: 'down',
              message: 'refused',
              at,
            },
          },
        ]);
      });
      await t.ctx.events.dispatchPending();
      await new Promise((r) => setTimeout(r, 20));
      await runner.idle();
      expect(await states(rule.id)).toEqual(['firing']);
      expect(sent[0]?.origin).toBe('check');
    } finally {
      await jobs.stop();
    }
  });
});
