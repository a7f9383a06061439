// Overload at the HTTP edge, in two layers. The whole service: past a mean event-loop delay, a V8 heap or a resident
// size (@fastify/under-pressure, thresholds OPSDESK_OVERLOAD_*), every request but health and /metrics is answered
// 503 service_overloaded with Retry-After. Each ingest channel (remote-write, the log endpoint, alert intake): a
// budget of requests read and stored at once and of requests waiting, unread, for a slot (core/ingest-budget.ts);
// past both, 429 ingest_overloaded with Retry-After before a byte of the body is read. A route joins a channel by
// its config (`ingestChannel`); a flooded channel fills only its own budget.
import fastifyUnderPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../core/context.js';
import { RateLimited, Unavailable } from '../core/errors.js';
import { IngestBudget } from '../core/ingest-budget.js';
import type { ServiceMetrics } from './metrics.js';

/** The HTTP ingest channels, each with a budget of its own. */
export const httpIngestChannels = ['remote_write', 'logs', 'alerts'] as const;
export type HttpIngestChannel = (typeof httpIngestChannels)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The ingest channel whose budget this route's requests take a slot of. */
    ingestChannel?: HttpIngestChannel;
    /** Answered even when the service sheds load (health, /metrics): an overloaded service must still be watched. */
    overloadExempt?: boolean;
  }
}

/** How often the process's load is sampled for the 503 thresholds. */
const pressureSampleMs = 250;

/** The whole service's thresholds: registered first, so a shed request costs the least. */
export async function registerServicePressure(
  app: FastifyInstance,
  ctx: ServiceContext,
  metrics: ServiceMetrics,
): Promise<void> {
  const { config } = ctx;
  if (!config.overloadMaxEventLoopDelayMs && !config.overloadMaxHeapBytes && !config.overloadMaxRssBytes)
    return;
  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: config.overloadMaxEventLoopDelayMs,
    maxHeapUsedBytes: config.overloadMaxHeapBytes,
    maxRssBytes: config.overloadMaxRssBytes,
    sampleInterval: pressureSampleMs,
    retryAfter: config.overloadRetryAfterSeconds,
    // A rejected promise goes to the error handler (problem+json, Retry-After); a resolved one lets the request on.
    pressureHandler: async (request, _reply, type) => {
      if (request.routeOptions.config?.overloadExempt === true) return;
      metrics.shedRequests.inc({ channel: 'service', reason: type });
      throw new Unavailable(
        'service_overloaded',
        `The service is overloaded (${type}); retry in ${config.overloadRetryAfterSeconds} s.`,
        config.overloadRetryAfterSeconds,
      );
    },
  });
}

/**
 * One budget per HTTP ingest channel. Two hooks: `shedWhenFull` before authentication, so that while a channel is full
 * a flood costs no token lookup (on PostgreSQL, a pool connection each); `take` after it, so that only a caller who
 * may send holds a slot or a place in the queue. The slot is given back when the response closes.
 */
export function httpIngestBudgets(ctx: ServiceContext, metrics: ServiceMetrics) {
  const { ingestMaxInFlight, ingestMaxQueued, overloadRetryAfterSeconds } = ctx.config;
  const budgets = new Map<HttpIngestChannel, IngestBudget>(
    httpIngestChannels.map((c) => [c, new IngestBudget(c, ingestMaxInFlight, ingestMaxQueued)]),
  );
  for (const budget of budgets.values()) metrics.watchIngestBudget(budget);

  const shed = (channel: HttpIngestChannel, budget: IngestBudget) => {
    metrics.shedRequests.inc({ channel, reason: 'budget' });
    return new RateLimited(
      'ingest_overloaded',
      `The ${channel} channel has ${budget.maxInFlight} requests in progress and ${budget.maxQueued} waiting; retry in ${overloadRetryAfterSeconds} s. Nothing of this request was kept.`,
      overloadRetryAfterSeconds,
    );
  };
  const budgetOf = (request: FastifyRequest) => {
    const channel = request.routeOptions.config?.ingestChannel;
    const budget = channel ? budgets.get(channel) : undefined;
    return channel && budget ? { channel, budget } : null;
  };

  return {
    shedWhenFull: async (request: FastifyRequest): Promise<void> => {
      const of = budgetOf(request);
      if (!of?.budget.full()) return;
      of.budget.countShed();
      throw shed(of.channel, of.budget);
    },
    take: async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const of = budgetOf(request);
      if (!of) return;
      const entry = of.budget.enter();
      if (entry === null) throw shed(of.channel, of.budget);
      // 'close' comes once the response is sent, or when the client goes away first.
      const raw = reply.raw;
      if ('slot' in entry) {
        raw.once('close', entry.slot);
        // Paging and SLA clocks first (core/foreground-work.ts): the body is read once their work has run.
        await ctx.foreground.yieldTo();
        return;
      }
      // A client that goes away while waiting leaves the queue (its promise is then never kept, and collected). The
      // slot is granted and this hook resumes in one turn of the loop, so no 'close' can fall between the two.
      raw.once('close', entry.abandon);
      const release = await entry.wait;
      raw.off('close', entry.abandon);
      raw.once('close', release);
      await ctx.foreground.yieldTo();
    },
  };
}
