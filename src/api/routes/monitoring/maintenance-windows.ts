// Maintenance windows: one-off (startsAt..endsAt) or recurring (an RRULE from startsAt in an IANA zone, each
// occurrence durationMinutes long). Read with target.read, change with target.manage. Thin routes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  maintenanceLimits as limits,
  listMaintenanceWindows,
  type MaintenanceWindow,
  requireMonitor,
  updateMaintenanceWindow,
} from '../../../monitoring/index.js';
import { requireActor } from '../../authentication.js';
import { Cursor, Id, IdParams, IsoTime, Limit, Nullable, problemResponses } from '../../schemas.js';
import { decodeIdCursor, idPage } from '../paging.js';

const tags = ['monitoring'];
const WindowBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: limits.name }),
  description: Type.Optional(Type.String({ maxLength: limits.description })),
  targetIds: Type.Optional(
    Type.Array(Id, { maxItems: limits.targets, description: 'empty or absent: every target' }),
  ),
  startsAt: IsoTime,
  endsAt: Type.Optional(Nullable(IsoTime)),
  rrule: Type.Optional(
    Nullable(
      Type.String({
        minLength: 1,
        maxLength: limits.rrule,
        description: 'RFC 5545, e.g. FREQ=WEEKLY;BYDAY=SU',
      }),
    ),
  ),
  timeZone: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone of the RRULE' }),
  ),
  durationMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: limits.maxDurationMinutes }))),
});
const WindowSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  targetIds: Type.Array(Type.Integer()),
  startsAt: IsoTime,
  endsAt: Nullable(IsoTime),
  rrule: Nullable(Type.String()),
  timeZone: Type.String(),
  durationMinutes: Nullable(Type.Integer()),
  createdBy: Nullable(Type.Integer()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

function windowView(w: MaintenanceWindow) {
  return {
    ...w,
    startsAt: toIso(w.startsAt),
    endsAt: toIso(w.endsAt),
    createdAt: toIso(w.createdAt),
    updatedAt: toIso(w.updatedAt),
  };
}

const ms = (iso: string | null | undefined) =>
  iso === undefined ? undefined : iso === null ? null : Date.parse(iso);

export function maintenanceWindowRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/monitoring/maintenance-windows',
      {
        schema: {
          tags,
          summary: 'Maintenance windows, newest first (staff)',
          querystring: Type.Object({
            targetId: Type.Optional(Id),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({ items: Type.Array(WindowSchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'target.read');
        const { limit, cursor, targetId } = request.query;
        const items = await listMaintenanceWindows(ctx, {
          targetId,
          limit,
          beforeId: cursor ? decodeIdCursor(cursor) : undefined,
        });
        return idPage(items, limit, windowView);
      },
    );
    app.post(
      '/api/v1/monitoring/maintenance-windows',
      {
        schema: {
          tags,
          summary: 'Plan a maintenance window (managers): its targets open no new alerts while it lasts',
          body: WindowBody,
          response: { 201: WindowSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'target.manage');
        const b = request.body;
        const w = await createMaintenanceWindow(ctx, actor.id, {
          ...b,
          startsAt: Date.parse(b.startsAt),
          endsAt: ms(b.endsAt),
        });
        return reply.code(201).send(windowView(w));
      },
    );
    app.get(
      '/api/v1/monitoring/maintenance-windows/:id',
      {
        schema: {
          tags,
          summary: 'One maintenance window (staff)',
          params: IdParams,
          response: { 200: WindowSchema, ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'target.read');
        return windowView(await getMaintenanceWindow(ctx, request.params.id));
      },
    );
    app.patch(
      '/api/v1/monitoring/maintenance-windows/:id',
      {
        schema: {
          tags,
          summary: 'Change a maintenance window (managers)',
          params: IdParams,
          body: Type.Partial(WindowBody, { minProperties: 1 }),
          response: { 200: WindowSchema, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'target.manage');
        const b = request.body;
        const w = await updateMaintenanceWindow(ctx, actor.id, request.params.id, {
          ...b,
          startsAt: ms(b.startsAt) ?? undefined,
          endsAt: ms(b.endsAt),
        });
        return windowView(w);
      },
    );
    app.delete(
      '/api/v1/monitoring/maintenance-windows/:id',
      {
        schema: {
          tags,
          summary: 'Delete a maintenance window (managers)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        requireMonitor(actor, 'target.manage');
        await deleteMaintenanceWindow(ctx, actor.id, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
