// Importing an on-call setup from Opsgenie, Grafana OnCall or PagerDuty: the plan, what could not be carried over
// and the imported final schedule beside the original's for the next 4 weeks; without dryRun, the schedules,
// overrides and escalation policies are created too (201). Thin: schema → actor → one domain call → response.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { type ImportResult, runImport } from '../../../oncall/index.js';
import { requireActor } from '../../authentication.js';
import { IsoTime, Nullable, problemResponses } from '../../schemas.js';

/** Exports of a large organisation exceed the default body limit; this route alone takes up to 8 MiB. */
const importBodyLimit = 8 * 1024 * 1024;

const ImportBody = Type.Object({
  source: Type.Union([Type.Literal('opsgenie'), Type.Literal('grafana-oncall'), Type.Literal('pagerduty')]),
  data: Type.Object(
    {},
    { additionalProperties: true, description: "The source's export: see the converter of each source" },
  ),
  dryRun: Type.Boolean({ default: true, description: 'false: create the schedules, overrides and policies' }),
});

const RestrictionSchema = Type.Object({
  days: Type.Array(Type.Integer()),
  start: Type.String(),
  end: Type.String(),
});
const LayerSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('rotation'),
    name: Type.String(),
    start: Type.String({ description: 'local yyyy-MM-ddTHH:mm in the schedule zone' }),
    end: Nullable(Type.String()),
    turn: Type.Object({ unit: Type.String(), count: Type.Integer() }),
    participants: Type.Array(Type.String(), { description: 'person keys (emails)' }),
    restrictions: Type.Array(RestrictionSchema),
  }),
  Type.Object({
    kind: Type.Literal('shifts'),
    name: Type.String(),
    shifts: Type.Array(Type.Object({ user: Type.String(), start: Type.String(), end: Type.String() })),
  }),
]);
const PreviewSchema = Type.Object({
  source: Type.String(),
  dryRun: Type.Boolean(),
  users: Type.Array(
    Type.Object({
      sourceId: Type.String(),
      key: Type.String(),
      name: Nullable(Type.String()),
      email: Nullable(Type.String()),
      opsdeskUserId: Nullable(Type.Integer()),
    }),
  ),
  unmatchedUsers: Type.Array(Type.String(), {
    description: 'person keys with no opsdesk user of that email',
  }),
  schedules: Type.Array(
    Type.Object({
      sourceId: Type.String(),
      name: Type.String(),
      timeZone: Type.String(),
      layers: Type.Array(LayerSchema, { description: 'bottom first: a later layer wins' }),
      overrides: Type.Array(Type.Object({ user: Type.String(), start: IsoTime, end: IsoTime })),
    }),
  ),
  policies: Type.Array(
    Type.Object({
      sourceId: Type.String(),
      name: Type.String(),
      repeatCount: Type.Integer({ description: 'times the steps run through (1: once)' }),
      steps: Type.Array(
        Type.Object({
          delayMinutes: Type.Integer(),
          targets: Type.Array(
            Type.Object({
              kind: Type.String(),
              ref: Type.String({ description: 'schedule sourceId, person key, or opsdesk group id' }),
            }),
          ),
        }),
      ),
    }),
  ),
  notCarried: Type.Array(Type.Object({ what: Type.String(), where: Type.String(), why: Type.String() })),
  applied: Nullable(
    Type.Object({
      schedules: Type.Array(
        Type.Object({ sourceId: Type.String(), id: Type.Integer(), name: Type.String() }),
      ),
      policies: Type.Array(Type.Object({ sourceId: Type.String(), id: Type.Integer(), name: Type.String() })),
      overrides: Type.Integer({ description: 'overrides still to come, created' }),
    }),
  ),
  comparisons: Type.Array(
    Type.Object({
      scheduleSourceId: Type.String(),
      name: Type.String(),
      from: IsoTime,
      to: IsoTime,
      agreementPercent: Type.Number(),
      matchingMinutes: Type.Number(),
      differingMinutes: Type.Number(),
      stretches: Type.Array(
        Type.Object({
          start: IsoTime,
          end: IsoTime,
          theirs: Type.Array(Type.String()),
          ours: Nullable(Type.String()),
          agree: Type.Boolean(),
        }),
      ),
    }),
  ),
});

function importView(p: ImportResult) {
  const { plan } = p;
  return {
    source: plan.source,
    dryRun: p.applied === null,
    applied: p.applied,
    users: plan.users,
    unmatchedUsers: plan.users.filter((u) => u.opsdeskUserId === null).map((u) => u.key),
    schedules: plan.schedules.map((s) => ({
      ...s,
      overrides: s.overrides.map((o) => ({ user: o.user, start: toIso(o.start), end: toIso(o.end) })),
    })),
    // The policies as applying writes them: fitted to opsdesk's bounds, groups matched to opsdesk groups.
    policies: p.drafts.map((d) => ({
      ...d,
      steps: d.steps.map((st) => ({
        delayMinutes: st.delayMinutes,
        targets: st.targets.map((t) => (t.kind === 'group' ? { kind: t.kind, ref: String(t.id) } : t)),
      })),
    })),
    notCarried: plan.notCarried,
    comparisons: p.comparisons.map((c) => ({
      scheduleSourceId: c.scheduleSourceId,
      name: c.name,
      from: toIso(c.from),
      to: toIso(c.to),
      agreementPercent: c.agreementPercent,
      matchingMinutes: c.matchingMs / 60_000,
      differingMinutes: c.differingMs / 60_000,
      stretches: c.stretches.map((s) => ({ ...s, start: toIso(s.start), end: toIso(s.end) })),
    })),
  };
}

export function oncallImportRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/oncall/imports',
      {
        bodyLimit: Math.max(ctx.config.bodyLimitBytes, importBodyLimit),
        schema: {
          tags: ['oncall'],
          summary:
            'Import schedules, overrides and escalation policies from Opsgenie, Grafana OnCall or PagerDuty, matching users by email: the plan, what cannot be carried over, the final schedule beside the original for 4 weeks, and (without dryRun) the created schedules and policies',
          body: ImportBody,
          response: { 200: PreviewSchema, 201: PreviewSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const result = await runImport(ctx, requireActor(request), request.body);
        return reply.code(result.applied ? 201 : 200).send(importView(result));
      },
    );
  };
}
