// Reports for managers and admins: the dashboard's aggregates in one call.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import { forReading, type ServiceContext } from '../../core/context.js';
import { levelName } from '../../helpdesk/index.js';
import { getDashboard } from '../../reports/index.js';
import { requireActor } from '../authentication.js';
import { LevelName, Nullable, problemResponses, StatusSchema } from '../schemas.js';

const Count = Type.Integer({ minimum: 0 });

const DashboardSchema = Type.Object({
  generatedAt: Type.String({ format: 'date-time' }),
  openTotal: Count,
  byPriority: Type.Array(Type.Object({ priority: LevelName, priorityLevel: Type.Integer(), count: Count })),
  byStatus: Type.Array(Type.Object({ status: StatusSchema, count: Count })),
  byGroup: Type.Array(Type.Object({ groupId: Nullable(Type.Integer()), name: Type.String(), count: Count })),
  backlogAge: Type.Array(Type.Object({ label: Type.String(), count: Count })),
  timeZone: Type.String(),
  daily: Type.Array(Type.Object({ day: Type.String(), created: Count, resolved: Count })),
  technicians: Type.Array(Type.Object({ userId: Type.Integer(), name: Type.String(), open: Count })),
  satisfaction: Type.Object({
    average: Nullable(Type.Number()),
    count: Count,
    distribution: Type.Array(Type.Object({ score: Type.Integer(), count: Count })),
  }),
});

export function reportRoutes(service: ServiceContext): FastifyPluginAsyncTypebox {
  // Only reads, and may see the database as it was a moment ago: the replica, when one is configured.
  const ctx = forReading(service);
  return async (app) => {
    app.get(
      '/api/v1/reports/dashboard',
      {
        schema: {
          tags: ['reports'],
          summary:
            'The manager dashboard: open tickets by priority, state and group; backlog age; created vs resolved per day; load; satisfaction',
          querystring: Type.Object({
            days: Type.Integer({ minimum: 1, maximum: 366, default: 30 }),
            timeZone: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 64,
                description: 'IANA zone whose days `daily` counts (default UTC), e.g. Europe/Berlin',
              }),
            ),
          }),
          response: { 200: DashboardSchema, ...problemResponses },
        },
      },
      async (request) => {
        const d = await getDashboard(ctx, requireActor(request), {
          days: request.query.days,
          timeZone: request.query.timeZone,
        });
        return {
          ...d,
          generatedAt: toIso(d.generatedAt),
          byPriority: d.byPriority.map((p) => ({
            priority: levelName(p.priority),
            priorityLevel: p.priority,
            count: p.count,
          })),
        };
      },
    );
  };
}
