// Tickets, comments, history, attachments, ratings and categories. Thin: schema → actor → one domain call.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import '@fastify/multipart';
import type { Actor } from '../../core/auth/index.js';
import type { ServiceContext } from '../../core/context.js';
import type { TicketStatus } from '../../core/db/index.js';
import { Invalid } from '../../core/errors.js';
import {
  addAttachment,
  addCommentWithFiles,
  createCategory,
  createTicketWithFiles,
  getTicket,
  type Level,
  listAttachments,
  listCategories,
  listComments,
  listHistory,
  listTicketLinks,
  listTickets,
  openAttachment,
  openStatuses,
  parseLevel,
  rateTicket,
  type TicketFilter,
  ticketSorts,
  ticketStatuses,
  updateCategory,
  updateTicket,
  uploadFile,
  uploadLimits,
} from '../../helpdesk/index.js';
import { listProblemIncidentIds } from '../../problems/index.js';
import { storedTicketSlas, ticketSlaFor } from '../../sla/index.js';
import { requireActor } from '../authentication.js';
import {
  Cursor,
  FieldValueSchema,
  Id,
  IdParams,
  LevelSchema,
  Limit,
  Nullable,
  problemResponses,
  StatusSchema,
  TicketTypeSchema,
} from '../schemas.js';
import { attachmentView, commentView, historyView, ticketLinkView, ticketView } from '../views.js';
import { slaView } from './sla/ticket-sla.js';

const level = (v: number | string | undefined): Level | undefined =>
  v === undefined ? undefined : parseLevel(v);

const CategoryRef = Type.Union([Id, Type.String({ minLength: 1, maxLength: 100 })], {
  description: 'a category id, or its name',
});

const TicketFields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 65_535 }),
  type: Type.Optional(TicketTypeSchema),
  impact: Type.Optional(LevelSchema),
  urgency: Type.Optional(LevelSchema),
  category: Type.Optional(Nullable(CategoryRef)),
  categoryId: Type.Optional(Nullable(Id)),
  assigneeId: Type.Optional(Nullable(Id)),
  groupId: Type.Optional(Nullable(Id)),
  relatedTicketId: Type.Optional(Nullable(Id)),
  tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
  watcherIds: Type.Optional(Type.Array(Id, { maxItems: 50 })),
};

const UploadIds = Type.Optional(
  Type.Array(Id, {
    maxItems: uploadLimits.perMessage,
    description: 'files uploaded before (POST /api/v1/uploads) that become attachments with this message',
  }),
);

function categoryInput(category: number | string | null | undefined, categoryId: number | null | undefined) {
  if (typeof category === 'string') return { categoryName: category };
  if (category !== undefined) return { categoryId: category };
  return categoryId !== undefined ? { categoryId } : {};
}

function parseTime(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms))
    throw new Invalid('validation_failed', `${name}: must be an ISO 8601 time`, [
      { field: `querystring/${name}`, message: 'must be an ISO 8601 time' },
    ]);
  return ms;
}

function parseList<T>(
  name: string,
  raw: string | undefined,
  parse: (s: string) => T | undefined,
): T[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const parts = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out: T[] = [];
  for (const p of parts) {
    const v = parse(p);
    if (v === undefined)
      throw new Invalid('validation_failed', `${name}: unknown value "${p.slice(0, 40)}"`, [
        { field: `querystring/${name}`, message: `unknown value ${p.slice(0, 40)}` },
      ]);
    out.push(v);
  }
  return out;
}

function idOrNone(name: string, raw: string | undefined, me: number): number | 'none' | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'none') return 'none';
  if (raw === 'me') return me;
  if (/^[1-9]\d{0,9}$/.test(raw)) return Number(raw);
  throw new Invalid('validation_failed', `${name}: must be an id, "me" or "none"`, [
    { field: `querystring/${name}`, message: 'must be an id, me or none' },
  ]);
}

