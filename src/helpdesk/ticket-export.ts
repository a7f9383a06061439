// Exporting a ticket list: the rows of any queue view or search, in the list's own order, as batches read
// page by page (keyset cursors for sorted lists, offsets for ranked search) — never the whole result at once.
// The visibility rule and the filters are listTickets' own (listTicketIds), so an export shows exactly what
// the queue would. Custom fields are columns too (`field.<key>`), their values read per batch, people and
// attachments by name. Formatting (CSV, XLSX) is the edge's business.
import { sql } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { TicketStatus, TicketType } from '../core/db/index.js';
import { Invalid } from '../core/errors.js';
import { type CustomField, toCustomField } from './custom-fields.js';
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
/** A custom field's column: its values on each ticket (`field.laptop_model`). */
export type FieldExportColumn = `field.${string}`;
const fieldColumn = /^field\.([a-z][a-z0-9_]{0,39})$/;

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
  /** The asked custom fields' values by key, as one cell each: lists joined with ", ", people and files by name. */
  fields: Record<string, string | number>;
}

const unknownColumn = (name: string, message: string) =>
  new Invalid('validation_failed', `columns: unknown column "${name.slice(0, 40)}"`, [
    { field: 'querystring/columns', message },
  ]);

/**
 * The columns named in a `columns=` list, validated (a `field.<key>` column must name a custom field, active or
 * not: tickets keep their values); the queue's columns when it is absent or empty. With the custom fields named.
 */
export async function parseTicketExportColumns(
  ctx: ServiceContext,
  raw: string | undefined,
): Promise<{ columns: Array<TicketExportColumn | FieldExportColumn>; fields: CustomField[] }> {
  const out: Array<TicketExportColumn | FieldExportColumn> = [];
  const keys: string[] = [];
  for (const part of (raw ?? '').split(',')) {
    const name = part.trim();
    if (name === '' || out.includes(name as TicketExportColumn)) continue;
    const field = fieldColumn.exec(name);
    if (field) {
      keys.push(field[1]);
      out.push(name as FieldExportColumn);
    } else if ((ticketExportColumns as readonly string[]).includes(name))
      out.push(name as TicketExportColumn);
    else throw unknownColumn(name, `unknown column; known: ${ticketExportColumns.join(', ')}, field.<key>`);
  }
  if (out.length === 0) return { columns: [...defaultTicketExportColumns], fields: [] };
  const fields =
    keys.length === 0
      ? []
      : (await ctx.db.selectFrom('custom_fields').selectAll().where('key', 'in', keys).execute()).map(
          toCustomField,
        );
  const missing = keys.find((k) => !fields.some((f) => f.key === k));
  if (missing !== undefined) throw unknownColumn(`field.${missing}`, `no custom field with key ${missing}`);
  return { columns: out, fields };
}

