// Change management over HTTP: change requests and their moves, links and post-implementation review; the change
// calendar (GET /api/v1/changes?from&to, with conflicts and blackout periods); blackout periods; templates of
// standard changes; the CAB setting; and the changes linked to a ticket or a problem, for their pages. Thin:
// schema → actor → one domain call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  type Change,
  type ChangeBlackout,
  type ChangeDetail,
  type ChangeTemplate,
  changeLimits,
  changeStates,
  changesLinkedTo,
  changeTypes,
  createBlackout,
  createChange,
  deleteBlackout,
  getChange,
  linkChange,
  listBlackouts,
  listChanges,
  listChangeTemplates,
  moveChange,
  readChangeSettings,
  reviewChange,
  saveChangeTemplate,
  setChangeSettings,
  templateLimits,
  unlinkChange,
  updateChange,
} from '../../changes/index.js';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { Invalid } from '../../core/errors.js';
import { requireActor } from '../authentication.js';
import { Cursor, Id, IdParams, IsoTime, Limit, Nullable, problemResponses } from '../schemas.js';

const tags = ['changes'];

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const TypeSchema = lit(changeTypes);
const StateSchema = lit(changeStates);
const LevelSchema = lit(['low', 'medium', 'high'] as const);
const OutcomeSchema = lit(['successful', 'partially_successful', 'failed', 'backed_out'] as const);
const TargetSchema = lit(['ticket', 'problem'] as const);
const Text = Type.String({ maxLength: changeLimits.text });
const ServiceIds = Type.Array(Id, { maxItems: changeLimits.services });

const BlackoutSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  startsAt: IsoTime,
  endsAt: IsoTime,
  serviceIds: Type.Array(Type.Integer(), { description: 'the services it freezes; empty: every service' }),
});

const changeFields = {
  id: Type.Integer(),
  number: Type.String({ description: 'CHG-<id>' }),
  title: Type.String(),
  description: Type.String(),
  type: TypeSchema,
  state: StateSchema,
  risk: LevelSchema,
  impact: LevelSchema,
  plan: Type.String(),
  backoutPlan: Type.String(),
  testPlan: Type.String(),
  windowStart: Nullable(IsoTime),
  windowEnd: Nullable(IsoTime),
  templateId: Nullable(Type.Integer()),
  requesterId: Type.Integer(),
  requesterName: Type.String(),
  ownerId: Nullable(Type.Integer()),
  ownerName: Nullable(Type.String()),
  implementerId: Nullable(Type.Integer()),
  implementerName: Nullable(Type.String()),
  groupId: Nullable(Type.Integer()),
  services: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
  approvalId: Nullable(Type.Integer()),
  cabReason: Nullable(Type.String()),
  review: Nullable(
    Type.Object({
      outcome: OutcomeSchema,
      notes: Type.String(),
      reviewedById: Type.Integer(),
      reviewedAt: IsoTime,
    }),
  ),
  conflicts: Type.Array(Type.Integer(), {
    description:
      'other live changes on one of its services whose windows overlap its own (touching is not overlapping)',
  }),
  createdAt: IsoTime,
  updatedAt: IsoTime,
};
const ChangeSchema = Type.Object(changeFields);
const ChangeDetailSchema = Type.Object({
  ...changeFields,
  links: Type.Array(
    Type.Object({
      targetType: TargetSchema,
      targetId: Type.Integer(),
      title: Nullable(Type.String()),
      createdAt: IsoTime,
    }),
  ),
  blackouts: Type.Array(BlackoutSchema),
  nextStates: Type.Array(StateSchema),
});

const TemplateSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  title: Type.String(),
  description: Type.String(),
  risk: LevelSchema,
  impact: LevelSchema,
  plan: Type.String(),
  backoutPlan: Type.String(),
  testPlan: Type.String(),
  active: Type.Boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const TemplateBody = {
  name: Type.String({ minLength: 1, maxLength: templateLimits.name }),
  title: Type.String({ minLength: 1, maxLength: templateLimits.title }),
  description: Type.Optional(Text),
  risk: Type.Optional(LevelSchema),
  impact: Type.Optional(LevelSchema),
  plan: Type.Optional(Text),
  backoutPlan: Type.Optional(Text),
  testPlan: Type.Optional(Text),
  active: Type.Optional(Type.Boolean()),
};

