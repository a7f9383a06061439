// Monitoring targets and their checks, and the status board. Read with target.read (staff), change with
// target.manage (managers). Thin: schema → actor → requireMonitor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  type BoardTarget,
  type Check,
  type CheckSpec,
  checkHistory,
  checkKinds,
  checkLimits,
  createCheck,
  createTarget,
  deleteCheck,
  deleteTarget,
  getCheck,
  getTarget,
  listChecks,
  listTargets,
  requireMonitor,
  rotateHeartbeatToken,
  runCheckNow,
  statusBoard,
  type Target,
  targetLimits,
  targetUptimes,
  updateCheck,
  updateTarget,
} from '../../../monitoring/index.js';
import { requireActor } from '../../authentication.js';
import { Cursor, Id, IdParams, IsoTime, Limit, Nullable, problemResponses } from '../../schemas.js';
import { decodeIdCursor, idPage } from '../paging.js';

const tags = ['monitoring'];
const StateSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('up'),
  Type.Literal('down'),
  Type.Literal('paused'),
]);
const KindSchema = Type.Union([Type.Literal('host'), Type.Literal('service')]);
const Tag = Type.String({ minLength: 1, maxLength: targetLimits.tag, description: '"key" or "key:value"' });

const TargetBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: targetLimits.name }),
  kind: KindSchema,
  address: Type.Optional(Nullable(Type.String({ maxLength: targetLimits.address }))),
  description: Type.Optional(Type.String({ maxLength: targetLimits.description })),
  tags: Type.Optional(Type.Array(Tag, { maxItems: targetLimits.tags })),
  groupId: Type.Optional(Nullable(Id)),
  escalationPolicyId: Type.Optional(Nullable(Id)),
  serviceId: Type.Optional(Nullable(Id)),
  parentIds: Type.Optional(
    Type.Array(Id, {
      maxItems: targetLimits.parents,
      description: 'targets this one depends on: while one is down, its new alerts are held back',
    }),
  ),
});
const UptimeSchema = Type.Object({
  h24: Nullable(Type.Number()),
  d7: Nullable(Type.Number()),
  d30: Nullable(Type.Number()),
  d90: Nullable(Type.Number()),
});
const TargetSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: KindSchema,
  address: Nullable(Type.String()),
  description: Type.String(),
  tags: Type.Array(Type.String()),
  groupId: Nullable(Type.Integer()),
  escalationPolicyId: Nullable(Type.Integer()),
  serviceId: Nullable(Type.Integer()),
  parentIds: Type.Array(Type.Integer()),
  state: StateSchema,
  stateSince: IsoTime,
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const TargetDetailSchema = Type.Composite([
  TargetSchema,
  Type.Object({
    uptime: Type.Object({ ...UptimeSchema.properties }, { description: 'percent up, null: no data' }),
  }),
]);

const SpecSchema = Type.Object(
  { kind: Type.Union(checkKinds.map((k) => Type.Literal(k))) },
  {
    additionalProperties: true,
    description: "the kind's settings (check-model.ts); secrets are never returned",
  },
);
const CheckBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: checkLimits.name }),
  spec: SpecSchema,
  intervalSeconds: Type.Integer({
    minimum: checkLimits.minIntervalSeconds,
    maximum: checkLimits.maxIntervalSeconds,
  }),
  timeoutSeconds: Type.Integer({
    minimum: checkLimits.minTimeoutSeconds,
    maximum: checkLimits.maxIntervalSeconds,
  }),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: checkLimits.maxRetries })),
  enabled: Type.Optional(Type.Boolean()),
});
const RecentSchema = Type.Array(Type.Array(Type.Number(), { minItems: 3, maxItems: 3 }), {
  description: 'the last runs, oldest first: [epoch ms, latency ms, ok 1|0]',
});
const CheckSchema = Type.Object({
  id: Type.Integer(),
  targetId: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  spec: SpecSchema,
  intervalSeconds: Type.Integer(),
  timeoutSeconds: Type.Integer(),
  retries: Type.Integer(),
  enabled: Type.Boolean(),
  state: StateSchema,
  stateSince: IsoTime,
  consecutiveFailures: Type.Integer(),
  lastRunAt: Nullable(IsoTime),
  lastOk: Nullable(Type.Boolean()),
  lastLatencyMs: Nullable(Type.Number()),
  lastMessage: Type.String(),
  recentResults: RecentSchema,
  nextRunAt: IsoTime,
  lastBeatAt: Nullable(IsoTime),
  notRunningSince: Nullable(IsoTime),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const CreatedCheckSchema = Type.Composite([
  CheckSchema,
  Type.Object({
    heartbeatToken: Nullable(
      Type.String({
        description: 'heartbeat checks: the push URL is /api/v1/heartbeats/{token}; shown this once',
      }),
    ),
  }),
]);
const ResultSchema = Type.Object({
  ok: Type.Boolean(),
  latencyMs: Type.Number(),
  message: Type.String(),
  metrics: Type.Array(
    Type.Object({
      name: Type.String(),
      labels: Type.Optional(Type.Record(Type.String(), Type.String())),
      value: Type.Number(),
    }),
  ),
});
const BoardSchema = Type.Object({
  at: IsoTime,
  targets: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      kind: KindSchema,
      tags: Type.Array(Type.String()),
      groupId: Nullable(Type.Integer()),
      state: StateSchema,
      stateSince: IsoTime,
      uptime24h: Nullable(Type.Number()),
      checks: Type.Array(
        Type.Object({
          id: Type.Integer(),
          name: Type.String(),
          kind: Type.String(),
          enabled: Type.Boolean(),
          state: StateSchema,
          lastRunAt: Nullable(IsoTime),
          lastOk: Nullable(Type.Boolean()),
          lastLatencyMs: Nullable(Type.Number()),
          lastMessage: Type.String(),
          notRunningSince: Nullable(IsoTime),
          recentResults: RecentSchema,
        }),
      ),
    }),
  ),
});

