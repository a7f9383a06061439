// The Prometheus-shaped query API under /api/v1/prom, so Grafana's Prometheus data source (pointed at
// http://host/api/v1/prom with an API token as a bearer header) and other Prometheus clients read opsdesk's metrics.
// GET and POST with form bodies, as Grafana sends them; answers {status:'success', data}; errors stay problem+json and
// also carry Prometheus's members (status:'error', errorType, error) so Prometheus clients read them.
import { Readable } from 'node:stream';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../../core/context.js';
import { Invalid } from '../../../core/errors.js';
import {
  evaluateRange,
  type LabelMatcher,
  matrixJson,
  metricLimits,
  metricStore,
  parseSeriesSelector,
  promDurationMs,
  queryInstant,
  queryRemote,
  requireMonitor,
  type SampleSource,
} from '../../../monitoring/index.js';
import { requireActor } from '../../authentication.js';
import { problemResponses } from '../../schemas.js';

const Param = Type.Optional(Type.String({ maxLength: 65_536 }));
const Params = Type.Object(
  {
    query: Param,
    time: Param,
    start: Param,
    end: Param,
    step: Param,
    timeout: Param,
    limit: Param,
    metric: Param,
    source: Param,
    'match[]': Type.Optional(
      Type.Union([
        Type.String({ maxLength: 65_536 }),
        Type.Array(Type.String({ maxLength: 65_536 }), { maxItems: 100 }),
      ]),
    ),
  },
  { additionalProperties: true },
);
type ParamValues = {
  query?: string;
  time?: string;
  start?: string;
  end?: string;
  step?: string;
  limit?: string;
  metric?: string;
  source?: string;
  'match[]'?: string | string[];
};

const success = <T extends ReturnType<typeof Type.Object> | ReturnType<typeof Type.Array>>(data: T) =>
  Type.Object({ status: Type.Literal('success'), data });

// The result's shape varies with resultType (vector, matrix, scalar, string; see docs/promql.md); the engine builds
// every member itself, so no stored field can leak through it.
const QueryData = Type.Object({
  resultType: Type.Union([
    Type.Literal('vector'),
    Type.Literal('matrix'),
    Type.Literal('scalar'),
    Type.Literal('string'),
  ]),
  result: Type.Unknown(),
});
const LabelSet = Type.Record(Type.String(), Type.String());

/** Prometheus's errorType for each HTTP status a problem carries. */
function errorTypeOf(status: number): string {
  if (status === 404) return 'not_found';
  if (status === 413 || status === 422) return 'execution';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'internal';
  return 'bad_data';
}

/** A time as Prometheus's API takes it: Unix seconds (with a fraction) or RFC 3339. */
function parseTime(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const seconds = Number(value);
  const ms = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value.trim()) ? Math.round(seconds * 1000) : Date.parse(value);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw new Invalid(
      'validation_failed',
      `invalid parameter "${name}": cannot parse "${value}" to a valid timestamp`,
      [{ field: name, message: 'not Unix seconds or RFC 3339' }],
    );
  }
  return ms;
}

/** A step as Prometheus's API takes it: seconds (with a fraction) or a duration such as 15s or 1m30s. */
function parseStep(value: string | undefined): number {
  if (value === undefined || value === '') {
    throw new Invalid('validation_failed', 'invalid parameter "step": missing', [
      { field: 'step', message: 'required' },
    ]);
  }
  if (/^(\d+(\.\d*)?|\.\d+)$/.test(value)) return Math.round(Number(value) * 1000);
  const ms = promDurationMs(value);
  if (ms !== null) return ms;
  throw new Invalid(
    'validation_failed',
    `invalid parameter "step": cannot parse "${value}" to a valid duration`,
    [{ field: 'step', message: 'not seconds or a duration' }],
  );
}

function requireQuery(p: ParamValues): string {
  if (!p.query) {
    throw new Invalid('validation_failed', 'invalid parameter "query": missing', [
      { field: 'query', message: 'required' },
    ]);
  }
  return p.query;
}

/** Where a query is answered: opsdesk's own store (local, the default) or the external one (remote). */
function sourceOf(p: ParamValues): 'local' | 'remote' {
  const v = p.source ?? '';
  if (v === '' || v === 'local') return 'local';
  if (v === 'remote') return 'remote';
  throw new Invalid('validation_failed', 'invalid parameter "source": local or remote', [
    { field: 'source', message: 'local or remote' },
  ]);
}

function parseLimit(value: string | undefined): number {
  if (value === undefined || value === '' || value === '0') return Number.POSITIVE_INFINITY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new Invalid('validation_failed', 'invalid parameter "limit": must be a non-negative integer', [
      { field: 'limit', message: 'not a non-negative integer' },
    ]);
  }
  return n;
}

