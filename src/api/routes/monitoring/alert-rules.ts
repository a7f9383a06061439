// Alert rules: CRUD under /api/v1/monitoring/rules (the expression validated, 400 with its position), the rule
// editor's preview, and the rules and alerts in Prometheus's HTTP API shapes (/api/v1/prom/rules, /prom/alerts) for
// Grafana. Thin: schema → actor → requireMonitor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  type AlertRule,
  alertRuleLimits,
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  previewRule,
  promAlerts,
  promRuleGroups,
  type RuleAlert,
  requireMonitor,
  updateAlertRule,
} from '../../../monitoring/index.js';
import { requireActor } from '../../authentication.js';
import { IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';

const L = alertRuleLimits;
const TextMap = (max: number) =>
  Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 16_384 }), { maxProperties: max });
const CheckSelectorBody = Type.Object(
  {
    targetId: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 2_147_483_647 }))),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: L.tags })),
    downAfter: Type.Integer({ minimum: 1, maximum: L.maxDownAfter, description: 'failures in a row' }),
  },
  { additionalProperties: false },
);
const RuleFields = {
  name: Type.String({ minLength: 1, maxLength: L.name, description: 'the alertname' }),
  kind: Type.Union([Type.Literal('promql'), Type.Literal('check'), Type.Literal('anomaly')], {
    description:
      'promql: an expression; check: a target’s checks down N times in a row; anomaly: each new sample of the series a selector names scored by a streaming anomaly detector',
  }),
  expr: Type.Optional(Type.String({ maxLength: L.expr })),
  threshold: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      description: 'kind anomaly: the score (0–1] from which a series is anomalous',
    }),
  ),
  check: Type.Optional(CheckSelectorBody),
  forSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: L.maxHoldSeconds })),
  keepFiringForSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: L.maxHoldSeconds })),
  labels: Type.Optional(TextMap(L.labels)),
  annotations: Type.Optional(TextMap(L.annotations)),
  severity: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: L.severity }))),
  group: Type.Optional(Type.String({ minLength: 1, maxLength: L.group })),
  intervalSeconds: Type.Optional(
    Type.Integer({ minimum: L.minIntervalSeconds, maximum: L.maxIntervalSeconds }),
  ),
  enabled: Type.Optional(Type.Boolean()),
};
const RuleBody = Type.Object(RuleFields, { additionalProperties: false });
const RulePatch = Type.Partial(Type.Object(RuleFields), { additionalProperties: false, minProperties: 1 });

const State = Type.Union([Type.Literal('pending'), Type.Literal('firing'), Type.Literal('inactive')]);
const AlertSchema = Type.Object({
  fingerprint: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  annotations: Type.Record(Type.String(), Type.String()),
  state: State,
  activeAt: IsoTime,
  firedAt: Nullable(IsoTime),
  resolvedAt: Nullable(IsoTime),
  keepFiringSince: Nullable(IsoTime),
  lastSentAt: Nullable(IsoTime),
  value: Type.String({ description: 'as Prometheus writes it: NaN, +Inf, 0.5' }),
});
const RuleSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('promql'), Type.Literal('check'), Type.Literal('anomaly')]),
  expr: Type.String(),
  threshold: Nullable(Type.Number()),
  check: Nullable(
    Type.Object({
      targetId: Type.Optional(Nullable(Type.Integer())),
      tags: Type.Optional(Type.Array(Type.String())),
      downAfter: Type.Integer(),
    }),
  ),
  forSeconds: Type.Integer(),
  keepFiringForSeconds: Type.Integer(),
  labels: Type.Record(Type.String(), Type.String()),
  annotations: Type.Record(Type.String(), Type.String()),
  severity: Nullable(Type.String()),
  group: Type.String(),
  intervalSeconds: Type.Integer(),
  enabled: Type.Boolean(),
  state: State,
  health: Type.Union([Type.Literal('unknown'), Type.Literal('ok'), Type.Literal('err')]),
  lastError: Nullable(Type.String()),
  lastEvaluatedAt: Nullable(IsoTime),
  lastEvaluationMs: Nullable(Type.Number()),
  nextEvaluationAt: IsoTime,
  createdAt: IsoTime,
  updatedAt: IsoTime,
  alerts: Type.Array(AlertSchema),
});

