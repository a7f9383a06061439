// Knowledge base routes: articles (search, read, write, status), their versions (list, read, diff, search,
// restore), suggestions while typing and "this solved my problem", the search gaps, categories, and the
// manager's deflection report. Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { Invalid } from '../../../core/errors.js';
import {
  type Article,
  type ArticleHit,
  articleLimits,
  createArticle,
  deflectionReport,
  deleteKbCategory,
  diffArticleVersions,
  dismissSearchGap,
  getArticleVersion,
  getCurrentRenderedArticle,
  listArticleVersions,
  listKbCategories,
  listSearchGaps,
  recordDeflection,
  renderArticle,
  restoreArticleVersion,
  saveKbCategory,
  searchArticles,
  searchArticleVersions,
  suggestArticles,
  suggestionTextMax,
  transitionArticle,
  updateArticle,
} from '../../../knowledge/index.js';
import { requireActor } from '../../authentication.js';
import { Cursor, Id, IdParams, IsoTime, Limit, Nullable, problemResponses } from '../../schemas.js';

export const ArticleKindSchema = Type.Union([
  Type.Literal('faq'),
  Type.Literal('guide'),
  Type.Literal('manual'),
  Type.Literal('runbook'),
  Type.Literal('policy'),
  Type.Literal('procedure'),
]);
export const ArticleAudienceSchema = Type.Union([
  Type.Literal('public'),
  Type.Literal('internal'),
  Type.Literal('managers'),
]);
export const ArticleStatusSchema = Type.Union([
  Type.Literal('draft'),
  Type.Literal('in_review'),
  Type.Literal('published'),
  Type.Literal('archived'),
]);
const Person = Nullable(Type.Object({ id: Type.Integer(), name: Type.String() }));
const SnippetSchema = Type.Array(Type.Object({ text: Type.String(), hit: Type.Boolean() }));

/** An article without its text: what lists, search results and suggestions carry. */
export const ArticleSummarySchema = Type.Object({
  id: Type.Integer(),
  kind: ArticleKindSchema,
  audience: ArticleAudienceSchema,
  status: ArticleStatusSchema,
  title: Type.String(),
  categoryId: Nullable(Type.Integer()),
  categoryName: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  version: Type.Integer(),
  updatedAt: IsoTime,
  publishedAt: Nullable(IsoTime),
  helpedCount: Type.Integer(),
  solvedCount: Type.Integer(),
});
export const ArticleSchema = Type.Composite([
  ArticleSummarySchema,
  Type.Object({
    body: Type.String({ description: 'Markdown' }),
    createdBy: Person,
    updatedBy: Person,
    createdAt: IsoTime,
    ownerId: Nullable(Type.Integer()),
    ownerName: Nullable(Type.String()),
    effectiveAt: Nullable(IsoTime),
    reviewIntervalDays: Nullable(Type.Integer()),
    nextReviewAt: Nullable(IsoTime),
    lastReviewedAt: Nullable(IsoTime),
    requiresAck: Type.Boolean(),
    generated: Nullable(Type.String()),
    sourceTicketId: Nullable(Type.Integer()),
  }),
]);
const RenderedArticleSchema = Type.Composite([
  ArticleSchema,
  Type.Object({
    html: Type.String({ description: 'The Markdown rendered and sanitised' }),
    headings: Type.Array(Type.Object({ level: Type.Integer(), text: Type.String(), id: Type.String() })),
  }),
]);

const iso = (ms: number | null) => (ms === null ? null : toIso(ms));

export function articleSummaryView(a: Article) {
  return {
    id: a.id,
    kind: a.kind,
    audience: a.audience,
    status: a.status,
    title: a.title,
    categoryId: a.categoryId,
    categoryName: a.categoryName,
    tags: a.tags,
    version: a.version,
    updatedAt: toIso(a.updatedAt),
    publishedAt: iso(a.publishedAt),
    helpedCount: a.helpedCount,
    solvedCount: a.solvedCount,
  };
}

