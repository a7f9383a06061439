// Merge, split and links between tickets, and the parent rule's setting. Thin: schema → actor → one domain call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ServiceContext } from '../../core/context.js';
import {
  addTicketLink,
  getTicketLinkSettings,
  listTicketLinks,
  mergeTicket,
  removeTicketLink,
  setTicketLinkSettings,
  splitComment,
  ticketLinkKinds,
} from '../../helpdesk/index.js';
import { requireActor } from '../authentication.js';
import { Id, IdParams, problemResponses, TicketLinkSchema } from '../schemas.js';
import { ticketLinkView, ticketView } from '../views.js';

const LinkSettings = Type.Object({
  parentWaitsForChildren: Type.Boolean({
    description: 'a parent ticket cannot be resolved or closed while a child ticket is open (default true)',
  }),
});

export function ticketLinkRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/tickets/:id/merge',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Merge this ticket into another (staff); answers the ticket that carries on',
          description:
            'Comments, attachments, watchers (and the requester, as a watcher), a copy of the history and the links move to intoId; ' +
            'this ticket is closed with a pointer (mergedIntoId) and read-only since. A ticket that was merged itself is followed to the one it was merged into.',
          params: IdParams,
          body: Type.Object({ intoId: Id }),
          response: { 200: Type.Ref('Ticket'), ...problemResponses },
        },
      },
      async (request) =>
        ticketView(await mergeTicket(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.post(
      '/api/v1/tickets/:id/comments/:commentId/split',
      {
        schema: {
          tags: ['tickets'],
          summary:
            'Split a public comment off into a new ticket of the same requester, related to this one (staff)',
          params: Type.Object({ id: Id, commentId: Id }),
          body: Type.Object({ title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
          response: { 201: Type.Ref('Ticket'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const ticket = await splitComment(
          ctx,
          requireActor(request),
          request.params.id,
          request.params.commentId,
          request.body ?? {},
        );
        return reply.code(201).header('location', `/api/v1/tickets/${ticket.id}`).send(ticketView(ticket));
      },
    );

    app.get(
      '/api/v1/tickets/:id/links',
      {
        schema: {
          tags: ['tickets'],
          summary: "A ticket's links, from both ends (requesters see links to tickets they may see)",
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(TicketLinkSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listTicketLinks(ctx, requireActor(request), request.params.id)).map(ticketLinkView),
      }),
    );

    app.post(
      '/api/v1/tickets/:id/links',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Link this ticket to another (staff): this ticket <kind> ticketId',
          params: IdParams,
          body: Type.Object({
            kind: Type.Union([...ticketLinkKinds, 'child_of' as const].map((k) => Type.Literal(k))),
            ticketId: Id,
          }),
          response: { 201: TicketLinkSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            ticketLinkView(await addTicketLink(ctx, requireActor(request), request.params.id, request.body)),
          ),
    );

    app.delete(
      '/api/v1/tickets/:id/links/:linkId',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Remove a link (staff)',
          params: Type.Object({ id: Id, linkId: Id }),
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await removeTicketLink(ctx, requireActor(request), request.params.id, request.params.linkId);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/settings/ticket-links',
      {
        schema: {
          tags: ['settings'],
          summary: 'How linked tickets behave (staff)',
          response: { 200: LinkSettings, ...problemResponses },
        },
      },
      async (request) => getTicketLinkSettings(ctx, requireActor(request)),
    );

    app.put(
      '/api/v1/settings/ticket-links',
      {
        schema: {
          tags: ['settings'],
          summary: 'Change how linked tickets behave (admin)',
          body: LinkSettings,
          response: { 200: LinkSettings, ...problemResponses },
        },
      },
      async (request) => setTicketLinkSettings(ctx, requireActor(request), request.body),
    );
  };
}
