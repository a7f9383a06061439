// The open windows of a business calendar: the intervals the server's business calendar counts as open
// between two instants, so the browser counts a running clock's business time by overlap alone.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { getCalendar, openWindowsOf } from '../../../sla/index.js';
import { requireActor } from '../../authentication.js';
import { IdParams, IsoTime, problemResponses } from '../../schemas.js';

const OpenWindowsSchema = Type.Object({
  calendarId: Type.Integer(),
  from: IsoTime,
  to: IsoTime,
  windows: Type.Array(Type.Object({ start: IsoTime, end: IsoTime })),
});

export function calendarWindowRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/sla/calendars/:id/open-windows',
      {
        schema: {
          tags: ['sla'],
          summary: 'The calendar’s open intervals within [from, to) (at most 366 days), in order',
          params: IdParams,
          querystring: Type.Object({ from: IsoTime, to: IsoTime }),
          response: { 200: OpenWindowsSchema, ...problemResponses },
        },
      },
      async (request) => {
        // Read like the calendar itself: the same permission, the same 404.
        const calendar = await getCalendar(ctx, requireActor(request), request.params.id);
        const from = Date.parse(request.query.from);
        const to = Date.parse(request.query.to);
        return {
          calendarId: calendar.id,
          from: toIso(from),
          to: toIso(to),
          windows: openWindowsOf(calendar, from, to).map((w) => ({
            start: toIso(w.start),
            end: toIso(w.end),
          })),
        };
      },
    );
  };
}
