// SLA routes for group OLAs (internal resolution targets) and the hierarchical escalation path.
// Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ServiceContext } from '../../../core/context.js';
import {
  getEscalationPath,
  listOlas,
  requireSla,
  setEscalationPath,
  setGroupOla,
} from '../../../sla/index.js';
import { requireActor } from '../../authentication.js';
import { Id, Nullable, problemResponses, StatusSchema } from '../../schemas.js';
import { TargetBody } from './targets.js';

const OlaSchema = Type.Object({
  groupId: Type.Integer(),
  minutes: Type.Integer(),
  calendarId: Nullable(Type.Integer()),
  warnPercent: Nullable(Type.Integer()),
  pauseStatuses: Type.Array(StatusSchema),
});
const GroupParams = Type.Object({ groupId: Id });

export function slaOlaRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/sla/olas',
      {
        schema: {
          tags: ['sla'],
          summary: 'Internal resolution targets per group (OLAs), counted from the group’s assignment',
          response: { 200: Type.Object({ items: Type.Array(OlaSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: await listOlas(ctx, requireActor(request)) }),
    );
    app.put(
      '/api/v1/sla/olas/:groupId',
      {
        schema: {
          tags: ['sla'],
          summary: 'Set a group’s OLA',
          params: GroupParams,
          body: TargetBody,
          response: { 200: OlaSchema, ...problemResponses },
        },
      },
      async (request) => {
        const b = request.body;
        const ola = await setGroupOla(ctx, requireActor(request), request.params.groupId, {
          minutes: b.minutes,
          calendarId: b.calendarId ?? null,
          warnPercent: b.warnPercent ?? null,
          pauseStatuses: b.pauseStatuses,
        });
        return ola!;
      },
    );
    app.delete(
      '/api/v1/sla/olas/:groupId',
      {
        schema: {
          tags: ['sla'],
          summary: 'Remove a group’s OLA',
          params: GroupParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await setGroupOla(ctx, requireActor(request), request.params.groupId, null);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/api/v1/sla/escalation-path',
      {
        schema: {
          tags: ['sla'],
          summary: 'The hierarchical escalation path of groups (then the manager)',
          response: { 200: Type.Object({ groupIds: Type.Array(Type.Integer()) }), ...problemResponses },
        },
      },
      async (request) => {
        requireSla(requireActor(request), 'sla.read');
        return { groupIds: await getEscalationPath(ctx.db) };
      },
    );
    app.put(
      '/api/v1/sla/escalation-path',
      {
        schema: {
          tags: ['sla'],
          summary: 'Set the escalation path, e.g. [Service Desk L1, Infrastructure L2]',
          body: Type.Object({ groupIds: Type.Array(Id, { maxItems: 20 }) }),
          response: { 200: Type.Object({ groupIds: Type.Array(Type.Integer()) }), ...problemResponses },
        },
      },
      async (request) => ({
        groupIds: await setEscalationPath(ctx, requireActor(request), request.body.groupIds),
      }),
    );
  };
}