function targetView(t: Target) {
  return {
    ...t,
    stateSince: toIso(t.stateSince),
    createdAt: toIso(t.createdAt),
    updatedAt: toIso(t.updatedAt),
  };
}

function checkView(c: Check) {
  return {
    ...c,
    stateSince: toIso(c.stateSince),
    lastRunAt: toIso(c.lastRunAt),
    nextRunAt: toIso(c.nextRunAt),
    lastBeatAt: toIso(c.lastBeatAt),
    notRunningSince: toIso(c.notRunningSince),
    createdAt: toIso(c.createdAt),
    updatedAt: toIso(c.updatedAt),
  };
}

/** Exactly the board schema's fields, named one by one: the board is serialised without the schema (see below). */
function boardView(t: BoardTarget) {
  return {
    id: t.id,
    name: t.name,
    kind: t.kind,
    tags: t.tags,
    groupId: t.groupId,
    state: t.state,
    stateSince: toIso(t.stateSince),
    uptime24h: t.uptime24h,
    checks: t.checks.map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      enabled: c.enabled,
      state: c.state,
      lastRunAt: toIso(c.lastRunAt),
      lastOk: c.lastOk,
      lastLatencyMs: c.lastLatencyMs,
      lastMessage: c.lastMessage,
      notRunningSince: toIso(c.notRunningSince),
      recentResults: c.recentResults,
    })),
  };
}

