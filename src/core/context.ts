// What a domain service needs, passed in: the database and its capabilities, the clock, the event bus,
// the logger and the configuration. Only the entry point builds the real ones; tests build their own.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database, DbCapabilities } from './db/index.js';
import type { EventBus } from './events.js';

export interface ServiceContext {
  db: Kysely<Database>;
  caps: DbCapabilities;
  clock: Clock;
  events: EventBus;
  log: Logger;
  config: Config;
}