const SettingsSchema = Type.Object({
  cabGroupId: Nullable(Id),
  emergencyCabGroupId: Nullable(Id),
});

const iso = (ms: number | null) => (ms === null ? null : toIso(ms));
const blackoutView = (b: ChangeBlackout) => ({ ...b, startsAt: toIso(b.startsAt), endsAt: toIso(b.endsAt) });
function changeView(c: Change) {
  return {
    ...c,
    windowStart: iso(c.windowStart),
    windowEnd: iso(c.windowEnd),
    review: c.review ? { ...c.review, reviewedAt: toIso(c.review.reviewedAt) } : null,
    createdAt: toIso(c.createdAt),
    updatedAt: toIso(c.updatedAt),
  };
}
const detailView = (c: ChangeDetail) => ({
  ...changeView(c),
  links: c.links.map((l) => ({ ...l, createdAt: toIso(l.createdAt) })),
  blackouts: c.blackouts.map(blackoutView),
});
const templateView = (t: ChangeTemplate) => ({
  ...t,
  createdAt: toIso(t.createdAt),
  updatedAt: toIso(t.updatedAt),
});

/** An ISO 8601 time from the body or query: epoch ms; null stays null. */
function ms(name: string, v: string | null | undefined): number | null | undefined {
  if (v === undefined || v === null) return v;
  const at = Date.parse(v);
  if (!Number.isFinite(at))
    throw new Invalid('validation_failed', `${name}: must be an ISO 8601 time`, [
      { field: name, message: 'must be an ISO 8601 time' },
    ]);
  return at;
}
const msQuery = (name: string, v: string | undefined) =>
  (v === undefined || v === '' ? undefined : ms(`querystring/${name}`, v)) ?? undefined;

const LinkBody = Type.Object({ targetType: TargetSchema, targetId: Id }, { additionalProperties: false });

const ChangeBody = {
  title: Type.Optional(Type.String({ minLength: 1, maxLength: changeLimits.title })),
  description: Type.Optional(Text),
  type: Type.Optional(TypeSchema),
  risk: Type.Optional(LevelSchema),
  impact: Type.Optional(LevelSchema),
  plan: Type.Optional(Text),
  backoutPlan: Type.Optional(Text),
  testPlan: Type.Optional(Text),
  windowStart: Type.Optional(Nullable(IsoTime)),
  windowEnd: Type.Optional(Nullable(IsoTime)),
  serviceIds: Type.Optional(ServiceIds),
  ownerId: Type.Optional(Nullable(Id)),
  implementerId: Type.Optional(Nullable(Id)),
  groupId: Type.Optional(Nullable(Id)),
};

