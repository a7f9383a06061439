// On-call schedule routes: the schedules themselves, who is on call in one at an instant, its final schedule
// with each layer's stretches (the calendar view) and its coverage report. Thin: schema → actor → one domain
// call → view with ISO times.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  createSchedule,
  deleteSchedule,
  finalScheduleView,
  getSchedule,
  listSchedules,
  type ScheduleLayer,
  type ScheduleOnCall,
  scheduleOnCall,
  scheduleReport,
  updateSchedule,
  userNames,
} from '../../../oncall/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, problemResponses } from '../../schemas.js';
import {
  OnCallSchema,
  RangeQuery,
  ScheduleBody,
  ScheduleSchema,
  SegmentSchema,
  scheduleView,
  segmentView,
} from './schedule-schemas.js';

const weekMs = 7 * 86_400_000;

export function onCallView(a: ScheduleOnCall, names: Map<number, string>) {
  return {
    scheduleId: a.scheduleId,
    scheduleName: a.scheduleName,
    at: toIso(a.at),
    userId: a.userId,
    userName: a.userId === null ? null : (names.get(a.userId) ?? null),
    start: toIso(a.start),
    end: toIso(a.end),
    source: a.source,
  };
}

/** [from, to) from a query, defaulting to `span` from now. */
export function rangeOf(ctx: ServiceContext, q: { from?: string; to?: string }, span: number) {
  const from = q.from ? Date.parse(q.from) : ctx.clock.now();
  const to = q.to ? Date.parse(q.to) : from + span;
  return { from, to };
}

