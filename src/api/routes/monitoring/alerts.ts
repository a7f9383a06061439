// Alerts, silences and the routing document (Alertmanager's shapes where it has them): alerts with their status
// (active, or suppressed and why), silences listed, made and expired by staff, and the route tree replaced whole by
// managers. Thin: schema → actor → requireMonitor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  createSilence,
  expireSilence,
  getAlertRouting,
  listAlertGroups,
  listAlerts,
  listSilences,
  type RoutingDocument,
  replaceAlertRouting,
  requireMonitor,
  type Silence,
  type StoredRouting,
} from '../../../monitoring/index.js';
import { requireActor } from '../../authentication.js';
import { IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';

const LabelSet = Type.Record(Type.String(), Type.String());
const Text = (maxLength: number) => Type.String({ maxLength });
const Names = Type.Array(Text(256), { maxItems: 64 });

const MuteReasonSchema = Type.Object({
  kind: Type.Union(
    ['silenced', 'inhibited', 'flapping', 'maintenance', 'parent_down'].map((k) => Type.Literal(k)),
  ),
  silenceIds: Type.Optional(Type.Array(Type.Integer())),
  by: Type.Optional(Type.Array(Type.String(), { description: 'fingerprints of the inhibiting alerts' })),
});

const AlertSchema = Type.Object({
  fingerprint: Type.String(),
  labels: LabelSet,
  annotations: LabelSet,
  startsAt: IsoTime,
  endsAt: Nullable(IsoTime),
  resolvesAt: IsoTime,
  updatedAt: IsoTime,
  generatorUrl: Type.String(),
  targetId: Nullable(Type.Integer()),
  state: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  status: Type.Union([Type.Literal('active'), Type.Literal('suppressed'), Type.Literal('resolved')]),
  mutedBy: Type.Array(MuteReasonSchema),
});

const SilenceSchema = Type.Object({
  id: Type.Integer(),
  matchers: Type.Array(
    Type.Object({
      name: Type.String(),
      op: Type.Union([Type.Literal('='), Type.Literal('!='), Type.Literal('=~'), Type.Literal('!~')]),
      value: Type.String(),
    }),
  ),
  startsAt: IsoTime,
  endsAt: IsoTime,
  createdBy: Nullable(Type.Integer()),
  comment: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('expired')]),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

const SilenceBody = Type.Object({
  matchers: Type.Array(Text(1024), {
    minItems: 1,
    maxItems: 32,
    description: 'Alertmanager matchers: name="value", name!="value", name=~"regex", name!~"regex"',
  }),
  startsAt: Type.Optional(IsoTime),
  endsAt: IsoTime,
  comment: Type.String({ minLength: 1, maxLength: 1024 }),
});

const StateQuery = <T extends string>(states: T[]) =>
  Type.Object({ state: Type.Optional(Type.Union(states.map((s) => Type.Literal(s)))) });

/** Alertmanager's route, recursive: children are routes. */
const RouteSchema = Type.Recursive(
  (Self) =>
    Type.Object(
      {
        receiver: Type.Optional(Text(256)),
        group_by: Type.Optional(Names),
        continue: Type.Optional(Type.Boolean()),
        matchers: Type.Optional(Type.Array(Text(1024), { maxItems: 64 })),
        match: Type.Optional(LabelSet),
        match_re: Type.Optional(LabelSet),
        group_wait: Type.Optional(Text(32)),
        group_interval: Type.Optional(Text(32)),
        repeat_interval: Type.Optional(Text(32)),
        mute_time_intervals: Type.Optional(Names),
        active_time_intervals: Type.Optional(Names),
        routes: Type.Optional(Type.Array(Self, { maxItems: 200 })),
      },
      { additionalProperties: false },
    ),
  { $id: 'AlertRoute' },
);

const ReceiverSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    incident_configs: Type.Optional(
      Type.Array(
        Type.Object(
          {
            service_id: Type.Optional(Type.Integer({ minimum: 1 })),
            open_ticket: Type.Optional(Type.Boolean()),
            resolve_incident: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
    webhook_configs: Type.Optional(
      Type.Array(
        Type.Object(
          {
            url: Type.String({ minLength: 1, maxLength: 2048 }),
            send_resolved: Type.Optional(Type.Boolean()),
            max_alerts: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
    email_configs: Type.Optional(
      Type.Array(
        Type.Object(
          { to: Type.String({ minLength: 3, maxLength: 320 }), send_resolved: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
  },
  { additionalProperties: false },
);

const TimeIntervalSchema = Type.Object(
  {
    times: Type.Optional(
      Type.Array(Type.Object({ start_time: Text(5), end_time: Text(5) }, { additionalProperties: false }), {
        maxItems: 48,
      }),
    ),
    weekdays: Type.Optional(Names),
    days_of_month: Type.Optional(Names),
    months: Type.Optional(Names),
    years: Type.Optional(Names),
    location: Type.Optional(Text(64)),
  },
  { additionalProperties: false },
);

const RoutingDocumentSchema = Type.Object(
  {
    route: RouteSchema,
    receivers: Type.Array(ReceiverSchema, { minItems: 1, maxItems: 200 }),
    inhibit_rules: Type.Optional(
      Type.Array(
        Type.Object(
          {
            source_matchers: Type.Array(Text(1024), { maxItems: 32 }),
            target_matchers: Type.Array(Text(1024), { maxItems: 32 }),
            equal: Type.Optional(Names),
          },
          { additionalProperties: false },
        ),
        { maxItems: 200 },
      ),
    ),
    time_intervals: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 256 }),
            time_intervals: Type.Array(TimeIntervalSchema, { maxItems: 64 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 200 },
      ),
    ),
  },
  { additionalProperties: false },
);

const StoredRoutingSchema = Type.Object({
  document: RoutingDocumentSchema,
  updatedAt: Nullable(IsoTime),
  updatedBy: Nullable(Type.Integer()),
});

function silenceView(s: Silence) {
  return {
    ...s,
    startsAt: toIso(s.startsAt),
    endsAt: toIso(s.endsAt),
    createdAt: toIso(s.createdAt),
    updatedAt: toIso(s.updatedAt),
  };
}

function routingView(r: StoredRouting) {
  return { ...r, updatedAt: toIso(r.updatedAt) };
}

export function alertRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/monitoring/alerts',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Alerts with their status: active, or suppressed and why (staff)',
          querystring: StateQuery(['firing', 'resolved']),
          response: { 200: Type.Object({ items: Type.Array(AlertSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'alert.read');
        const alerts = await listAlerts(ctx, actor, { state: request.query.state });
        return {
          items: alerts.map((a) => ({
            ...a,
            startsAt: toIso(a.startsAt),
            endsAt: toIso(a.endsAt),
            resolvesAt: toIso(a.resolvesAt),
            updatedAt: toIso(a.updatedAt),
          })),
        };
      },
    );
    app.get(
      '/api/v1/monitoring/alert-groups',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Aggregation groups: their timers, last notification, incident and last failure (staff)',
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Type.Integer(),
                  groupKey: Type.String(),
                  receiver: Type.String(),
                  groupLabels: LabelSet,
                  alertCount: Type.Integer(),
                  nextFlushAt: IsoTime,
                  lastNotifiedAt: Nullable(IsoTime),
                  incidentId: Nullable(Type.Integer()),
                  lastError: Nullable(Type.String()),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'alert.read');
        const groups = await listAlertGroups(ctx, actor);
        return {
          items: groups.map((g) => ({
            ...g,
            nextFlushAt: toIso(g.nextFlushAt),
            lastNotifiedAt: toIso(g.lastNotifiedAt),
          })),
        };
      },
    );
    app.get(
      '/api/v1/monitoring/silences',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Silences, newest first (staff)',
          querystring: StateQuery(['pending', 'active', 'expired']),
          response: { 200: Type.Object({ items: Type.Array(SilenceSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'alert.read');
        return { items: (await listSilences(ctx, actor, { state: request.query.state })).map(silenceView) };
      },
    );
    app.post(
      '/api/v1/monitoring/silences',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Silence the alerts every matcher matches, from startsAt (now) until endsAt (staff)',
          body: SilenceBody,
          response: { 201: SilenceSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'silence.manage');
        const b = request.body;
        const silence = await createSilence(ctx, actor, {
          matchers: b.matchers,
          startsAt: b.startsAt === undefined ? undefined : Date.parse(b.startsAt),
          endsAt: Date.parse(b.endsAt),
          comment: b.comment,
        });
        return reply.code(201).send(silenceView(silence));
      },
    );
    app.post(
      '/api/v1/monitoring/silences/:id/expire',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'End a silence now (staff)',
          params: IdParams,
          response: { 200: SilenceSchema, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'silence.manage');
        return silenceView(await expireSilence(ctx, actor, request.params.id));
      },
    );
    app.get(
      '/api/v1/monitoring/alert-routing',
      {
        schema: {
          tags: ['monitoring'],
          summary:
            "The routing document: Alertmanager's route tree, receivers, inhibit_rules, time_intervals (managers)",
          response: { 200: StoredRoutingSchema, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'routing.manage');
        return routingView(await getAlertRouting(ctx, actor));
      },
    );
    app.put(
      '/api/v1/monitoring/alert-routing',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Replace the routing document, checked whole (managers)',
          body: RoutingDocumentSchema,
          response: { 200: StoredRoutingSchema, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'routing.manage');
        return routingView(
          await replaceAlertRouting(
            ctx,
            actor,
            request.body as Static<typeof RoutingDocumentSchema> as RoutingDocument,
          ),
        );
      },
    );
  };
}