export function changeRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/changes',
      {
        schema: {
          tags,
          summary:
            'Changes; with from and to, the change calendar: changes whose windows overlap [from, to) (staff)',
          description:
            'With from and to (ISO 8601, at most 400 days apart): changes in window order with their conflicts, and the blackout periods over the window. Without: every change, newest first.',
          querystring: Type.Object({
            from: Type.Optional(Type.String({ maxLength: 40 })),
            to: Type.Optional(Type.String({ maxLength: 40 })),
            state: Type.Optional(
              Type.String({ maxLength: 200, description: 'comma-separated states', pattern: '^[a-z_,]*$' }),
            ),
            type: Type.Optional(TypeSchema),
            serviceId: Type.Optional(Id),
            q: Type.Optional(Type.String({ maxLength: 200 })),
            cursor: Type.Optional(Cursor),
            limit: Type.Optional(Limit),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(ChangeSchema),
              blackouts: Type.Array(BlackoutSchema),
              nextCursor: Nullable(Type.String()),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const states = q.state ? q.state.split(',').filter((s) => s !== '') : [];
        const unknown = states.find((s) => !(changeStates as readonly string[]).includes(s));
        if (unknown !== undefined)
          throw new Invalid('validation_failed', `state: no state ${unknown}`, [
            { field: 'querystring/state', message: `no state ${unknown}` },
          ]);
        const page = await listChanges(ctx, requireActor(request), {
          from: msQuery('from', q.from),
          to: msQuery('to', q.to),
          states: states as (typeof changeStates)[number][],
          type: q.type,
          serviceId: q.serviceId,
          q: q.q,
          cursor: q.cursor,
          limit: q.limit ?? 25,
        });
        return {
          items: page.items.map(changeView),
          blackouts: page.blackouts.map(blackoutView),
          nextCursor: page.nextCursor,
        };
      },
    );

    app.post(
      '/api/v1/changes',
      {
        schema: {
          tags,
          summary: 'Raise a change (a standard change from its templateId); it starts as a draft (staff)',
          body: Type.Object(
            {
              ...ChangeBody,
              templateId: Type.Optional(Nullable(Id)),
              links: Type.Optional(
                Type.Array(LinkBody, {
                  maxItems: changeLimits.linksOnCreate,
                  description: 'tickets and problems to link as it is raised, in the same transaction',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 201: ChangeDetailSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const change = await createChange(ctx, requireActor(request), {
          ...b,
          windowStart: ms('/windowStart', b.windowStart),
          windowEnd: ms('/windowEnd', b.windowEnd),
        });
        return reply.code(201).header('location', `/api/v1/changes/${change.id}`).send(detailView(change));
      },
    );

    app.get(
      '/api/v1/changes/:id',
      {
        schema: {
          tags,
          summary:
            'A change with its links, the blackouts over its window and the states it may move to (staff)',
          params: IdParams,
          response: { 200: ChangeDetailSchema, ...problemResponses },
        },
      },
      async (request) => detailView(await getChange(ctx, requireActor(request), request.params.id)),
    );

    app.patch(
      '/api/v1/changes/:id',
      {
        schema: {
          tags,
          summary:
            'Change a change’s assessment, plans, window, services or people, until implementation starts (staff)',
          params: IdParams,
          body: Type.Object(ChangeBody, { additionalProperties: false, minProperties: 1 }),
          response: { 200: ChangeDetailSchema, ...problemResponses },
        },
      },
      async (request) => {
        const b = request.body;
        return detailView(
          await updateChange(ctx, requireActor(request), request.params.id, {
            ...b,
            windowStart: ms('/windowStart', b.windowStart),
            windowEnd: ms('/windowEnd', b.windowEnd),
          }),
        );
      },
    );

    app.post(
      '/api/v1/changes/:id/transitions',
      {
        schema: {
          tags,
          summary:
            'Move a change to another state (awaiting_cab asks its CAB; the CAB decides from there) (staff)',
          params: IdParams,
          body: Type.Object(
            { to: StateSchema, note: Type.Optional(Type.String({ maxLength: 2000 })) },
            { additionalProperties: false },
          ),
          response: { 200: ChangeDetailSchema, ...problemResponses },
        },
      },
      async (request) =>
        detailView(await moveChange(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.post(
      '/api/v1/changes/:id/review',
      {
        schema: {
          tags,
          summary:
            'Record the post-implementation review of a change in review; it closes the change (staff)',
          params: IdParams,
          body: Type.Object(
            { outcome: OutcomeSchema, notes: Type.Optional(Text) },
            { additionalProperties: false },
          ),
          response: { 200: ChangeDetailSchema, ...problemResponses },
        },
      },
      async (request) =>
        detailView(await reviewChange(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.post(
      '/api/v1/changes/:id/links',
      {
        schema: {
          tags,
          summary: 'Link a ticket (incident or request) or a problem to a change (staff)',
          params: IdParams,
          body: LinkBody,
          response: { 200: ChangeDetailSchema, ...problemResponses },
        },
      },
      async (request) =>
        detailView(await linkChange(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.delete(
      '/api/v1/changes/:id/links/:targetType/:targetId',
      {
        schema: {
          tags,
          summary: 'Remove a link from a change (staff)',
          params: Type.Object({ id: Id, targetType: TargetSchema, targetId: Id }),
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        const p = request.params;
        await unlinkChange(ctx, requireActor(request), p.id, {
          targetType: p.targetType,
          targetId: p.targetId,
        });
        return reply.code(204).send(null);
      },
    );

    for (const targetType of ['ticket', 'problem'] as const)
      app.get(
        `/api/v1/${targetType}s/:id/changes`,
        {
          schema: {
            tags,
            summary: `The changes linked to a ${targetType}, newest first (staff)`,
            description:
              targetType === 'ticket'
                ? `A ticket the caller may not see is not found (404); a requester's own is refused (403). At most ${changeLimits.linkedList}.`
                : `At most ${changeLimits.linkedList}.`,
            params: IdParams,
            response: { 200: Type.Object({ items: Type.Array(ChangeSchema) }), ...problemResponses },
          },
        },
        async (request) => ({
          items: (
            await changesLinkedTo(ctx, requireActor(request), { targetType, targetId: request.params.id })
          ).map(changeView),
        }),
      );

    app.get(
      '/api/v1/change-blackouts',
      {
        schema: {
          tags,
          summary: 'Blackout periods: those over [from, to) when given, else those not yet over (staff)',
          querystring: Type.Object({
            from: Type.Optional(Type.String({ maxLength: 40 })),
            to: Type.Optional(Type.String({ maxLength: 40 })),
          }),
          response: { 200: Type.Object({ items: Type.Array(BlackoutSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        const from = msQuery('from', request.query.from);
        const to = msQuery('to', request.query.to);
        const window = from !== undefined && to !== undefined ? { start: from, end: to } : undefined;
        return { items: (await listBlackouts(ctx, requireActor(request), window)).map(blackoutView) };
      },
    );

    app.post(
      '/api/v1/change-blackouts',
      {
        schema: {
          tags,
          summary: 'Add a blackout period, for every service or some (managers, admins)',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              startsAt: IsoTime,
              endsAt: IsoTime,
              serviceIds: Type.Optional(Type.Array(Id, { maxItems: 50 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: BlackoutSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const made = await createBlackout(ctx, requireActor(request), {
          name: b.name,
          startsAt: ms('/startsAt', b.startsAt) as number,
          endsAt: ms('/endsAt', b.endsAt) as number,
          serviceIds: b.serviceIds,
        });
        return reply.code(201).send(blackoutView(made));
      },
    );

    app.delete(
      '/api/v1/change-blackouts/:id',
      {
        schema: {
          tags,
          summary: 'Remove a blackout period (managers, admins)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteBlackout(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/change-templates',
      {
        schema: {
          tags,
          summary:
            'Templates of standard (pre-approved) changes; inactive ones too for managers who ask (staff)',
          querystring: Type.Object({ includeInactive: Type.Optional(Type.Boolean()) }),
          response: { 200: Type.Object({ items: Type.Array(TemplateSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (
          await listChangeTemplates(ctx, requireActor(request), request.query.includeInactive ?? false)
        ).map(templateView),
      }),
    );

    app.post(
      '/api/v1/change-templates',
      {
        schema: {
          tags,
          summary: 'Add a template of a standard change (managers, admins)',
          body: Type.Object(TemplateBody, { additionalProperties: false }),
          response: { 201: TemplateSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(templateView(await saveChangeTemplate(ctx, requireActor(request), null, request.body))),
    );

    app.patch(
      '/api/v1/change-templates/:id',
      {
        schema: {
          tags,
          summary: 'Change or deactivate a template of a standard change (managers, admins)',
          params: IdParams,
          body: Type.Partial(Type.Object(TemplateBody), { additionalProperties: false, minProperties: 1 }),
          response: { 200: TemplateSchema, ...problemResponses },
        },
      },
      async (request) =>
        templateView(await saveChangeTemplate(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.get(
      '/api/v1/settings/changes',
      {
        schema: {
          tags: ['settings'],
          summary: 'The change advisory board groups (staff)',
          response: { 200: SettingsSchema, ...problemResponses },
        },
      },
      async (request) => readChangeSettings(ctx, requireActor(request)),
    );

    app.put(
      '/api/v1/settings/changes',
      {
        schema: {
          tags: ['settings'],
          summary: 'Set the CAB group and the emergency CAB group (null: the CAB) (managers, admins)',
          body: SettingsSchema,
          response: { 200: SettingsSchema, ...problemResponses },
        },
      },
      async (request) => setChangeSettings(ctx, requireActor(request), request.body),
    );
  };
}
