// Upgrade proposals over HTTP (src/proposals/): the list (status, source, target; soonest due first), one
// proposal with its evidence, writing one by hand, editing one still proposed, and the manager's decision (an
// approval answers with the change and the request for quotes it raised). Thin: schema → actor → one domain call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import type { ProposalStatus } from '../../core/db/index.js';
import { Invalid } from '../../core/errors.js';
import { decodeCursor, encodeCursor } from '../../helpdesk/index.js';
import {
  createManualProposal,
  decideProposal,
  dueKey,
  getProposal,
  listProposals,
  type Proposal,
  type ProposalEvidence,
  proposalDecisions,
  proposalLimits,
  proposalResources,
  proposalSources,
  proposalStatuses,
  updateProposal,
} from '../../proposals/index.js';
import { requireActor } from '../authentication.js';
import { Cursor, Id, IdParams, IsoTime, Limit, Nullable, problemResponses } from '../schemas.js';

const tags = ['proposals'];

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const StatusSchema = lit(proposalStatuses);
const SourceSchema = lit(proposalSources);
const ResourceSchema = lit(proposalResources);
const DecisionSchema = lit(proposalDecisions);
const Time = Type.String({ format: 'date-time', maxLength: 40 });

const EvidenceInput = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('metric'),
      label: Type.Optional(Type.String({ maxLength: proposalLimits.label })),
      query: Type.String({ minLength: 1, maxLength: proposalLimits.query }),
      from: Time,
      to: Time,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: lit(['ticket', 'incident', 'problem'] as const), id: Id },
    { additionalProperties: false },
  ),
]);
const CostInput = Type.Object(
  {
    amountMinor: Type.Integer({ minimum: 0, maximum: proposalLimits.costMinorMax }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, such as EUR' }),
  },
  { additionalProperties: false },
);

const EvidenceSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('metric'),
    label: Type.String(),
    query: Type.String({ description: 'a PromQL range query, drawn over [from, to]' }),
    from: IsoTime,
    to: IsoTime,
    title: Type.String(),
  }),
  Type.Object({
    kind: lit(['ticket', 'incident', 'problem'] as const),
    id: Type.Integer(),
    title: Nullable(Type.String({ description: 'null: the record no longer exists' })),
  }),
]);

const ProposalSchema = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String(),
    source: SourceSchema,
    targetId: Nullable(Type.Integer({ description: 'the monitoring target; null once deleted' })),
    subjectName: Type.String(),
    resource: ResourceSchema,
    detail: Type.String({ description: 'a mount point or an interface; empty for the whole host' }),
    what: Type.String(),
    summary: Type.String(),
    evidence: Type.Array(EvidenceSchema),
    forecast: Nullable(
      Type.Object({
        crossesAt: IsoTime,
        earliest: Nullable(IsoTime),
        latest: Nullable(IsoTime),
        headroom: Type.Number(),
        threshold: Type.Number(),
        query: Type.String(),
      }),
    ),
    dueAt: Nullable(IsoTime),
    dueByHand: Type.Boolean({ description: 'a person set the due date: a moving forecast leaves it' }),
    cost: Nullable(
      Type.Object({
        amountMinor: Type.Integer(),
        currency: Type.String(),
        source: Type.Literal('manual', { description: 'typed in; quotes and budget lines come later' }),
      }),
    ),
    status: StatusSchema,
    deferredUntil: Nullable(IsoTime),
    decisionReason: Nullable(Type.String()),
    decidedBy: Nullable(Type.Integer()),
    decidedByName: Nullable(Type.String()),
    decidedAt: Nullable(IsoTime),
    problemId: Nullable(Type.Integer()),
    changeId: Nullable(Type.Integer({ description: 'the change an approval raised' })),
    quoteRequest: Nullable(
      Type.Object({
        id: Type.Integer(),
        what: Type.String(),
        quantity: Type.Integer(),
        spec: Type.String(),
        status: lit(['open', 'quoted', 'awarded', 'cancelled'] as const),
        createdAt: IsoTime,
      }),
    ),
    createdBy: Nullable(Type.Integer()),
    createdAt: IsoTime,
    updatedAt: IsoTime,
    allowedDecisions: Type.Array(DecisionSchema),
  },
  { $id: 'UpgradeProposal' },
);

const Editable = {
  title: Type.Optional(Type.String({ minLength: 1, maxLength: proposalLimits.title })),
  resource: Type.Optional(ResourceSchema),
  detail: Type.Optional(Type.String({ maxLength: proposalLimits.detail })),
  what: Type.Optional(Type.String({ maxLength: proposalLimits.what })),
  summary: Type.Optional(Type.String({ maxLength: proposalLimits.summary })),
  evidence: Type.Optional(Type.Array(EvidenceInput, { maxItems: proposalLimits.evidence })),
  dueAt: Type.Optional(Nullable(Time)),
  cost: Type.Optional(Nullable(CostInput)),
};

function ms(field: string, v: string): number {
  const at = Date.parse(v);
  if (!Number.isFinite(at))
    throw new Invalid('validation_failed', `${field.slice(1)}: must be an ISO 8601 time`, [
      { field, message: 'must be an ISO 8601 time' },
    ]);
  return at;
}
const msOrNull = (field: string, v: string | null | undefined) =>
  v === undefined ? undefined : v === null ? null : ms(field, v);

function evidenceFrom(list: Static<typeof EvidenceInput>[] | undefined): ProposalEvidence[] | undefined {
  return list?.map((e, i) =>
    e.kind === 'metric'
      ? {
          kind: 'metric',
          label: e.label ?? '',
          query: e.query,
          from: ms(`/evidence/${i}/from`, e.from),
          to: ms(`/evidence/${i}/to`, e.to),
        }
      : { kind: e.kind, id: e.id },
  );
}

