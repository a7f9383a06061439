// Policies and procedures over HTTP: recording a review, the reviews due (the manager's list or the owner's
// own), acknowledging a policy that must be read and who has, and the generated service agreement. Thin:
// schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  acknowledgeArticle,
  getOwnAcknowledgement,
  getServiceAgreement,
  listAcknowledgements,
  listReviews,
  markReviewed,
  reviewLimits,
} from '../../../knowledge/index.js';
import { requireActor } from '../../authentication.js';
import { Cursor, IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';
import { ArticleKindSchema, ArticleSchema, ArticleStatusSchema, articleView } from './articles.js';

const RenderedArticleSchema = Type.Composite([
  ArticleSchema,
  Type.Object({
    html: Type.String({ description: 'The Markdown rendered and sanitised' }),
    headings: Type.Array(Type.Object({ level: Type.Integer(), text: Type.String(), id: Type.String() })),
  }),
]);
const ReviewDueSchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  kind: ArticleKindSchema,
  status: ArticleStatusSchema,
  ownerId: Nullable(Type.Integer()),
  ownerName: Nullable(Type.String()),
  nextReviewAt: IsoTime,
  lastReviewedAt: Nullable(IsoTime),
  overdue: Type.Boolean(),
});
const AcknowledgementSchema = Type.Object({ version: Type.Integer(), acknowledgedAt: IsoTime });
const Person = { userId: Type.Integer(), name: Type.String() };

export function policyRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/articles/:id/review',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Record a review of a policy or procedure: the next one falls due an interval on',
          description: "The policy's owner, a manager or an admin.",
          params: IdParams,
          body: Type.Object(
            { note: Type.Optional(Type.String({ maxLength: reviewLimits.note })) },
            { additionalProperties: false },
          ),
          response: { 200: ArticleSchema, ...problemResponses },
        },
      },
      async (request) =>
        articleView(await markReviewed(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.get(
      '/api/v1/knowledge/reviews',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Policies and procedures due for review within N days or overdue, soonest first',
          description:
            'Managers and admins see every one; `mine=true` lists the caller’s own (any staff member).',
          querystring: Type.Object({
            dueWithinDays: Type.Integer({ minimum: 0, maximum: reviewLimits.dueWithinDays, default: 30 }),
            mine: Type.Boolean({ default: false }),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({ items: Type.Array(ReviewDueSchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const page = await listReviews(ctx, requireActor(request), request.query);
        return {
          items: page.items.map((r) => ({
            ...r,
            nextReviewAt: toIso(r.nextReviewAt),
            lastReviewedAt: toIso(r.lastReviewedAt),
          })),
          nextCursor: page.nextCursor,
        };
      },
    );

    app.post(
      '/api/v1/articles/:id/acknowledgement',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Acknowledge having read the current version of a policy that asks for it (idempotent)',
          params: IdParams,
          response: { 200: AcknowledgementSchema, ...problemResponses },
        },
      },
      async (request) => {
        const ack = await acknowledgeArticle(ctx, requireActor(request), request.params.id);
        return { version: ack.version, acknowledgedAt: toIso(ack.acknowledgedAt) };
      },
    );

    app.get(
      '/api/v1/articles/:id/acknowledgement',
      {
        schema: {
          tags: ['knowledge'],
          summary: "The reader's own acknowledgement of the current version, and whether one is asked for",
          params: IdParams,
          response: {
            200: Type.Object({
              required: Type.Boolean(),
              version: Type.Integer(),
              acknowledgedAt: Nullable(IsoTime),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const own = await getOwnAcknowledgement(ctx, requireActor(request), request.params.id);
        return { ...own, acknowledgedAt: toIso(own.acknowledgedAt) };
      },
    );

    app.get(
      '/api/v1/articles/:id/acknowledgements',
      {
        schema: {
          tags: ['knowledge'],
          summary: "Who in the article's audience has and has not acknowledged its current version",
          description:
            'Active users of the audience (public: everyone; internal: staff; managers: managers and admins), a page of users by id at a time; `total` counts them all.',
          params: IdParams,
          querystring: Type.Object({
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({
              version: Type.Integer(),
              total: Type.Object({ acknowledged: Type.Integer(), pending: Type.Integer() }),
              acknowledged: Type.Array(Type.Object({ ...Person, acknowledgedAt: IsoTime })),
              pending: Type.Array(Type.Object(Person)),
              nextCursor: Nullable(Type.String()),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const r = await listAcknowledgements(ctx, requireActor(request), request.params.id, request.query);
        return {
          ...r,
          acknowledged: r.acknowledged.map((a) => ({ ...a, acknowledgedAt: toIso(a.acknowledgedAt) })),
        };
      },
    );

    app.get(
      '/api/v1/knowledge/service-agreement',
      {
        schema: {
          tags: ['knowledge'],
          summary: "The help desk's service agreement: a policy page generated from the SLA policies",
          description:
            'Written by the service (created on the first call) and regenerated, as a new version, whenever the SLA policies or their calendars say something else.',
          response: { 200: RenderedArticleSchema, ...problemResponses },
        },
      },
      async (request) => {
        const r = await getServiceAgreement(ctx, requireActor(request));
        return { ...articleView(r.article), html: r.html, headings: r.headings };
      },
    );
  };
}
