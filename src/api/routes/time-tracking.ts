// Time tracking on tickets: a ticket's time entries, the caller's timer on it, changing and deleting an entry,
// the time report, and the "time entry required on resolve" setting. Thin: schema → actor → one domain call.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { canAccounts } from '../../core/auth/index.js';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { Forbidden, Invalid } from '../../core/errors.js';
import {
  deleteTimeEntry,
  discardTimer,
  getTimeTrackingSettings,
  listTimeEntries,
  logTime,
  setTimeTrackingSettings,
  startTimer,
  stopTimer,
  type TimeEntry,
  timeTrackingLimits,
  updateTimeEntry,
} from '../../helpdesk/index.js';
import { getTimeReport, timeReportGroupings, timeReportLimits } from '../../reports/index.js';
import { requireActor } from '../authentication.js';
import { IdParams, IsoTime, Nullable, problemResponses } from '../schemas.js';

const tags = ['time tracking'];

const Minutes = Type.Integer({ minimum: 1, maximum: timeTrackingLimits.maxMinutes });
const Note = Type.String({ maxLength: timeTrackingLimits.noteMaxLength });

const TimeEntrySchema = Type.Object({
  id: Type.Integer(),
  ticketId: Type.Integer(),
  userId: Type.Integer(),
  userName: Type.String(),
  minutes: Type.Integer(),
  startedAt: Nullable(IsoTime),
  endedAt: Nullable(IsoTime),
  workedOn: IsoTime,
  billable: Type.Boolean(),
  note: Type.String(),
  source: Type.Union([Type.Literal('timer'), Type.Literal('manual')]),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

const TimerSchema = Type.Object({ startedAt: IsoTime });

const SettingsSchema = Type.Object({
  requiredOnResolve: Type.Boolean({
    description: 'resolving a ticket needs at least one time entry on it (refused with time_entry_required)',
  }),
});

const Totals = Type.Object({
  minutes: Type.Integer(),
  billableMinutes: Type.Integer(),
});

function entryView(e: TimeEntry) {
  return {
    ...e,
    startedAt: toIso(e.startedAt),
    endedAt: toIso(e.endedAt),
    workedOn: toIso(e.workedOn),
    createdAt: toIso(e.createdAt),
    updatedAt: toIso(e.updatedAt),
  };
}

const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

function queryTime(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const at = Date.parse(v);
  if (!Number.isFinite(at))
    throw new Invalid('validation_failed', `${name}: must be an ISO 8601 time`, [
      { field: `querystring/${name}`, message: 'must be an ISO 8601 time' },
    ]);
  return at;
}

export function timeTrackingRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/tickets/:id/time-entries',
      {
        schema: {
          tags,
          summary: "A ticket's time entries with their totals, and the caller's running timer (staff)",
          params: IdParams,
          response: {
            200: Type.Object({
              items: Type.Array(TimeEntrySchema),
              totals: Totals,
              timer: Nullable(TimerSchema),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const t = await listTimeEntries(ctx, requireActor(request), request.params.id);
        return {
          items: t.items.map(entryView),
          totals: t.totals,
          timer: t.timer ? { startedAt: toIso(t.timer.startedAt) } : null,
        };
      },
    );

    app.post(
      '/api/v1/tickets/:id/time-entries',
      {
        schema: {
          tags,
          summary: 'Log time on a ticket by hand: minutes, or a span startedAt–endedAt (staff)',
          params: IdParams,
          body: Type.Object(
            {
              minutes: Type.Optional(Minutes),
              startedAt: Type.Optional(IsoTime),
              endedAt: Type.Optional(IsoTime),
              workedOn: Type.Optional(IsoTime),
              billable: Type.Optional(Type.Boolean({ default: true })),
              note: Type.Optional(Note),
            },
            { additionalProperties: false },
          ),
          response: { 201: TimeEntrySchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const entry = await logTime(ctx, requireActor(request), request.params.id, {
          ...b,
          startedAt: ms(b.startedAt),
          endedAt: ms(b.endedAt),
          workedOn: ms(b.workedOn),
        });
        return reply.code(201).header('location', `/api/v1/time-entries/${entry.id}`).send(entryView(entry));
      },
    );

    app.patch(
      '/api/v1/time-entries/:id',
      {
        schema: {
          tags,
          summary: 'Change a time entry (its owner; managers and admins any)',
          params: IdParams,
          body: Type.Object(
            {
              minutes: Type.Optional(Minutes),
              workedOn: Type.Optional(IsoTime),
              billable: Type.Optional(Type.Boolean()),
              note: Type.Optional(Note),
            },
            { minProperties: 1, additionalProperties: false },
          ),
          response: { 200: TimeEntrySchema, ...problemResponses },
        },
      },
      async (request) => {
        const b = request.body;
        return entryView(
          await updateTimeEntry(ctx, requireActor(request), request.params.id, {
            ...b,
            workedOn: ms(b.workedOn),
          }),
        );
      },
    );

    app.delete(
      '/api/v1/time-entries/:id',
      {
        schema: {
          tags,
          summary: 'Delete a time entry (its owner; managers and admins any)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteTimeEntry(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/tickets/:id/timer/start',
      {
        schema: {
          tags,
          summary: 'Start my timer on a ticket (one per person and ticket; it runs on the server)',
          params: IdParams,
          response: { 201: TimerSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const t = await startTimer(ctx, requireActor(request), request.params.id);
        return reply.code(201).send({ startedAt: toIso(t.startedAt) });
      },
    );

    app.post(
      '/api/v1/tickets/:id/timer/stop',
      {
        schema: {
          tags,
          summary:
            'Stop my timer and log its time (every minute begun); over a day, say the minutes to log (staff)',
          params: IdParams,
          body: Type.Object(
            {
              billable: Type.Optional(Type.Boolean()),
              note: Type.Optional(Note),
              minutes: Type.Optional(Minutes),
            },
            { additionalProperties: false },
          ),
          response: { 201: TimeEntrySchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const entry = await stopTimer(ctx, requireActor(request), request.params.id, request.body);
        return reply.code(201).header('location', `/api/v1/time-entries/${entry.id}`).send(entryView(entry));
      },
    );

    app.delete(
      '/api/v1/tickets/:id/timer',
      {
        schema: {
          tags,
          summary: 'Discard my timer on a ticket without logging time',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await discardTimer(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/reports/time',
      {
        schema: {
          tags: ['reports'],
          summary:
            'Time logged (minutes, billable minutes, entries) per ticket, technician, group or category (managers, admins)',
          description: `Entries whose worked-on time is in [from, to); default the last 30 days; at most ${timeReportLimits.maxDays} days. Rows are largest first, at most ${timeReportLimits.maxRows}.`,
          querystring: Type.Object({
            from: Type.Optional(Type.String({ maxLength: 40 })),
            to: Type.Optional(Type.String({ maxLength: 40 })),
            groupBy: Type.Optional(
              Type.Union(
                timeReportGroupings.map((g) => Type.Literal(g)),
                { default: 'technician' },
              ),
            ),
          }),
          response: {
            200: Type.Object({
              from: IsoTime,
              to: IsoTime,
              groupBy: Type.Union(timeReportGroupings.map((g) => Type.Literal(g))),
              totals: Type.Object({
                minutes: Type.Integer(),
                billableMinutes: Type.Integer(),
                entries: Type.Integer(),
              }),
              rows: Type.Array(
                Type.Object({
                  id: Nullable(Type.Integer()),
                  label: Type.String(),
                  minutes: Type.Integer(),
                  billableMinutes: Type.Integer(),
                  entries: Type.Integer(),
                }),
              ),
              truncated: Type.Boolean(),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const r = await getTimeReport(ctx, requireActor(request), {
          from: queryTime('from', q.from),
          to: queryTime('to', q.to),
          groupBy: q.groupBy,
        });
        return { ...r, from: toIso(r.from), to: toIso(r.to) };
      },
    );

    app.get(
      '/api/v1/settings/time-tracking',
      {
        schema: {
          tags: ['settings'],
          summary: 'Time tracking settings (staff)',
          response: { 200: SettingsSchema, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        if (!canAccounts(actor, 'settings.read'))
          throw new Forbidden('forbidden', 'Requesters may not read settings.');
        return getTimeTrackingSettings(ctx.db);
      },
    );

    app.put(
      '/api/v1/settings/time-tracking',
      {
        schema: {
          tags: ['settings'],
          summary: 'Change the time tracking settings (admin)',
          body: SettingsSchema,
          response: { 200: SettingsSchema, ...problemResponses },
        },
      },
      async (request) => setTimeTrackingSettings(ctx, requireActor(request), request.body),
    );
  };
}
