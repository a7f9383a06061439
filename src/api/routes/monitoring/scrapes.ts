// Scrape targets, /api/v1/monitoring/scrape-targets: list and read (target.read, staff), create, change, delete and
// scrape now (target.manage: managers and admins, since a target may be any address on the LAN). Thin: schema →
// actor → one domain call → response schema. Relabel configs are Prometheus's, in its snake_case.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  createScrapeTarget,
  deleteScrapeTarget,
  getScrapeTarget,
  listScrapeTargets,
  type RelabelAction,
  relabelActions,
  type ScrapeOutcome,
  type ScrapeTarget,
  scrapeLimits,
  scrapeTargetNow,
  updateScrapeTarget,
} from '../../../monitoring/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';

const LabelSet = Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 4096 }), {
  maxProperties: scrapeLimits.labels,
});
const RelabelConfigSchema = Type.Object(
  {
    source_labels: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 32 })),
    separator: Type.Optional(Type.String({ maxLength: 64 })),
    target_label: Type.Optional(Type.String({ maxLength: 256 })),
    regex: Type.Optional(Type.String({ maxLength: 2000 })),
    modulus: Type.Optional(Type.Integer({ minimum: 1 })),
    replacement: Type.Optional(Type.String({ maxLength: 4096 })),
    action: Type.Optional(
      Type.Unsafe<RelabelAction>({
        type: 'string',
        enum: [...relabelActions],
        description: 'default replace',
      }),
    ),
  },
  { additionalProperties: false },
);
const RelabelList = Type.Array(RelabelConfigSchema, { maxItems: scrapeLimits.relabelConfigs });
const Body = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'the exposition URL, e.g. http://host:9100/metrics',
    }),
    job: Type.String({ minLength: 1, maxLength: 200 }),
    intervalSeconds: Type.Optional(
      Type.Integer({ minimum: scrapeLimits.minIntervalSeconds, maximum: scrapeLimits.maxIntervalSeconds }),
    ),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: scrapeLimits.maxIntervalSeconds })),
    labels: Type.Optional(LabelSet),
    relabelConfigs: Type.Optional(RelabelList),
    metricRelabelConfigs: Type.Optional(RelabelList),
    honorLabels: Type.Optional(Type.Boolean()),
    honorTimestamps: Type.Optional(Type.Boolean()),
    sampleLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
    seriesLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
    targetId: Type.Optional(Nullable(Id)),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const Patch = Type.Partial(Body, { additionalProperties: false });
const Counts = Type.Record(Type.String(), Type.Integer());

const TargetSchema = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  job: Type.String(),
  intervalSeconds: Type.Integer(),
  timeoutSeconds: Type.Integer(),
  labels: Type.Record(Type.String(), Type.String()),
  relabelConfigs: Type.Array(RelabelConfigSchema),
  metricRelabelConfigs: Type.Array(RelabelConfigSchema),
  honorLabels: Type.Boolean(),
  honorTimestamps: Type.Boolean(),
  sampleLimit: Type.Integer(),
  seriesLimit: Type.Integer(),
  targetId: Nullable(Type.Integer()),
  enabled: Type.Boolean(),
  nextScrapeAt: IsoTime,
  lastScrapeAt: Nullable(IsoTime),
  lastDurationMs: Nullable(Type.Integer()),
  lastUp: Nullable(Type.Boolean()),
  lastError: Type.String(),
  lastSamples: Nullable(Type.Integer()),
  lastRejected: Counts,
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const OutcomeSchema = Type.Object({
  up: Type.Boolean(),
  at: IsoTime,
  durationMs: Type.Number(),
  format: Nullable(Type.String()),
  samplesScraped: Type.Integer(),
  samplesPostMetricRelabeling: Type.Integer(),
  seriesAdded: Type.Integer(),
  accepted: Type.Integer(),
  rejected: Counts,
  error: Type.String(),
  lineErrors: Type.Array(
    Type.Object({ line: Type.Integer(), reason: Type.String(), message: Type.String() }),
  ),
});

function targetView(t: ScrapeTarget) {
  return {
    ...t,
    nextScrapeAt: toIso(t.nextScrapeAt),
    lastScrapeAt: toIso(t.lastScrapeAt),
    createdAt: toIso(t.createdAt),
    updatedAt: toIso(t.updatedAt),
  };
}
function outcomeView(o: ScrapeOutcome) {
  return { ...o, at: toIso(o.at) };
}

export function scrapeTargetRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const base = '/api/v1/monitoring/scrape-targets';
    app.get(
      base,
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Scrape targets with their last scrape (staff)',
          response: { 200: Type.Object({ items: Type.Array(TargetSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listScrapeTargets(ctx, requireActor(request))).map(targetView) }),
    );
    app.post(
      base,
      {
        schema: {
          tags: ['monitoring'],
          summary:
            'Add a scrape target (managers): a Prometheus or OpenMetrics endpoint, LAN addresses allowed',
          body: Body,
          response: { 201: TargetSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(targetView(await createScrapeTarget(ctx, requireActor(request), request.body))),
    );
    app.get(
      `${base}/:id`,
      {
        schema: {
          tags: ['monitoring'],
          summary: 'One scrape target (staff)',
          params: IdParams,
          response: { 200: TargetSchema, ...problemResponses },
        },
      },
      async (request) => targetView(await getScrapeTarget(ctx, requireActor(request), request.params.id)),
    );
    app.patch(
      `${base}/:id`,
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Change a scrape target (managers)',
          params: IdParams,
          body: Patch,
          response: { 200: TargetSchema, ...problemResponses },
        },
      },
      async (request) =>
        targetView(await updateScrapeTarget(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.delete(
      `${base}/:id`,
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Remove a scrape target (managers); its stored series stay until retention',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteScrapeTarget(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      `${base}/:id/scrape`,
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Scrape the target now (managers) and say what happened',
          params: IdParams,
          response: { 200: OutcomeSchema, ...problemResponses },
        },
      },
      async (request) => outcomeView(await scrapeTargetNow(ctx, requireActor(request), request.params.id)),
    );
  };
}
