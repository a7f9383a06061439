// Exports: any queue view or search as CSV or XLSX with the chosen (visible) columns, and the reports as CSV.
// Thin: schema → actor → the domain's batches → the streaming writers of api/exports.ts. The ticket exports
// take the list's own query parameters (GET /api/v1/tickets), so an export is exactly what the queue shows.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import type { Actor } from '../../core/auth/index.js';
import { forReading, type ServiceContext } from '../../core/context.js';
import {
  type CustomField,
  exportTickets,
  type FieldExportColumn,
  levelName,
  parseTicketExportColumns,
  type TicketExportColumn,
  type TicketExportRow,
  ticketExportColumns,
} from '../../helpdesk/index.js';
import { getDashboard } from '../../reports/index.js';
import { getSlaReport, storedTicketSlas, type TicketSla } from '../../sla/index.js';
import { requireActor } from '../authentication.js';
import { type ExportColumn, sendCsv, sendXlsx } from '../exports.js';
import { problemResponses } from '../schemas.js';
import { parseReportTime } from './sla/compliance-report.js';
import { fieldFilterPattern, TicketListFilters, ticketFilterFrom } from './tickets.js';

interface ExportTicket {
  row: TicketExportRow;
  sla: TicketSla | undefined;
}

const due = (sla: TicketSla | undefined, target: string) =>
  sla?.clocks.find((c) => c.target === target)?.dueAt ?? null;

const ticketColumns: Record<TicketExportColumn, ExportColumn<ExportTicket>> = {
  id: { header: 'ID', kind: 'number', value: (t) => t.row.id },
  title: { header: 'Title', value: (t) => t.row.title },
  type: { header: 'Type', value: (t) => t.row.type },
  status: { header: 'Status', value: (t) => t.row.status },
  priority: { header: 'Priority', value: (t) => t.row.priority },
  impact: { header: 'Impact', value: (t) => t.row.impact },
  urgency: { header: 'Urgency', value: (t) => t.row.urgency },
  requester: { header: 'Requester', value: (t) => t.row.requester },
  assignee: { header: 'Assignee', value: (t) => t.row.assignee },
  group: { header: 'Group', value: (t) => t.row.group },
  category: { header: 'Category', value: (t) => t.row.category },
  tags: { header: 'Tags', value: (t) => t.row.tags.join(', ') },
  createdAt: { header: 'Created', kind: 'time', value: (t) => t.row.createdAt },
  updatedAt: { header: 'Updated', kind: 'time', value: (t) => t.row.updatedAt },
  resolvedAt: { header: 'Resolved', kind: 'time', value: (t) => t.row.resolvedAt },
  closedAt: { header: 'Closed', kind: 'time', value: (t) => t.row.closedAt },
  firstResponseDueAt: {
    header: 'First response due',
    kind: 'time',
    value: (t) => due(t.sla, 'first_response'),
  },
  resolutionDueAt: { header: 'Resolution due', kind: 'time', value: (t) => due(t.sla, 'resolution') },
  slaBreached: {
    header: 'SLA breached',
    kind: 'boolean',
    value: (t) => (t.sla ? t.sla.clocks.some((c) => c.breached && c.phase !== 'inactive') : null),
  },
  description: { header: 'Description', value: (t) => t.row.description },
};
const slaColumns = new Set<TicketExportColumn | FieldExportColumn>([
  'firstResponseDueAt',
  'resolutionDueAt',
  'slaBreached',
]);

/** A custom field's column: headed by its label, a number field's cells as numbers. */
const fieldColumn = (f: CustomField): ExportColumn<ExportTicket> => ({
  header: f.label,
  kind: f.type === 'number' ? 'number' : 'text',
  value: (t) => t.row.fields[f.key] ?? null,
});

const ExportQuery = Type.Object(
  {
    ...TicketListFilters,
    columns: Type.Optional(
      Type.String({
        maxLength: 500,
        description: `comma-separated columns, in order; default the queue's. Known: ${ticketExportColumns.join(', ')}, and field.<key> for a custom field`,
      }),
    ),
  },
  { patternProperties: fieldFilterPattern },
);
const Bom = Type.Boolean({
  default: false,
  description: 'start with a UTF-8 byte order mark (Excel then reads the file as UTF-8)',
});

/** A day stamp for file names, in UTC. */
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function* once<T>(rows: T[]): AsyncGenerator<T[]> {
  yield rows;
}

