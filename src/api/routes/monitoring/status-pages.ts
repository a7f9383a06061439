// Status pages at the HTTP edge: the readers' page by slug (public pages to anyone, sign-in pages to any signed-in
// user, 404 otherwise), subscriptions (rate-limited per client address and per page; confirm and unsubscribe by
// the links' tokens), the managers' CRUD with announcements and their updates, and the portal banner. Thin:
// schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { LoginThrottle } from '../../../core/auth/index.js';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { RateLimited } from '../../../core/errors.js';
import {
  announceMaintenance,
  type BannerItem,
  componentStates,
  confirmSubscription,
  createStatusPage,
  deleteStatusPage,
  getStatusPage,
  listStatusIncidents,
  listStatusPages,
  portalBanner,
  postStatusIncident,
  type StatusIncident,
  type StatusPage,
  type StatusPageView,
  slugPattern,
  statusAudiences,
  statusImpacts,
  statusIncidentStates,
  statusPageLimits,
  subscribe,
  unsubscribe,
  updateStatusIncident,
  updateStatusPage,
  viewStatusPage,
} from '../../../monitoring/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';

const tags = ['status pages'];
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Audience = literals(statusAudiences);
const Impact = literals(statusImpacts);
const IncidentState = literals(statusIncidentStates);
const ComponentState = literals(componentStates);
const Slug = Type.String({ pattern: slugPattern, maxLength: statusPageLimits.slug });
const SlugParams = Type.Object({ slug: Slug });
const IncidentParams = Type.Object({ id: Id, incidentId: Id });
const Token = Type.String({ minLength: 10, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' });

const ComponentBody = Type.Object(
  {
    id: Type.Optional(Id),
    targetId: Id,
    displayName: Type.String({ minLength: 1, maxLength: statusPageLimits.displayName }),
    section: Type.Optional(Type.String({ maxLength: statusPageLimits.section })),
    categoryId: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false },
);
const PageBody = Type.Object(
  {
    slug: Slug,
    title: Type.String({ minLength: 1, maxLength: statusPageLimits.title }),
    description: Type.Optional(Type.String({ maxLength: statusPageLimits.description })),
    audience: Audience,
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    components: Type.Optional(Type.Array(ComponentBody, { maxItems: statusPageLimits.components })),
  },
  { additionalProperties: false },
);
const PageSchema = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  audience: Audience,
  timeZone: Type.String(),
  components: Type.Array(
    Type.Object({
      id: Type.Integer(),
      targetId: Type.Integer(),
      targetName: Type.String(),
      displayName: Type.String(),
      section: Type.String(),
      position: Type.Integer(),
      categoryId: Nullable(Type.Integer()),
    }),
  ),
  subscribers: Type.Object({ mail: Type.Integer(), mailPending: Type.Integer(), webhook: Type.Integer() }),
  activeIncidents: Type.Integer(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const UpdateSchema = Type.Object({
  id: Type.Integer(),
  state: IncidentState,
  message: Type.String(),
  at: IsoTime,
});
const PublicIncident = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  impact: Impact,
  state: IncidentState,
  componentIds: Type.Array(Type.Integer()),
  startedAt: IsoTime,
  resolvedAt: Nullable(IsoTime),
  updates: Type.Array(UpdateSchema),
});
const StaffIncident = Type.Composite([
  PublicIncident,
  Type.Object({ incidentId: Nullable(Type.Integer()), ticketIds: Type.Array(Type.Integer()) }),
]);
const IncidentBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: statusPageLimits.incidentTitle }),
    impact: Impact,
    state: Type.Optional(IncidentState),
    message: Type.String({ minLength: 1, maxLength: statusPageLimits.message }),
    componentIds: Type.Array(Id, { maxItems: statusPageLimits.components }),
    incidentId: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false },
);
const IncidentUpdateBody = Type.Object(
  {
    message: Type.String({ minLength: 1, maxLength: statusPageLimits.message }),
    state: Type.Optional(IncidentState),
    impact: Type.Optional(Impact),
    componentIds: Type.Optional(Type.Array(Id, { maxItems: statusPageLimits.components })),
  },
  { additionalProperties: false },
);
const ViewSchema = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  audience: Audience,
  timeZone: Type.String(),
  overall: ComponentState,
  sections: Type.Array(
    Type.Object({
      name: Type.String(),
      components: Type.Array(
        Type.Object({
          id: Type.Integer(),
          name: Type.String(),
          state: ComponentState,
          uptime: Nullable(
            Type.Array(Nullable(Type.Number()), { description: 'per day, oldest first, 0–1' }),
          ),
          uptimePercent: Nullable(Type.Number()),
        }),
      ),
    }),
  ),
  activeIncidents: Type.Array(PublicIncident),
  maintenance: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      description: Type.String(),
      startsAt: IsoTime,
      endsAt: Nullable(IsoTime),
      componentIds: Type.Array(Type.Integer()),
      current: Type.Boolean(),
    }),
  ),
  history: Type.Array(PublicIncident),
  uptimeDays: Type.Integer(),
  generatedAt: IsoTime,
});
const SubscribeBody = Type.Union([
  Type.Object(
    { kind: Type.Literal('mail'), email: Type.String({ minLength: 3, maxLength: 254 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('webhook'), url: Type.String({ minLength: 1, maxLength: 2000 }) },
    { additionalProperties: false },
  ),
]);
const SubscribedSchema = Type.Object({
  kind: Type.Union([Type.Literal('mail'), Type.Literal('webhook')]),
  confirmed: Type.Boolean(),
  secret: Type.Optional(Type.String({ description: 'webhook: the signing secret, shown only now' })),
  message: Type.String(),
});
const BannerSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      pageSlug: Type.String(),
      pageTitle: Type.String(),
      title: Type.String(),
      impact: Impact,
      state: IncidentState,
      components: Type.Array(Type.String()),
      startedAt: IsoTime,
      lastUpdate: Nullable(Type.Object({ message: Type.String(), at: IsoTime })),
    }),
  ),
});