function view(p: Proposal) {
  return {
    ...p,
    evidence: p.evidence.map((e) =>
      e.kind === 'metric' ? { ...e, from: toIso(e.from), to: toIso(e.to) } : e,
    ),
    forecast: p.forecast && {
      ...p.forecast,
      crossesAt: toIso(p.forecast.crossesAt),
      earliest: toIso(p.forecast.earliest),
      latest: toIso(p.forecast.latest),
    },
    dueAt: toIso(p.dueAt),
    deferredUntil: toIso(p.deferredUntil),
    decidedAt: toIso(p.decidedAt),
    quoteRequest: p.quoteRequest && { ...p.quoteRequest, createdAt: toIso(p.quoteRequest.createdAt) },
    createdAt: toIso(p.createdAt),
    updatedAt: toIso(p.updatedAt),
    allowedDecisions: [...p.allowedDecisions],
  };
}

/** "proposed,deferred" → the states, refusing an unknown one. */
function statusesFrom(value: string | undefined): ProposalStatus[] | undefined {
  if (value === undefined || value === '') return undefined;
  const list = value.split(',').map((s) => s.trim());
  for (const s of list)
    if (!proposalStatuses.includes(s as ProposalStatus))
      throw new Invalid('validation_failed', `status: unknown state "${s.slice(0, 40)}"`, [
        {
          field: 'querystring/status',
          message: `must be a comma-separated list of ${proposalStatuses.join(', ')}`,
        },
      ]);
  return list as ProposalStatus[];
}

export function proposalRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addSchema(ProposalSchema);

    app.get(
      '/api/v1/proposals',
      {
        schema: {
          tags,
          summary: 'Upgrade proposals, the soonest due first (none last), then by id (staff)',
          querystring: Type.Object({
            status: Type.Optional(
              Type.String({ maxLength: 100, description: `comma-separated: ${proposalStatuses.join(', ')}` }),
            ),
            source: Type.Optional(SourceSchema),
            targetId: Type.Optional(Id),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(Type.Ref('UpgradeProposal')),
              nextCursor: Nullable(Type.String()),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { status, cursor, limit, source, targetId } = request.query;
        const after = cursor ? decodeCursor(cursor).k : undefined;
        if (cursor && !after)
          throw new Invalid('invalid_cursor', 'The cursor belongs to another list.', [
            { field: 'querystring/cursor', message: 'unknown cursor' },
          ]);
        const items = await listProposals(ctx, requireActor(request), {
          status: statusesFrom(status),
          source,
          targetId,
          limit,
          after,
        });
        const page = items.slice(0, limit);
        const last = page[page.length - 1];
        return {
          items: page.map(view),
          nextCursor: items.length > limit ? encodeCursor({ k: [dueKey(last), last.id] }) : null,
        };
      },
    );

    app.post(
      '/api/v1/proposals',
      {
        schema: {
          tags,
          summary: 'Write up an upgrade proposal by hand for a monitoring target (staff)',
          body: Type.Object(
            {
              ...Editable,
              title: Type.String({ minLength: 1, maxLength: proposalLimits.title }),
              targetId: Id,
              resource: ResourceSchema,
              problemId: Type.Optional(Nullable(Id)),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Ref('UpgradeProposal'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const p = await createManualProposal(ctx, requireActor(request), {
          ...b,
          evidence: evidenceFrom(b.evidence),
          dueAt: msOrNull('/dueAt', b.dueAt),
        });
        return reply.code(201).header('location', `/api/v1/proposals/${p.id}`).send(view(p));
      },
    );

    app.get(
      '/api/v1/proposals/:id',
      {
        schema: {
          tags,
          summary: 'An upgrade proposal with its evidence, forecast, cost and decision (staff)',
          params: IdParams,
          response: { 200: Type.Ref('UpgradeProposal'), ...problemResponses },
        },
      },
      async (request) => view(await getProposal(ctx, requireActor(request), request.params.id)),
    );

    app.patch(
      '/api/v1/proposals/:id',
      {
        schema: {
          tags,
          summary:
            'Edit a proposed upgrade’s text, evidence, cost or due date (a date set here is kept when its forecast moves; null gives it back to the forecast) (staff)',
          params: IdParams,
          body: Type.Object(Editable, { additionalProperties: false, minProperties: 1 }),
          response: { 200: Type.Ref('UpgradeProposal'), ...problemResponses },
        },
      },
      async (request) => {
        const b = request.body;
        return view(
          await updateProposal(ctx, requireActor(request), request.params.id, {
            ...b,
            evidence: evidenceFrom(b.evidence),
            dueAt: msOrNull('/dueAt', b.dueAt),
          }),
        );
      },
    );

    app.post(
      '/api/v1/proposals/:id/decision',
      {
        schema: {
          tags,
          summary:
            'Approve (raising a normal change and a request for quotes), defer until a date, or reject with a reason (managers, admins)',
          params: IdParams,
          body: Type.Object(
            {
              decision: DecisionSchema,
              until: Type.Optional(Time),
              reason: Type.Optional(Type.String({ maxLength: proposalLimits.reason })),
              quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: proposalLimits.quantity })),
              spec: Type.Optional(Type.String({ maxLength: proposalLimits.spec })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Ref('UpgradeProposal'), ...problemResponses },
        },
      },
      async (request) => {
        const { until, ...b } = request.body;
        return view(
          await decideProposal(ctx, requireActor(request), request.params.id, {
            ...b,
            ...(until !== undefined ? { until: ms('/until', until) } : {}),
          }),
        );
      },
    );
  };
}
