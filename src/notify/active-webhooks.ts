// Which webhooks are active, remembered per context so the outbox relay can skip the webhook fan-out —
// a query and its share of the event's work — while none is. Only where this process sees every change:
// on SQLite (one process) every write goes through createWebhook / updateWebhook / deleteWebhook, which
// forget it inside their transaction; on PostgreSQL another instance may change them, so nothing is kept.
import type { ServiceContext } from '../core/context.js';
import type { EventType } from '../core/events.js';

export interface ActiveWebhook {
  id: number;
  events: EventType[];
}

const known = new WeakMap<object, readonly ActiveWebhook[]>();
const generations = new WeakMap<object, number>();

function generation(ctx: ServiceContext): number {
  return generations.get(ctx) ?? 0;
}

/** False only when this process knows that no active webhook wants `type`. */
export function activeWebhookMayWant(ctx: ServiceContext, type: EventType): boolean {
  const hooks = known.get(ctx);
  return hooks === undefined || hooks.some((h) => h.events.length === 0 || h.events.includes(type));
}

/** Call inside the transaction that changes a webhook: the next fan-out reads the table again. */
export function forgetActiveWebhooks(ctx: ServiceContext): void {
  known.delete(ctx);
  generations.set(ctx, generation(ctx) + 1);
}

/** Read before querying the table; pass to rememberActiveWebhooks with what the query found. */
export function activeWebhooksGeneration(ctx: ServiceContext): number {
  return generation(ctx);
}

/** Keep what a fan-out read, unless a change came in since `at` (or other processes may change it). */
export function rememberActiveWebhooks(
  ctx: ServiceContext,
  at: number,
  hooks: readonly ActiveWebhook[],
): void {
  if (!ctx.caps.multiInstance && generation(ctx) === at) known.set(ctx, hooks);
}