function incidentView(i: StatusIncident) {
  return {
    ...i,
    startedAt: toIso(i.startedAt),
    resolvedAt: toIso(i.resolvedAt),
    updates: i.updates.map((u) => ({ ...u, at: toIso(u.at) })),
  };
}
function pageView(p: StatusPage) {
  return { ...p, createdAt: toIso(p.createdAt), updatedAt: toIso(p.updatedAt) };
}
function readerView(v: StatusPageView) {
  return {
    ...v,
    activeIncidents: v.activeIncidents.map(incidentView),
    history: v.history.map(incidentView),
    maintenance: v.maintenance.map((m) => ({ ...m, startsAt: toIso(m.startsAt), endsAt: toIso(m.endsAt) })),
    generatedAt: toIso(v.generatedAt),
  };
}
function bannerView(b: BannerItem) {
  return {
    ...b,
    startedAt: toIso(b.startedAt),
    lastUpdate: b.lastUpdate ? { ...b.lastUpdate, at: toIso(b.lastUpdate.at) } : null,
  };
}

export function statusPageRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Held by this app instance: an anonymous crowd may ask for subscriptions, but not many at once.
    const perAddress = new LoginThrottle(statusPageLimits.subscribesPerAddressPerMinute);
    const perPage = new LoginThrottle(statusPageLimits.subscribesPerPagePerMinute);

    app.get(
      '/api/v1/status-pages/:slug',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            'A status page as its readers see it (public pages: anyone; sign-in pages: signed-in users)',
          params: SlugParams,
          response: { 200: ViewSchema, ...problemResponses },
        },
      },
      async (request) => readerView(await viewStatusPage(ctx, request.actor, request.params.slug)),
    );
    app.post(
      '/api/v1/status-pages/:slug/subscriptions',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            'Subscribe to a page by mail (a confirmation link is sent first) or webhook (signed; the secret is shown only now)',
          params: SlugParams,
          body: SubscribeBody,
          response: { 202: SubscribedSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const now = ctx.clock.now();
        // Signed-in callers are counted as themselves; anonymous ones by their address.
        const caller = request.actor ? `user:${request.actor.id}` : `ip:${request.ip}`;
        const wait = Math.max(perAddress.attempt(caller, now), perPage.attempt(request.params.slug, now));
        if (wait > 0)
          throw new RateLimited(
            'subscriptions_rate_limited',
            'Too many subscription requests; wait and retry.',
            wait,
          );
        const body = request.body as Static<typeof SubscribeBody>;
        const s = await subscribe(ctx, request.actor, request.params.slug, body);
        return reply.code(202).send({
          kind: s.kind,
          confirmed: s.confirmed,
          ...(s.secret ? { secret: s.secret } : {}),
          message:
            s.kind === 'mail'
              ? 'If the address can receive mail, a confirmation link is on its way; nothing is sent before it is followed.'
              : 'Subscribed: notices are POSTed to the URL, signed with the secret.',
        });
      },
    );
    app.post(
      '/api/v1/status-pages/subscriptions/confirm',
      {
        config: { public: true },
        schema: {
          tags,
          summary: "Confirm a mail subscription with its link's token",
          body: Type.Object({ token: Token }, { additionalProperties: false }),
          response: { 200: Type.Object({ slug: Type.String() }), ...problemResponses },
        },
      },
      async (request) => confirmSubscription(ctx, request.body.token),
    );
    app.post(
      '/api/v1/status-pages/subscriptions/unsubscribe',
      {
        config: { public: true },
        schema: {
          tags,
          summary: "End a subscription with its unsubscribe link's token",
          body: Type.Object({ token: Token }, { additionalProperties: false }),
          response: { 200: Type.Object({ slug: Type.String() }), ...problemResponses },
        },
      },
      async (request) => unsubscribe(ctx, request.body.token),
    );
    app.get(
      '/api/v1/portal/banner',
      {
        schema: {
          tags,
          summary: 'The active status page announcements the signed-in user may see (the portal banner)',
          response: { 200: BannerSchema, ...problemResponses },
        },
      },
      async (request) => ({ items: (await portalBanner(ctx, requireActor(request))).map(bannerView) }),
    );

    app.get(
      '/api/v1/monitoring/status-pages',
      {
        schema: {
          tags,
          summary: 'Status pages (managers)',
          response: { 200: Type.Object({ items: Type.Array(PageSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listStatusPages(ctx, requireActor(request))).map(pageView) }),
    );
    app.post(
      '/api/v1/monitoring/status-pages',
      {
        schema: {
          tags,
          summary: 'Create a status page (managers)',
          body: PageBody,
          response: { 201: PageSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(pageView(await createStatusPage(ctx, requireActor(request), request.body))),
    );
    app.get(
      '/api/v1/monitoring/status-pages/:id',
      {
        schema: {
          tags,
          summary: 'One status page with its components (managers)',
          params: IdParams,
          response: { 200: PageSchema, ...problemResponses },
        },
      },
      async (request) => pageView(await getStatusPage(ctx, requireActor(request), request.params.id)),
    );
    app.patch(
      '/api/v1/monitoring/status-pages/:id',
      {
        schema: {
          tags,
          summary:
            'Change a status page (managers); components, when given, replace the list (an id keeps a component)',
          params: IdParams,
          body: Type.Partial(PageBody, { minProperties: 1, additionalProperties: false }),
          response: { 200: PageSchema, ...problemResponses },
        },
      },
      async (request) =>
        pageView(await updateStatusPage(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.delete(
      '/api/v1/monitoring/status-pages/:id',
      {
        schema: {
          tags,
          summary: 'Delete a status page with its announcements and subscriptions (managers)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteStatusPage(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/api/v1/monitoring/status-pages/:id/incidents',
      {
        schema: {
          tags,
          summary: "A page's announcements: the active ones, then the latest resolved (managers)",
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(StaffIncident) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listStatusIncidents(ctx, requireActor(request), request.params.id)).map(incidentView),
      }),
    );
    app.post(
      '/api/v1/monitoring/status-pages/:id/incidents',
      {
        schema: {
          tags,
          summary: "Post an announcement (managers); the page's subscribers are notified",
          params: IdParams,
          body: IncidentBody,
          response: { 201: StaffIncident, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            incidentView(
              await postStatusIncident(ctx, requireActor(request), request.params.id, request.body),
            ),
          ),
    );
    app.post(
      '/api/v1/monitoring/status-pages/:id/maintenance-announcements',
      {
        schema: {
          tags,
          summary:
            "Tell the page's subscribers about a current or upcoming maintenance window covering its components (managers)",
          params: IdParams,
          body: Type.Object({ windowId: Id }, { additionalProperties: false }),
          response: { 202: Type.Object({ queued: Type.Integer() }), ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(202)
          .send(
            await announceMaintenance(ctx, requireActor(request), request.params.id, request.body.windowId),
          ),
    );
    app.post(
      '/api/v1/monitoring/status-pages/:id/incidents/:incidentId/updates',
      {
        schema: {
          tags,
          summary: 'Post an update to an announcement: a message, maybe a new state or impact (managers)',
          params: IncidentParams,
          body: IncidentUpdateBody,
          response: { 201: StaffIncident, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            incidentView(
              await updateStatusIncident(
                ctx,
                requireActor(request),
                request.params.id,
                request.params.incidentId,
                request.body,
              ),
            ),
          ),
    );
  };
}
