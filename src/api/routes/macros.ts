// Canned responses, macros and ticket templates (the agents' library), rendering a response for a ticket and
// applying a macro to one. Thin: schema → actor → one domain call. The knowledge base's links reach the help
// desk from here (articleLinker), as the help desk does not import the knowledge base.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { Actor } from '../../core/auth/index.js';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import {
  type ArticleLinker,
  applyMacro,
  type CannedResponse,
  deleteCannedResponse,
  deleteMacro,
  deleteTicketTemplate,
  type Level,
  levelName,
  listCannedResponses,
  listMacros,
  listTicketTemplates,
  type Macro,
  type MacroStep,
  parseLevel,
  renderCannedResponse,
  saveCannedResponse,
  saveMacro,
  saveTicketTemplate,
  type TicketTemplate,
} from '../../helpdesk/index.js';
import { readArticles } from '../../knowledge/index.js';
import { requireActor } from '../authentication.js';
import {
  Id,
  IdParams,
  IsoTime,
  LevelSchema,
  Nullable,
  problemResponses,
  StatusSchema,
  TicketTypeSchema,
} from '../schemas.js';
import { commentView, ticketView } from '../views.js';

const ScopeSchema = Type.Union([Type.Literal('user'), Type.Literal('group'), Type.Literal('global')], {
  description: "user: the caller's own; group: one group's (groupId); global: everyone's",
});
const LevelName = Type.Union(['very_low', 'low', 'medium', 'high', 'very_high'].map((l) => Type.Literal(l)));
const ScopeOut = {
  id: Type.Integer(),
  scope: ScopeSchema,
  ownerId: Nullable(Type.Integer()),
  groupId: Nullable(Type.Integer()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
};
const ScopeIn = { scope: ScopeSchema, groupId: Type.Optional(Nullable(Id)) };
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

const CannedResponseSchema = Type.Object({
  ...ScopeOut,
  title: Type.String(),
  body: Type.String(),
  keywords: Type.String(),
  shortcut: Nullable(Type.String()),
});
const CannedResponseFields = {
  title: Text(100),
  body: Text(20_000),
  keywords: Type.Optional(Type.String({ maxLength: 200 })),
  shortcut: Type.Optional(Nullable(Type.String({ maxLength: 30 }))),
};

const StepIn = Type.Union([
  Type.Object({ type: Type.Literal('set_status'), status: StatusSchema }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('set_priority'), priority: LevelSchema }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('set_group'), groupId: Nullable(Id) }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('assign'), assignee: Type.Union([Id, Type.Literal('me'), Type.Null()]) },
    { additionalProperties: false, description: 'a technician id, "me" (who applies it) or null (nobody)' },
  ),
  Type.Object(
    {
      type: Type.Union([Type.Literal('add_tags'), Type.Literal('remove_tags')]),
      tags: Type.Array(Type.String({ maxLength: 50 }), { minItems: 1, maxItems: 20 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Union([Type.Literal('public_reply'), Type.Literal('internal_note')]),
      body: Text(65_535),
    },
    { additionalProperties: false, description: 'a text with placeholders' },
  ),
]);
const StepOut = Type.Object({
  type: Type.String(),
  status: Type.Optional(StatusSchema),
  priority: Type.Optional(LevelName),
  groupId: Type.Optional(Nullable(Type.Integer())),
  assignee: Type.Optional(Type.Union([Type.Integer(), Type.Literal('me'), Type.Null()])),
  tags: Type.Optional(Type.Array(Type.String())),
  body: Type.Optional(Type.String()),
});
const MacroSchema = Type.Object({ ...ScopeOut, name: Type.String(), actions: Type.Array(StepOut) });
const MacroFields = { name: Text(100), actions: Type.Array(StepIn, { minItems: 1, maxItems: 20 }) };

const DefaultsIn = Type.Object(
  {
    subject: Type.Optional(Type.String({ maxLength: 200 })),
    body: Type.Optional(Type.String({ maxLength: 20_000 })),
    type: Type.Optional(Nullable(TicketTypeSchema)),
    categoryId: Type.Optional(Nullable(Id)),
    impact: Type.Optional(Nullable(LevelSchema)),
    urgency: Type.Optional(Nullable(LevelSchema)),
    groupId: Type.Optional(Nullable(Id)),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
  },
  { additionalProperties: false, description: 'what a ticket filed from the template starts with' },
);
const TicketTemplateSchema = Type.Object({
  ...ScopeOut,
  name: Type.String(),
  defaults: Type.Object({
    subject: Type.String(),
    body: Type.String(),
    type: Nullable(TicketTypeSchema),
    categoryId: Nullable(Type.Integer()),
    impact: Nullable(LevelName),
    urgency: Nullable(LevelName),
    groupId: Nullable(Type.Integer()),
    tags: Type.Array(Type.String()),
  }),
});

