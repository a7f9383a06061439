// Approvals: the approver's inbox (what waits for me), one approval, deciding it, a ticket's approvals, and the
// signed mail link (its page reads with GET — deciding nothing, as mail scanners open links — and decides with
// POST). Thin: schema → actor → one domain call. The plan schema is shared with the request types' routes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import {
  type Approval,
  type ApprovalByLink,
  approvalLimits,
  decideApproval,
  decideByLink,
  getApproval,
  getTicket,
  listApprovals,
  listSubjectApprovals,
  readByLink,
} from '../../helpdesk/index.js';
import { requireActor } from '../authentication.js';
import {
  Cursor,
  Id,
  IdParams,
  IsoTime,
  Limit,
  Nullable,
  problemResponses,
  StatusSchema,
} from '../schemas.js';

const tags = ['approvals'];

const Rule = Type.Union([Type.Literal('one'), Type.Literal('all')]);
const Order = Type.Union([Type.Literal('sequence'), Type.Literal('parallel')]);
const ApproverKind = Type.Union([Type.Literal('manager'), Type.Literal('users'), Type.Literal('group')]);

/** A plan as request types (and change requests) carry it. */
export const ApprovalPlanSchema = Type.Object(
  {
    order: Order,
    steps: Type.Array(
      Type.Object(
        {
          approvers: Type.Object(
            {
              kind: ApproverKind,
              userIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: approvalLimits.usersPerStep })),
              groupId: Type.Optional(Id),
            },
            { additionalProperties: false },
          ),
          rule: Rule,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: approvalLimits.steps },
    ),
  },
  {
    additionalProperties: false,
    description:
      "who approves: steps in sequence or in parallel; each asks the requester's manager, named users or a group, of whom one or all must approve",
  },
);

const ApprovalState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
  Type.Literal('cancelled'),
]);
const ApproverState = Type.Union([
  Type.Literal('waiting'),
  Type.Literal('pending'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
  Type.Literal('skipped'),
  Type.Literal('cancelled'),
]);
const SubjectType = Type.Union([Type.Literal('ticket'), Type.Literal('change')]);

export const ApprovalSchema = Type.Object({
  id: Type.Integer(),
  subjectType: SubjectType,
  subjectId: Type.Integer(),
  requesterId: Type.Integer(),
  requesterName: Type.String(),
  title: Type.String(),
  order: Order,
  state: ApprovalState,
  reason: Nullable(Type.String()),
  decidedById: Nullable(Type.Integer()),
  decidedAt: Nullable(IsoTime),
  createdAt: IsoTime,
  summary: Nullable(
    Type.String({ description: "what is decided on: a ticket's description (the form's answers)" }),
  ),
  subjectStatus: Nullable(StatusSchema),
  awaitingMe: Type.Boolean({ description: 'the caller is asked now and may decide' }),
  steps: Type.Array(
    Type.Object({
      position: Type.Integer(),
      rule: Rule,
      approverKind: ApproverKind,
      groupId: Nullable(Type.Integer()),
      groupName: Nullable(Type.String()),
      state: Type.Union([
        Type.Literal('waiting'),
        Type.Literal('pending'),
        Type.Literal('approved'),
        Type.Literal('rejected'),
        Type.Literal('cancelled'),
      ]),
      decidedAt: Nullable(IsoTime),
      approvers: Type.Array(
        Type.Object({
          userId: Type.Integer(),
          userName: Type.String(),
          state: ApproverState,
          comment: Nullable(Type.String()),
          via: Nullable(Type.Union([Type.Literal('web'), Type.Literal('api'), Type.Literal('link')])),
          decidedAt: Nullable(IsoTime),
        }),
      ),
    }),
  ),
});

const DecisionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
    comment: Type.Optional(
      Type.String({ maxLength: approvalLimits.commentMaxLength, description: 'required to reject' }),
    ),
  },
  { additionalProperties: false },
);