const PreviewBody = Type.Object(
  {
    expr: Type.Optional(Type.String({ minLength: 1, maxLength: L.expr })),
    check: Type.Optional(CheckSelectorBody),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);
const PreviewSchema = Type.Object({
  at: IsoTime,
  result: Type.Array(
    Type.Object({ metric: Type.Record(Type.String(), Type.String()), value: Type.String() }),
  ),
});

const Labels = Type.Record(Type.String(), Type.String());
const PromAlertSchema = Type.Object({
  labels: Labels,
  annotations: Labels,
  state: Type.String(),
  activeAt: Type.String(),
  keepFiringSince: Type.Optional(Type.String()),
  value: Type.String(),
});
const PromRulesSchema = Type.Object({
  status: Type.Literal('success'),
  data: Type.Object({
    groups: Type.Array(
      Type.Object({
        name: Type.String(),
        file: Type.String(),
        rules: Type.Array(
          Type.Object({
            state: Type.String(),
            name: Type.String(),
            query: Type.String(),
            duration: Type.Number(),
            keepFiringFor: Type.Number(),
            labels: Labels,
            annotations: Labels,
            alerts: Type.Array(PromAlertSchema),
            health: Type.String(),
            lastError: Type.Optional(Type.String()),
            evaluationTime: Type.Number(),
            lastEvaluation: Type.String(),
            type: Type.String(),
          }),
        ),
        interval: Type.Number(),
        limit: Type.Number(),
        evaluationTime: Type.Number(),
        lastEvaluation: Type.String(),
      }),
    ),
  }),
});
const PromAlertsSchema = Type.Object({
  status: Type.Literal('success'),
  data: Type.Object({ alerts: Type.Array(PromAlertSchema) }),
});

/** A value as Prometheus's API writes sample values (strconv 'f', -1): NaN, +Inf, -Inf, 0.5. */
function valueText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}
const isoOrNull = (ms: number | null) => (ms === null ? null : toIso(ms));

function alertView(a: RuleAlert): Static<typeof AlertSchema> {
  return {
    fingerprint: a.fingerprint,
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: toIso(a.activeAt),
    firedAt: isoOrNull(a.firedAt),
    resolvedAt: isoOrNull(a.resolvedAt),
    keepFiringSince: isoOrNull(a.keepFiringSince),
    lastSentAt: isoOrNull(a.lastSentAt),
    value: valueText(a.value),
  };
}

function ruleView(r: AlertRule & { alerts: RuleAlert[] }): Static<typeof RuleSchema> {
  return {
    ...r,
    lastEvaluatedAt: isoOrNull(r.lastEvaluatedAt),
    nextEvaluationAt: toIso(r.nextEvaluationAt),
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
    alerts: r.alerts.map(alertView),
  };
}

export function alertRuleRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/monitoring/rules',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Alert rules with their alerts, by group and name (staff)',
          response: { 200: Type.Object({ items: Type.Array(RuleSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'rule.read');
        return { items: (await listAlertRules(ctx)).map(ruleView) };
      },
    );
    app.post(
      '/api/v1/monitoring/rules',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Define an alert rule (managers); an invalid expression is a 400 with its position',
          body: RuleBody,
          response: { 201: RuleSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'rule.manage');
        return reply.code(201).send(ruleView(await createAlertRule(ctx, actor.id, request.body)));
      },
    );
    app.post(
      '/api/v1/monitoring/rules/preview',
      {
        schema: {
          tags: ['monitoring'],
          summary:
            "What an expression (or a check rule's selector) returns now: the rule editor's preview (staff)",
          body: PreviewBody,
          response: { 200: PreviewSchema, ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'rule.read');
        const preview = await previewRule(ctx, request.body);
        return {
          at: toIso(preview.at),
          result: preview.samples.map((s) => ({ metric: s.labels, value: valueText(s.value) })),
        };
      },
    );
    app.get(
      '/api/v1/monitoring/rules/:id',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'One alert rule with its alerts, health and last error (staff)',
          params: IdParams,
          response: { 200: RuleSchema, ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'rule.read');
        return ruleView(await getAlertRule(ctx, request.params.id));
      },
    );
    app.patch(
      '/api/v1/monitoring/rules/:id',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Change an alert rule (managers); a changed expression starts its alerts afresh',
          params: IdParams,
          body: RulePatch,
          response: { 200: RuleSchema, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'rule.manage');
        return ruleView(await updateAlertRule(ctx, actor.id, request.params.id, request.body));
      },
    );
    app.delete(
      '/api/v1/monitoring/rules/:id',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Delete an alert rule and its alerts (managers)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'rule.manage');
        await deleteAlertRule(ctx, actor.id, request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/api/v1/prom/rules',
      {
        schema: {
          tags: ['monitoring'],
          summary: "The alert rules in Prometheus's GET /api/v1/rules shape (for Grafana; staff)",
          querystring: Type.Object({ type: Type.Optional(Type.String({ maxLength: 10 })) }),
          response: { 200: PromRulesSchema, ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'rule.read');
        // There are no recording rules.
        const groups = request.query.type === 'record' ? [] : await promRuleGroups(ctx);
        return { status: 'success' as const, data: { groups } };
      },
    );
    app.get(
      '/api/v1/prom/alerts',
      {
        schema: {
          tags: ['monitoring'],
          summary: "Pending and firing rule alerts in Prometheus's GET /api/v1/alerts shape (staff)",
          response: { 200: PromAlertsSchema, ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'rule.read');
        return { status: 'success' as const, data: { alerts: await promAlerts(ctx) } };
      },
    );
  };
}
