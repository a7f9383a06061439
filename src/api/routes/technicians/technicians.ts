// Technician profiles and their time off: skills with levels, working calendar, capacity, and load, shift and
// leave now. Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  addTimeOff,
  deleteTimeOff,
  getTechnician,
  listTechnicians,
  listTimeOff,
  type Technician,
  type TimeOff,
  updateTechnician,
} from '../../../technicians/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IsoTime, Nullable, problemResponses, RoleSchema } from '../../schemas.js';

const Level = Type.Integer({ minimum: 1, maximum: 5, description: '1 (basic) … 5 (expert)' });
const TechnicianSchema = Type.Object({
  userId: Type.Integer(),
  name: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  active: Type.Boolean(),
  groupIds: Type.Array(Type.Integer()),
  skills: Type.Array(Type.Object({ skillId: Type.Integer(), name: Type.String(), level: Type.Integer() })),
  calendarId: Nullable(Type.Integer()),
  timeZone: Type.String(),
  maxOpenTickets: Type.Integer(),
  openTickets: Type.Integer(),
  onShift: Type.Boolean(),
  onShiftUntil: Nullable(IsoTime),
  nextShiftAt: Nullable(IsoTime),
  onLeave: Type.Boolean(),
  leaveUntil: Nullable(IsoTime),
  available: Type.Boolean({
    description: 'on shift, not on leave and under capacity: automatic assignment may pick them',
  }),
  updatedAt: Nullable(IsoTime),
});
const TimeOffSchema = Type.Object({
  id: Type.Integer(),
  userId: Type.Integer(),
  startsAt: IsoTime,
  endsAt: IsoTime,
  reason: Type.String(),
  createdBy: Nullable(Type.Integer()),
  createdAt: IsoTime,
});
const UserParams = Type.Object({ userId: Id });

function technicianView(t: Technician) {
  return {
    userId: t.userId,
    name: t.name,
    email: t.email,
    role: t.role,
    active: t.active,
    groupIds: t.groupIds,
    skills: t.skillLevels,
    calendarId: t.calendarId,
    timeZone: t.timeZone,
    maxOpenTickets: t.maxOpenTickets,
    openTickets: t.openTickets,
    onShift: t.onShiftUntil !== null,
    onShiftUntil: toIso(t.onShiftUntil),
    nextShiftAt: toIso(t.nextShiftAt),
    onLeave: t.onLeave,
    leaveUntil: toIso(t.leaveUntil),
    available: t.onShiftUntil !== null && !t.onLeave && t.openTickets < t.maxOpenTickets,
    updatedAt: toIso(t.updatedAt),
  };
}

function timeOffView(t: TimeOff) {
  return { ...t, startsAt: toIso(t.startsAt), endsAt: toIso(t.endsAt), createdAt: toIso(t.createdAt) };
}

export function technicianRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/technicians',
      {
        schema: {
          tags: ['technicians'],
          summary: 'Technicians (active staff): skills, groups, load, and whether on shift or on leave now',
          querystring: Type.Object({ groupId: Type.Optional(Id) }),
          response: { 200: Type.Object({ items: Type.Array(TechnicianSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listTechnicians(ctx, requireActor(request), { groupId: request.query.groupId })).map(
          technicianView,
        ),
      }),
    );
    app.get(
      '/api/v1/technicians/:userId',
      {
        schema: {
          tags: ['technicians'],
          summary: 'One technician’s profile',
          params: UserParams,
          response: { 200: TechnicianSchema, ...problemResponses },
        },
      },
      async (request) =>
        technicianView(await getTechnician(ctx, requireActor(request), request.params.userId)),
    );
    app.put(
      '/api/v1/technicians/:userId',
      {
        schema: {
          tags: ['technicians'],
          summary:
            'Set a technician’s skills (replaced as a whole), working calendar and capacity (managers)',
          params: UserParams,
          body: Type.Object(
            {
              skills: Type.Optional(
                Type.Array(Type.Object({ skillId: Id, level: Level }, { additionalProperties: false }), {
                  maxItems: 100,
                }),
              ),
              calendarId: Type.Optional(Nullable(Id)),
              maxOpenTickets: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: TechnicianSchema, ...problemResponses },
        },
      },
      async (request) =>
        technicianView(
          await updateTechnician(ctx, requireActor(request), request.params.userId, request.body),
        ),
    );
    app.get(
      '/api/v1/technicians/:userId/time-off',
      {
        schema: {
          tags: ['technicians'],
          summary: 'A technician’s time off that has not ended (from `from`, default now)',
          params: UserParams,
          querystring: Type.Object({ from: Type.Optional(IsoTime) }),
          response: { 200: Type.Object({ items: Type.Array(TimeOffSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (
          await listTimeOff(ctx, requireActor(request), request.params.userId, {
            from: request.query.from === undefined ? undefined : Date.parse(request.query.from),
          })
        ).map(timeOffView),
      }),
    );
    app.post(
      '/api/v1/technicians/:userId/time-off',
      {
        schema: {
          tags: ['technicians'],
          summary: 'Add time off (a technician their own, a manager anyone’s)',
          params: UserParams,
          body: Type.Object(
            { startsAt: IsoTime, endsAt: IsoTime, reason: Type.Optional(Type.String({ maxLength: 500 })) },
            { additionalProperties: false },
          ),
          response: { 201: TimeOffSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const { startsAt, endsAt, reason } = request.body;
        const t = await addTimeOff(ctx, requireActor(request), request.params.userId, {
          startsAt: Date.parse(startsAt),
          endsAt: Date.parse(endsAt),
          reason,
        });
        return reply.code(201).send(timeOffView(t));
      },
    );
    app.delete(
      '/api/v1/technicians/:userId/time-off/:id',
      {
        schema: {
          tags: ['technicians'],
          summary: 'Remove time off (a technician their own, a manager anyone’s)',
          params: Type.Object({ userId: Id, id: Id }),
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteTimeOff(ctx, requireActor(request), request.params.userId, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
