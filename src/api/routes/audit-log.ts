// The audit log, read back: admins and managers (canAccounts 'audit.read') page it newest first with filters,
// and export the same selection as CSV. Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { type AuditFilter, type AuditRecord, exportAuditLog, listAuditLog } from '../../core/auth/index.js';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { Invalid } from '../../core/errors.js';
import { decodeCursor, encodeCursor } from '../../helpdesk/index.js';
import { requireActor } from '../authentication.js';
import { type ExportColumn, sendCsv } from '../exports.js';
import { Cursor, Id, IsoTime, Limit, Nullable, problemResponses } from '../schemas.js';

const AuditFilters = {
  actorId: Type.Optional(Id),
  action: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        'an action, or the start of one: `user.` finds user.created, user.updated, user.role_changed…',
    }),
  ),
  subjectType: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  subjectId: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601, inclusive' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601, exclusive' })),
};
const AuditFiltersSchema = Type.Object(AuditFilters);

const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: IsoTime,
  actorId: Nullable(Type.Integer()),
  actorName: Nullable(Type.String()),
  action: Type.String(),
  subjectType: Type.String(),
  subjectId: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

function parseTime(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms))
    throw new Invalid('validation_failed', `${name}: must be an ISO 8601 time`, [
      { field: `querystring/${name}`, message: 'must be an ISO 8601 time' },
    ]);
  return ms;
}

function auditFilter(q: Static<typeof AuditFiltersSchema>): Omit<AuditFilter, 'limit'> {
  return {
    actorId: q.actorId,
    action: q.action,
    subjectType: q.subjectType,
    subjectId: q.subjectId,
    from: parseTime('from', q.from),
    to: parseTime('to', q.to),
  };
}

function auditView(r: AuditRecord) {
  return { ...r, at: toIso(r.at) };
}

const csvColumns: ExportColumn<AuditRecord>[] = [
  { header: 'ID', kind: 'number', value: (r) => r.id },
  { header: 'Time', kind: 'time', value: (r) => r.at },
  { header: 'Actor ID', kind: 'number', value: (r) => r.actorId },
  { header: 'Actor', value: (r) => r.actorName },
  { header: 'Action', value: (r) => r.action },
  { header: 'Subject type', value: (r) => r.subjectType },
  { header: 'Subject ID', value: (r) => r.subjectId },
  { header: 'Details', value: (r) => JSON.stringify(r.details) },
];

export function auditLogRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/audit-log',
      {
        schema: {
          tags: ['audit'],
          summary:
            'The audit log, newest first (admins and managers): admin changes, sign-ins and failed sign-ins, API tokens, role changes',
          querystring: Type.Object({ ...AuditFilters, limit: Limit, cursor: Type.Optional(Cursor) }),
          response: {
            200: Type.Object({ items: Type.Array(AuditEntrySchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { limit, cursor, ...filters } = request.query;
        // The help desk's opaque keyset cursor, with the last id shown as both key and tie-breaker.
        const after = cursor ? decodeCursor(cursor).k : undefined;
        if (cursor && !after)
          throw new Invalid('invalid_cursor', 'The cursor belongs to another query.', [
            { field: 'query/cursor', message: 'unknown cursor' },
          ]);
        const rows = await listAuditLog(ctx, requireActor(request), {
          ...auditFilter(filters),
          beforeId: after?.[1],
          limit: limit + 1,
        });
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        return {
          items: page.map(auditView),
          nextCursor: rows.length > limit ? encodeCursor({ k: [last.id, last.id] }) : null,
        };
      },
    );

    app.get(
      '/api/v1/audit-log/export.csv',
      {
        schema: {
          tags: ['audit', 'exports'],
          summary: 'The audit log as CSV with the same filters, newest first (streamed)',
          querystring: Type.Object({
            ...AuditFilters,
            bom: Type.Boolean({
              default: false,
              description: 'start with a UTF-8 byte order mark (for Excel)',
            }),
          }),
          produces: ['text/csv'],
          response: { ...problemResponses },
        },
      },
      async (request, reply) => {
        const { bom, ...filters } = request.query;
        return sendCsv(reply, {
          filename: `audit-log-${new Date(ctx.clock.now()).toISOString().slice(0, 10)}`,
          columns: csvColumns,
          batches: exportAuditLog(ctx, requireActor(request), auditFilter(filters)),
          bom,
        });
      },
    );
  };
}
