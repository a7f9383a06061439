// What a domain service needs, passed in: the database and its capabilities, the clock, the event bus,
// the logger and the configuration, and the caches shared across instances. Only the entry point builds the
// real ones; tests build their own.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { SharedCaches } from './cache-versions.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database, DbCapabilities } from './db/index.js';
import type { EventBus } from './events.js';
import type { ForegroundWork } from './foreground-work.js';
import type { DeliveryQueue } from './jobs.js';

export interface ServiceContext {
  db: Kysely<Database>;
  caps: DbCapabilities;
  clock: Clock;
  events: EventBus;
  log: Logger;
  config: Config;
  /** Caches that every instance on the database keeps in step (one version row per cache). */
  caches: SharedCaches;
  /** Paging and SLA clocks run as foreground work; ingest yields to it at each step (core/foreground-work.ts). */
  foreground: ForegroundWork;
  /** The delivery worker, once a domain's register made it (src/notify/delivery-worker.ts). */
  deliveries?: DeliveryQueue;
  /** A streaming replica for reads that may lag a moment (DATABASE_READ_URL); reach it through forReading. */
  readDb?: Kysely<Database>;
}

/**
 * The context for work that only reads and may see the database as it was a moment ago (exports, reports): its
 * `db` is the replica when one is configured. Never for work that writes, or that must see what was just written.
 */
export function forReading(ctx: ServiceContext): ServiceContext {
  return ctx.readDb ? { ...ctx, db: ctx.readDb } : ctx;
}
