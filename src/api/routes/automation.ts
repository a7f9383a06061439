// Automation rules: the ordered list (create, change, reorder, delete), a dry run of a saved or unsaved rule,
// and the rule log with the SLA escalations' firings (read from the SLA domain and merged here, as the help
// desk does not import the SLA engine). Thin: schema → actor → one domain call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import {
  type AutomationLogEntry,
  type AutomationRule,
  type AutomationRuleInput,
  automationLimits,
  automationTriggers,
  conditionOps,
  createAutomationRule,
  deleteAutomationRule,
  dryRunRule,
  type EscalationFirings,
  getAutomationRule,
  listAutomationLog,
  listAutomationRules,
  orderAutomationRules,
  ruleActionTypes,
  updateAutomationRule,
} from '../../helpdesk/index.js';
import { listEscalationFirings } from '../../sla/index.js';
import { requireActor } from '../authentication.js';
import { Cursor, Id, IdParams, IsoTime, Nullable, problemResponses } from '../schemas.js';

const tags = ['automation'];
const Lit = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

const Scalar = Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]);
const ConditionSchema = Type.Object(
  {
    field: Type.String({
      maxLength: 100,
      description: 'ticket.*, field.<key>, requester.*, event.changed, comment.*, sla.target',
    }),
    op: Lit(conditionOps),
    value: Type.Optional(Type.Union([Scalar, Type.Array(Scalar, { maxItems: 50 })])),
  },
  { additionalProperties: false },
);
const ConditionsSchema = Type.Object(
  {
    all: Type.Array(ConditionSchema, { maxItems: 25 }),
    any: Type.Array(ConditionSchema, { maxItems: 25 }),
  },
  {
    additionalProperties: false,
    description: 'every condition of all, and one of any (when any is not empty)',
  },
);
const FieldValue = Type.Union([
  Type.String({ maxLength: automationLimits.text }),
  Type.Number(),
  Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 }),
  Type.Array(Type.Number(), { maxItems: 50 }),
  Type.Null(),
]);
const actionProperties = {
  type: Lit(ruleActionTypes),
  status: Type.Optional(Type.String({ maxLength: 40 })),
  priority: Type.Optional(Type.String({ maxLength: 40 })),
  groupId: Type.Optional(Id),
  assigneeId: Type.Optional(Nullable(Id)),
  key: Type.Optional(Type.String({ maxLength: 100 })),
  value: Type.Optional(FieldValue),
  tags: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 })),
  body: Type.Optional(Type.String({ maxLength: automationLimits.text })),
  internal: Type.Optional(Type.Boolean()),
  to: Type.Optional(Lit(['requester', 'assignee', 'group', 'user'])),
  userId: Type.Optional(Id),
  subject: Type.Optional(Type.String({ maxLength: automationLimits.subject })),
  webhookId: Type.Optional(Id),
};
const ActionSchema = Type.Object(actionProperties, {
  additionalProperties: false,
  description:
    'set_status {status} · set_priority {priority} · set_group {groupId} · assign {assigneeId} · set_field {key, value} · add_tags/remove_tags {tags} · reply {body, internal} · notify {to, userId?, subject, body} · webhook {webhookId}',
});
const RuleFields = {
  name: Type.String({ minLength: 1, maxLength: automationLimits.name }),
  trigger: Lit(automationTriggers),
  idleMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: automationLimits.idleMinutes }))),
  conditions: Type.Optional(ConditionsSchema),
  actions: Type.Array(ActionSchema, { minItems: 1, maxItems: automationLimits.actions }),
  active: Type.Optional(Type.Boolean()),
  stopProcessing: Type.Optional(Type.Boolean()),
};
const RuleInput = Type.Object(RuleFields, { additionalProperties: false });
const RuleSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  trigger: Lit(automationTriggers),
  idleMinutes: Nullable(Type.Integer()),
  conditions: ConditionsSchema,
  actions: Type.Array(ActionSchema),
  position: Type.Integer(),
  active: Type.Boolean(),
  stopProcessing: Type.Boolean(),
  actorId: Type.Integer(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const LogEntrySchema = Type.Object({
  source: Lit(['rule', 'sla']),
  id: Type.Integer(),
  ruleId: Nullable(Type.Integer()),
  rule: Type.String(),
  ticketId: Type.Integer(),
  trigger: Type.String(),
  summary: Type.String(),
  error: Nullable(Type.String()),
  at: IsoTime,
});
const DryRunSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      title: Type.String(),
      status: Type.String(),
      priority: Type.String(),
      updatedAt: IsoTime,
    }),
  ),
  scanned: Type.Integer({ description: 'tickets looked at for this page' }),
  nextCursor: Nullable(Type.String()),
});
const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  cursor: Type.Optional(Cursor),
});