/** The match[] selectors, each a list of matchers; none means every series. */
function selectorsOf(p: ParamValues, required: boolean): LabelMatcher[][] {
  const raw = p['match[]'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 && required) {
    throw new Invalid('validation_failed', 'no match[] parameter provided', [
      { field: 'match[]', message: 'required' },
    ]);
  }
  return list.map((s) => parseSeriesSelector(s));
}

/**
 * GET's query string and POST's form body: Prometheus reads both, the body winning. A POST may send no body at all
 * (its parameters in the URL), so the body is checked here rather than by a route schema that would demand one.
 */
function paramsOf(request: FastifyRequest): ParamValues {
  const body = request.body ?? {};
  if (typeof body !== 'object' || !Value.Check(Params, body)) {
    const first = typeof body === 'object' ? Value.Errors(Params, body).First() : undefined;
    const field = first?.path ? first.path.slice(1) : 'body';
    throw new Invalid(
      'validation_failed',
      `invalid parameter "${field}": ${first?.message ?? 'not a form'}`,
      [{ field, message: first?.message ?? 'not a form' }],
    );
  }
  return { ...(request.query as ParamValues), ...(body as ParamValues) };
}

export function promApiRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  // The store is reached only when a query reads samples: `1 + 1` needs none.
  const store: SampleSource = {
    select: (m, from, to) => metricStore(ctx).select(m, from, to),
    series: (m, from, to) => metricStore(ctx).series(m, from, to),
    labelNames: (m, from, to) => metricStore(ctx).labelNames(m, from, to),
    labelValues: (name, m, from, to) => metricStore(ctx).labelValues(name, m, from, to),
  };
  return async (app) => {
    await app.register(formbody, { bodyLimit: 1024 * 1024 });

    // Problems from these routes also speak Prometheus: its clients decode status/errorType/error (status is the
    // string "error" there, so it replaces RFC 9457's advisory number; the HTTP status stays authoritative).
    app.addHook('onSend', async (_request, reply, payload) => {
      const type = String(reply.getHeader('content-type') ?? '');
      if (!type.startsWith('application/problem+json') || typeof payload !== 'string') return payload;
      const problem = JSON.parse(payload) as { detail?: string; status?: unknown };
      return JSON.stringify({
        ...problem,
        status: 'error',
        errorType: errorTypeOf(reply.statusCode),
        error: problem.detail ?? 'error',
      });
    });

    const now = () => ctx.clock.now();
    const allTime = () => [0, now() + metricLimits.futureMs] as const;
    const tags = ['monitoring'];

    for (const method of ['GET', 'POST'] as const) {
      app.route({
        method,
        url: '/api/v1/prom/query',
        schema: {
          tags,
          summary:
            'PromQL instant query at `time` (Unix seconds or RFC 3339; now when left out), as Prometheus; `source=remote` asks the external store (OPSDESK_METRICS_QUERY_URL)',
          querystring: Params,
          response: { 200: success(QueryData), ...problemResponses },
        },
        handler: async (request) => {
          requireMonitor(requireActor(request), 'metrics.read');
          const p = paramsOf(request);
          const query = requireQuery(p);
          const time = parseTime(p.time, 'time', now());
          const data =
            sourceOf(p) === 'remote'
              ? await queryRemote(ctx, { kind: 'query', query, timeMs: time })
              : await queryInstant(store, query, time);
          return { status: 'success' as const, data };
        },
      });
      app.route({
        method,
        url: '/api/v1/prom/query_range',
        schema: {
          tags,
          summary:
            'PromQL range query from `start` to `end` every `step` (at most 11,000 steps), as Prometheus; `source=remote` asks the external store (OPSDESK_METRICS_QUERY_URL)',
          querystring: Params,
          response: { 200: success(QueryData), ...problemResponses },
        },
        handler: async (request, reply) => {
          requireMonitor(requireActor(request), 'metrics.read');
          const p = paramsOf(request);
          const query = requireQuery(p);
          const start = parseTime(p.start, 'start', Number.NaN);
          const end = parseTime(p.end, 'end', Number.NaN);
          for (const [name, v] of [
            ['start', start],
            ['end', end],
          ] as const) {
            if (Number.isNaN(v)) {
              throw new Invalid('validation_failed', `invalid parameter "${name}": missing`, [
                { field: name, message: 'required' },
              ]);
            }
          }
          const step = parseStep(p.step);
          if (sourceOf(p) === 'remote') {
            const data = await queryRemote(ctx, {
              kind: 'query_range',
              query,
              startMs: start,
              endMs: end,
              stepMs: step,
            });
            return reply.send({ status: 'success' as const, data });
          }
          const { steps, series } = await evaluateRange(store, query, start, end, step);
          // Streamed as text: a day of 1,000 series is millions of points, too many to hold as JSON values at once.
          function* body() {
            yield '{"status":"success","data":';
            yield* matrixJson(steps, series);
            yield '}';
          }
          return reply.type('application/json; charset=utf-8').send(Readable.from(body()));
        },
      });
      app.route({
        method,
        url: '/api/v1/prom/series',
        schema: {
          tags,
          summary: 'The label sets of series matching any `match[]` selector with samples in [start, end]',
          querystring: Params,
          response: { 200: success(Type.Array(LabelSet)), ...problemResponses },
        },
        handler: async (request) => {
          requireMonitor(requireActor(request), 'metrics.read');
          const p = paramsOf(request);
          const [from, to] = allTime();
          const start = parseTime(p.start, 'start', from);
          const end = parseTime(p.end, 'end', to);
          const limit = parseLimit(p.limit);
          const seen = new Map<string, Record<string, string>>();
          for (const matchers of selectorsOf(p, true)) {
            for (const labels of await store.series(matchers, start, end)) {
              if (seen.size >= limit) break;
              seen.set(JSON.stringify(Object.entries(labels).sort()), labels);
            }
          }
          return { status: 'success' as const, data: [...seen.values()] };
        },
      });
      app.route({
        method,
        url: '/api/v1/prom/labels',
        schema: {
          tags,
          summary: 'Label names of series (matching `match[]` when given) with samples in [start, end]',
          querystring: Params,
          response: { 200: success(Type.Array(Type.String())), ...problemResponses },
        },
        handler: async (request) => {
          requireMonitor(requireActor(request), 'metrics.read');
          const p = paramsOf(request);
          const [from, to] = allTime();
          const start = parseTime(p.start, 'start', from);
          const end = parseTime(p.end, 'end', to);
          const selectors = selectorsOf(p, false);
          const names = new Set<string>();
          for (const matchers of selectors.length > 0 ? selectors : [[]]) {
            for (const n of await store.labelNames(matchers, start, end)) names.add(n);
          }
          return { status: 'success' as const, data: [...names].sort().slice(0, parseLimit(p.limit)) };
        },
      });
    }

    app.get(
      '/api/v1/prom/label/:name/values',
      {
        schema: {
          tags,
          summary:
            'Values of one label among series (matching `match[]` when given) with samples in [start, end]',
          params: Type.Object({
            name: Type.String({ minLength: 1, maxLength: metricLimits.labelNameLength }),
          }),
          querystring: Params,
          response: { 200: success(Type.Array(Type.String())), ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'metrics.read');
        const p = paramsOf(request);
        const [from, to] = allTime();
        const start = parseTime(p.start, 'start', from);
        const end = parseTime(p.end, 'end', to);
        const selectors = selectorsOf(p, false);
        const values = new Set<string>();
        for (const matchers of selectors.length > 0 ? selectors : [[]]) {
          for (const v of await store.labelValues(request.params.name, matchers, start, end)) values.add(v);
        }
        return { status: 'success' as const, data: [...values].sort().slice(0, parseLimit(p.limit)) };
      },
    );

    app.get(
      '/api/v1/prom/metadata',
      {
        schema: {
          tags,
          summary:
            'Metric metadata (type, help, unit) by metric name; opsdesk keeps none yet, so the map is empty',
          querystring: Params,
          response: {
            200: success(
              Type.Record(
                Type.String(),
                Type.Array(Type.Object({ type: Type.String(), help: Type.String(), unit: Type.String() })),
              ) as unknown as ReturnType<typeof Type.Object>,
            ),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'metrics.read');
        return { status: 'success' as const, data: {} };
      },
    );

    app.get(
      '/api/v1/prom/status/buildinfo',
      {
        schema: {
          tags,
          summary:
            'Build information in Prometheus’s shape, so clients that detect the server’s version work',
          response: {
            200: success(
              Type.Object({
                version: Type.String(),
                revision: Type.String(),
                branch: Type.String(),
                buildUser: Type.String(),
                buildDate: Type.String(),
                goVersion: Type.String(),
              }),
            ),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'metrics.read');
        // The Prometheus API version whose query and metadata endpoints this one follows.
        return {
          status: 'success' as const,
          data: {
            version: '3.0.0',
            revision: 'opsdesk',
            branch: 'opsdesk',
            buildUser: 'opsdesk',
            buildDate: '',
            goVersion: 'none',
          },
        };
      },
    );
  };
}
