// SLA routes for business calendars: time zone, weekly hours, holidays (also imported from .ics), or 24/7.
// Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { Invalid } from '../../../core/errors.js';
import {
  type Calendar,
  createCalendar,
  deleteCalendar,
  getCalendar,
  importCalendarHolidays,
  listCalendars,
  updateCalendar,
} from '../../../sla/index.js';
import { requireActor } from '../../authentication.js';
import { IdParams, IsoTime, problemResponses } from '../../schemas.js';

const HoursSchema = Type.Object({
  day: Type.Integer({ minimum: 1, maximum: 7, description: '1 = Monday … 7 = Sunday' }),
  start: Type.String({ pattern: '^\\d\\d:\\d\\d$', description: 'local HH:MM' }),
  end: Type.String({ pattern: '^\\d\\d:\\d\\d$', description: 'local HH:MM (24:00 allowed)' }),
});
const HolidaySchema = Type.Object({
  date: Type.String({ pattern: '^\\d{4}-\\d\\d-\\d\\d$' }),
  name: Type.String({ maxLength: 200 }),
  yearly: Type.Boolean({ default: false }),
});
const CalendarBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Berlin' }),
  alwaysOpen: Type.Optional(Type.Boolean({ description: '24/7' })),
  hours: Type.Optional(Type.Array(HoursSchema, { maxItems: 100 })),
  holidays: Type.Optional(Type.Array(HolidaySchema, { maxItems: 2000 })),
});
const CalendarSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  timeZone: Type.String(),
  alwaysOpen: Type.Boolean(),
  hours: Type.Array(HoursSchema),
  holidays: Type.Array(HolidaySchema),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

function calendarView(c: Calendar) {
  return { ...c, createdAt: toIso(c.createdAt), updatedAt: toIso(c.updatedAt) };
}

export function slaCalendarRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // An .ics file may be posted as it is.
    app.addContentTypeParser(['text/calendar', 'text/plain'], { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );

    app.get(
      '/api/v1/sla/calendars',
      {
        schema: {
          tags: ['sla'],
          summary: 'Business calendars',
          response: { 200: Type.Object({ items: Type.Array(CalendarSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listCalendars(ctx, requireActor(request))).map(calendarView) }),
    );
    app.post(
      '/api/v1/sla/calendars',
      {
        schema: {
          tags: ['sla'],
          summary: 'Define a business calendar: time zone, weekly hours (split shifts), holidays, or 24/7',
          body: CalendarBody,
          response: { 201: CalendarSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(calendarView(await createCalendar(ctx, requireActor(request), request.body))),
    );
    app.get(
      '/api/v1/sla/calendars/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'One business calendar',
          params: IdParams,
          response: { 200: CalendarSchema, ...problemResponses },
        },
      },
      async (request) => calendarView(await getCalendar(ctx, requireActor(request), request.params.id)),
    );
    app.patch(
      '/api/v1/sla/calendars/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'Change a business calendar (open clocks are recomputed)',
          params: IdParams,
          body: Type.Partial(CalendarBody, { minProperties: 1 }),
          response: { 200: CalendarSchema, ...problemResponses },
        },
      },
      async (request) =>
        calendarView(await updateCalendar(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.delete(
      '/api/v1/sla/calendars/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'Delete an unused calendar',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteCalendar(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/v1/sla/calendars/:id/holidays/import',
      {
        schema: {
          tags: ['sla'],
          summary: 'Import holidays from iCalendar (.ics): send the file as text/calendar, or JSON {ics}',
          params: IdParams,
          consumes: ['text/calendar', 'application/json'],
          response: {
            200: Type.Object({ imported: Type.Integer(), calendar: CalendarSchema }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const body = request.body as unknown;
        const text = typeof body === 'string' ? body : (body as { ics?: unknown } | null)?.ics;
        if (typeof text !== 'string' || text.length === 0 || text.length > 2_000_000) {
          throw new Invalid('invalid_ics', 'Send the .ics file as text/calendar, or JSON {"ics": "..."}.');
        }
        const r = await importCalendarHolidays(ctx, requireActor(request), request.params.id, text);
        return { imported: r.imported, calendar: calendarView(r.calendar) };
      },
    );
  };
}