export function exportRoutes(service: ServiceContext): FastifyPluginAsyncTypebox {
  // Only reads, and may see the database as it was a moment ago: the replica, when one is configured.
  const ctx = forReading(service);
  /** The tickets of a list with the SLA columns' clocks (one indexed read per batch, only when asked). */
  async function ticketExport(actor: Actor, query: Static<typeof ExportQuery>) {
    const { columns: rawColumns, ...filters } = query;
    const { columns: names, fields } = await parseTicketExportColumns(ctx, rawColumns);
    const filter = await ticketFilterFrom(ctx, filters, actor);
    const withSla = names.some((n) => slaColumns.has(n));
    async function* batches(): AsyncGenerator<ExportTicket[]> {
      if (!filter) return;
      const rows = exportTickets(ctx, actor, filter, {
        tags: names.includes('tags'),
        description: names.includes('description'),
        fields,
        names: (['requester', 'assignee', 'group', 'category'] as const).filter((n) => names.includes(n)),
      });
      for await (const batch of rows) {
        const slas = withSla
          ? await storedTicketSlas(
              ctx,
              actor,
              batch.map((r) => r.id),
            )
          : null;
        yield batch.map((row) => ({ row, sla: slas?.get(row.id) }));
      }
    }
    return {
      filename: `tickets-${stamp(ctx.clock.now())}`,
      columns: names.map((n) =>
        n.startsWith('field.')
          ? fieldColumn(fields.find((f) => `field.${f.key}` === n) as CustomField)
          : ticketColumns[n as TicketExportColumn],
      ),
      batches: batches(),
    };
  }

  return async (app) => {
    app.get(
      '/api/v1/tickets/export.csv',
      {
        schema: {
          tags: ['tickets', 'exports'],
          summary: 'Export a ticket list or search as CSV (streamed)',
          description:
            'Takes the filters of GET /api/v1/tickets (q, status, priority, assigneeId, groupId, …, sort) and answers every matching ticket the caller may see, in the list’s order, as RFC 4180 CSV with the chosen columns (custom fields as field.<key>). Text cells starting with = + - @ tab or CR get a leading apostrophe. A ranked search (q without sort) holds its first 100,000 results.',
          querystring: Type.Object(
            { ...ExportQuery.properties, bom: Bom },
            { patternProperties: fieldFilterPattern },
          ),
          produces: ['text/csv'],
          response: { ...problemResponses },
        },
      },
      async (request, reply) => {
        const { bom, ...query } = request.query;
        return sendCsv(reply, { ...(await ticketExport(requireActor(request), query)), bom });
      },
    );

    app.get(
      '/api/v1/tickets/export.xlsx',
      {
        schema: {
          tags: ['tickets', 'exports'],
          summary: 'Export a ticket list or search as an XLSX workbook (streamed)',
          description: 'As export.csv, as a workbook of one sheet with typed cells (numbers, dates, text).',
          querystring: ExportQuery,
          produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
          response: { ...problemResponses },
        },
      },
      async (request, reply) =>
        sendXlsx(reply, { ...(await ticketExport(requireActor(request), request.query)), sheet: 'Tickets' }),
    );

    app.get(
      '/api/v1/reports/dashboard.csv',
      {
        schema: {
          tags: ['reports', 'exports'],
          summary: 'One table of the manager dashboard as CSV',
          querystring: Type.Object({
            section: Type.Union(
              ['daily', 'priority', 'status', 'group', 'backlog', 'technicians', 'satisfaction'].map((s) =>
                Type.Literal(s),
              ),
              { default: 'daily' },
            ),
            days: Type.Integer({ minimum: 1, maximum: 366, default: 30 }),
            timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            bom: Bom,
          }),
          produces: ['text/csv'],
          response: { ...problemResponses },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const d = await getDashboard(ctx, requireActor(request), { days: q.days, timeZone: q.timeZone });
        const filename = `dashboard-${q.section}-${stamp(d.generatedAt)}`;
        const table = <R>(columns: ExportColumn<R>[], rows: R[]) =>
          sendCsv(reply, { filename, columns, batches: once(rows), bom: q.bom });
        const count: ExportColumn<{ count: number }> = {
          header: 'Count',
          kind: 'number',
          value: (r) => r.count,
        };
        switch (q.section) {
          case 'priority':
            return table(
              [{ header: 'Priority', value: (r) => levelName(r.priority as 1) }, count],
              d.byPriority,
            );
          case 'status':
            return table([{ header: 'Status', value: (r) => r.status }, count], d.byStatus);
          case 'group':
            return table([{ header: 'Group', value: (r) => r.name }, count], d.byGroup);
          case 'backlog':
            return table([{ header: 'Age', value: (r) => r.label }, count], d.backlogAge);
          case 'technicians':
            return table(
              [
                { header: 'Technician', value: (r) => r.name },
                { header: 'Open', kind: 'number', value: (r) => r.open },
              ],
              d.technicians,
            );
          case 'satisfaction':
            return table(
              [{ header: 'Score', kind: 'number', value: (r) => r.score }, count],
              d.satisfaction.distribution,
            );
          default:
            return table(
              [
                { header: `Day (${d.timeZone})`, value: (r) => r.day },
                { header: 'Created', kind: 'number', value: (r) => r.created },
                { header: 'Resolved', kind: 'number', value: (r) => r.resolved },
              ],
              d.daily,
            );
        }
      },
    );

    app.get(
      '/api/v1/reports/sla.csv',
      {
        schema: {
          tags: ['reports', 'exports'],
          summary: 'The SLA compliance report as CSV: its rows and total (part=compliance) or its breaches',
          querystring: Type.Object({
            from: Type.String({ maxLength: 40 }),
            to: Type.String({ maxLength: 40 }),
            groupBy: Type.Union([Type.Literal('policy'), Type.Literal('group'), Type.Literal('technician')], {
              default: 'policy',
            }),
            part: Type.Union([Type.Literal('compliance'), Type.Literal('breaches')], {
              default: 'compliance',
            }),
            bom: Bom,
          }),
          produces: ['text/csv'],
          response: { ...problemResponses },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const r = await getSlaReport(ctx, requireActor(request), {
          from: parseReportTime('from', q.from),
          to: parseReportTime('to', q.to),
          groupBy: q.groupBy,
        });
        const filename = `sla-${q.part}-${stamp(r.from)}-${stamp(r.to)}`;
        if (q.part === 'breaches') {
          type B = (typeof r.breaches)[number];
          const columns: ExportColumn<B>[] = [
            { header: 'Ticket', kind: 'number', value: (b) => b.ticketId },
            { header: 'Title', value: (b) => b.title },
            { header: 'Target', value: (b) => b.target },
            { header: 'Policy ID', kind: 'number', value: (b) => b.policyId },
            { header: 'Group ID', kind: 'number', value: (b) => b.groupId },
            { header: 'Assignee ID', kind: 'number', value: (b) => b.assigneeId },
            { header: 'Due', kind: 'time', value: (b) => b.dueAt },
            { header: 'Achieved', kind: 'time', value: (b) => b.achievedAt },
            { header: 'Overdue seconds', kind: 'number', value: (b) => b.overdueSeconds },
            { header: 'Cause', value: (b) => b.cause },
          ];
          return sendCsv(reply, { filename, columns, batches: once(r.breaches), bom: q.bom });
        }
        type Row = (typeof r.rows)[number];
        const compliance = (label: string, pick: (row: Row) => Row['resolution']): ExportColumn<Row>[] => [
          { header: `${label} met`, kind: 'number', value: (row) => pick(row).met },
          { header: `${label} breached`, kind: 'number', value: (row) => pick(row).breached },
          { header: `${label} open`, kind: 'number', value: (row) => pick(row).open },
          { header: `${label} %`, kind: 'number', value: (row) => pick(row).percent },
          {
            header: `${label} average margin seconds`,
            kind: 'number',
            value: (row) => pick(row).averageMarginSeconds,
          },
        ];
        const columns: ExportColumn<Row>[] = [
          { header: q.groupBy[0].toUpperCase() + q.groupBy.slice(1), value: (row) => row.name },
          { header: 'Tickets', kind: 'number', value: (row) => row.tickets },
          ...compliance('First response', (row) => row.firstResponse),
          ...compliance('Resolution', (row) => row.resolution),
        ];
        return sendCsv(reply, {
          filename,
          columns,
          batches: once([...r.rows, { ...r.total, name: 'Total' }]),
          bom: q.bom,
        });
      },
    );
  };
}
