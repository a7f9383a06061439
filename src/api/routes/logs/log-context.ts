// Log context on a ticket or an incident: the hosts it concerns and their log patterns around it, with when each
// began against the first user report (src/logs/log-context.ts). Staff who may see the ticket or incident. Thin:
// schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  type LogContext,
  logContextForIncident,
  logContextForTicket,
  severityNames,
} from '../../../logs/index.js';
import { requireActor } from '../../authentication.js';
import { IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';

const LogContextSchema = Type.Object({
  subject: Type.Object({
    kind: Type.Union([Type.Literal('ticket'), Type.Literal('incident')]),
    id: Type.Integer(),
  }),
  hosts: Type.Array(
    Type.Object({
      host: Type.String(),
      via: Type.Array(Type.Union(['alert', 'incident', 'category', 'text'].map((v) => Type.Literal(v))), {
        description: 'alert labels, a linked incident, the category’s status-page targets, the text',
      }),
      logged: Type.Boolean({ description: 'the host has records in the log store' }),
    }),
  ),
  from: IsoTime,
  to: IsoTime,
  firstReportAt: Nullable(IsoTime),
  reference: Type.Object({
    at: IsoTime,
    kind: Type.Union([Type.Literal('first_report'), Type.Literal('incident_start')]),
  }),
  patterns: Type.Array(
    Type.Object({
      id: Type.String(),
      template: Type.String(),
      name: Nullable(Type.String()),
      count: Type.Integer(),
      errors: Type.Integer({ description: 'records at severity err or worse' }),
      firstMinute: IsoTime,
      lastMinute: IsoTime,
      worstSeverity: Type.Union(severityNames.map((s) => Type.Literal(s))),
      hosts: Type.Array(Type.String()),
      minutesBeforeReference: Type.Integer({ description: 'negative: it began after the reference' }),
      sentence: Type.String(),
    }),
  ),
});

function contextView(c: LogContext) {
  return {
    ...c,
    from: toIso(c.from),
    to: toIso(c.to),
    firstReportAt: toIso(c.firstReportAt),
    reference: { ...c.reference, at: toIso(c.reference.at) },
    patterns: c.patterns.map((p) => ({
      ...p,
      firstMinute: toIso(p.firstMinute),
      lastMinute: toIso(p.lastMinute),
    })),
  };
}

export function logContextRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/tickets/:id/log-patterns',
      {
        schema: {
          tags: ['logs'],
          summary: "The log patterns of the ticket's hosts from an hour before it was filed (staff)",
          params: IdParams,
          response: { 200: LogContextSchema, ...problemResponses },
        },
      },
      async (request) =>
        contextView(await logContextForTicket(ctx, requireActor(request), request.params.id)),
    );
    app.get(
      '/api/v1/incidents/:id/log-patterns',
      {
        schema: {
          tags: ['logs'],
          summary: "The log patterns of the incident's hosts from an hour before it opened (staff)",
          params: IdParams,
          response: { 200: LogContextSchema, ...problemResponses },
        },
      },
      async (request) =>
        contextView(await logContextForIncident(ctx, requireActor(request), request.params.id)),
    );
  };
}