/** What an export reads besides the ticket's own short fields (only when a column needs it). */
export interface TicketExportOptions {
  tags: boolean;
  description: boolean;
  /** The custom fields whose values the rows carry. */
  fields?: CustomField[];
  /** The people, group and category whose names the rows carry (default all; the others are null). */
  names?: Array<'requester' | 'assignee' | 'group' | 'category'>;
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
  const names = options.names ?? ['requester', 'assignee', 'group', 'category'];
  const rows = await ctx.db
    .selectFrom('tickets')
    .select([
      'id',
      'title',
      options.description ? 'description' : sql<string>`''`.as('description'),
      'type',
      'status',
      'priority',
      'impact',
      'urgency',
      'requester_id',
      'assignee_id',
      'group_id',
      'category_id',
      'created_at',
      'updated_at',
      'resolved_at',
      'closed_at',
    ])
    .where('id', 'in', ids)
    .execute();
  // Names by one lookup per kind of the batch's distinct ids (a join would look each row's up again), and only
  // for the columns asked.
  const distinct = (pick: (r: (typeof rows)[number]) => number | null) => {
    const out = new Set<number>();
    for (const r of rows) {
      const id = pick(r);
      if (id !== null) out.add(id);
    }
    return [...out];
  };
  const people = [
    ...new Set([
      ...(names.includes('requester') ? distinct((r) => r.requester_id) : []),
      ...(names.includes('assignee') ? distinct((r) => r.assignee_id) : []),
    ]),
  ];
  const groupIds = names.includes('group') ? distinct((r) => r.group_id) : [];
  const categoryIds = names.includes('category') ? distinct((r) => r.category_id) : [];
  const [tags, fields, userNames, groupNames, categoryNames] = await Promise.all([
    options.tags
      ? ctx.db
          .selectFrom('ticket_tags')
          .select(['ticket_id', 'tag'])
          .where('ticket_id', 'in', ids)
          .orderBy('tag')
          .execute()
      : [],
    options.fields && options.fields.length > 0
      ? exportFieldValues(ctx, ids, options.fields)
      : new Map<number, Record<string, string | number>>(),
    nameMap(ctx, 'users', people),
    nameMap(ctx, 'groups', groupIds),
    nameMap(ctx, 'categories', categoryIds),
  ]);
  const nameOf = (map: Map<number, string>, id: number | null) =>
    id === null ? null : (map.get(id) ?? null);
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
      requester: nameOf(userNames, r.requester_id),
      assignee: nameOf(userNames, r.assignee_id),
      group: nameOf(groupNames, r.group_id),
      category: nameOf(categoryNames, r.category_id),
      tags: tagMap.get(r.id) ?? [],
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
      resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
      closedAt: r.closed_at === null ? null : Number(r.closed_at),
      fields: fields.get(r.id) ?? {},
    });
  }
  return out;
}

/** The names of these users, groups or categories by id. */
async function nameMap(
  ctx: ServiceContext,
  table: 'users' | 'groups' | 'categories',
  ids: number[],
): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db.selectFrom(table).select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * The values of these fields on these tickets, one cell per ticket and field: a number as a number, a list
 * (multi-choice, attachments) joined with ", " in its order, a person by name, an attachment by file name.
 */
async function exportFieldValues(
  ctx: ServiceContext,
  ids: number[],
  defs: CustomField[],
): Promise<Map<number, Record<string, string | number>>> {
  const byId = new Map(defs.map((f) => [f.id, f]));
  const values = await ctx.db
    .selectFrom('ticket_field_values')
    .select(['ticket_id', 'field_id', 'value_text', 'value_number'])
    .where('ticket_id', 'in', ids)
    .where('field_id', 'in', [...byId.keys()])
    .orderBy('ticket_id')
    .orderBy('field_id')
    .orderBy('seq')
    .execute();
  const userIds = new Set<number>();
  const fileIds = new Set<number>();
  for (const v of values) {
    const type = byId.get(v.field_id)?.type;
    if (type === 'user') userIds.add(Number(v.value_number));
    else if (type === 'attachment') fileIds.add(Number(v.value_number));
  }
  const [users, files] = await Promise.all([
    userIds.size === 0
      ? []
      : ctx.db
          .selectFrom('users')
          .select(['id', 'name'])
          .where('id', 'in', [...userIds])
          .execute(),
    fileIds.size === 0
      ? []
      : ctx.db
          .selectFrom('attachments')
          .select(['id', 'filename as name'])
          .where('id', 'in', [...fileIds])
          .execute(),
  ]);
  const userName = new Map(users.map((u) => [u.id, u.name]));
  const fileName = new Map(files.map((f) => [f.id, f.name]));
  const out = new Map<number, Record<string, string | number>>();
  for (const v of values) {
    const def = byId.get(v.field_id) as CustomField;
    const n = Number(v.value_number);
    const cell =
      def.type === 'number'
        ? n
        : def.type === 'user'
          ? (userName.get(n) ?? `#${n}`)
          : def.type === 'attachment'
            ? (fileName.get(n) ?? `#${n}`)
            : (v.value_text ?? '');
    let row = out.get(v.ticket_id);
    if (!row) {
      row = {};
      out.set(v.ticket_id, row);
    }
    const before = row[def.key];
    row[def.key] = before === undefined ? cell : `${before}, ${cell}`;
  }
  return out;
}
