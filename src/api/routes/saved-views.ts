// Saved views (a person's named list filters: the queue's, or the inventory list's with scope=assets) and bulk changes to selected tickets: the technician
// workspace's two conveniences. Thin: schema → actor → domain call.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { DomainError, httpStatusOfKind, Invalid } from '../../core/errors.js';
import {
  applyMacro,
  createSavedView,
  deleteSavedView,
  listSavedViews,
  parseLevel,
  savedViewScopes,
  updateTicket,
} from '../../helpdesk/index.js';
import { requireActor } from '../authentication.js';
import { Id, IdParams, LevelSchema, Nullable, problemResponses, StatusSchema } from '../schemas.js';
import { ticketView } from '../views.js';
import { articleLinker } from './macros.js';

const ScopeSchema = Type.Union(
  savedViewScopes.map((s) => Type.Literal(s)),
  { description: 'which list the view filters: tickets (the queue) or assets (the inventory)' },
);

const SavedViewSchema = Type.Object({
  id: Type.Integer(),
  scope: ScopeSchema,
  name: Type.String(),
  query: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export function savedViewRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/saved-views',
      {
        schema: {
          tags: ['tickets'],
          summary: 'My saved views of one list (the queue’s unless scope=assets)',
          querystring: Type.Object({ scope: Type.Optional(ScopeSchema) }),
          response: { 200: Type.Object({ items: Type.Array(SavedViewSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listSavedViews(ctx, requireActor(request), request.query.scope)).map((v) => ({
          ...v,
          createdAt: toIso(v.createdAt),
        })),
      }),
    );

    app.post(
      '/api/v1/saved-views',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Save a view (a name and the list query string; scope assets for the inventory list)',
          body: Type.Object({
            scope: Type.Optional(ScopeSchema),
            name: Type.String({ minLength: 1, maxLength: 100 }),
            query: Type.String({ maxLength: 2000 }),
          }),
          response: { 201: SavedViewSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const v = await createSavedView(ctx, requireActor(request), request.body);
        return reply.code(201).send({ ...v, createdAt: toIso(v.createdAt) });
      },
    );

    app.delete(
      '/api/v1/saved-views/:id',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Delete one of my saved views',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteSavedView(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/tickets/bulk',
      {
        schema: {
          tags: ['tickets'],
          summary:
            'Change several tickets at once, or apply a macro to each (macroId); each id succeeds or fails on its own',
          description:
            'Send either changes or macroId. With macroId, each ticket gets the whole macro in its own transaction (POST /api/v1/tickets/{id}/macros/{macroId}/apply).',
          body: Type.Object({
            ids: Type.Array(Id, { minItems: 1, maxItems: 200 }),
            macroId: Type.Optional(Id),
            changes: Type.Optional(
              Type.Object(
                {
                  status: Type.Optional(StatusSchema),
                  priority: Type.Optional(LevelSchema),
                  assigneeId: Type.Optional(Nullable(Id)),
                  groupId: Type.Optional(Nullable(Id)),
                  tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
                },
                { minProperties: 1, additionalProperties: false },
              ),
            ),
          }),
          response: {
            200: Type.Object({
              results: Type.Array(
                Type.Object({
                  id: Type.Integer(),
                  ok: Type.Boolean(),
                  ticket: Type.Optional(Type.Ref('Ticket')),
                  error: Type.Optional(
                    Type.Object({ status: Type.Integer(), code: Type.String(), detail: Type.String() }),
                  ),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        const { ids, changes, macroId } = request.body;
        if ((changes === undefined) === (macroId === undefined))
          throw new Invalid('validation_failed', 'Send either changes or macroId.', [
            {
              field: changes === undefined ? '/changes' : '/macroId',
              message: 'send either changes or macroId',
            },
          ]);
        const input = changes && {
          ...changes,
          priority: changes.priority === undefined ? undefined : parseLevel(changes.priority),
        };
        const links = articleLinker(ctx);
        const apply = async (id: number) =>
          input
            ? updateTicket(ctx, actor, id, input)
            : (await applyMacro(ctx, actor, id, macroId as number, links)).ticket;
        const results = [];
        // One transaction per ticket (updateTicket's or applyMacro's own): a ticket that refuses the change does
        // not undo the others.
        for (const id of [...new Set(ids)]) {
          try {
            results.push({ id, ok: true, ticket: ticketView(await apply(id)) });
          } catch (err) {
            if (!(err instanceof DomainError)) throw err;
            results.push({
              id,
              ok: false,
              error: { status: httpStatusOfKind[err.kind], code: err.code, detail: err.message },
            });
          }
        }
        return { results };
      },
    );
  };
}
