// Builds a ServiceContext from a configuration: opens and migrates the database, makes the event bus; and
// registers core's own periodic job, the outbox relay. The CLI's serve uses it with the real clock and
// logger; tests use it with their own.
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { SharedCaches } from './cache-versions.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { ServiceContext } from './context.js';
import { type DbHandle, migrateToLatest, openDatabase } from './db/index.js';
import { EventBus } from './events.js';
import { ForegroundWork } from './foreground-work.js';
import type { JobScheduler } from './jobs.js';

export interface OpenContextOptions {
  clock?: Clock;
  log?: Logger;
  pgSchema?: string;
  onQuery?: (durationMs: number, failed: boolean) => void;
  migrate?: boolean;
}

export interface OpenedContext {
  ctx: ServiceContext;
  handle: DbHandle;
  applied: string[];
  close(): Promise<void>;
}

export function sqliteFileOf(config: Config): string {
  return path.join(config.dataDir, 'opsdesk.db');
}

export async function openContext(config: Config, options: OpenContextOptions = {}): Promise<OpenedContext> {
  const log = options.log ?? pino({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const pgSchema = options.pgSchema ?? config.databaseSchema ?? undefined;
  const handle = await openDatabase({
    databaseUrl: config.databaseUrl,
    sqliteFile: sqliteFileOf(config),
    pgSchema,
    poolSize: config.databasePoolSize,
    readUrl: config.databaseReadUrl,
    listenUrl: config.databaseListenUrl,
    onQuery: options.onQuery,
    log,
  });
  let applied: string[] = [];
  try {
    if (options.migrate !== false) applied = await migrateToLatest(handle.db, { pgSchema });
  } catch (err) {
    await handle.close();
    throw err;
  }
  const events = new EventBus(handle.db, handle.caps, clock, log);
  const caches = new SharedCaches(handle.db, clock);
  const ctx: ServiceContext = {
    db: handle.db,
    caps: handle.caps,
    clock,
    events,
    log,
    config,
    caches,
    foreground: new ForegroundWork(),
    ...(handle.readDb ? { readDb: handle.readDb } : {}),
  };
  return {
    ctx,
    handle,
    applied,
    close: async () => {
      ctx.deliveries?.close();
      await events.stop();
      await handle.close();
    },
  };
}

/** How often the outbox relay looks for events the fast path (its own nudges) missed. */
export const outboxRelayIntervalMs = 2_000;

/** Core's wiring: the outbox relay hands stored events to every domain's subscribers. */
export function registerEvents(ctx: ServiceContext, jobs: JobScheduler): void {
  jobs.every('outbox.relay', outboxRelayIntervalMs, () => ctx.events.dispatchPending());
}