/** The queue's filters as query parameters: the list, its exports and the search take the same. */
export const TicketListFilters = {
  q: Type.Optional(Type.String({ maxLength: 500 })),
  status: Type.Optional(Type.String({ maxLength: 200 })),
  priority: Type.Optional(Type.String({ maxLength: 200 })),
  assigneeId: Type.Optional(Type.String({ maxLength: 20 })),
  groupId: Type.Optional(Type.String({ maxLength: 20 })),
  requesterId: Type.Optional(Id),
  categoryId: Type.Optional(Id),
  /** A problem's incidents (staff). */
  problemId: Type.Optional(Id),
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  createdFrom: Type.Optional(Type.String({ maxLength: 40 })),
  createdTo: Type.Optional(Type.String({ maxLength: 40 })),
  updatedFrom: Type.Optional(Type.String({ maxLength: 40 })),
  updatedTo: Type.Optional(Type.String({ maxLength: 40 })),
  sort: Type.Optional(Type.Union(ticketSorts.map((s) => Type.Literal(s)))),
};
/** field.<key>=value: tickets whose custom field has this value (a user field also takes "me"). */
export const fieldFilterPattern = {
  '^field\\.[a-z][a-z0-9_]{0,39}$': Type.String({ maxLength: 200 }),
};
const TicketListFiltersSchema = Type.Object(TicketListFilters);

/**
 * The filter those parameters say, for this actor (me, mine); null when it can select nothing ("my groups"
 * of someone in no group, a problem with no incidents). A problem's incidents are the problems domain's to
 * say (staff only: a requester asking is refused; no such problem is not found).
 */
export async function ticketFilterFrom(
  ctx: ServiceContext,
  q: Static<typeof TicketListFiltersSchema>,
  actor: Actor,
): Promise<Omit<TicketFilter, 'limit' | 'cursor'> | null> {
  const status = parseList<TicketStatus[]>('status', q.status, (s) =>
    s === 'open'
      ? [...openStatuses]
      : ticketStatuses.includes(s as TicketStatus)
        ? [s as TicketStatus]
        : undefined,
  )?.flat();
  const groupRaw = q.groupId === 'mine' ? undefined : q.groupId;
  const filter: Omit<TicketFilter, 'limit' | 'cursor'> = {
    q: q.q,
    status: status ? [...new Set(status)] : undefined,
    priority: parseList('priority', q.priority, parseLevel),
    assigneeId: idOrNone('assigneeId', q.assigneeId, actor.id),
    groupId: idOrNone('groupId', groupRaw, actor.id),
    requesterId: q.requesterId,
    categoryId: q.categoryId,
    tag: q.tag,
    createdFrom: parseTime('createdFrom', q.createdFrom),
    createdTo: parseTime('createdTo', q.createdTo),
    updatedFrom: parseTime('updatedFrom', q.updatedFrom),
    updatedTo: parseTime('updatedTo', q.updatedTo),
    sort: q.sort,
    fieldValues: fieldFilters(q as Record<string, unknown>),
  };
  if (q.groupId === 'mine') {
    // "my groups": every group the actor belongs to.
    if (actor.groupIds.length === 0) return null;
    filter.groupIds = actor.groupIds;
  }
  if (q.problemId !== undefined) {
    filter.ids = await listProblemIncidentIds(ctx, actor, q.problemId);
    if (filter.ids.length === 0) return null;
  }
  return filter;
}

