// Notifications' face: outgoing webhooks today (email and chat channels later).
import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';

/** Subscribe to domain events and schedule deliveries. Called once by `opsdesk serve`. */
export function registerNotify(_ctx: ServiceContext, _jobs: JobScheduler): void {}
