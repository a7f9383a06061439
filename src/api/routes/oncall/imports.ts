// Importing an on-call setup from Opsgenie, Grafana OnCall or PagerDuty: a dry run returns the plan, what could not
// be carried over and the imported final schedule beside the original's for the next 4 weeks. Thin: schema → actor
// → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { type ImportPreview, previewImport, resolveFinalSchedule } from '../../../oncall/index.js';
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
  dryRun: Type.Boolean({ default: true }),
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
      repeat: Type.Integer(),
      steps: Type.Array(
        Type.Object({
          delayMinutes: Type.Integer(),
          targets: Type.Array(Type.Object({ kind: Type.String(), ref: Type.String() })),
        }),
      ),
    }),
  ),
  notCarried: Type.Array(Type.Object({ what: Type.String(), where: Type.String(), why: Type.String() })),
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

function previewView(p: ImportPreview) {
  const { plan } = p;
  return {
    source: plan.source,
    dryRun: true,
    users: plan.users,
    unmatchedUsers: plan.users.filter((u) => u.opsdeskUserId === null).map((u) => u.key),
    schedules: plan.schedules.map((s) => ({
      ...s,
      overrides: s.overrides.map((o) => ({ user: o.user, start: toIso(o.start), end: toIso(o.end) })),
    })),
    policies: plan.policies,
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
            'Import schedules, escalation policies and users from Opsgenie, Grafana OnCall or PagerDuty (dry run: the plan, what cannot be carried over, and the final schedule beside the original for 4 weeks)',
          body: ImportBody,
          response: { 200: PreviewSchema, ...problemResponses },
        },
      },
      async (request) =>
        previewView(await previewImport(ctx, requireActor(request), request.body, resolveFinalSchedule)),
    );
  };
}
