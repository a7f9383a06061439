// A ticket's articles: the ones linked to it (used in the reply), suggestions for it, and its solution
// turned into a draft article. Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ServiceContext } from '../../../core/context.js';
import {
  draftFromTicket,
  linkArticle,
  listTicketArticles,
  suggestForTicket,
  unlinkArticle,
} from '../../../knowledge/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, problemResponses } from '../../schemas.js';
import { ArticleSchema, ArticleSummarySchema, articleSummaryView, articleView } from './articles.js';

const Items = Type.Object({ items: Type.Array(ArticleSummarySchema) });

export function ticketArticleRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/tickets/:id/articles',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'The articles linked to a ticket (those the reader may read)',
          params: IdParams,
          response: { 200: Items, ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listTicketArticles(ctx, requireActor(request), request.params.id)).map(
          articleSummaryView,
        ),
      }),
    );

    app.post(
      '/api/v1/tickets/:id/articles',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Link an article to a ticket',
          params: IdParams,
          body: Type.Object({ articleId: Id }, { additionalProperties: false }),
          response: { 200: Items, ...problemResponses },
        },
      },
      async (request) => ({
        items: (await linkArticle(ctx, requireActor(request), request.params.id, request.body.articleId)).map(
          articleSummaryView,
        ),
      }),
    );

    app.delete(
      '/api/v1/tickets/:id/articles/:articleId',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Unlink an article from a ticket',
          params: Type.Object({ id: Id, articleId: Id }),
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await unlinkArticle(ctx, requireActor(request), request.params.id, request.params.articleId);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/tickets/:id/article-suggestions',
      {
        schema: {
          tags: ['knowledge'],
          summary:
            'Articles that may answer the ticket (its title and description), best first; linked ones left out',
          params: IdParams,
          querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 20, default: 5 }) }),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Composite([ArticleSummarySchema, Type.Object({ score: Type.Number() })]),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => ({
        items: (
          await suggestForTicket(ctx, requireActor(request), request.params.id, request.query.limit)
        ).map((s) => ({ ...articleSummaryView(s.article), score: s.score })),
      }),
    );

    app.post(
      '/api/v1/tickets/:id/article-draft',
      {
        schema: {
          tags: ['knowledge'],
          summary: "Turn a resolved ticket's solution into a draft article (internal), linked to the ticket",
          params: IdParams,
          response: { 201: ArticleSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(articleView(await draftFromTicket(ctx, requireActor(request), request.params.id))),
    );
  };
}
