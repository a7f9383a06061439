// The service catalogue: the request types a caller may use with their forms, filing through one, and the
// managers' and admins' maintenance of custom fields and request types. Thin: schema → actor → one domain call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import {
  type CustomField,
  createCustomField,
  createRequestType,
  customFieldTypes,
  type FieldCondition,
  fileRequest,
  getRequestType,
  listCatalog,
  listCustomFields,
  listRequestTypes,
  parseLevel,
  type RequestType,
  type RequestTypeInput,
  updateCustomField,
  updateRequestType,
  uploadLimits,
} from '../../helpdesk/index.js';
import { pinPolicyOnFiling } from '../../sla/index.js';
import { requireActor } from '../authentication.js';
import {
  FieldValueSchema,
  Id,
  IdParams,
  IsoTime,
  LevelSchema,
  Nullable,
  problemResponses,
  TicketTypeSchema,
} from '../schemas.js';
import { ticketView } from '../views.js';
import { ApprovalPlanSchema } from './approvals.js';

const FieldTypeSchema = Type.Union(customFieldTypes.map((t) => Type.Literal(t)));
const Scalar = Type.Union([Type.String({ maxLength: 100 }), Type.Number()]);

const ConditionSchema = Type.Object(
  {
    field: Type.String({ minLength: 1, maxLength: 40, description: 'the key of a field above this one' }),
    op: Type.Union([Type.Literal('equals'), Type.Literal('in'), Type.Literal('set')]),
    value: Type.Optional(Scalar),
    values: Type.Optional(Type.Array(Scalar, { maxItems: 50 })),
  },
  {
    additionalProperties: false,
    description: 'show this field only when the named field equals, is one of, or is set',
  },
);

const CustomFieldRules = {
  label: Type.String({ minLength: 1, maxLength: 100 }),
  helpText: Type.Optional(Type.String({ maxLength: 500 })),
  required: Type.Optional(Type.Boolean()),
  options: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 })),
  min: Type.Optional(Nullable(Type.Number())),
  max: Type.Optional(Nullable(Type.Number())),
  pattern: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  maxLength: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10_000 }))),
  active: Type.Optional(Type.Boolean()),
};
const Key = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9_]*$' });