const stamps = (i: { createdAt: number; updatedAt: number }) => ({
  createdAt: toIso(i.createdAt),
  updatedAt: toIso(i.updatedAt),
});
const responseView = (r: CannedResponse) => ({ ...r, ...stamps(r) });
const macroView = (m: Macro) => ({
  ...m,
  ...stamps(m),
  actions: m.actions.map((a) => (a.type === 'set_priority' ? { ...a, priority: levelName(a.priority) } : a)),
});
const templateView = (t: TicketTemplate) => ({
  ...t,
  ...stamps(t),
  defaults: {
    ...t.defaults,
    impact: t.defaults.impact === null ? null : levelName(t.defaults.impact),
    urgency: t.defaults.urgency === null ? null : levelName(t.defaults.urgency),
  },
});

const level = (v: number | string) => parseLevel(v) as Level;
const nullableLevel = (v: number | string | null | undefined) =>
  v === undefined ? undefined : v === null ? null : level(v);
const steps = (actions: Static<typeof StepIn>[] | undefined): MacroStep[] | undefined =>
  actions?.map((a) => (a.type === 'set_priority' ? { ...a, priority: level(a.priority) } : a) as MacroStep);
const defaults = (d: Static<typeof DefaultsIn> | undefined) =>
  d && { ...d, impact: nullableLevel(d.impact), urgency: nullableLevel(d.urgency) };

/** The knowledge base's articles a reader may read, linked at /kb/{id} under the public URL. */
export function articleLinker(ctx: ServiceContext): ArticleLinker {
  const base = ctx.config.publicUrl?.replace(/\/+$/, '') ?? '';
  return async (reader: Actor, ids: number[]) =>
    new Map(
      (await readArticles(ctx.db, reader, ids)).map((a) => [
        a.id,
        { title: a.title, url: `${base}/kb/${a.id}` },
      ]),
    );
}

