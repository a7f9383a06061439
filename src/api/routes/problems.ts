// Problem management (src/problems/): problems with their incidents, the state table, resolving with the
// incidents, the incident count over time, and a ticket's problem ("caused by known problem P"). (Not to be
// confused with ../problems.ts, the problem+json error bodies, whose schema is 'Problem': ours is 'ProblemRecord'.) Thin: schema → actor → one domain call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import type { ProblemStatus } from '../../core/db/index.js';
import { Invalid } from '../../core/errors.js';
import { commentMaxLength, decodeCursor, encodeCursor, levelName } from '../../helpdesk/index.js';
import {
  clearTicketProblem,
  createProblemWithIncidents,
  getIncidentCounts,
  getProblem,
  getTicketProblem,
  incidentCountLimits,
  linkIncident,
  listProblemHistory,
  listProblems,
  type Problem,
  type ProblemDetail,
  type ProblemHistoryItem,
  problemLimits,
  problemStatuses,
  resolveProblem,
  setTicketProblem,
  type TicketProblem,
  unlinkIncident,
  updateProblem,
} from '../../problems/index.js';
import { requireActor } from '../authentication.js';
import {
  Cursor,
  Id,
  IdParams,
  IsoTime,
  LevelName,
  LevelSchema,
  Limit,
  Nullable,
  problemResponses,
  StatusSchema,
} from '../schemas.js';

const tags = ['problems'];

const ProblemStatusSchema = Type.Union(problemStatuses.map((s) => Type.Literal(s)));
const Text = Type.String({ maxLength: problemLimits.textMaxLength });
const Title = Type.String({ minLength: 1, maxLength: problemLimits.titleMaxLength });

const problemFields = {
  id: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  status: ProblemStatusSchema,
  rootCause: Type.String(),
  workaround: Type.String(),
  knownError: Type.Boolean({ description: 'a known error now, or it was one before it was resolved' }),
  knownErrorAt: Nullable(IsoTime),
  priority: LevelName,
  impact: LevelName,
  ownerId: Nullable(Type.Integer()),
  groupId: Nullable(Type.Integer()),
  categoryId: Nullable(Type.Integer()),
  createdBy: Nullable(Type.Integer()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  resolvedAt: Nullable(IsoTime),
  closedAt: Nullable(IsoTime),
  incidentIds: Type.Array(Type.Integer(), { description: 'the linked incidents (tickets), in id order' }),
  openIncidentCount: Type.Integer(),
  allowedTransitions: Type.Array(ProblemStatusSchema),
};
const ProblemSchema = Type.Object(problemFields, { $id: 'ProblemRecord' });
const ProblemDetailSchema = Type.Object(
  {
    ...problemFields,
    incidents: Type.Array(
      Type.Object({
        id: Type.Integer(),
        title: Type.String(),
        status: StatusSchema,
        requesterId: Type.Integer(),
        priority: LevelName,
        createdAt: IsoTime,
        resolvedAt: Nullable(IsoTime),
        linkedAt: IsoTime,
      }),
    ),
  },
  { $id: 'ProblemDetail' },
);
const TicketProblemSchema = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String(),
    status: ProblemStatusSchema,
    knownError: Type.Boolean(),
    rootCause: Type.String(),
    workaround: Type.String(),
    linkedAt: IsoTime,
  },
  { $id: 'TicketProblem' },
);
const HistorySchema = Type.Object({
  id: Type.Integer(),
  problemId: Type.Integer(),
  actorId: Nullable(Type.Integer()),
  at: IsoTime,
  field: Type.String(),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
});

const Editable = {
  description: Type.Optional(Text),
  rootCause: Type.Optional(Text),
  workaround: Type.Optional(Text),
  priority: Type.Optional(LevelSchema),
  impact: Type.Optional(LevelSchema),
  ownerId: Type.Optional(Nullable(Id)),
  groupId: Type.Optional(Nullable(Id)),
  categoryId: Type.Optional(Nullable(Id)),
};

function problemView(p: Problem) {
  return {
    ...p,
    priority: levelName(p.priority),
    impact: levelName(p.impact),
    knownErrorAt: toIso(p.knownErrorAt),
    createdAt: toIso(p.createdAt),
    updatedAt: toIso(p.updatedAt),
    resolvedAt: toIso(p.resolvedAt),
    closedAt: toIso(p.closedAt),
    allowedTransitions: [...p.allowedTransitions],
  };
}