export function articleView(a: Article) {
  return {
    ...articleSummaryView(a),
    body: a.body,
    createdBy: a.createdBy,
    updatedBy: a.updatedBy,
    createdAt: toIso(a.createdAt),
    ownerId: a.ownerId,
    ownerName: a.ownerName,
    effectiveAt: iso(a.effectiveAt),
    reviewIntervalDays: a.reviewIntervalDays,
    nextReviewAt: iso(a.nextReviewAt),
    lastReviewedAt: iso(a.lastReviewedAt),
    requiresAck: a.requiresAck,
    generated: a.generated,
    sourceTicketId: a.sourceTicketId,
  };
}

function hitView(h: ArticleHit) {
  return { ...articleSummaryView(h.article), score: h.score, snippet: h.snippet };
}

/** An ISO time of the body or query as epoch ms; a precise error naming the field otherwise. */
function timeOf(field: string, value: string | null | undefined): number | null | undefined {
  if (value === null || value === undefined) return value;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw new Invalid('validation_failed', `${field}: must be an ISO 8601 time`, [
      { field, message: 'must be an ISO 8601 time' },
    ]);
  return ms;
}

const Title = Type.String({ minLength: 1, maxLength: articleLimits.title });
const Body = Type.String({ maxLength: articleLimits.body });
const Tags = Type.Array(Type.String({ maxLength: articleLimits.tag }), { maxItems: articleLimits.tags });
const PolicyFields = {
  ownerId: Type.Optional(Nullable(Id)),
  effectiveAt: Type.Optional(Nullable(IsoTime)),
  reviewIntervalDays: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 3650 }))),
  requiresAck: Type.Optional(Type.Boolean()),
};
const ArticleBody = Type.Object(
  {
    title: Title,
    body: Body,
    kind: ArticleKindSchema,
    audience: ArticleAudienceSchema,
    status: Type.Optional(
      Type.Union([Type.Literal('draft'), Type.Literal('in_review'), Type.Literal('published')]),
    ),
    categoryId: Type.Optional(Nullable(Id)),
    tags: Type.Optional(Tags),
    note: Type.Optional(Type.String({ maxLength: articleLimits.note })),
    ...PolicyFields,
  },
  { additionalProperties: false },
);
const ArticlePatch = Type.Object(
  {
    baseVersion: Type.Integer({ minimum: 1, description: 'The version the edit started from' }),
    title: Type.Optional(Title),
    body: Type.Optional(Body),
    kind: Type.Optional(ArticleKindSchema),
    audience: Type.Optional(ArticleAudienceSchema),
    categoryId: Type.Optional(Nullable(Id)),
    tags: Type.Optional(Tags),
    note: Type.Optional(Type.String({ maxLength: articleLimits.note })),
    ...PolicyFields,
  },
  { additionalProperties: false },
);
const VersionParams = Type.Object({ id: Id, version: Type.Integer({ minimum: 1, maximum: 1_000_000 }) });
const VersionSummary = Type.Object({
  version: Type.Integer(),
  kind: ArticleKindSchema,
  audience: ArticleAudienceSchema,
  status: ArticleStatusSchema,
  title: Type.String(),
  categoryId: Nullable(Type.Integer()),
  tags: Type.Array(Type.String()),
  author: Person,
  note: Type.String(),
  createdAt: IsoTime,
});
const CategorySchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  position: Type.Integer(),
});
const CategoryBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  },
  { additionalProperties: false },
);

/** The body with its effective date as epoch ms. */
function policyInput<B extends Static<typeof ArticlePatch> | Static<typeof ArticleBody>>(body: B) {
  return { ...body, effectiveAt: timeOf('/effectiveAt', body.effectiveAt) };
}