const LinkView = Type.Object({
  approval: ApprovalSchema,
  approver: Type.Object({
    userId: Type.Integer(),
    name: Type.String(),
    state: ApproverState,
    step: Type.Integer(),
  }),
});

export function approvalView(a: Approval) {
  return {
    ...a,
    decidedAt: toIso(a.decidedAt),
    createdAt: toIso(a.createdAt),
    steps: a.steps.map((s) => ({
      ...s,
      decidedAt: toIso(s.decidedAt),
      approvers: s.approvers.map(({ id: _, ...p }) => ({ ...p, decidedAt: toIso(p.decidedAt) })),
    })),
  };
}

const linkView = (l: ApprovalByLink) => ({ approval: approvalView(l.approval), approver: l.approver });

export function approvalRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/approvals',
      {
        schema: {
          tags,
          summary: 'Approvals, newest first: mine=true&state=pending is what waits for my decision',
          description:
            'Staff see every approval; a requester those of their own requests and those they are asked to decide.',
          querystring: Type.Object({
            state: Type.Optional(ApprovalState),
            mine: Type.Optional(Type.Boolean({ description: 'only those I am (or was) asked to decide' })),
            subjectType: Type.Optional(SubjectType),
            subjectId: Type.Optional(Id),
            limit: Type.Optional(Limit),
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({ items: Type.Array(ApprovalSchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const page = await listApprovals(ctx, requireActor(request), request.query);
        return { items: page.items.map(approvalView), nextCursor: page.nextCursor };
      },
    );
    app.get(
      '/api/v1/approvals/:id',
      {
        schema: {
          tags,
          summary: 'One approval: its steps, approvers, decisions and comments',
          params: IdParams,
          response: { 200: ApprovalSchema, ...problemResponses },
        },
      },
      async (request) => approvalView(await getApproval(ctx, requireActor(request), request.params.id)),
    );
    app.post(
      '/api/v1/approvals/:id/decision',
      {
        schema: {
          tags,
          summary: 'Approve or reject, as an approver asked now (a rejection says why)',
          params: IdParams,
          body: DecisionBody,
          response: { 200: ApprovalSchema, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        await decideApproval(
          ctx,
          actor,
          request.params.id,
          request.body,
          actor.via === 'cookie' ? 'web' : 'api',
        );
        return approvalView(await getApproval(ctx, actor, request.params.id));
      },
    );
    app.get(
      '/api/v1/tickets/:id/approvals',
      {
        schema: {
          tags,
          summary: "A ticket's approvals (whoever may see the ticket)",
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(ApprovalSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        await getTicket(ctx, actor, request.params.id);
        const items = await listSubjectApprovals(ctx, actor, 'ticket', request.params.id);
        return { items: items.map(approvalView) };
      },
    );
    app.get(
      '/api/v1/approval-links/:id',
      {
        config: { public: true },
        schema: {
          tags,
          summary: "The mail link's page reads what is asked, without signing in: it decides nothing",
          description:
            'The token is bound to one approver of this approval and expires after a week; a forged or misdirected one is refused (403).',
          security: [],
          params: IdParams,
          querystring: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }),
          response: { 200: LinkView, ...problemResponses },
        },
      },
      async (request) => linkView(await readByLink(ctx, request.params.id, request.query.token)),
    );
    app.post(
      '/api/v1/approval-links/:id',
      {
        config: { public: true },
        schema: {
          tags,
          summary: "The mail link's button: decide as the approver it was sent to, without signing in",
          description:
            'Single use: once that approver has decided (or the step or request was decided otherwise) it answers approval_already_decided.',
          security: [],
          params: IdParams,
          body: Type.Object(
            {
              token: Type.String({ minLength: 1, maxLength: 200 }),
              decision: DecisionBody.properties.decision,
              comment: DecisionBody.properties.comment,
            },
            { additionalProperties: false },
          ),
          response: { 200: LinkView, ...problemResponses },
        },
      },
      async (request) => {
        const { token, ...decision } = request.body;
        return linkView(await decideByLink(ctx, request.params.id, token, decision));
      },
    );
  };
}