export function monitoringTargetRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/monitoring/targets',
      {
        schema: {
          tags,
          summary: 'Monitoring targets by id, filtered (staff)',
          querystring: Type.Object({
            state: Type.Optional(StateSchema),
            tag: Type.Optional(Tag),
            groupId: Type.Optional(Id),
            search: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({ items: Type.Array(TargetSchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'target.read');
        const { limit, cursor, ...filter } = request.query;
        const items = await listTargets(ctx, {
          ...filter,
          limit,
          afterId: cursor ? decodeIdCursor(cursor) : undefined,
        });
        return idPage(items, limit, targetView);
      },
    );
    app.post(
      '/api/v1/monitoring/targets',
      {
        schema: {
          tags,
          summary: 'Add a monitoring target (managers)',
          body: TargetBody,
          response: { 201: TargetSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'target.manage');
        return reply.code(201).send(targetView(await createTarget(ctx, actor, request.body)));
      },
    );
    app.get(
      '/api/v1/monitoring/targets/:id',
      {
        schema: {
          tags,
          summary: 'One monitoring target with its uptime over 24 h, 7, 30 and 90 days (staff)',
          params: IdParams,
          response: { 200: TargetDetailSchema, ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'target.read');
        const target = await getTarget(ctx, request.params.id);
        const uptime = (await targetUptimes(ctx, [target.id], ctx.clock.now())).get(target.id);
        return { ...targetView(target), uptime: uptime ?? { h24: null, d7: null, d30: null, d90: null } };
      },
    );
    app.patch(
      '/api/v1/monitoring/targets/:id',
      {
        schema: {
          tags,
          summary: 'Change a monitoring target (managers)',
          params: IdParams,
          body: Type.Partial(TargetBody, { minProperties: 1 }),
          response: { 200: TargetSchema, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'target.manage');
        return targetView(await updateTarget(ctx, actor, request.params.id, request.body));
      },
    );
    app.delete(
      '/api/v1/monitoring/targets/:id',
      {
        schema: {
          tags,
          summary: 'Delete a monitoring target with its checks and their history (managers)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'target.manage');
        await deleteTarget(ctx, actor, request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/api/v1/monitoring/targets/:id/checks',
      {
        schema: {
          tags,
          summary: "A target's checks (staff)",
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(CheckSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'target.read');
        return { items: (await listChecks(ctx, request.params.id)).map(checkView) };
      },
    );
    app.post(
      '/api/v1/monitoring/targets/:id/checks',
      {
        schema: {
          tags,
          summary: 'Add a check to a target (managers); a heartbeat check answers its token once',
          params: IdParams,
          body: CheckBody,
          response: { 201: CreatedCheckSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'target.manage');
        const { check, heartbeatToken } = await createCheck(ctx, actor, request.params.id, {
          ...request.body,
          spec: request.body.spec as CheckSpec,
        });
        return reply.code(201).send({ ...checkView(check), heartbeatToken });
      },
    );
    app.get(
      '/api/v1/monitoring/checks/:id',
      {
        schema: {
          tags,
          summary: 'One check, with when it last ran (staff)',
          params: IdParams,
          response: { 200: CheckSchema, ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'target.read');
        return checkView(await getCheck(ctx, request.params.id));
      },
    );
    app.patch(
      '/api/v1/monitoring/checks/:id',
      {
        schema: {
          tags,
          summary: 'Change a check (managers); enabled false pauses it',
          params: IdParams,
          body: Type.Partial(CheckBody, { minProperties: 1 }),
          response: { 200: CheckSchema, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'target.manage');
        const { spec, ...rest } = request.body;
        return checkView(
          await updateCheck(ctx, actor, request.params.id, {
            ...rest,
            ...(spec ? { spec: spec as CheckSpec } : {}),
          }),
        );
      },
    );
    app.delete(
      '/api/v1/monitoring/checks/:id',
      {
        schema: {
          tags,
          summary: 'Delete a check and its history (managers)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'target.manage');
        await deleteCheck(ctx, actor, request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/v1/monitoring/checks/:id/heartbeat-token',
      {
        schema: {
          tags,
          summary:
            "A heartbeat check's push URL made anew (managers): answers the new token this once; the old one is refused from now on",
          params: IdParams,
          response: {
            200: Type.Object({ check: CheckSchema, heartbeatToken: Type.String() }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'target.manage');
        const { check, heartbeatToken } = await rotateHeartbeatToken(ctx, actor, request.params.id);
        return { check: checkView(check), heartbeatToken: heartbeatToken as string };
      },
    );
    app.post(
      '/api/v1/monitoring/checks/:id/run',
      {
        schema: {
          tags,
          summary: 'Run a check now and answer its result (managers); 409 while a run is under way',
          params: IdParams,
          response: { 200: Type.Object({ result: ResultSchema, check: CheckSchema }), ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'target.manage');
        const { result, check } = await runCheckNow(ctx, request.params.id);
        return { result, check: checkView(check) };
      },
    );
    app.get(
      '/api/v1/monitoring/checks/:id/history',
      {
        schema: {
          tags,
          summary: "A check's state changes, newest first, and its uptime (staff)",
          params: IdParams,
          querystring: Type.Object({
            from: Type.Optional(IsoTime),
            to: Type.Optional(IsoTime),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          }),
          response: {
            200: Type.Object({
              changes: Type.Array(Type.Object({ at: IsoTime, state: StateSchema, message: Type.String() })),
              uptime: UptimeSchema,
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'target.read');
        const now = ctx.clock.now();
        const { from, to, limit } = request.query;
        const h = await checkHistory(ctx, request.params.id, {
          from: from ? Date.parse(from) : now - 90 * 86_400_000,
          to: to ? Date.parse(to) : now + 1,
          limit,
        });
        return { ...h, changes: h.changes.map((c) => ({ ...c, at: toIso(c.at) })) };
      },
    );
    app.get(
      '/api/v1/monitoring/board',
      {
        schema: {
          tags,
          summary:
            'The status board: every target with state, 24 h uptime and its checks with sparklines (staff)',
          response: { 200: BoardSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        requireMonitor(requireActor(request), 'target.read');
        const board = await statusBoard(ctx);
        // 10,000 targets with 30-run sparklines are ~10 MB: the schema's serialiser takes seconds over 300,000 small
        // arrays, JSON.stringify a fraction of that. The view names exactly the schema's fields (boardView), so
        // nothing unlisted can leak; the schema stays the documented shape.
        return reply
          .type('application/json; charset=utf-8')
          .send(JSON.stringify({ at: toIso(board.at), targets: board.targets.map(boardView) }));
      },
    );
  };
}