export function articleRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/articles',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Search the knowledge base (q: words, "phrases"), or list it newest change first',
          description:
            'Only what the reader may read: requesters see published public articles. Staff see every status but archived unless `status` says so.',
          querystring: Type.Object({
            q: Type.Optional(Type.String({ maxLength: 500 })),
            kind: Type.Optional(ArticleKindSchema),
            categoryId: Type.Optional(Id),
            audience: Type.Optional(ArticleAudienceSchema),
            status: Type.Optional(ArticleStatusSchema),
            tag: Type.Optional(Type.String({ maxLength: articleLimits.tag })),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Composite([
                  ArticleSummarySchema,
                  Type.Object({ score: Nullable(Type.Number()), snippet: SnippetSchema }),
                ]),
              ),
              nextCursor: Nullable(Type.String()),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const page = await searchArticles(ctx, requireActor(request), request.query);
        return { items: page.items.map(hitView), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/api/v1/articles/suggest',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Articles that may answer a request being typed (its title and description), best first',
          querystring: Type.Object({
            text: Type.String({ maxLength: suggestionTextMax }),
            limit: Type.Integer({ minimum: 1, maximum: 20, default: 5 }),
          }),
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
      async (request) => {
        const found = await suggestArticles(
          ctx,
          requireActor(request),
          request.query.text,
          request.query.limit,
        );
        return { items: found.map((s) => ({ ...articleSummaryView(s.article), score: s.score })) };
      },
    );

    app.post(
      '/api/v1/articles',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Write an article (a draft unless status says otherwise)',
          body: ArticleBody,
          response: { 201: ArticleSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const body = policyInput(request.body);
        const article = await createArticle(ctx, requireActor(request), {
          ...body,
          effectiveAt: body.effectiveAt ?? null,
        });
        return reply.code(201).send(articleView(article));
      },
    );

    app.post(
      '/api/v1/articles/preview',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Render Markdown as an article would be (the editor preview)',
          body: Type.Object({ body: Body }, { additionalProperties: false }),
          response: { 200: Type.Object({ html: Type.String() }), ...problemResponses },
        },
      },
      async (request) => {
        requireActor(request);
        return { html: renderArticle(request.body.body).html };
      },
    );

    app.get(
      '/api/v1/articles/:id',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'An article, its Markdown rendered',
          params: IdParams,
          response: { 200: RenderedArticleSchema, ...problemResponses },
        },
      },
      async (request) => {
        const r = await getCurrentRenderedArticle(ctx, requireActor(request), request.params.id);
        return { ...articleView(r.article), html: r.html, headings: r.headings };
      },
    );

    app.patch(
      '/api/v1/articles/:id',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Edit an article: a content change is a new version',
          params: IdParams,
          body: ArticlePatch,
          response: { 200: ArticleSchema, ...problemResponses },
        },
      },
      async (request) =>
        articleView(
          await updateArticle(ctx, requireActor(request), request.params.id, policyInput(request.body)),
        ),
    );

    app.put(
      '/api/v1/articles/:id/status',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Move an article: draft → in review → published → archived (and back)',
          params: IdParams,
          body: Type.Object({ status: ArticleStatusSchema }, { additionalProperties: false }),
          response: { 200: ArticleSchema, ...problemResponses },
        },
      },
      async (request) =>
        articleView(
          await transitionArticle(ctx, requireActor(request), request.params.id, request.body.status),
        ),
    );

    app.get(
      '/api/v1/articles/:id/versions',
      {
        schema: {
          tags: ['knowledge'],
          summary: "An article's versions, newest first",
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(VersionSummary) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listArticleVersions(ctx, requireActor(request), request.params.id)).map((v) => ({
          ...v,
          createdAt: toIso(v.createdAt),
        })),
      }),
    );

    app.get(
      '/api/v1/articles/:id/versions/search',
      {
        schema: {
          tags: ['knowledge'],
          summary: "Search within an article's versions, best match first",
          params: IdParams,
          querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 500 }) }),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  version: Type.Integer(),
                  title: Type.String(),
                  createdAt: IsoTime,
                  author: Person,
                  note: Type.String(),
                  snippet: SnippetSchema,
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => ({
        items: (
          await searchArticleVersions(ctx, requireActor(request), request.params.id, request.query.q)
        ).map((v) => ({ ...v, createdAt: toIso(v.createdAt) })),
      }),
    );

    app.get(
      '/api/v1/articles/:id/versions/:version',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'One version of an article, with its Markdown rendered',
          params: VersionParams,
          response: {
            200: Type.Composite([VersionSummary, Type.Object({ body: Type.String(), html: Type.String() })]),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const v = await getArticleVersion(
          ctx,
          requireActor(request),
          request.params.id,
          request.params.version,
        );
        return { ...v, createdAt: toIso(v.createdAt), html: renderArticle(v.body).html };
      },
    );

    app.get(
      '/api/v1/articles/:id/diff',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'What changed between two versions: fields, and the text line by line',
          params: IdParams,
          querystring: Type.Object({
            from: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
            to: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
          }),
          response: {
            200: Type.Object({
              from: Type.Integer(),
              to: Type.Integer(),
              fields: Type.Array(
                Type.Object({ field: Type.String(), from: Type.String(), to: Type.String() }),
              ),
              body: Type.Array(
                Type.Object({
                  op: Type.Union([Type.Literal('equal'), Type.Literal('add'), Type.Literal('remove')]),
                  text: Type.String(),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) =>
        diffArticleVersions(
          ctx,
          requireActor(request),
          request.params.id,
          request.query.from,
          request.query.to,
        ),
    );

    app.post(
      '/api/v1/articles/:id/versions/:version/restore',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Bring an earlier version back (as a new version)',
          params: VersionParams,
          response: { 200: ArticleSchema, ...problemResponses },
        },
      },
      async (request) =>
        articleView(
          await restoreArticleVersion(ctx, requireActor(request), request.params.id, request.params.version),
        ),
    );

    app.post(
      '/api/v1/articles/:id/deflections',
      {
        schema: {
          tags: ['knowledge'],
          summary: '"This solved my problem": the request is not filed; the article is counted as the answer',
          params: IdParams,
          body: Type.Object(
            {
              text: Type.String({
                maxLength: suggestionTextMax,
                description: 'What the requester had typed',
              }),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({ articleId: Type.Integer(), helpedCount: Type.Integer() }),
            ...problemResponses,
          },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await recordDeflection(ctx, requireActor(request), request.params.id, request.body.text)),
    );

    app.get(
      '/api/v1/knowledge/gaps',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Searches that found nothing, most asked first: articles to write',
          querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) }),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Type.Integer(),
                  query: Type.String(),
                  searches: Type.Integer(),
                  firstAt: IsoTime,
                  lastAt: IsoTime,
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => ({
        items: (await listSearchGaps(ctx, requireActor(request), request.query.limit)).map((g) => ({
          ...g,
          firstAt: toIso(g.firstAt),
          lastAt: toIso(g.lastAt),
        })),
      }),
    );

    app.delete(
      '/api/v1/knowledge/gaps/:id',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Take a gap off the list (written, or not worth writing)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await dismissSearchGap(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/knowledge/deflections',
      {
        schema: {
          tags: ['knowledge'],
          summary:
            'Deflection rate and the articles that helped most, over a period (default: the last 30 days)',
          querystring: Type.Object({ since: Type.Optional(IsoTime), until: Type.Optional(IsoTime) }),
          response: {
            200: Type.Object({
              since: IsoTime,
              until: IsoTime,
              deflected: Type.Integer(),
              filed: Type.Integer(),
              rate: Nullable(Type.Number()),
              top: Type.Array(
                Type.Object({
                  id: Type.Integer(),
                  title: Type.String(),
                  kind: Type.String(),
                  deflected: Type.Integer(),
                  solved: Type.Integer(),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const until = timeOf('querystring/until', request.query.until) ?? ctx.clock.now();
        const since = timeOf('querystring/since', request.query.since) ?? until - 30 * 86_400_000;
        const r = await deflectionReport(ctx, requireActor(request), { since, until });
        return { ...r, since: toIso(r.since), until: toIso(r.until) };
      },
    );

    app.get(
      '/api/v1/knowledge/categories',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Knowledge base categories, in order',
          response: { 200: Type.Object({ items: Type.Array(CategorySchema) }), ...problemResponses },
        },
      },
      async (request) => {
        requireActor(request);
        return { items: await listKbCategories(ctx) };
      },
    );

    app.post(
      '/api/v1/knowledge/categories',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Add a knowledge base category',
          body: CategoryBody,
          response: { 201: CategorySchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await saveKbCategory(ctx, requireActor(request), null, request.body)),
    );

    app.put(
      '/api/v1/knowledge/categories/:id',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Rename, describe or move a knowledge base category',
          params: IdParams,
          body: CategoryBody,
          response: { 200: CategorySchema, ...problemResponses },
        },
      },
      async (request) => saveKbCategory(ctx, requireActor(request), request.params.id, request.body),
    );

    app.delete(
      '/api/v1/knowledge/categories/:id',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Delete a knowledge base category (its articles stay, without one)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteKbCategory(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
