// The SLA compliance report: first response and resolution per policy, group or technician, with the breaches.
// Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { Invalid } from '../../../core/errors.js';
import { getSlaReport } from '../../../sla/index.js';
import { requireActor } from '../../authentication.js';
import { IsoTime, Nullable, problemResponses } from '../../schemas.js';

const ComplianceSchema = Type.Object({
  met: Type.Integer(),
  breached: Type.Integer(),
  open: Type.Integer(),
  percent: Nullable(Type.Number()),
  averageMarginSeconds: Nullable(Type.Integer()),
});
const ComplianceRowSchema = Type.Object({
  key: Nullable(Type.Integer()),
  name: Type.String(),
  tickets: Type.Integer(),
  firstResponse: ComplianceSchema,
  resolution: ComplianceSchema,
});
const ReportSchema = Type.Object({
  from: IsoTime,
  to: IsoTime,
  groupBy: Type.String(),
  total: ComplianceRowSchema,
  rows: Type.Array(ComplianceRowSchema),
  breaches: Type.Array(
    Type.Object({
      ticketId: Type.Integer(),
      title: Type.String(),
      target: Type.String(),
      policyId: Nullable(Type.Integer()),
      groupId: Nullable(Type.Integer()),
      assigneeId: Nullable(Type.Integer()),
      dueAt: Nullable(IsoTime),
      achievedAt: Nullable(IsoTime),
      overdueSeconds: Nullable(Type.Integer()),
      cause: Type.String(),
    }),
  ),
});

/** A report's from/to: an ISO 8601 time, or a 400 naming the parameter (the CSV export reads them too). */
export function parseReportTime(name: string, v: string): number {
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) {
    throw new Invalid('validation_failed', `${name}: must be an ISO 8601 time`, [
      { field: `querystring/${name}`, message: 'must be an ISO 8601 time' },
    ]);
  }
  return ms;
}

export function slaReportRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/reports/sla',
      {
        schema: {
          tags: ['reports'],
          summary:
            'SLA compliance (first response and resolution) per policy, group or technician, and the breaches with their causes',
          querystring: Type.Object({
            from: Type.String({ maxLength: 40 }),
            to: Type.String({ maxLength: 40 }),
            groupBy: Type.Union([Type.Literal('policy'), Type.Literal('group'), Type.Literal('technician')], {
              default: 'policy',
            }),
          }),
          response: { 200: ReportSchema, ...problemResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const r = await getSlaReport(ctx, requireActor(request), {
          from: parseReportTime('from', q.from),
          to: parseReportTime('to', q.to),
          groupBy: q.groupBy,
        });
        return {
          ...r,
          from: toIso(r.from),
          to: toIso(r.to),
          breaches: r.breaches.map((b) => ({ ...b, dueAt: toIso(b.dueAt), achievedAt: toIso(b.achievedAt) })),
        };
      },
    );
  };
}