export function scheduleRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/schedules',
      {
        schema: {
          tags: ['oncall'],
          summary: 'On-call schedules, by name (optionally one team’s)',
          querystring: Type.Object({ teamId: Type.Optional(Id) }),
          response: { 200: Type.Object({ items: Type.Array(ScheduleSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listSchedules(ctx, requireActor(request), { teamId: request.query.teamId })).map(
          scheduleView,
        ),
      }),
    );
    app.post(
      '/api/v1/schedules',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Build an on-call schedule: a zone, layers of rotations or shifts (a higher layer wins)',
          body: ScheduleBody,
          response: { 201: ScheduleSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const s = await createSchedule(ctx, requireActor(request), {
          ...b,
          layers: b.layers as ScheduleLayer[],
        });
        return reply.code(201).send(scheduleView(s));
      },
    );
    app.get(
      '/api/v1/schedules/:id',
      {
        schema: {
          tags: ['oncall'],
          summary: 'One on-call schedule',
          params: IdParams,
          response: { 200: ScheduleSchema, ...problemResponses },
        },
      },
      async (request) => scheduleView(await getSchedule(ctx, requireActor(request), request.params.id)),
    );
    app.patch(
      '/api/v1/schedules/:id',
      {
        schema: {
          tags: ['oncall'],
          summary:
            'Change an on-call schedule (who is on call changes at once, on every instance within a second)',
          params: IdParams,
          body: Type.Partial(ScheduleBody, { minProperties: 1 }),
          response: { 200: ScheduleSchema, ...problemResponses },
        },
      },
      async (request) => {
        const b = request.body;
        const patch = { ...b, layers: b.layers as ScheduleLayer[] | undefined };
        return scheduleView(await updateSchedule(ctx, requireActor(request), request.params.id, patch));
      },
    );
    app.delete(
      '/api/v1/schedules/:id',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Delete an on-call schedule with its overrides, requests and feed',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteSchedule(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/api/v1/schedules/:id/oncall',
      {
        schema: {
          tags: ['oncall'],
          summary:
            'Who is on call at `at` (now when left out): 200 with userId null in a gap; the stretch the answer holds for',
          params: IdParams,
          querystring: Type.Object({ at: Type.Optional(IsoTime) }),
          response: { 200: OnCallSchema, ...problemResponses },
        },
      },
      async (request) => {
        const at = request.query.at ? Date.parse(request.query.at) : ctx.clock.now();
        const a = await scheduleOnCall(ctx, requireActor(request), request.params.id, at);
        return onCallView(a, await userNames(ctx.db, a.userId === null ? [] : [a.userId]));
      },
    );
    app.get(
      '/api/v1/schedules/:id/final',
      {
        schema: {
          tags: ['oncall'],
          summary:
            'The final schedule over [from, to) (default: two weeks from now; at most 366 days), tiling the range with gaps, and each layer’s own stretches',
          params: IdParams,
          querystring: RangeQuery,
          response: {
            200: Type.Object({
              scheduleId: Type.Integer(),
              from: IsoTime,
              to: IsoTime,
              final: Type.Array(SegmentSchema),
              layers: Type.Array(
                Type.Object({
                  index: Type.Integer(),
                  name: Type.String(),
                  segments: Type.Array(SegmentSchema),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { from, to } = rangeOf(ctx, request.query, 2 * weekMs);
        const v = await finalScheduleView(ctx, requireActor(request), request.params.id, from, to);
        const ids = [...v.final, ...v.layers.flatMap((l) => l.segments)].flatMap((s) =>
          s.userId === null ? [] : [s.userId],
        );
        const names = await userNames(ctx.db, ids);
        return {
          scheduleId: v.scheduleId,
          from: toIso(v.from),
          to: toIso(v.to),
          final: v.final.map((s) => segmentView(s, names)),
          layers: v.layers.map((l) => ({ ...l, segments: l.segments.map((s) => segmentView(s, names)) })),
        };
      },
    );
    app.get(
      '/api/v1/schedules/:id/report',
      {
        schema: {
          tags: ['oncall'],
          summary:
            'Coverage report over [from, to) (default: the next 52 weeks): gaps, hours per person and the quality score',
          params: IdParams,
          querystring: RangeQuery,
          response: {
            200: Type.Object({
              scheduleId: Type.Integer(),
              from: IsoTime,
              to: IsoTime,
              quality: Type.Object({
                total: Type.Integer({
                  description: '0–100: the mean of coverage and balance (Grafana OnCall)',
                }),
                coverage: Type.Integer({ description: 'percent of the range someone is on call' }),
                balance: Type.Integer({ description: '0–100: how evenly the time falls between people' }),
                overlap: Type.Integer({ description: 'percent of covered time where layers overlap' }),
                comments: Type.Array(
                  Type.Object({
                    type: Type.Union([Type.Literal('info'), Type.Literal('warning')]),
                    text: Type.String(),
                  }),
                ),
                overloaded: Type.Array(
                  Type.Object({
                    userId: Type.Integer(),
                    score: Type.Integer({ description: 'percent above average' }),
                  }),
                ),
              }),
              gaps: Type.Array(Type.Object({ start: IsoTime, end: IsoTime })),
              hoursPerPerson: Type.Array(
                Type.Object({
                  userId: Type.Integer(),
                  userName: Type.Union([Type.String(), Type.Null()]),
                  hours: Type.Number(),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { from, to } = rangeOf(ctx, request.query, 52 * weekMs);
        const r = await scheduleReport(ctx, requireActor(request), request.params.id, from, to);
        const names = await userNames(
          ctx.db,
          r.hoursPerPerson.map((h) => h.userId),
        );
        return {
          scheduleId: r.scheduleId,
          from: toIso(r.from),
          to: toIso(r.to),
          quality: {
            total: r.quality.total,
            coverage: r.quality.coverage,
            balance: r.quality.balance,
            overlap: r.quality.overlap,
            comments: r.quality.comments,
            overloaded: r.quality.overloaded,
          },
          gaps: r.gaps.map((g) => ({ start: toIso(g.start), end: toIso(g.end) })),
          hoursPerPerson: r.hoursPerPerson.map((h) => ({
            userId: h.userId,
            userName: names.get(h.userId) ?? null,
            hours: h.ms / 3_600_000,
          })),
        };
      },
    );
  };
}
