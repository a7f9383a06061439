// Exporting a ticket list: the rows of any queue view or search, in the list's own order, as batches read
// page by page (keyset cursors for sorted lists, offsets for ranked search) — never the whole result at once.
// The visibility rule and the filters are listTickets' own (listTicketIds), so an export shows exactly what
// the queue would. Formatting (CSV, XLSX) is the edge's business.
import { sql } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { TicketStatus, TicketType } from '../core/db/index.js';
import { Invalid } from '../core/errors.js';
import { type Level, levelName } from './levels.js';
import { listTicketIds, type TicketFilter } from './ticket-list.js';

/** The columns an export may hold, in the order a full export lists them. */
export const ticketExportColumns = [
  'id',
  'title',
  'type',
  'status',
  'priority',
  'impact',
  'urgency',
  'requester',
  'assignee',
  'group',
  'category',
  'tags',
  'createdAt',
  'updatedAt',
  'resolvedAt',
  'closedAt',
  'firstResponseDueAt',
  'resolutionDueAt',
  'slaBreached',
  'description',
] as const;
export type TicketExportColumn = (typeof ticketExportColumns)[number];

/** The queue's columns (ticket, status, priority, assignee or group, business time left, updated). */
export const defaultTicketExportColumns: TicketExportColumn[] = [
  'id',
  'title',
  'status',
  'priority',
  'assignee',
  'group',
  'resolutionDueAt',
  'updatedAt',
];

/** Rows read per batch: one id page, one joined read (and the tags) per this many tickets. */
export const ticketExportBatch = 1000;
/** With descriptions (up to 64 KiB each) a batch is smaller, to bound what one batch holds. */
const describedExportBatch = 100;
/** Ranked search pages by offset, and offsets are bounded (see ticket-cursors.ts): a ranked export stops here. */
export const rankedExportLimit = 100_000;

/** A ticket as an export row: names instead of ids, levels by name, times in epoch ms. */
export interface TicketExportRow {
  id: number;
  title: string;
  description: string;
  type: TicketType;
  status: TicketStatus;
  priority: string;
  impact: string;
  urgency: string;
  requester: string | null;
  assignee: string | null;
  group: string | null;
  category: string | null;
  tags: string[];
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  closedAt: number | null;
}

/** The columns named in a `columns=` list, validated; the queue's columns when it is absent or empty. */
export function parseTicketExportColumns(raw: string | undefined): TicketExportColumn[] {
  if (raw === undefined || raw.trim() === '') return [...defaultTicketExportColumns];
  const out: TicketExportColumn[] = [];
  for (const part of raw.split(',')) {
    const name = part.trim();
    if (name === '') continue;
    if (!(ticketExportColumns as readonly string[]).includes(name)) {
      throw new Invalid('validation_failed', `columns: unknown column "${name.slice(0, 40)}"`, [
        { field: 'querystring/columns', message: `unknown column; known: ${ticketExportColumns.join(', ')}` },
      ]);
    }
    if (!out.includes(name as TicketExportColumn)) out.push(name as TicketExportColumn);
  }
  if (out.length === 0) return [...defaultTicketExportColumns];
  return out;
}

/** What an export reads besides the ticket's own short fields (only when a column needs it). */
export interface TicketExportOptions {
  tags: boolean;
  description: boolean;
}

/**
 * The tickets of a list (the filter's limit and cursor are ignored), in batches of ticketExportBatch rows in
 * the list's order. A batch is read when the consumer asks for it (an async generator), so a slow client
 * holds the database reads back; stopping the iteration stops them.
 */
export async function* exportTickets(
  ctx: ServiceContext,
  actor: Actor,
  filter: Omit<TicketFilter, 'limit' | 'cursor'>,
  options: TicketExportOptions,
): AsyncGenerator<TicketExportRow[]> {
  const ranked = filter.q !== undefined && filter.q.trim() !== '' && filter.sort === undefined;
  let cursor: string | undefined;
  let sent = 0;
  const limit = options.description ? describedExportBatch : ticketExportBatch;
  for (;;) {
    const page = await listTicketIds(ctx, actor, { ...filter, limit, cursor });
    if (page.ids.length > 0) yield await ticketExportRows(ctx, page.ids, options);
    sent += page.ids.length;
    if (!page.nextCursor || (ranked && sent >= rankedExportLimit)) return;
    cursor = page.nextCursor;
  }
}

/** The export rows of these tickets (which the caller may see), kept in the given order. */
async function ticketExportRows(
  ctx: ServiceContext,
  ids: number[],
  options: TicketExportOptions,
): Promise<TicketExportRow[]> {
  const [rows, tags] = await Promise.all([
    ctx.db
      .selectFrom('tickets')
      .leftJoin('users as requester', 'requester.id', 'tickets.requester_id')
      .leftJoin('users as assignee', 'assignee.id', 'tickets.assignee_id')
      .leftJoin('groups', 'groups.id', 'tickets.group_id')
      .leftJoin('categories', 'categories.id', 'tickets.category_id')
      .select([
        'tickets.id',
        'tickets.title',
        options.description ? 'tickets.description' : sql<string>`''`.as('description'),
        'tickets.type',
        'tickets.status',
        'tickets.priority',
        'tickets.impact',
        'tickets.urgency',
        'tickets.created_at',
        'tickets.updated_at',
        'tickets.resolved_at',
        'tickets.closed_at',
        'requester.name as requester',
        'assignee.name as assignee',
        'groups.name as group',
        'categories.name as category',
      ])
      .where('tickets.id', 'in', ids)
      .execute(),
    options.tags
      ? ctx.db
          .selectFrom('ticket_tags')
          .select(['ticket_id', 'tag'])
          .where('ticket_id', 'in', ids)
          .orderBy('tag')
          .execute()
      : [],
  ]);
  const tagMap = new Map<number, string[]>();
  for (const t of tags) {
    const list = tagMap.get(t.ticket_id);
    if (list) list.push(t.tag);
    else tagMap.set(t.ticket_id, [t.tag]);
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: TicketExportRow[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (!r) continue; // deleted between the id page and this read
    out.push({
      id: r.id,
      title: r.title,
      description: r.description,
      type: r.type,
      status: r.status,
      priority: levelName(r.priority as Level),
      impact: levelName(r.impact as Level),
      urgency: levelName(r.urgency as Level),
      requester: r.requester,
      assignee: r.assignee,
      group: r.group,
      category: r.category,
      tags: tagMap.get(r.id) ?? [],
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
      resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
      closedAt: r.closed_at === null ? null : Number(r.closed_at),
    });
  }
  return out;
}