/** The `field.<key>=value` filters of a ticket list's query, by key (undefined: none). */
function fieldFilters(query: Record<string, unknown>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query))
    if (k.startsWith('field.') && typeof v === 'string') out[k.slice('field.'.length)] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function ticketRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/tickets',
      {
        schema: {
          tags: ['tickets'],
          summary: 'File a ticket',
          body: Type.Object({ ...TicketFields, requesterId: Type.Optional(Id), uploadIds: UploadIds }),
          response: { 201: Type.Ref('Ticket'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const { uploadIds, ...b } = request.body;
        const ticket = await createTicketWithFiles(
          ctx,
          actor,
          {
            ...b,
            impact: level(b.impact),
            urgency: level(b.urgency),
            ...categoryInput(b.category, b.categoryId),
          },
          uploadIds ?? [],
        );
        return reply.code(201).header('location', `/api/v1/tickets/${ticket.id}`).send(ticketView(ticket));
      },
    );

    app.get(
      '/api/v1/tickets',
      {
        schema: {
          tags: ['tickets'],
          summary: 'List and search tickets',
          description:
            'Filters combine with AND; lists take comma-separated values. status also takes "open". assigneeId and groupId take an id, "me"/"mine" or "none". problemId: the problem\'s incidents (staff). ' +
            'With q and no sort, results are ranked by relevance; otherwise sorted by the given key with the id as tie-breaker.',
          querystring: Type.Object(
            { ...TicketListFilters, limit: Limit, cursor: Type.Optional(Cursor) },
            { patternProperties: fieldFilterPattern },
          ),
          response: {
            200: Type.Object({ items: Type.Array(Type.Ref('Ticket')), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        const { limit, cursor, ...q } = request.query;
        const filters = await ticketFilterFrom(ctx, q, actor);
        if (!filters) return { items: [], nextCursor: null };
        const page = await listTickets(ctx, actor, { ...filters, limit, cursor });
        // The stored clocks, for the queue's countdown (one indexed read for the page).
        const slas = await storedTicketSlas(
          ctx,
          actor,
          page.items.map((t) => t.id),
        );
        return {
          items: page.items.map((t) => {
            const sla = slas.get(t.id);
            return sla ? { ...ticketView(t), sla: slaView(sla) } : ticketView(t);
          }),
          nextCursor: page.nextCursor,
        };
      },
    );

    app.get(
      '/api/v1/tickets/:id',
      {
        schema: {
          tags: ['tickets'],
          summary: 'One ticket',
          params: IdParams,
          response: { 200: Type.Ref('Ticket'), ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        const ticket = await getTicket(ctx, actor, request.params.id);
        // Recomputed on read from the ticket's history: exact right after any change.
        const sla = await ticketSlaFor(ctx, actor, ticket.id);
        // Its links from both ends: a caused-by or duplicate-of shows on either ticket.
        const links = (await listTicketLinks(ctx, actor, ticket.id)).map(ticketLinkView);
        const view = { ...ticketView(ticket), links };
        return sla ? { ...view, sla: slaView(sla) } : view;
      },
    );

    app.patch(
      '/api/v1/tickets/:id',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Change a ticket: fields, assignment, state (only allowed transitions), tags, watchers',
          params: IdParams,
          body: Type.Object(
            {
              ...TicketFields,
              title: Type.Optional(TicketFields.title),
              description: Type.Optional(TicketFields.description),
              priority: Type.Optional(LevelSchema),
              status: Type.Optional(StatusSchema),
              fields: Type.Optional(
                Type.Record(Type.String({ maxLength: 40 }), Nullable(FieldValueSchema), {
                  description: 'custom field values by key; null clears one (staff)',
                }),
              ),
            },
            { minProperties: 1 },
          ),
          response: { 200: Type.Ref('Ticket'), ...problemResponses },
        },
      },
      async (request) => {
        const b = request.body;
        const { category, categoryId, ...rest } = b;
        const ticket = await updateTicket(ctx, requireActor(request), request.params.id, {
          ...rest,
          impact: level(b.impact),
          urgency: level(b.urgency),
          priority: level(b.priority),
          ...categoryInput(category, categoryId),
        });
        return ticketView(ticket);
      },
    );

    app.post(
      '/api/v1/tickets/:id/rating',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Rate the resolution (the requester, once resolved)',
          params: IdParams,
          body: Type.Object({
            score: Type.Integer({ minimum: 1, maximum: 5 }),
            comment: Type.Optional(Type.String({ maxLength: 5000 })),
          }),
          response: { 200: Type.Ref('Ticket'), ...problemResponses },
        },
      },
      async (request) =>
        ticketView(await rateTicket(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.post(
      '/api/v1/tickets/:id/comments',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Comment on a ticket (internal: staff-only note)',
          params: IdParams,
          body: Type.Object({
            body: Type.String({ minLength: 1, maxLength: 65_535 }),
            internal: Type.Optional(Type.Boolean({ default: false })),
            uploadIds: UploadIds,
          }),
          response: { 201: Type.Ref('Comment'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const { uploadIds, ...body } = request.body;
        const comment = await addCommentWithFiles(
          ctx,
          requireActor(request),
          request.params.id,
          body,
          uploadIds ?? [],
        );
        return reply.code(201).send(commentView(comment));
      },
    );

    app.post(
      '/api/v1/uploads',
      {
        schema: {
          tags: ['tickets'],
          summary:
            'Upload a file (multipart/form-data, field "file") to send with a new request or a reply (uploadIds)',
          consumes: ['multipart/form-data'],
          response: {
            201: Type.Object({
              id: Type.Integer(),
              filename: Type.String(),
              contentType: Type.String(),
              sizeBytes: Type.Integer(),
              createdAt: Type.String({ format: 'date-time' }),
            }),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const file = request.isMultipart() ? await request.file() : undefined;
        if (!file)
          throw new Invalid(
            'validation_failed',
            'Send the file as multipart/form-data in a field named "file".',
            [{ field: '/file', message: 'required' }],
          );
        const upload = await uploadFile(ctx, actor, {
          filename: file.filename,
          contentType: file.mimetype,
          stream: file.file,
        });
        return reply.code(201).send({ ...upload, createdAt: new Date(upload.createdAt).toISOString() });
      },
    );

    app.get(
      '/api/v1/tickets/:id/comments',
      {
        schema: {
          tags: ['tickets'],
          summary: "A ticket's comments (requesters see only public ones)",
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('Comment')) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listComments(ctx, requireActor(request), request.params.id)).map(commentView),
      }),
    );

    app.get(
      '/api/v1/tickets/:id/history',
      {
        schema: {
          tags: ['tickets'],
          summary: "A ticket's history: who changed what, when, from and to",
          params: IdParams,
          response: {
            200: Type.Object({ items: Type.Array(Type.Ref('HistoryEntry')) }),
            ...problemResponses,
          },
        },
      },
      async (request) => ({
        items: (await listHistory(ctx, requireActor(request), request.params.id)).map(historyView),
      }),
    );

    app.post(
      '/api/v1/tickets/:id/attachments',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Attach a file (multipart/form-data, field "file")',
          params: IdParams,
          consumes: ['multipart/form-data'],
          response: { 201: Type.Ref('Attachment'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        if (!request.isMultipart()) {
          throw new Invalid(
            'validation_failed',
            'Send the file as multipart/form-data in a field named "file".',
            [{ field: '/file', message: 'required' }],
          );
        }
        const file = await request.file();
        if (!file)
          throw new Invalid('validation_failed', 'file: required', [{ field: '/file', message: 'required' }]);
        const attachment = await addAttachment(ctx, actor, request.params.id, {
          filename: file.filename,
          contentType: file.mimetype,
          stream: file.file,
        });
        return reply.code(201).send(attachmentView(attachment));
      },
    );

    app.get(
      '/api/v1/tickets/:id/attachments',
      {
        schema: {
          tags: ['tickets'],
          summary: "A ticket's attachments",
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('Attachment')) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listAttachments(ctx, requireActor(request), request.params.id)).map(attachmentView),
      }),
    );

    app.get(
      '/api/v1/attachments/:id',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Download an attachment',
          params: IdParams,
          response: { ...problemResponses },
        },
      },
      async (request, reply) => {
        const { attachment, file } = await openAttachment(ctx, requireActor(request), request.params.id);
        const inline =
          attachment.contentType.startsWith('image/') || attachment.contentType === 'application/pdf';
        return reply
          .type(attachment.contentType)
          .header('content-length', String(attachment.sizeBytes))
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header(
            'content-disposition',
            `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
          )
          .send(file.createReadStream({ start: 0 }));
      },
    );

    app.get(
      '/api/v1/categories',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Ticket categories',
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('Category')) }), ...problemResponses },
        },
      },
      async (request) => {
        requireActor(request);
        return { items: await listCategories(ctx) };
      },
    );

    app.post(
      '/api/v1/categories',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Create a category (manager, admin)',
          body: Type.Object({
            name: Type.String({ minLength: 1, maxLength: 100 }),
            description: Type.Optional(Type.String({ maxLength: 2000 })),
          }),
          response: { 201: Type.Ref('Category'), ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await createCategory(ctx, requireActor(request), request.body)),
    );

    app.patch(
      '/api/v1/categories/:id',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Change a category (manager, admin)',
          params: IdParams,
          body: Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              description: Type.Optional(Type.String({ maxLength: 2000 })),
            },
            { minProperties: 1 },
          ),
          response: { 200: Type.Ref('Category'), ...problemResponses },
        },
      },
      async (request) => updateCategory(ctx, requireActor(request), request.params.id, request.body),
    );
  };
}