export function macroRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const links = articleLinker(ctx);
  return async (app) => {
    const tags = ['macros'];
    const list = (summary: string, item: TSchema) => ({
      schema: {
        tags,
        summary,
        response: { 200: Type.Object({ items: Type.Array(item) }), ...problemResponses },
      },
    });
    const del = (summary: string) => ({
      schema: { tags, summary, params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
    });

    // -- canned responses --
    app.get(
      '/api/v1/canned-responses',
      list(
        "Canned responses I may use: my own, my groups' and the global ones (staff)",
        CannedResponseSchema,
      ),
      async (request) => ({
        items: (await listCannedResponses(ctx, requireActor(request))).map(responseView),
      }),
    );
    app.post(
      '/api/v1/canned-responses',
      {
        schema: {
          tags,
          summary: 'Create a canned response (personal: staff; group or global: manager, admin)',
          body: Type.Object({ ...CannedResponseFields, ...ScopeIn }),
          response: { 201: CannedResponseSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(responseView(await saveCannedResponse(ctx, requireActor(request), null, request.body))),
    );
    app.patch(
      '/api/v1/canned-responses/:id',
      {
        schema: {
          tags,
          summary: 'Change a canned response (as creating it)',
          params: IdParams,
          body: Type.Object(
            {
              title: Type.Optional(CannedResponseFields.title),
              body: Type.Optional(CannedResponseFields.body),
              keywords: CannedResponseFields.keywords,
              shortcut: CannedResponseFields.shortcut,
              scope: Type.Optional(ScopeSchema),
              groupId: ScopeIn.groupId,
            },
            { minProperties: 1 },
          ),
          response: { 200: CannedResponseSchema, ...problemResponses },
        },
      },
      async (request) =>
        responseView(await saveCannedResponse(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.delete('/api/v1/canned-responses/:id', del('Delete a canned response'), async (request, reply) => {
      await deleteCannedResponse(ctx, requireActor(request), request.params.id);
      return reply.code(204).send(null);
    });
    app.get(
      '/api/v1/tickets/:id/canned-responses/:responseId/render',
      {
        schema: {
          tags,
          summary:
            'A canned response with its placeholders filled in for this ticket (internal=true: for an internal note)',
          params: Type.Object({ id: Id, responseId: Id }),
          querystring: Type.Object({ internal: Type.Optional(Type.Boolean()) }),
          response: { 200: Type.Object({ body: Type.String() }), ...problemResponses },
        },
      },
      async (request) =>
        renderCannedResponse(ctx, requireActor(request), request.params.id, request.params.responseId, {
          internal: request.query.internal === true,
          links,
        }),
    );

    // -- macros --
    app.get(
      '/api/v1/macros',
      list("Macros I may apply: my own, my groups' and the global ones (staff)", MacroSchema),
      async (request) => ({ items: (await listMacros(ctx, requireActor(request))).map(macroView) }),
    );
    app.post(
      '/api/v1/macros',
      {
        schema: {
          tags,
          summary: 'Create a macro (personal: staff; group or global: manager, admin)',
          body: Type.Object({ ...MacroFields, ...ScopeIn }),
          response: { 201: MacroSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const m = await saveMacro(ctx, requireActor(request), null, { ...b, actions: steps(b.actions) });
        return reply.code(201).send(macroView(m));
      },
    );
    app.patch(
      '/api/v1/macros/:id',
      {
        schema: {
          tags,
          summary: 'Change a macro (as creating it)',
          params: IdParams,
          body: Type.Object(
            {
              name: Type.Optional(MacroFields.name),
              actions: Type.Optional(MacroFields.actions),
              scope: Type.Optional(ScopeSchema),
              groupId: ScopeIn.groupId,
            },
            { minProperties: 1 },
          ),
          response: { 200: MacroSchema, ...problemResponses },
        },
      },
      async (request) => {
        const b = request.body;
        return macroView(
          await saveMacro(ctx, requireActor(request), request.params.id, { ...b, actions: steps(b.actions) }),
        );
      },
    );
    app.delete('/api/v1/macros/:id', del('Delete a macro'), async (request, reply) => {
      await deleteMacro(ctx, requireActor(request), request.params.id);
      return reply.code(204).send(null);
    });
    app.post(
      '/api/v1/tickets/:id/macros/:macroId/apply',
      {
        schema: {
          tags,
          summary:
            'Apply a macro: its replies, notes and changes in one transaction, recorded in the history (all or nothing)',
          params: Type.Object({ id: Id, macroId: Id }),
          response: {
            200: Type.Object({ ticket: Type.Ref('Ticket'), comments: Type.Array(Type.Ref('Comment')) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const r = await applyMacro(
          ctx,
          requireActor(request),
          request.params.id,
          request.params.macroId,
          links,
        );
        return { ticket: ticketView(r.ticket), comments: r.comments.map(commentView) };
      },
    );

    // -- ticket templates --
    app.get(
      '/api/v1/ticket-templates',
      list(
        "Ticket templates I may file from: my own, my groups' and the global ones (staff)",
        TicketTemplateSchema,
      ),
      async (request) => ({
        items: (await listTicketTemplates(ctx, requireActor(request))).map(templateView),
      }),
    );
    app.post(
      '/api/v1/ticket-templates',
      {
        schema: {
          tags,
          summary: 'Create a ticket template (personal: staff; group or global: manager, admin)',
          body: Type.Object({ name: Text(100), defaults: Type.Optional(DefaultsIn), ...ScopeIn }),
          response: { 201: TicketTemplateSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const t = await saveTicketTemplate(ctx, requireActor(request), null, {
          ...b,
          defaults: defaults(b.defaults),
        });
        return reply.code(201).send(templateView(t));
      },
    );
    app.patch(
      '/api/v1/ticket-templates/:id',
      {
        schema: {
          tags,
          summary: 'Change a ticket template (as creating it)',
          params: IdParams,
          body: Type.Object(
            {
              name: Type.Optional(Text(100)),
              defaults: Type.Optional(DefaultsIn),
              scope: Type.Optional(ScopeSchema),
              groupId: ScopeIn.groupId,
            },
            { minProperties: 1 },
          ),
          response: { 200: TicketTemplateSchema, ...problemResponses },
        },
      },
      async (request) => {
        const b = request.body;
        return templateView(
          await saveTicketTemplate(ctx, requireActor(request), request.params.id, {
            ...b,
            defaults: defaults(b.defaults),
          }),
        );
      },
    );
    app.delete('/api/v1/ticket-templates/:id', del('Delete a ticket template'), async (request, reply) => {
      await deleteTicketTemplate(ctx, requireActor(request), request.params.id);
      return reply.code(204).send(null);
    });
  };
}