const ruleView = (r: AutomationRule) => ({
  ...r,
  createdAt: toIso(r.createdAt),
  updatedAt: toIso(r.updatedAt),
});
const logView = (e: AutomationLogEntry) => ({ ...e, at: toIso(e.at) });
const dryView = (d: Awaited<ReturnType<typeof dryRunRule>>) => ({
  ...d,
  items: d.items.map((i) => ({ ...i, updatedAt: toIso(i.updatedAt) })),
});

export function automationRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const escalations: EscalationFirings = (query) => listEscalationFirings(ctx, query);
  return async (app) => {
    app.get(
      '/api/v1/automation/rules',
      {
        schema: {
          tags,
          summary: 'The automation rules in their order (managers, admins)',
          response: { 200: Type.Object({ items: Type.Array(RuleSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listAutomationRules(ctx, requireActor(request))).map(ruleView) }),
    );
    app.post(
      '/api/v1/automation/rules',
      {
        schema: {
          tags,
          summary: 'Create a rule, last in the order',
          body: RuleInput,
          response: { 201: RuleSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            ruleView(
              await createAutomationRule(ctx, requireActor(request), request.body as AutomationRuleInput),
            ),
          ),
    );
    app.get(
      '/api/v1/automation/rules/:id',
      {
        schema: {
          tags,
          summary: 'One rule',
          params: IdParams,
          response: { 200: RuleSchema, ...problemResponses },
        },
      },
      async (request) => ruleView(await getAutomationRule(ctx, requireActor(request), request.params.id)),
    );
    app.put(
      '/api/v1/automation/rules/:id',
      {
        schema: {
          tags,
          summary: 'Replace a rule (it keeps its place)',
          params: IdParams,
          body: RuleInput,
          response: { 200: RuleSchema, ...problemResponses },
        },
      },
      async (request) =>
        ruleView(
          await updateAutomationRule(
            ctx,
            requireActor(request),
            request.params.id,
            request.body as AutomationRuleInput,
          ),
        ),
    );
    app.delete(
      '/api/v1/automation/rules/:id',
      {
        schema: {
          tags,
          summary: 'Delete a rule (its log goes with it)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteAutomationRule(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/v1/automation/rules/order',
      {
        schema: {
          tags,
          summary: 'Put the rules in this order (every id once)',
          body: Type.Object(
            { ids: Type.Array(Id, { maxItems: automationLimits.rules }) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(RuleSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await orderAutomationRules(ctx, requireActor(request), request.body.ids)).map(ruleView),
      }),
    );
    app.post(
      '/api/v1/automation/rules/:id/dry-run',
      {
        schema: {
          tags,
          summary: 'The existing tickets a saved rule matches now, newest first (bounded scan, paginated)',
          params: IdParams,
          querystring: PageQuery,
          response: { 200: DryRunSchema, ...problemResponses },
        },
      },
      async (request) =>
        dryView(
          await dryRunRule(
            ctx,
            requireActor(request),
            { id: request.params.id },
            {
              limit: request.query.limit ?? 25,
              ...(request.query.cursor !== undefined ? { cursor: request.query.cursor } : {}),
            },
          ),
        ),
    );
    app.post(
      '/api/v1/automation/dry-run',
      {
        schema: {
          tags,
          summary: 'The existing tickets an unsaved rule would match now',
          querystring: PageQuery,
          body: RuleInput,
          response: { 200: DryRunSchema, ...problemResponses },
        },
      },
      async (request) =>
        dryView(
          await dryRunRule(ctx, requireActor(request), request.body as AutomationRuleInput, {
            limit: request.query.limit ?? 25,
            ...(request.query.cursor !== undefined ? { cursor: request.query.cursor } : {}),
          }),
        ),
    );
    app.get(
      '/api/v1/automation/log',
      {
        schema: {
          tags,
          summary:
            "The rule log, newest first: rules' firings and the SLA escalations' (filter by rule or ticket)",
          querystring: Type.Object({
            ruleId: Type.Optional(Id),
            ticketId: Type.Optional(Id),
            source: Type.Optional(Lit(['all', 'rules'])),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({ items: Type.Array(LogEntrySchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await listAutomationLog(
          ctx,
          requireActor(request),
          {
            limit: q.limit ?? 50,
            ...(q.ruleId !== undefined ? { ruleId: q.ruleId } : {}),
            ...(q.ticketId !== undefined ? { ticketId: q.ticketId } : {}),
            ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
            rulesOnly: q.source === 'rules',
          },
          escalations,
        );
        return { items: page.items.map(logView), nextCursor: page.nextCursor };
      },
    );
  };
}