function problemDetailView(p: ProblemDetail) {
  return {
    ...problemView(p),
    incidents: p.incidents.map((i) => ({
      ...i,
      priority: levelName(i.priority),
      createdAt: toIso(i.createdAt),
      resolvedAt: toIso(i.resolvedAt),
      linkedAt: toIso(i.linkedAt),
    })),
  };
}

const ticketProblemView = (p: TicketProblem) => ({ ...p, linkedAt: toIso(p.linkedAt) });
const historyView = (h: ProblemHistoryItem) => ({ ...h, at: toIso(h.at) });

/** "new,investigating" → the states, refusing an unknown one. */
function statusesFrom(value: string | undefined): ProblemStatus[] | undefined {
  if (value === undefined || value === '') return undefined;
  const list = value.split(',').map((s) => s.trim());
  for (const s of list)
    if (!problemStatuses.includes(s as ProblemStatus))
      throw new Invalid('validation_failed', `status: unknown state "${s.slice(0, 40)}"`, [
        {
          field: 'querystring/status',
          message: `must be a comma-separated list of ${problemStatuses.join(', ')}`,
        },
      ]);
  return list as ProblemStatus[];
}

export function problemRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addSchema(ProblemSchema);
    app.addSchema(ProblemDetailSchema);
    app.addSchema(TicketProblemSchema);

    app.get(
      '/api/v1/problems',
      {
        schema: {
          tags,
          summary: 'Problems, the latest changed first, each with its incidentIds (staff)',
          querystring: Type.Object({
            status: Type.Optional(
              Type.String({ maxLength: 100, description: `comma-separated: ${problemStatuses.join(', ')}` }),
            ),
            q: Type.Optional(
              Type.String({
                maxLength: problemLimits.searchMaxLength,
                description: 'words of the title, or a number (12, #12, PRB-12)',
              }),
            ),
            ownerId: Type.Optional(Id),
            knownError: Type.Optional(Type.Boolean()),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(Type.Ref('ProblemRecord')),
              nextCursor: Nullable(Type.String()),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { status, cursor, limit, ...rest } = request.query;
        const items = await listProblems(ctx, requireActor(request), {
          ...rest,
          status: statusesFrom(status),
          limit,
          cursor: cursor ? decodeCursor(cursor) : undefined,
        });
        const page = items.slice(0, limit);
        const last = page[page.length - 1];
        return {
          items: page.map(problemView),
          nextCursor: items.length > limit ? encodeCursor({ k: [last.updatedAt, last.id] }) : null,
        };
      },
    );

    app.post(
      '/api/v1/problems',
      {
        schema: {
          tags,
          summary: 'Log a problem (staff), with the incidents it is known to cause',
          body: Type.Object({
            title: Title,
            ...Editable,
            status: Type.Optional(
              Type.Union([Type.Literal('new'), Type.Literal('investigating'), Type.Literal('known_error')]),
            ),
            incidentIds: Type.Optional(Type.Array(Id, { maxItems: problemLimits.incidentsOnCreate })),
          }),
          response: { 201: Type.Ref('ProblemDetail'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const p = await createProblemWithIncidents(ctx, requireActor(request), request.body);
        return reply.code(201).header('location', `/api/v1/problems/${p.id}`).send(problemDetailView(p));
      },
    );

    app.get(
      '/api/v1/problems/:id',
      {
        schema: {
          tags,
          summary: 'A problem with its incidents (staff)',
          params: IdParams,
          response: { 200: Type.Ref('ProblemDetail'), ...problemResponses },
        },
      },
      async (request) => problemDetailView(await getProblem(ctx, requireActor(request), request.params.id)),
    );

    app.patch(
      '/api/v1/problems/:id',
      {
        schema: {
          tags,
          summary: 'Change a problem (staff; closing it: managers and admins)',
          description:
            'States: new → investigating → known_error → resolved → closed (see docs/problems.md for every move). ' +
            'To resolve the incidents too, use POST /api/v1/problems/{id}/resolve.',
          params: IdParams,
          body: Type.Object({
            title: Type.Optional(Title),
            status: Type.Optional(ProblemStatusSchema),
            ...Editable,
          }),
          response: { 200: Type.Ref('ProblemDetail'), ...problemResponses },
        },
      },
      async (request) =>
        problemDetailView(await updateProblem(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.post(
      '/api/v1/problems/:id/resolve',
      {
        schema: {
          tags,
          summary:
            'Resolve a problem, optionally with its open incidents and a public message to their requesters',
          description:
            'One transaction: the problem and every open linked incident (a public reply with the message, then resolved). ' +
            'An incident that cannot be resolved (open child tickets, time required) changes nothing and answers problem_incidents_refused naming it.',
          params: IdParams,
          body: Type.Object({
            rootCause: Type.Optional(Text),
            resolveIncidents: Type.Boolean(),
            message: Type.Optional(Type.String({ maxLength: commentMaxLength })),
          }),
          response: {
            200: Type.Object({
              problem: Type.Ref('ProblemDetail'),
              resolvedIncidentIds: Type.Array(Type.Integer()),
              resolvedCount: Type.Integer(),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const r = await resolveProblem(ctx, requireActor(request), request.params.id, request.body);
        return {
          problem: problemDetailView(r.problem),
          resolvedIncidentIds: r.resolvedIncidentIds,
          resolvedCount: r.resolvedIncidentIds.length,
        };
      },
    );

    app.post(
      '/api/v1/problems/:id/incidents',
      {
        schema: {
          tags,
          summary: 'Link an incident (ticket) to the problem (staff); a ticket belongs to one problem',
          params: IdParams,
          body: Type.Object({ ticketId: Id }),
          response: { 200: Type.Ref('ProblemDetail'), ...problemResponses },
        },
      },
      async (request) =>
        problemDetailView(
          await linkIncident(ctx, requireActor(request), request.params.id, request.body.ticketId),
        ),
    );

    app.delete(
      '/api/v1/problems/:id/incidents/:ticketId',
      {
        schema: {
          tags,
          summary: 'Unlink an incident from the problem (staff)',
          params: Type.Object({ id: Id, ticketId: Id }),
          response: { 200: Type.Ref('ProblemDetail'), ...problemResponses },
        },
      },
      async (request) =>
        problemDetailView(
          await unlinkIncident(ctx, requireActor(request), request.params.id, request.params.ticketId),
        ),
    );

    app.get(
      '/api/v1/problems/:id/history',
      {
        schema: {
          tags,
          summary: "A problem's history: who changed what, when (staff)",
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(HistorySchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listProblemHistory(ctx, requireActor(request), request.params.id)).map(historyView),
      }),
    );

    app.get(
      '/api/v1/problems/:id/incident-counts',
      {
        schema: {
          tags,
          summary: "A problem's incidents reported and resolved per day or week (staff)",
          params: IdParams,
          querystring: Type.Object({
            days: Type.Optional(Type.Integer({ minimum: 1, maximum: incidentCountLimits.maxDays })),
            bucket: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week')])),
            timeZone: Type.Optional(Type.String({ maxLength: 64 })),
          }),
          response: {
            200: Type.Object({
              timeZone: Type.String(),
              bucket: Type.Union([Type.Literal('day'), Type.Literal('week')]),
              items: Type.Array(
                Type.Object({
                  day: Type.String({ format: 'date' }),
                  created: Type.Integer(),
                  resolved: Type.Integer(),
                }),
              ),
              total: Type.Integer(),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => getIncidentCounts(ctx, requireActor(request), request.params.id, request.query),
    );

    app.get(
      '/api/v1/tickets/:id/problem',
      {
        schema: {
          tags,
          summary: 'The problem that causes this ticket, or null (staff)',
          params: IdParams,
          response: {
            200: Type.Object({ problem: Nullable(Type.Ref('TicketProblem')) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const p = await getTicketProblem(ctx, requireActor(request), request.params.id);
        return { problem: p ? ticketProblemView(p) : null };
      },
    );

    app.put(
      '/api/v1/tickets/:id/problem',
      {
        schema: {
          tags,
          summary: 'This ticket is caused by problem problemId (staff): link it',
          params: IdParams,
          body: Type.Object({ problemId: Id }),
          response: { 200: Type.Ref('TicketProblem'), ...problemResponses },
        },
      },
      async (request) =>
        ticketProblemView(
          await setTicketProblem(ctx, requireActor(request), request.params.id, request.body.problemId),
        ),
    );

    app.delete(
      '/api/v1/tickets/:id/problem',
      {
        schema: {
          tags,
          summary: 'Unlink the ticket from its problem (staff)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await clearTicketProblem(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