const CustomFieldSchema = Type.Object({
  id: Type.Integer(),
  key: Type.String(),
  label: Type.String(),
  type: FieldTypeSchema,
  helpText: Type.String(),
  required: Type.Boolean(),
  options: Type.Array(Type.String()),
  min: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
  pattern: Nullable(Type.String()),
  maxLength: Nullable(Type.Integer()),
  active: Type.Boolean(),
  version: Type.Integer(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

const FormFieldSchema = Type.Object({
  fieldId: Type.Integer(),
  key: Type.String(),
  label: Type.String(),
  type: FieldTypeSchema,
  helpText: Type.String(),
  required: Type.Boolean(),
  options: Type.Array(Type.String()),
  min: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
  pattern: Nullable(Type.String()),
  maxLength: Nullable(Type.Integer()),
  condition: Nullable(ConditionSchema),
});

const Audience = Type.Union([Type.Literal('everyone'), Type.Literal('staff')]);

const DefaultsSchema = Type.Object({
  ticketType: TicketTypeSchema,
  categoryId: Nullable(Type.Integer()),
  groupId: Nullable(Type.Integer()),
  impact: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
  urgency: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
  slaPolicyId: Nullable(Type.Integer()),
});

const RequestTypeSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  catalogCategory: Type.String(),
  icon: Type.String(),
  keywords: Type.Array(Type.String()),
  audience: Audience,
  active: Type.Boolean(),
  position: Type.Integer(),
  version: Type.Integer(),
  defaults: DefaultsSchema,
  fields: Type.Array(FormFieldSchema),
  approval: Nullable(ApprovalPlanSchema),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

const RequestTypeBody = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  catalogCategory: Type.Optional(Type.String({ maxLength: 60 })),
  icon: Type.Optional(Type.String({ maxLength: 40 })),
  keywords: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
  audience: Type.Optional(Audience),
  active: Type.Optional(Type.Boolean()),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  defaults: Type.Optional(
    Type.Object(
      {
        ticketType: Type.Optional(TicketTypeSchema),
        categoryId: Type.Optional(Nullable(Id)),
        groupId: Type.Optional(Nullable(Id)),
        impact: Type.Optional(Nullable(LevelSchema)),
        urgency: Type.Optional(Nullable(LevelSchema)),
        slaPolicyId: Type.Optional(Nullable(Id)),
      },
      { additionalProperties: false },
    ),
  ),
  fields: Type.Optional(
    Type.Array(
      Type.Object(
        {
          fieldId: Id,
          required: Type.Optional(Nullable(Type.Boolean())),
          condition: Type.Optional(Nullable(ConditionSchema)),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100, description: 'the form, in order; replaces the whole form' },
    ),
  ),
  approval: Type.Optional(Nullable(ApprovalPlanSchema)),
};

function customFieldView(f: CustomField) {
  return { ...f, createdAt: toIso(f.createdAt), updatedAt: toIso(f.updatedAt) };
}

function requestTypeView(t: RequestType) {
  return {
    ...t,
    fields: t.fields.map(({ fieldVersion: _, ...f }) => f),
    createdAt: toIso(t.createdAt),
    updatedAt: toIso(t.updatedAt),
  };
}

type Body = Partial<Omit<RequestTypeInput, 'defaults'>> & {
  defaults?: Record<string, unknown> & { impact?: number | string | null; urgency?: number | string | null };
  fields?: Array<{ fieldId: number; required?: boolean | null; condition?: FieldCondition | null }>;
};

function requestTypeInput(b: Body): Partial<RequestTypeInput> {
  const { defaults, ...rest } = b;
  if (!defaults) return rest as Partial<RequestTypeInput>;
  const level = (v: number | string | null | undefined) =>
    v === undefined ? undefined : v === null ? null : (parseLevel(v) ?? null);
  return {
    ...rest,
    defaults: {
      ...defaults,
      ...(defaults.impact !== undefined ? { impact: level(defaults.impact) } : {}),
      ...(defaults.urgency !== undefined ? { urgency: level(defaults.urgency) } : {}),
    },
  } as Partial<RequestTypeInput>;
}

export function catalogRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/catalog',
      {
        schema: {
          tags: ['catalog'],
          summary: 'The service catalogue: the request types the caller may file, with their forms',
          response: { 200: Type.Object({ items: Type.Array(RequestTypeSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listCatalog(ctx, requireActor(request))).map(requestTypeView) }),
    );

    app.post(
      '/api/v1/catalog/:id/requests',
      {
        schema: {
          tags: ['catalog'],
          summary:
            "File a request through a request type: its form's answers become the ticket's custom fields",
          params: IdParams,
          body: Type.Object({
            title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            description: Type.Optional(Type.String({ maxLength: 60_000 })),
            fields: Type.Optional(
              Type.Record(Type.String({ maxLength: 100 }), Nullable(FieldValueSchema), {
                description: 'answers by field key (attachment fields: upload ids from POST /api/v1/uploads)',
              }),
            ),
            uploadIds: Type.Optional(Type.Array(Id, { maxItems: uploadLimits.perMessage })),
          }),
          response: { 201: Type.Ref('Ticket'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const ticket = await fileRequest(
          ctx,
          actor,
          request.params.id,
          request.body,
          async (trx, t, type) => {
            if (type.defaults.slaPolicyId !== null)
              await pinPolicyOnFiling(trx, {
                ticketId: t.id,
                policyId: type.defaults.slaPolicyId,
                actorId: actor.id,
                now: ctx.clock.now(),
              });
          },
        );
        return reply.code(201).header('location', `/api/v1/tickets/${ticket.id}`).send(ticketView(ticket));
      },
    );

    app.get(
      '/api/v1/custom-fields',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Custom field definitions (inactive ones too: tickets keep their values)',
          response: { 200: Type.Object({ items: Type.Array(CustomFieldSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        requireActor(request);
        return { items: (await listCustomFields(ctx.db)).map(customFieldView) };
      },
    );

    app.post(
      '/api/v1/custom-fields',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Define a custom field (managers and admins)',
          body: Type.Object({ key: Key, type: FieldTypeSchema, ...CustomFieldRules }),
          response: { 201: CustomFieldSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(customFieldView(await createCustomField(ctx, requireActor(request), request.body))),
    );

    app.patch(
      '/api/v1/custom-fields/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Change a custom field; active: false takes it off every form (managers and admins)',
          params: IdParams,
          body: Type.Object(
            { key: Type.Optional(Key), ...CustomFieldRules, label: Type.Optional(CustomFieldRules.label) },
            { minProperties: 1 },
          ),
          response: { 200: CustomFieldSchema, ...problemResponses },
        },
      },
      async (request) =>
        customFieldView(await updateCustomField(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.get(
      '/api/v1/request-types',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Every request type, inactive and staff-only ones too (managers and admins)',
          response: { 200: Type.Object({ items: Type.Array(RequestTypeSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listRequestTypes(ctx, requireActor(request))).map(requestTypeView),
      }),
    );

    app.post(
      '/api/v1/request-types',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Create a request type with its form and defaults (managers and admins)',
          body: Type.Object(RequestTypeBody),
          response: { 201: RequestTypeSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const input = requestTypeInput(request.body as Body) as RequestTypeInput;
        return reply
          .code(201)
          .send(requestTypeView(await createRequestType(ctx, requireActor(request), input)));
      },
    );

    app.get(
      '/api/v1/request-types/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'One request type (managers and admins)',
          params: IdParams,
          response: { 200: RequestTypeSchema, ...problemResponses },
        },
      },
      async (request) => requestTypeView(await getRequestType(ctx, requireActor(request), request.params.id)),
    );

    app.patch(
      '/api/v1/request-types/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Change a request type; fields replaces the whole form (managers and admins)',
          params: IdParams,
          body: Type.Object(
            { ...RequestTypeBody, name: Type.Optional(RequestTypeBody.name) },
            { minProperties: 1 },
          ),
          response: { 200: RequestTypeSchema, ...problemResponses },
        },
      },
      async (request) =>
        requestTypeView(
          await updateRequestType(
            ctx,
            requireActor(request),
            request.params.id,
            requestTypeInput(request.body as Body),
          ),
        ),
    );
  };
}
